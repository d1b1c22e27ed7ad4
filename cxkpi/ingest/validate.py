"""Checks on mapped rows before anything is written. Errors reject the whole file; warnings do not.

Rules (docs/ingest.md):
- a mapping without a column for a table's required field is an error (file level);
- a row without a key or a required value is left out with a warning (e.g. a response with no date);
- the same key twice in one file is an error (which row is right?);
- a score outside its declared scale is an error (a 0–10 answer is not a 1–5 answer);
- a later timestamp before the row's created_at (solved/first reply before creation) is a warning, and
  that timestamp is cleared so no negative duration reaches a metric; a negative duration likewise;
- unknown interval / outcome / kind values are errors; an id mangled by Excel ('2,15E+14') is an error.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cxkpi.ingest import values as V
from cxkpi.ingest.frame import KINDS, REQUIRED, Mapped
from cxkpi.ingest.problems import Problem, Problems, summarize_rows
from cxkpi.store.schema import NATURAL_KEYS

__all__ = ["Problem", "Problems", "validate"]

INTERVALS = {"day", "week", "month", "quarter", "year"}
_INTERVAL_WORDS = {
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "yearly": "year",
    "annual": "year",
    "annually": "year",
    "months": "month",
    "years": "year",
    "days": "day",
    "weeks": "week",
    "quarters": "quarter",
    "mese": "month",
    "anno": "year",
    "月": "month",
    "年": "year",
}
OUTCOMES = {"renewed", "churned", "open"}
EARLIEST = pd.Timestamp("1990-01-01")  # no CS tool's export has real events before this
SCHEDULED = {"due_date", "ended_at"}
# Later timestamp -> the one it cannot precede.
ORDER = {
    "tickets": [("first_reply_at", "created_at"), ("solved_at", "created_at")],
    "subscriptions": [("ended_at", "started_at")],
    "accounts": [("churned_at", "created_at")],
}


def _origin(m: Mapped, table: str, col: str) -> str | None:
    return m.mapping.get(table, {}).get(col)


def _flag(
    m: Mapped,
    table: str,
    df: pd.DataFrame,
    bad: pd.Series,
    message: str,
    col: str,
    values: pd.Series | None = None,
    severity: str = "error",
) -> bool:
    """Report the rows where `bad` holds (one problem per row, capped), with each row's value (the
    column's own, unless `values` gives the cells as read) under the export's header of `col`."""
    if not bad.any():
        return False
    shown = df[col] if values is None else values
    m.problems.cells(severity, message, _rows(df, bad), list(shown[bad]), _origin(m, table, col))
    return True


def validate(m: Mapped) -> Mapped:
    """Check every table of `m` in place (rows may be dropped, values cleared); returns m."""
    for table, df in list(m.tables.items()):
        m.tables[table] = _table(m, table, df)
    return m


def _rows(df: pd.DataFrame, mask: pd.Series | np.ndarray) -> list[int]:
    return [int(r) for r in df.loc[np.asarray(mask, dtype=bool), "_row"]]


def _table(m: Mapped, table: str, df: pd.DataFrame) -> pd.DataFrame:
    p = m.problems
    key = [c for c in NATURAL_KEYS[table] if c != "system"]
    # 1. required columns present in the mapping
    for col in REQUIRED[table]:
        if col not in df.columns:
            if df.empty and (m.problems.errors or m.questions):
                continue  # nothing mapped yet: the error or the open question already says why
            p.add(
                "error",
                f'no column for {table}.{col}. Map it (a mapping file\'s [columns] {col} = "<header>") '
                f"or use the cxkpi template for {table}.",
            )
    if (p.errors or m.questions) and any(c not in df.columns for c in REQUIRED[table]):
        return df
    df = df.copy()
    # 2. mangled ids
    for k in key:
        s = df[k].astype(object)
        try:  # vectorized: one regex over the column, not a Python call per row
            mangled = s.str.strip().str.fullmatch(V._MANGLED.pattern).fillna(False).astype(bool)
        except AttributeError:  # no text in the column at all
            mangled = s.map(lambda v: isinstance(v, str) and V.looks_mangled_id(v))
        if mangled.any():
            p.cells(
                "error",
                "this id was turned into scientific notation by Excel, so rows cannot be told apart. "
                "Export again and upload the file without opening it in Excel (or format the column as Text).",
                _rows(df, mangled),
                list(s[mangled]),
                _origin(m, table, k),
            )
    # 3. rows without a key or required value: left out with a warning
    flagged = {(e.row, e.column) for e in p.errors}
    for col in REQUIRED[table]:
        col_s = df[col]
        blank = _blank(col_s)
        missing = col_s.isna() | blank
        origin = _origin(m, table, col)
        # an unparseable cell is an error already
        bad_rows = {r for r, o in flagged if o == origin}
        already = df["_row"].isin(bad_rows) if bad_rows else pd.Series(False, index=df.index)
        if missing.any():
            report = missing & ~already
            if report.any():
                p.cells(
                    "warning",
                    f"no {col} ({'key' if col in key else 'value'}); this row is not loaded.",
                    _rows(df, report),
                    [""] * int(report.sum()),
                    origin or col,
                )
            m.skipped += int(missing.sum())
            df = df[~missing]
    # 4. duplicates inside the file
    if not df.empty:
        dup = df.duplicated(subset=key, keep=False)
        if dup.any():
            groups = df[dup].groupby(key, sort=False)["_row"].apply(list)
            for k, rows in list(groups.items())[:20]:
                p.add(
                    "error",
                    f"the same {'/'.join(key)} appears on {summarize_rows(rows)}; each row "
                    "must be unique. Remove the duplicate rows (or map a column that tells them apart).",
                    row=rows[1],
                    column=_origin(m, table, key[-1]),
                    value=k if not isinstance(k, tuple) else "/".join(k),
                )
    # 5. value domains
    if table == "subscriptions":
        iv = df["interval"].map(lambda v: _INTERVAL_WORDS.get(v, v) if isinstance(v, str) else v)
        df["interval"] = iv
        bad = iv.notna() & ~iv.isin(INTERVALS)
        _flag(m, table, df, bad, "is not a billing interval (day, week, month, quarter, year).", "interval")
        if "discount" in df:
            given = df["discount"].copy()
            pct = given > 1
            df.loc[pct, "discount"] = given[pct] / 100.0  # '20' in a discount column means 20 %
            bad = (df["discount"] < 0) | (df["discount"] > 1)
            message = "discount must be a fraction 0–1 or a percentage 0–100."
            _flag(m, table, df, bad, message, "discount", values=given)
    if table == "renewals":
        bad = df["outcome"].notna() & ~df["outcome"].isin(OUTCOMES)
        _flag(m, table, df, bad, "outcome must be renewed, churned or open.", "outcome")
    if table == "responses":
        df = _responses(m, df)
    # 6. impossible order of timestamps: warning, the later one cleared
    for later, first in ORDER.get(table, []):
        if later in df and first in df:
            bad = df[later].notna() & df[first].notna() & (df[later] < df[first])
            message = f"{later} is before {first}; {later} was left empty for this row (check the export's time zones)."
            if _flag(m, table, df, bad, message, later, values=df[later].map(str), severity="warning"):
                df.loc[bad, later] = pd.NaT
    _implausible_dates(m, table, df)
    for dur in ("first_reply_minutes", "handle_minutes"):
        if dur in df and _flag(
            m, table, df, df[dur] < 0, "a negative duration was left empty.", dur, severity="warning"
        ):
            df.loc[df[dur] < 0, dur] = np.nan
    for cnt in ("reopens", "agent_replies", "quantity", "interval_count"):
        if cnt in df:
            _flag(m, table, df, df[cnt] < 0, "cannot be negative.", cnt)
    return df


def _blank(s: pd.Series) -> pd.Series:
    """Cells that are text of spaces only (vectorized; a lambda per cell was a tenth of the validation)."""
    if s.dtype != object:
        return pd.Series(False, index=s.index)
    try:
        return s.str.strip().eq("").fillna(False).astype(bool)
    except AttributeError:  # no text in the column at all
        return s.map(lambda v: isinstance(v, str) and v.strip() == "").astype(bool)


def _implausible_dates(m: Mapped, table: str, df: pd.DataFrame) -> None:
    """Dates before 1990 or more than a day ahead load, with a warning: a typo, a placeholder (0001,
    9999, 1677) or a clock set wrong is more likely than a customer event."""
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    for col in df.columns:
        s = df[col]
        if s.dtype.kind != "M" or col.startswith("_"):
            continue
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        # A renewal's due date and a subscription's end (cancel at period end) are meant to lie ahead.
        ahead = s > now + pd.Timedelta(days=1) if col not in SCHEDULED else pd.Series(False, index=s.index)
        bad = s.notna() & ((s < EARLIEST) | ahead)
        if bad.any():
            m.problems.cells(
                "warning",
                f"this date is implausible (before {EARLIEST.year} or more than a day in the "
                "future); it was loaded as is — check the export.",
                _rows(df, bad),
                [str(v) for v in df.loc[bad, col]],
                _origin(m, table, col) or col,
            )


def _responses(m: Mapped, df: pd.DataFrame) -> pd.DataFrame:
    p = m.problems
    kind = df["kind"]
    _flag(
        m,
        "responses",
        df,
        kind.notna() & ~kind.isin(KINDS),
        f"kind must be one of {', '.join(KINDS)}.",
        "kind",
    )
    lo, hi = pd.to_numeric(df["scale_min"]), pd.to_numeric(df["scale_max"])
    bad_scale = lo.notna() & hi.notna() & (lo >= hi)
    _flag(m, "responses", df, bad_scale, "scale_min must be below scale_max.", "scale_min", values=lo)
    score = pd.to_numeric(df["score"])
    out = score.notna() & lo.notna() & hi.notna() & ((score < lo) | (score > hi))
    if out.any():
        cols = (
            df["_column"] if "_column" in df else pd.Series(_origin(m, "responses", "score"), index=df.index)
        )
        for col, part in df[out].groupby(cols[out].fillna(""), sort=False):
            scale = f"{part['scale_min'].iloc[0]:g}–{part['scale_max'].iloc[0]:g}"
            p.cells(
                "error",
                f"is outside this question's {scale} scale. Fix the answer, or if the question really "
                "uses another scale say so in a mapping file ([options] scale_min/scale_max, or [answers]).",
                [int(r) for r in part["_row"]],
                [f"{v:g}" for v in part["score"]],
                col or None,
            )
    return df
