"""Small helpers the source hooks share (not a source module: the leading underscore keeps it out)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from cxkpi.sources.base import Frame

# ISO 4217 currencies without minor units: API amounts are already whole units (Stripe, Chargebee).
ZERO_DECIMAL = {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
                "xaf", "xof", "xpf"}


def fill_from(fr: Frame, name: str, *headers: str, table: str | None = None) -> None:
    """Fill blanks of canonical column `name` from the first of `headers` present (per row)."""
    from cxkpi.sources.base import Field
    from cxkpi.store.schema import CANONICAL

    h = fr.col(*headers)
    if h is None:
        return
    typ = CANONICAL[table or fr.source.table].c[name].type
    other = fr.parse(h, typ, Field(names=(h,)), name)
    if name not in fr.out:
        fr.set(name, other, h)
        return
    cur = fr.out[name]
    fr.out[name] = cur.where(cur.notna(), other)
    if fr.origin.get(name) and fr.origin[name] != h:
        fr.origin[name] = f"{fr.origin[name]}, else {h}"


def epoch_or_dates(fr: Frame, name: str, *headers: str) -> None:
    """API shapes give epoch seconds; anything else goes through the date parser."""
    import pandas as pd

    h = fr.col(*headers)
    if h is None:
        return
    s = fr.cells(h)
    blank = fr.blank(s)
    filled = s[~blank]
    if len(filled) and filled.str.fullmatch(r"\d{9,11}(\.0+)?").all():
        secs = pd.to_numeric(s.where(~blank), errors="coerce")
        fr.set(name, pd.to_datetime(secs, unit="s").astype("datetime64[us]"), h)
        return
    res = fr.datetimes(s, dayfirst=fr.source.dayfirst, tz=fr.options.get("tz") or fr.source.tz)
    fr._bad(h, s, res.bad_positions, "is not a date or epoch seconds.")
    fr.set(name, res.values, h)


def minor_units(fr: Frame, name: str = "amount") -> None:
    """Cents -> units, except for zero-decimal currencies (JPY amounts are whole yen already)."""
    if name not in fr.out:
        return
    cur = fr.out.get("currency")
    zero = cur.map(lambda c: isinstance(c, str) and c.lower() in ZERO_DECIMAL) if cur is not None else False
    fr.out[name] = fr.out[name].where(zero, fr.out[name] / 100.0)


_EVERY = re.compile(r"every\s+(\d+)\s*(day|week|month|quarter|year)|(\d+)[\s-]*(day|week|month|quarter|year)s?\b",
                    re.I)
_WORDS = {"quarterly": ("month", 3), "semiannual": ("month", 6), "semi-annual": ("month", 6),
          "biannual": ("month", 6), "half-yearly": ("month", 6), "biennial": ("year", 2)}


def interval_count_from_name(names: pd.Series) -> pd.Series:
    """'every 3 months' / '6-month' in a plan name -> 3 / 6; else 1 (Stripe has no interval_count column)."""

    def one(v: Any) -> int:
        if not isinstance(v, str):
            return 1
        m = _EVERY.search(v)
        if m:
            return int(m.group(1) or m.group(3))
        for w, (_, n) in _WORDS.items():
            if w in v.lower():
                return n
        return 1

    return names.map(one).astype("int64")


def survey_from_tickets(fr: Frame, *, rating: str, scores: dict[str, float] | None, scale: tuple[float, float],
                        survey: str, when: tuple[str, ...], comment: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """CSAT answers carried on ticket rows -> responses rows (one per answered ticket, id '<ticket>:csat')."""
    import numpy as np
    import pandas as pd

    h = fr.col(rating)
    if h is None or "ticket_id" not in fr.out:
        return None
    s = fr.cells(h)
    if scores is not None:
        score = s.map(lambda v: scores.get(v.casefold(), np.nan)).astype("float64")
    else:
        nums, bad = fr.numbers(s)
        fr._bad(h, s, bad, "is not a rating.")
        score = pd.to_numeric(nums, errors="coerce").astype("float64")
    at = None
    for w in when:
        if w in fr.out:
            at = fr.out[w] if at is None else at.where(at.notna(), fr.out[w])
    mask = score.notna().to_numpy() & fr.keep
    df = pd.DataFrame({
        "response_id": fr.out["ticket_id"].map(lambda v: f"{v}:csat" if v else v),
        "ticket_id": fr.out["ticket_id"],
        "survey": survey,
        "kind": "csat",
        "score": score,
        "scale_min": float(scale[0]),
        "scale_max": float(scale[1]),
        "submitted_at": at,
    }, index=fr.text.index)
    for c in ("account_id", "email", "company", "channel"):
        if c in fr.out:
            df[c] = fr.out[c]
    ch = fr.col(*comment) if comment else None
    if ch:
        df["comment"] = fr.cells(ch).where(lambda x: x != "", None)
    df["_row"] = fr.rownum
    df["_column"] = h
    return df[mask].reset_index(drop=True)


def derive_cost_ids(dates: pd.Series, categories: pd.Series | None) -> pd.Series:
    """'2025-03-01:tooling:1': date, category and the occurrence of that pair in the file (stable when the
    same export is loaded again or extended with later months)."""
    import pandas as pd

    d = pd.to_datetime(dates, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    c = (categories if categories is not None else pd.Series("", index=dates.index)).fillna("").astype(str)
    pair = d + ":" + c.str.lower()
    n = pair.groupby(pair).cumcount() + 1
    out = pair + ":" + n.astype(str)
    return out.where(d != "", None)
