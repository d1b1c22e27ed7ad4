"""The file being mapped: its text cells by header, the canonical columns typed so far, the problems.

A Frame is what the map stage (cxkpi.ingest.mapping) and the source hooks (cxkpi/sources) work on. It types
cells (numbers, durations, dates, labels, yes/no) through cxkpi.ingest.values; it knows nothing of surveys,
label ladders or suggestions (cxkpi.ingest.surveys, .scales, .suggest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cxkpi.ingest import values as V
from cxkpi.ingest.problems import Problems, Question
from cxkpi.ingest.read import RawTable
from cxkpi.sources.base import CHANNELS, Field, Source, header_tz, norm
from cxkpi.store.schema import CANONICAL

BOOKKEEPING = ("load_id", "system", "linked_account_id")
KINDS = ("csat", "ces", "nps", "esat")

# Columns a row of each table cannot do without (besides its key): a row missing one is skipped with a
# warning; a mapping that has no column for one is an error.
REQUIRED: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "subscriptions": ("subscription_id", "amount", "interval", "started_at"),
    "payments": ("payment_id", "amount", "paid_at"),
    "renewals": ("renewal_id", "due_date", "outcome"),
    "tickets": ("ticket_id", "created_at"),
    "responses": ("response_id", "kind", "score", "scale_min", "scale_max", "submitted_at"),
    "costs": ("cost_id", "date", "amount"),
}


def canonical_columns(table: str) -> list[str]:
    return [c.name for c in CANONICAL[table].columns if c.name not in BOOKKEEPING]


@dataclass
class Mapped:
    """The canonical rows a file yields, before anything is written."""

    source: Source
    tables: dict[str, pd.DataFrame]
    mapping: dict[str, dict[str, str]]  # table -> canonical column -> export header (or "=const")
    problems: Problems
    questions: list[Question]
    skipped: int = 0  # rows left out with a warning (not errors)
    file_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems.errors and not self.questions


class Frame:
    """A file being mapped by one source: the text cells, the parsed canonical columns, the problems."""

    def __init__(self, source: Source, raw: RawTable, options: dict[str, Any]) -> None:
        self.source = source
        self.raw = raw
        self.options = options
        self.answers: dict[str, Any] = dict(options.get("answers") or {})
        names = raw.column_names()
        self.text = (
            pd.DataFrame(raw.rows, columns=names, dtype=object)
            if raw.rows
            else pd.DataFrame(columns=names, dtype=object)
        )
        self.rownum = np.asarray(
            raw.row_numbers or range(raw.first_data_line, raw.first_data_line + len(self.text))
        )
        self.index: dict[str, str] = {}
        for n in names:
            self.index.setdefault(norm(n), n)
        for declared, header in source.aliases:  # the tool's header under the name this file gives it
            self.index.setdefault(norm(declared), header)
        self.zones = {names[i]: tz for i, tz in raw.column_timezones().items() if i < len(names)}
        self.out: dict[str, pd.Series] = {}
        self.origin: dict[str, str] = {}
        self.keep = np.ones(len(self.text), dtype=bool)
        self.problems = Problems(raw.file_name)
        self.questions: list[Question] = []
        self.skipped = 0
        self._dayfirst: bool | None = answer_bool(options.get("dayfirst"))
        self.label_scale: tuple[float, float] | None = None
        self._pending_dates: list = []  # date columns that fit both day/month orders
        self._decided: list = []  # the orders other columns proved

    # --- lookups ----------------------------------------------------------------------------------

    def col(self, *names: str) -> str | None:
        """The first of `names` present in the header (compared case/space/time-zone-insensitively)."""
        for n in names:
            hit = self.index.get(norm(n))
            if hit is not None:
                return hit
        return None

    def cells(self, header: str) -> pd.Series:
        return self.text[header].fillna("").astype(str).str.strip()

    def rows(self, positions: Any) -> list[int]:
        return [int(self.rownum[i]) for i in positions]

    def skip(self, mask: Any, reason: str, column: str | None = None) -> None:
        """Leave rows out with one warning per row (capped), e.g. Salesforce rows that are not renewals."""
        mask = np.asarray(mask, dtype=bool) & self.keep
        pos = np.flatnonzero(mask)
        if len(pos) == 0:
            return
        vals = list(self.cells(column).iloc[pos]) if column else [None] * len(pos)
        self.problems.cells("warning", reason, self.rows(pos), vals, column)
        self.keep &= ~mask
        self.skipped += len(pos)

    def drop(self, mask: Any) -> None:
        """Leave rows out silently (rows that are not data of this table at all, counted in the summary)."""
        mask = np.asarray(mask, dtype=bool) & self.keep
        self.skipped += int(mask.sum())
        self.keep &= ~mask

    def set(self, name: str, values: Any, origin: str | None = None) -> None:
        self.out[name] = (
            pd.Series(values, index=self.text.index) if not isinstance(values, pd.Series) else values
        )
        if origin:
            self.origin[name] = origin

    # --- value parsers for the source hooks (sources are declarations: they never import ingest) -----

    def blank(self, s: pd.Series) -> pd.Series:
        """True where a cell means "no value" ('', '-', 'N/A' …)."""
        return s.isin(V.BLANKS)

    def numbers(self, s: pd.Series) -> tuple[pd.Series, list[int]]:
        """Numbers of text cells (locale separators, currency signs) and the positions that are not numbers."""
        return V.parse_numbers(s)

    def datetimes(self, s: pd.Series, *, dayfirst: bool | None, tz: str | None) -> Any:
        """Timestamps of text cells (values, bad_positions, format …): see values.parse_datetimes."""
        return V.parse_datetimes(s, dayfirst=dayfirst, tz=tz)

    # --- typing cells -----------------------------------------------------------------------------

    def parse_field(self, table: str, name: str, f: Field) -> None:
        if f.const is not None:
            self.set(
                name,
                pd.Series([f.const] * len(self.text), index=self.text.index, dtype=object),
                f"={f.const}",
            )
            return
        header = self.col(*f.names)
        if header is None:
            return
        col = CANONICAL[table].c[name]
        self.origin[name] = header
        self.out[name] = self.parse(header, col.type, f, name)

    def parse(self, header: str, typ: sa.types.TypeEngine, f: Field, name: str = "") -> pd.Series:
        s = self.cells(header)
        blank = s.isin(V.BLANKS)
        if f.values is not None or name in (self.options.get("values") or {}):
            s = self._labels(header, s, blank, f, name)
            if not isinstance(typ, sa.String):
                s = s.astype(object)
            blank = s.isna()
            if (
                not isinstance(typ, sa.String | sa.Boolean)
                and not s[~blank].map(lambda v: isinstance(v, str)).any()
            ):
                return pd.to_numeric(s, errors="coerce")
            if isinstance(typ, sa.String):
                return s
            s = s.where(~blank, "").astype(str)
        if isinstance(typ, sa.DateTime | sa.Date):
            return self._dates(header, s)
        if isinstance(typ, sa.Boolean):
            vals, bad = V.parse_bool(s)
            self._bad(header, s, bad, "is not yes/no (true/false, yes/no, 1/0).")
            return vals
        if isinstance(typ, sa.Integer | sa.Float):
            if f.unit:
                try:
                    vals, bad = V.parse_duration(s, f.unit)
                except ValueError as e:
                    self.problems.add(
                        "error", f"{e}. Say the unit in a mapping file ([options] unit).", column=header
                    )
                    return pd.Series(np.nan, index=s.index)
                self._bad(header, s, bad, f"is not a duration in {f.unit}.")
            else:
                vals, bad = V.parse_numbers(s)
                bad = sorted(set(bad) | set(not_numberlike(s)))
                self._bad(header, s, bad, "is not a number.")
            vals = pd.to_numeric(vals, errors="coerce").astype("float64")
            if f.scale is not None:
                vals = vals * f.scale
            return vals
        # text
        out = s.where(~blank, None).astype(object)
        if f.lower:
            out = out.map(lambda v: v.lower() if isinstance(v, str) else v)
        if f.upper:
            out = out.map(lambda v: v.upper() if isinstance(v, str) else v)
        if f.channel:
            out = out.map(lambda v: CHANNELS.get(v.lower(), v.lower()) if isinstance(v, str) else v)
        return out

    def _labels(self, header: str, s: pd.Series, blank: pd.Series, f: Field, name: str = "") -> pd.Series:
        table = {str(k).casefold(): v for k, v in (f.values or {}).items()}
        given = self.options.get("values") or {}
        override = given.get(name) or given.get(header) or {}
        table.update({str(k).casefold(): v for k, v in override.items()})

        def one(v: str) -> Any:
            return table.get(v.casefold(), MISSING)

        mapped = s.map(one)
        unknown = (~blank) & mapped.map(lambda v: v is MISSING)
        other = f.other if f.values is not None else "keep"  # user [values] only translate what they list
        if unknown.any():
            if other == "keep":
                mapped[unknown] = s[unknown]
            elif other == "null":
                mapped[unknown] = None
            else:
                pos = np.flatnonzero(unknown.to_numpy())
                known = ", ".join(sorted({str(k) for k in (f.values or {})}))[:300]
                self.problems.cells(
                    "error",
                    f"is not a value cxkpi knows here (known: {known}). Add it to a "
                    "mapping file's [values] table.",
                    self.rows(pos),
                    list(s.iloc[pos]),
                    header,
                )
                mapped[unknown] = None
        mapped[blank] = None
        return mapped.where(mapped.map(lambda v: v is not MISSING), None)

    def _bad(self, header: str, s: pd.Series, bad: list[int], what: str) -> None:
        bad = [int(b) for b in bad if self.keep[int(b)]]
        if bad:
            self.problems.cells(
                "error",
                f"{what} Fix the cell or clear it, then upload again.",
                self.rows(bad),
                list(s.iloc[bad]),
                header,
            )

    def _dates(self, header: str, s: pd.Series) -> pd.Series:
        tz = self.zones.get(header) or header_tz(header) or self.options.get("tz") or self.source.tz
        dayfirst = self._dayfirst if self._dayfirst is not None else self.source.dayfirst
        res = V.parse_datetimes(s, dayfirst=dayfirst, tz=tz)
        if res.ambiguous:
            self._pending_dates.append((header, s, tz))
            return res.values
        if res.dayfirst is not None and self._dayfirst is None:
            self._decided.append(res.dayfirst)
        self._bad(header, s, res.bad_positions, f"is not a date ({res.format or 'format not recognised'}).")
        return res.values

    def settle_dates(self, table: str) -> None:
        """Columns whose every date fits both day/month orders take the order another column proved,
        else the user's answer, else a question."""
        if not self._pending_dates:
            return
        choice = self._dayfirst
        if choice is None and self._decided and len(set(self._decided)) == 1:
            choice = self._decided[0]
        if choice is None:
            choice = answer_bool(self.answers.get("dayfirst"))
        if choice is None:
            header, s, _ = self._pending_dates[0]
            samples = [v for v in s if v][:3]
            self.questions.append(
                Question(
                    id="dayfirst",
                    prompt=(
                        f"Dates in {self.raw.file_name} (column '{header}', e.g. {', '.join(samples)}) could be "
                        "day/month or month/day. Is the day first?"
                    ),
                    choices=["yes", "no"],
                    column=header,
                    samples=samples,
                )
            )
            return
        for header, s, tz in self._pending_dates:
            res = V.parse_datetimes(s, dayfirst=choice, tz=tz)
            self._bad(
                header, s, res.bad_positions, f"is not a date ({res.format or 'format not recognised'})."
            )
            for name, origin in self.origin.items():
                if origin == header and name in self.out:
                    self.out[name] = res.values
        self._pending_dates = []


MISSING = object()
# What a number cell may look like: '1,234.56', '1.234,56', '12,5', 'USD 1,234', '$1,234.56', '(12.00)', '45%',
# '2.15E+14'. values.parse_numbers also pulls digits out of text ('abc12' -> 12); a cell that is not
# number-like is an error here, not a number.
NUMLIKE = re.compile(
    r"^\(?\s*[-+]?\s*(?:[A-Za-z]{3}\s?|[$€£¥₹]\s?)?[-+]?\d[\d\s.,'’\u00a0\u202f]*"
    r"(?:[eE][-+]?\d+)?\s*(?:%|[A-Za-z]{3}|[$€£¥₹])?\s*\)?$"
)


def not_numberlike(s: pd.Series) -> list[int]:
    blank = s.isin(V.BLANKS)
    ok = s.str.match(NUMLIKE)
    return [int(i) for i in np.flatnonzero((~blank & ~ok.fillna(False)).to_numpy())]


def answer_bool(v: Any) -> bool | None:
    if v is None or v == "auto":
        return None
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in ("yes", "true", "1", "y", "dayfirst", "day")


def frame_of(fr: Frame, table: str) -> pd.DataFrame:
    """The kept rows of `table`'s canonical columns, with the spreadsheet row of each in `_row`."""
    cols = {name: s for name, s in fr.out.items() if name in CANONICAL[table].c}
    df = pd.DataFrame(cols, index=fr.text.index)
    df["_row"] = fr.rownum
    return df[fr.keep].reset_index(drop=True)
