"""Map a RawTable into canonical rows: apply a Source's declarations, or a user's column mapping.

The result (Mapped) holds one DataFrame per canonical table with a ``_row`` column (the spreadsheet row
each record came from), the column mapping used, the problems found while typing cells, and questions
the user must answer (ambiguous day/month order, a survey question's kind or scale) — never a guess.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cxkpi.ingest import values as V
from cxkpi.ingest.problems import Problems, Question
from cxkpi.ingest.read import RawTable
from cxkpi.sources.base import CHANNELS, LABEL_SCALES, Field, Source, Survey, header_tz, norm
from cxkpi.store.schema import CANONICAL, mappings

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


def header_signature(header: list[str]) -> str:
    """Same columns (any order, any case, any time-zone suffix) -> same signature."""
    names = sorted({norm(h) for h in header if h.strip()})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:32]


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
        self.zones = {names[i]: tz for i, tz in raw.column_timezones().items() if i < len(names)}
        self.out: dict[str, pd.Series] = {}
        self.origin: dict[str, str] = {}
        self.keep = np.ones(len(self.text), dtype=bool)
        self.problems = Problems(raw.file_name)
        self.questions: list[Question] = []
        self.skipped = 0
        self._dayfirst: bool | None = _answer_bool(options.get("dayfirst"))
        self.label_scale: tuple[float, float] | None = None

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
        if table == "responses" and name == "score" and f.values is None and not f.scale:
            # One answer per row (template, user mapping): numbers, known label ladders or '10 - Extremely likely'.
            sv = score_values(self, header)
            if sv is None:
                self.problems.add(
                    "error",
                    "these answers are neither numbers nor a label scale cxkpi knows; "
                    "give each label's score in a mapping file's [values.score] table.",
                    column=header,
                )
                self.out[name] = pd.Series(np.nan, index=self.text.index)
                return
            nums, self.label_scale, bad = sv
            self._bad(header, self.cells(header), bad, "is not a score.")
            self.out[name] = nums
            return
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
                bad = sorted(set(bad) | set(_not_numberlike(s)))
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
            return table.get(v.casefold(), _MISSING)

        mapped = s.map(one)
        unknown = (~blank) & mapped.map(lambda v: v is _MISSING)
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
        return mapped.where(mapped.map(lambda v: v is not _MISSING), None)

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

    _pending_dates: list
    _decided: list

    def settle_dates(self, table: str) -> None:
        """Columns whose every date fits both day/month orders take the order another column proved,
        else the user's answer, else a question."""
        if not self._pending_dates:
            return
        choice = self._dayfirst
        if choice is None and self._decided and len(set(self._decided)) == 1:
            choice = self._decided[0]
        if choice is None:
            choice = _answer_bool(self.answers.get("dayfirst"))
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


_MISSING = object()
# What a number cell may look like: '1,234.56', '1.234,56', '12,5', 'USD 1,234', '$1,234.56', '(12.00)', '45%',
# '2.15E+14'. values.parse_numbers also pulls digits out of text ('abc12' -> 12); a cell that is not
# number-like is an error here, not a number.
_NUMLIKE = re.compile(
    r"^\(?\s*[-+]?\s*(?:[A-Za-z]{3}\s?|[$€£¥₹]\s?)?[-+]?\d[\d\s.,'’\u00a0\u202f]*"
    r"(?:[eE][-+]?\d+)?\s*(?:%|[A-Za-z]{3}|[$€£¥₹])?\s*\)?$"
)


def _not_numberlike(s: pd.Series) -> list[int]:
    blank = s.isin(V.BLANKS)
    ok = s.str.match(_NUMLIKE)
    return [int(i) for i in np.flatnonzero((~blank & ~ok.fillna(False)).to_numpy())]


def _answer_bool(v: Any) -> bool | None:
    if v is None or v == "auto":
        return None
    if isinstance(v, bool):
        return v
    return str(v).strip().lower() in ("yes", "true", "1", "y", "dayfirst", "day")


# --- applying a source -------------------------------------------------------------------------------


def apply_source(source: Source, raw: RawTable, options: dict[str, Any] | None = None) -> Mapped:
    """Type and map every row of `raw` as `source` declares. Nothing is written."""
    options = dict(options or {})
    fr = Frame(source, raw, options)
    fr._pending_dates, fr._decided = [], []
    table = source.table
    columns = dict(source.columns)
    for name in columns:
        if name not in CANONICAL[table].c:
            raise ValueError(f"source {source.name}: {table} has no column {name!r}")
    if source.keep_rows:
        source.keep_rows(fr)
    for name, f in columns.items():
        fr.parse_field(table, name, f)
    fr.settle_dates(table)
    if source.derive:
        source.derive(fr)
    tables: dict[str, pd.DataFrame] = {}
    mapping: dict[str, dict[str, str]] = {}
    if source.survey is not None:
        df = _explode_survey(fr, source.survey)
        mapping["responses"] = dict(fr.origin)
    else:
        df = _frame_of(fr, table)
        if table == "responses":
            df = _plain_responses(fr, df)
        mapping[table] = {k: v for k, v in fr.origin.items() if k in CANONICAL[table].c}
    tables[table] = df
    for t, hook in source.extra:
        extra_df = hook(fr)
        if extra_df is not None:
            tables[t] = pd.concat([tables[t], extra_df], ignore_index=True) if t in tables else extra_df
            if "_column" in extra_df and len(extra_df):
                mapping.setdefault(t, {})["score"] = str(extra_df["_column"].iloc[0])
            for c in ("ticket_id", "account_id", "email", "company", "channel", "submitted_at"):
                if c in extra_df and c in fr.origin:
                    mapping.setdefault(t, {}).setdefault(c, fr.origin[c])
            if "ticket_id" in fr.origin:  # '<ticket>:csat': errors on the id point at the ticket id column
                mapping.setdefault(t, {}).setdefault("response_id", fr.origin["ticket_id"])
    return Mapped(source, tables, mapping, fr.problems, fr.questions, fr.skipped, len(fr.text))


def _frame_of(fr: Frame, table: str) -> pd.DataFrame:
    cols = {name: s for name, s in fr.out.items() if name in CANONICAL[table].c}
    df = pd.DataFrame(cols, index=fr.text.index)
    df["_row"] = fr.rownum
    return df[fr.keep].reset_index(drop=True)


# --- surveys --------------------------------------------------------------------------------------

_CES = re.compile(r"\b(easy|easier|ease|effort|effortless|difficult|hard to)\b|容易|费力|facile|semplice")
_NPS = re.compile(r"recommend|raccomand|consiglier|推荐|\bnps\b")
_ENPS = re.compile(r"recommend (working|(us|\w+) as an? (employer|place to work))|place to work|\benps\b")
_SAT = re.compile(
    r"satisf|happy|happiness|rate (the|your|our)|rating|how (good|well)|满意|soddisf|voto|punteggio"
)
_EMPLOYEE = re.compile(
    r"\b(job|your work|at work|working (at|in|for|here)|workplace|employee|employer|colleagues"
    r"|your (team|manager|role)|career|place to work)\b|员工|工作|lavoro|dipendent"
)
_CUSTOMER = re.compile(
    r"\b(support|service|product|agent|purchase|order|ticket|experience with (us|our)|"
    r"the help|customer|resolved|answer)\b|客服|产品|服务|assistenza|prodotto|servizio"
)
_COMMENT = re.compile(
    r"why|reason|comment|what could|what one thing|one thing|feedback|suggest|remark|improve|"
    r"anything else|tell us|explain|原因|建议|意见|perché|commento|motivo|suggeriment"
)
_SCALE_IN_TEXT = re.compile(r"\(?\b(0|1)\s*(?:-|–|to|a|~|—)\s*(5|7|10)\b\)?")


def question_text(fr: Frame, header: str, survey: Survey) -> str:
    i = list(fr.text.columns).index(header)
    texts = [header]
    for row in fr.raw.extra_header_rows[:1] if survey.text_row else []:
        if i < len(row) and row[i].strip():
            texts.insert(0, row[i].strip())
    return " — ".join(dict.fromkeys(texts))


def kind_from_text(text: str, *, employee_tool: bool = False) -> tuple[str | None, bool]:
    """(kind, sure) from a question's text; kind None = not a score question we know."""
    t = text.casefold()
    if "nps_group" in t or t.endswith("- group") or "nps group" in t:
        return None, True
    emp = bool(_EMPLOYEE.search(t))
    cust = bool(_CUSTOMER.search(t))
    from cxkpi.ingest.vocabulary import normalize, words_in

    n = normalize(text)
    # The vocabulary (nine languages) as well as the English/Italian/Chinese patterns: "¿... nos recomiende a
    # un amigo?", "友人や同僚に薦める". Only recommending the company as a place to work is employee NPS.
    if _NPS.search(t) or words_in(n, "nps"):
        if _ENPS.search(t) or words_in(n, "employer") or (emp and not cust and not words_in(n, "friend")):
            return "enps", True  # employee NPS: not a cxkpi metric, not loaded
        return "nps", True
    if _CES.search(t):
        return "ces", True
    if _SAT.search(t):
        if emp and not cust:
            return "esat", True
        if cust and not emp:
            return "csat", True
        return "csat", not employee_tool and not (emp and cust)
    return None, True


def _label_scale(values: pd.Series) -> tuple[dict[str, float], tuple[float, float]] | None:
    """The first known label ladder holding every label in the column."""
    labels = {v.casefold() for v in values}
    if not labels:
        return None
    fd = {k for k in labels if "happy" in k}
    if fd and labels <= {
        "extremely happy",
        "very happy",
        "happy",
        "neutral",
        "unhappy",
        "very unhappy",
        "extremely unhappy",
    }:
        return _freshdesk_ladder(labels)
    for ladder, scale in LABEL_SCALES:
        if labels <= set(ladder):
            return ladder, scale
    # The vocabulary's ladders (nine languages, cxkpi/vocabulary/scores.toml).
    from cxkpi.ingest.profile import match_ladder
    from cxkpi.ingest.vocabulary import normalize

    lad = match_ladder(sorted(labels))
    if lad is None:
        return None
    scores = lad.scores()
    return {v: scores[normalize(v)] for v in labels}, (1.0, float(lad.size))


def _freshdesk_ladder(labels: set[str]) -> tuple[dict[str, float], tuple[float, float]]:
    """Freshdesk's survey labels depend on the scale size: 7-point (Extremely … ), 5-point (Very … ),
    3-point (Happy / Neutral / Unhappy). The largest label seen decides (see docs/ingest.md)."""
    if labels & {"extremely happy", "extremely unhappy"}:
        return (
            {
                "extremely happy": 7,
                "very happy": 6,
                "happy": 5,
                "neutral": 4,
                "unhappy": 3,
                "very unhappy": 2,
                "extremely unhappy": 1,
            },
            (1, 7),
        )
    if labels & {"very happy", "very unhappy"}:
        return ({"very happy": 5, "happy": 4, "neutral": 3, "unhappy": 2, "very unhappy": 1}, (1, 5))
    return ({"happy": 3, "neutral": 2, "unhappy": 1}, (1, 3))


_LEADING_NUM = re.compile(r"^\s*(\d{1,2})(?:\s*[-–:=.]\s*\D.*|\s*\(.*\)|\s+\D.*)?$")


def score_values(fr: Frame, header: str) -> tuple[pd.Series, tuple[float, float] | None, list[int]] | None:
    """A score column's numbers, the scale its labels imply (None for plain numbers), and the positions
    of unparseable cells; None when the column is not scores at all (free text)."""
    s = fr.cells(header)
    filled = s[~s.isin(V.BLANKS) & pd.Series(fr.keep, index=s.index)]
    if filled.empty:
        return pd.Series(np.nan, index=s.index), None, []
    nums, bad = V.parse_numbers(s)
    bad = [b for b in sorted(set(bad) | set(_not_numberlike(s))) if fr.keep[b]]
    if len(bad) <= max(0, len(filled) // 20):
        return pd.to_numeric(nums, errors="coerce").astype("float64"), None, bad
    found = _label_scale(filled)
    if found:
        ladder, scale = found
        return s.map(lambda v: ladder.get(v.casefold(), np.nan)).astype("float64"), scale, []
    lead = filled.map(lambda v: _LEADING_NUM.match(v))
    if lead.map(bool).mean() >= 0.95:  # choice text like "10 - Extremely likely"
        vals = s.map(lambda v: float(m.group(1)) if (m := _LEADING_NUM.match(v)) else np.nan)
        badpos = [
            i for i in np.flatnonzero(~s.isin(V.BLANKS).to_numpy() & vals.isna().to_numpy()) if fr.keep[i]
        ]
        return vals.astype("float64"), None, badpos
    return None


def infer_scale(kind: str, text: str, vals: pd.Series) -> tuple[tuple[float, float] | None, str]:
    """The scale of a numeric score column: stated in the text, fixed by the kind (NPS 0–10), or read off
    the values when their maximum is a scale's top (5, 7, 10). Otherwise None: ask."""
    m = _SCALE_IN_TEXT.search(text)
    if m:
        return (float(m.group(1)), float(m.group(2))), "stated in the question"
    if kind in ("nps", "enps"):
        return (0.0, 10.0), "NPS is 0–10"
    v = vals.dropna()
    if v.empty:
        return None, "no answers"
    lo, hi = float(v.min()), float(v.max())
    if hi == 10:
        return (0.0 if lo == 0 else 1.0, 10.0), "highest answer is 10"
    if hi in (5.0, 7.0) and lo >= 1:  # a 1–5 or 1–7 scale is the only common one topping out there
        return (1.0, hi), f"highest answer is {hi:g}"
    return None, f"answers run {lo:g}–{hi:g}"


def _scale_answer(v: Any) -> tuple[float, float] | None:
    if v is None:
        return None
    if isinstance(v, list | tuple):
        return float(v[0]), float(v[1])
    m = re.match(r"^\s*(-?\d+)\s*(?:-|–|to|\.\.)\s*(\d+)\s*$", str(v))
    return (float(m.group(1)), float(m.group(2))) if m else None


def _explode_survey(fr: Frame, survey: Survey) -> pd.DataFrame:
    """One responses row per respondent × answered score question."""
    used = set(fr.origin.values())
    skip = {norm(s) for s in survey.skip}
    opts_kind = fr.options.get("kind")
    opts_scale = _scale_answer(
        fr.options.get("scale")
        or ((fr.options["scale_min"], fr.options["scale_max"]) if "scale_min" in fr.options else None)
    )
    found: list[tuple[str, str, tuple[float, float] | None, pd.Series]] = []  # header, kind, scale, scores
    explicit = {}
    for names, kind, scale in survey.questions:
        h = fr.col(*names)
        if h:
            explicit[h] = (kind, scale)
    candidates = [h for h in fr.text.columns if h not in used and norm(h) not in skip]
    if explicit:  # a tool whose score columns are known: nothing else is a question
        candidates = [h for h in candidates if h in explicit]
    comment_cols: list[str] = []
    for h in candidates:
        text = question_text(fr, h, survey)
        qid = f"kind:{h}"
        if h in explicit:
            kind, scale = explicit[h]
            if kind is None:  # the kind is the user's (answers/options) or the tool's default
                kind = fr.answers.get(qid) or opts_kind or survey.default_kind
                if kind != survey.default_kind:
                    scale = None
            sure = True
        else:
            kind, sure = kind_from_text(text, employee_tool=survey.employee)
            scale = None
        sv = score_values(fr, h)
        if sv is None:  # free text
            if _COMMENT.search(text.casefold()):
                comment_cols.append(h)
            continue
        if kind is None and survey.default_kind and not found and h not in explicit:
            kind, sure = survey.default_kind, True
            scale = survey.default_scale
        answered = fr.answers.get(qid) or (opts_kind if opts_kind and kind is not None else None)
        if answered:
            kind, sure = str(answered).lower(), True
        if kind is None:
            nums = sv[0][fr.keep].dropna()
            if len(nums) and sv[1] is None and nums.min() >= 0 and nums.max() <= 10 and (nums % 1 == 0).all():
                # Answers that look like scores are never dropped without a word.
                fr.problems.add(
                    "warning",
                    "looks like a score question (answers 0–10) but its text says neither "
                    "satisfaction, ease nor recommend: not loaded. Map it in a mapping file to load it.",
                    column=h,
                )
            continue  # a numeric column that is not a question we know (e.g. Duration, Progress)
        if kind in ("enps", "skip"):
            fr.problems.add(
                "warning", "employee NPS / skipped question: not a cxkpi metric, not loaded.", column=h
            )
            continue
        if not sure:
            fr.questions.append(
                Question(
                    id=qid,
                    prompt=f"Is '{text}' a customer (csat) or employee (esat) satisfaction question?",
                    choices=["csat", "esat", "ces", "nps", "skip"],
                    column=h,
                    default="csat",
                )
            )
            continue
        if kind not in KINDS:
            fr.problems.add("error", f"kind {kind!r} is not one of {', '.join(KINDS)} or skip.", column=h)
            continue
        nums, label_scale, bad = sv
        fr._bad(h, fr.cells(h), bad, "is not a score.")
        scale = _scale_answer(fr.answers.get(f"scale:{h}")) or scale or label_scale or opts_scale
        if scale is None:
            scale, why = infer_scale(kind, text, nums[fr.keep])
            if scale is None:
                fr.questions.append(
                    Question(
                        id=f"scale:{h}",
                        prompt=f"What scale is '{text}' on? ({why})",
                        choices=["1-5", "1-7", "0-10", "1-10"],
                        column=h,
                    )
                )
                continue
        found.append((h, kind, scale, nums))
    if not found and not fr.questions:
        fr.problems.add(
            "error",
            "no score question found (satisfaction, ease, likely-to-recommend). Map the "
            'score column in a mapping file ([columns] score = "…", [options] kind/scale).',
        )
    base = _frame_of(fr, "responses")
    keep_idx = np.flatnonzero(fr.keep)
    parts = []
    per_kind: dict[str, int] = {}
    for i, (h, kind, scale, nums) in enumerate(found):
        per_kind[kind] = per_kind.get(kind, 0) + 1
        suffix = kind if per_kind[kind] == 1 else f"{kind}{per_kind[kind]}"
        part = base.copy()
        part["score"] = nums.to_numpy()[keep_idx]
        part["kind"] = kind
        part["scale_min"], part["scale_max"] = scale
        part["survey"] = (
            fr.options.get("survey") or fr.source.survey.survey_name or question_text(fr, h, survey)[:200]
        )
        part["_column"] = h
        if "response_id" in part:
            part["response_id"] = part["response_id"].map(lambda v, sfx=suffix: f"{v}:{sfx}" if v else v)
        # A comment column belongs to the nearest score question on its left.
        cols = list(fr.text.columns)
        mine = [
            c
            for c in comment_cols
            if cols.index(c) > cols.index(h)
            and all(not (cols.index(h) < cols.index(o) < cols.index(c)) for o, *_ in found)
        ]
        if "comment" not in fr.origin and (
            mine
            or (
                i == 0
                and comment_cols
                and not any(cols.index(c) > cols.index(found[0][0]) for c in comment_cols)
            )
        ):
            cc = mine[0] if mine else comment_cols[0]
            part["comment"] = fr.cells(cc).where(lambda x: x != "", None).to_numpy()[keep_idx]
            fr.origin.setdefault(f"comment ({kind})", cc)
        fr.origin[f"score ({suffix})"] = h
        answered = part["score"].notna()
        parts.append(part[answered.to_numpy()])
    if not parts:
        return base.iloc[0:0].assign(score=pd.Series(dtype="float64"))
    out = pd.concat(parts, ignore_index=True)
    kc = fr.col(*survey.kind_column) if survey.kind_column else None
    if kc is not None and not fr.answers.get(f"kind:{found[0][0]}") and not opts_kind:
        out = _kinds_per_row(fr, survey, kc, out)
    return out


def _kinds_per_row(fr: Frame, survey: Survey, kc: str, out: pd.DataFrame) -> pd.DataFrame:
    """A `Survey type` column gives each row its kind and scale (Delighted exports several surveys)."""
    table = survey.kind_values or {}
    pos = {int(r): i for i, r in enumerate(fr.rownum)}
    types = fr.cells(kc)
    kinds, mins, maxs, keep = [], [], [], []
    for r in out["_row"]:
        t = types.iloc[pos[int(r)]].casefold()
        if t == "":
            kinds.append(None)
            mins.append(None)
            maxs.append(None)
            keep.append(True)
            continue
        hit = table.get(t, _MISSING)
        if hit is _MISSING:
            fr.problems.add(
                "error",
                f"survey type not known ({', '.join(table)}); give [options] kind in a mapping file.",
                row=int(r),
                column=kc,
                value=t,
            )
            hit = None
        keep.append(hit is not None)
        kinds.append(hit[0] if hit else None)
        mins.append(hit[1][0] if hit else None)
        maxs.append(hit[1][1] if hit else None)
    k = pd.Series(kinds, index=out.index)
    out["kind"] = k.where(k.notna(), out["kind"])
    out["scale_min"] = pd.Series(mins, index=out.index, dtype="float64").fillna(out["scale_min"])
    out["scale_max"] = pd.Series(maxs, index=out.index, dtype="float64").fillna(out["scale_max"])
    out["response_id"] = out["response_id"].str.replace(r":[a-z]+\d*$", "", regex=True) + ":" + out["kind"]
    return out[keep].reset_index(drop=True)


def _plain_responses(fr: Frame, df: pd.DataFrame) -> pd.DataFrame:
    """A responses file with one answer per row (the canonical template, a user's mapping): fill kind and
    scale from options/answers, or infer the scale; ask when unsure."""
    opts = fr.options
    if "survey" not in df or df["survey"].isna().all():
        # The survey's name: the user's, else the question text of the score column.
        name = opts.get("survey") or (fr.origin.get("score") if fr.source.system != "cxkpi" else None)
        if name:
            df["survey"] = str(name)[:200]
    if "kind" not in df or df["kind"].isna().all():
        kind = fr.answers.get("kind") or opts.get("kind")
        if not kind and "score" in fr.origin:
            kind, sure = kind_from_text(fr.origin["score"])
            if not sure:
                kind = None
        if not kind:
            fr.questions.append(
                Question(
                    id="kind",
                    prompt="Which kind of survey are these scores?",
                    choices=list(KINDS),
                    column=fr.origin.get("score"),
                )
            )
            return df
        df["kind"] = str(kind).lower()
    if "scale_min" not in df or df["scale_min"].isna().all():
        scale = (
            _scale_answer(fr.answers.get("scale") or opts.get("scale"))
            or ((float(opts["scale_min"]), float(opts["scale_max"])) if "scale_min" in opts else None)
            or fr.label_scale
        )
        if scale is None and "score" in df:
            kinds = df["kind"].dropna().unique()
            if len(kinds) == 1:
                scale, why = infer_scale(kinds[0], fr.origin.get("score", ""), df["score"])
            else:
                why = "several kinds in one file"
            if scale is None:
                fr.questions.append(
                    Question(
                        id="scale",
                        prompt=f"What scale are the scores on? ({why})",
                        choices=["1-5", "1-7", "0-10", "1-10"],
                        column=fr.origin.get("score"),
                    )
                )
                return df
        if scale:
            df["scale_min"], df["scale_max"] = scale
    return df


# --- mapping specs (the TOML file / the mapping screen) ---------------------------------------------


def source_from_spec(spec: dict[str, Any], name: str = "mapping") -> Source:
    """A Source built from a user's mapping: {"table": "tickets", "columns": {"ticket_id": "Case Number"},
    "values": {"status": {"Closed Won": "renewed"}}, "options": {...}}."""
    table = spec.get("table")
    if table not in CANONICAL:
        raise ValueError(f"mapping: table must be one of {', '.join(CANONICAL)} (got {table!r})")
    opts = spec.get("options") or {}
    values = spec.get("values") or {}
    columns: dict[str, Field] = {}
    for canon, header in (spec.get("columns") or {}).items():
        if canon not in CANONICAL[table].c or canon in BOOKKEEPING:
            raise ValueError(
                f"mapping: {table} has no column {canon!r}; columns are {', '.join(canonical_columns(table))}"
            )
        names = (header,) if isinstance(header, str) else tuple(header)
        vals = values.get(canon)
        unit = (opts.get("units") or {}).get(canon)
        if unit is None and canon in ("first_reply_minutes", "handle_minutes"):
            unit = V.unit_from_header(names[0]) or "minutes"
        columns[canon] = Field(
            names=names,
            values=vals,
            other="keep" if vals is not None else None,
            unit=unit,
            channel=canon == "channel" and not vals,
            lower=canon in ("status", "channel"),
        )
    for canon, value in (spec.get("constants") or {}).items():
        columns[canon] = Field(const=value)
    scales = opts.get("scales") or {}
    for canon, factor in scales.items():
        if canon in columns:
            columns[canon] = dataclasses.replace(columns[canon], scale=float(factor))
    survey = None
    if table == "responses" and isinstance(spec.get("survey"), dict):
        # A survey mapped as a survey: the score questions with their kind and scale, not columns.
        qs = tuple(
            ((q["column"],), q.get("kind"), tuple(q["scale"]) if q.get("scale") else None)
            for q in spec["survey"].get("questions") or []
        )
        survey = Survey(questions=qs, survey_name=opts.get("survey"))
        columns.pop("score", None)
    required = tuple((f.names[0],) for f in columns.values() if f.names)
    system = str(opts.get("system") or "custom")
    extra: tuple = ()
    if table == "tickets" and "satisfaction" in columns and columns["satisfaction"].names:
        # A rating kept on the ticket is also the customer's CSAT answer (as for Zendesk and Freshdesk).
        extra = (("responses", _ticket_csat(columns["satisfaction"].names[0])),)
    return Source(
        name=name,
        label=f"column mapping {name!r}",
        system=system,
        table=table,
        required=required,
        columns=columns,
        dayfirst=_answer_bool(opts.get("dayfirst")),
        tz=opts.get("tz"),
        derive=_derive_generic,
        survey=survey,
        extra=extra,
    )


def _ticket_csat(header: str):  # noqa: ANN202
    """Ticket rows' satisfaction ratings -> CSAT responses: a known label ladder (Très satisfait…, 非常满意…)
    on 1..n, or whole numbers on 1–5 / 1–7 / 0–10. Anything else (Good/Bad, free text) stays on the ticket."""

    def csat(fr: Frame) -> pd.DataFrame | None:
        from cxkpi.sources._util import survey_from_tickets

        h = fr.col(header)
        if h is None:
            return None
        cells = fr.cells(h)
        filled = cells[~cells.isin(V.BLANKS) & pd.Series(fr.keep, index=cells.index)]
        if filled.empty:
            return None
        found = _label_scale(filled)
        if found is not None:
            ladder, scale = found
            scores: dict[str, float] | None = {k.casefold(): float(v) for k, v in ladder.items()}
        else:
            nums = pd.to_numeric(filled.str.replace(",", ".", regex=False), errors="coerce")
            if nums.isna().any() or (nums % 1 != 0).any() or nums.min() < 0:
                return None
            hi, lo = float(nums.max()), float(nums.min())
            scale = (0.0, 10.0) if hi > 7 or lo == 0 else (1.0, 7.0) if hi > 5 else (1.0, 5.0)
            scores = None
        return survey_from_tickets(
            fr,
            rating=h,
            scores=scores,
            scale=scale,
            survey=f"ticket rating ({h})",
            when=("solved_at", "created_at"),
        )

    return csat


def _derive_generic(fr: Frame) -> None:
    """Keys a plain table can lack: cost_id from date + category + occurrence."""
    t = fr.source.table
    opts = fr.options
    if t == "responses" and "response_id" not in fr.out:
        # No response id in the export: the answer's own cells identify it across later downloads.
        cells = fr.text.fillna("").astype(str).agg("\x1f".join, axis=1)
        fr.set(
            "response_id",
            cells.map(lambda k: "r-" + hashlib.sha1(k.encode()).hexdigest()[:16]).astype(object),
            "the row's cells",
        )
    if t == "payments" and "payment_id" not in fr.out and "paid_at" in fr.out:
        cells = fr.text.fillna("").astype(str).agg("\x1f".join, axis=1)
        fr.set(
            "payment_id",
            cells.map(lambda k: "p-" + hashlib.sha1(k.encode()).hexdigest()[:16]).astype(object),
            "the row's cells",
        )
    if t == "subscriptions" and opts.get("amount_is_total") and "amount" in fr.out and "quantity" in fr.out:
        # The export's amount already includes the quantity: cxkpi stores the price per unit.
        q = fr.out["quantity"].where(fr.out["quantity"] > 0)
        fr.out["amount"] = (fr.out["amount"] / q).where(q.notna(), fr.out["amount"])
    if t == "tickets" and opts.get("zero_means_unanswered") and "first_reply_minutes" in fr.out:
        # 0:00:00 on a ticket nobody answered is "never answered", not an instant reply.
        frm = fr.out["first_reply_minutes"]
        unanswered = frm == 0
        if "agent_replies" in fr.out:
            unanswered &= fr.out["agent_replies"].fillna(0) == 0
        fr.out["first_reply_minutes"] = frm.where(~unanswered)
    if t == "renewals" and "outcome" in fr.out:
        out = fr.out["outcome"]
        fr.out["outcome"] = out.where(out.isin(["renewed", "churned", "open"]) | out.isna(), "open")
    if t == "costs" and "date" in fr.out:
        derived = derive_cost_ids(fr.out["date"], fr.out.get("category"))
        cur = fr.out.get("cost_id")
        if cur is None or cur.isna().any():
            fr.set(
                "cost_id",
                derived if cur is None else cur.where(cur.notna(), derived),
                (fr.origin.get("cost_id", "") + " else " if cur is not None else "") + "date + category",
            )


def derive_cost_ids(dates: pd.Series, categories: pd.Series | None) -> pd.Series:
    """'2025-03-01:tooling:1': date, category and the occurrence of that pair in the file (stable when the
    same export is loaded again or extended with later months)."""
    d = pd.to_datetime(dates, errors="coerce").dt.strftime("%Y-%m-%d").fillna("")
    c = (categories if categories is not None else pd.Series("", index=dates.index)).fillna("").astype(str)
    pair = d + ":" + c.str.lower()
    n = pair.groupby(pair).cumcount() + 1
    out = pair + ":" + n.astype(str)
    return out.where(d != "", None)


# --- suggestions for unknown files ------------------------------------------------------------------

SYNONYMS: dict[str, list[str]] = {
    "account_id": [
        "account id",
        "customer id",
        "client id",
        "company id",
        "external id",
        "external reference",
        "客户编号",
        "客户id",
        "id cliente",
        "codice cliente",
    ],
    "company": [
        "company",
        "company name",
        "organization",
        "organisation",
        "account name",
        "customer",
        "client",
        "客户",
        "公司",
        "公司名称",
        "客户名称",
        "azienda",
        "cliente",
        "società",
        "ragione sociale",
    ],
    "email": [
        "email",
        "e-mail",
        "email address",
        "mail",
        "requester email",
        "customer email",
        "邮箱",
        "电子邮件",
        "邮件",
        "posta elettronica",
        "indirizzo email",
    ],
    "name": ["name", "company name", "account name", "名称", "公司名称", "nome", "ragione sociale"],
    "submitted_at": [
        "submitted at",
        "submit date",
        "timestamp",
        "date",
        "response date",
        "completed at",
        "提交答卷时间",
        "提交时间",
        "日期",
        "时间",
        "data",
        "data risposta",
        "data invio",
    ],
    "score": [
        "score",
        "rating",
        "satisfaction",
        "csat",
        "nps",
        "满意度",
        "满意",
        "评分",
        "分数",
        "打分",
        "punteggio",
        "voto",
        "valutazione",
        "soddisfazione",
    ],
    "comment": [
        "comment",
        "comments",
        "feedback",
        "remark",
        "reason",
        "意见",
        "建议",
        "评论",
        "commento",
        "note",
    ],
    "response_id": ["response id", "respondent id", "id", "#", "序号", "编号", "id risposta"],
    "ticket_id": [
        "ticket id",
        "ticket",
        "case number",
        "case id",
        "conversation id",
        "id",
        "工单",
        "工单号",
        "工单编号",
        "numero ticket",
        "ticket n",
        "id ticket",
    ],
    "channel": ["channel", "via", "source", "medium", "渠道", "来源", "canale"],
    "created_at": [
        "created at",
        "created",
        "created date",
        "date opened",
        "opened",
        "创建时间",
        "data creazione",
        "data apertura",
        "data",
    ],
    "solved_at": [
        "solved at",
        "resolved at",
        "closed at",
        "resolved time",
        "closed date",
        "date closed",
        "解决时间",
        "关闭时间",
        "data chiusura",
        "data risoluzione",
    ],
    "first_reply_at": ["first reply at", "first response at", "首次响应时间", "data prima risposta"],
    "status": ["status", "state", "stage", "状态", "stato"],
    "amount": ["amount", "price", "total", "value", "mrr", "金额", "importo", "valore", "prezzo"],
    "currency": ["currency", "货币", "币种", "valuta"],
    "date": ["date", "day", "period", "month", "日期", "data", "periodo", "mese"],
    "category": ["category", "type", "类别", "categoria", "tipo"],
    "due_date": [
        "due date",
        "renewal date",
        "close date",
        "end date",
        "到期日",
        "续约日期",
        "data rinnovo",
        "scadenza",
    ],
    "outcome": ["outcome", "result", "stage", "结果", "esito"],
    "started_at": ["start date", "started at", "start", "开始时间", "data inizio"],
    "ended_at": ["end date", "ended at", "canceled at", "cancelled at", "结束时间", "data fine"],
    "plan": ["plan", "product", "套餐", "piano"],
    "interval": ["interval", "billing period", "计费周期", "periodicità"],
    "paid_at": ["paid at", "payment date", "date", "支付时间", "data pagamento"],
    "payment_id": ["payment id", "invoice id", "invoice number", "id", "fattura", "numero fattura"],
    "subscription_id": ["subscription id", "id", "订阅编号", "abbonamento"],
    "renewal_id": ["renewal id", "opportunity id", "deal id", "id"],
    "cost_id": ["cost id", "id"],
    "agent": ["agent", "assignee", "owner", "客服", "负责人", "operatore", "agente"],
    "subject": ["subject", "title", "主题", "标题", "oggetto"],
    "respondent": ["respondent", "name", "full name", "姓名", "nome"],
    "reopens": ["reopens", "reopened", "重开次数", "riaperture"],
    "agent_replies": ["agent replies", "replies", "agent interactions", "回复次数", "risposte"],
    "segment": ["segment", "tier", "细分", "segmento"],
    "region": ["region", "country", "地区", "区域", "regione", "paese"],
    "owner": ["owner", "csm", "account owner", "负责人", "responsabile"],
    "created_at_accounts": [],
}

TABLE_WORDS: dict[str, list[str]] = {
    "tickets": ["ticket", "case", "conversation", "工单", "solved", "reply", "reopen", "agent", "priority"],
    "responses": [
        "score",
        "rating",
        "satisf",
        "recommend",
        "满意",
        "survey",
        "response",
        "punteggio",
        "questionario",
        "问卷",
        "答卷",
    ],
    "subscriptions": ["subscription", "plan", "interval", "mrr", "abbonamento"],
    "payments": ["invoice", "payment", "paid", "fattura", "pagamento"],
    "renewals": ["renewal", "opportunity", "rinnovo", "续约"],
    "accounts": ["company", "domain", "segment", "industry", "azienda"],
    "costs": ["cost", "expense", "spend", "costo", "spesa", "费用"],
}


@dataclass
class Suggestion:
    """A proposed mapping for an unrecognized file; the user confirms or edits it."""

    table: str
    columns: dict[str, str]  # canonical -> export header
    scores: dict[str, float]  # canonical -> match confidence 0..100
    missing: list[str]  # required canonical columns without a match
    table_scores: dict[str, float] = field(default_factory=dict)

    def spec(self) -> dict[str, Any]:
        return {"table": self.table, "columns": dict(self.columns)}


def suggest_mapping(raw: RawTable, table: str | None = None) -> Suggestion:
    """Fuzzy-match headers to canonical columns (English, Chinese and Italian synonyms)."""
    from rapidfuzz import fuzz

    headers = [h for h in raw.column_names()]
    normed = {h: _strip_number_prefix(norm(h)) for h in headers}

    def sim(n: str, w: str) -> float:
        if n == w:
            return 100.0
        if _CJK.search(w) and len(w) >= 2 and w in n:
            return 92.0  # Chinese headers are questions: '您对我们的客服满意吗' holds '满意'
        if len(w) <= 3:
            return 0.0  # "id", "#" match only exactly
        return float(max(fuzz.ratio(n, w), fuzz.token_sort_ratio(n, w)))

    def pairs(canon: str) -> list[tuple[float, str]]:
        words = [canon.replace("_", " ")] + SYNONYMS.get(canon, [])
        return [(max(sim(n, w) for w in words), h) for h, n in normed.items()]

    tables = [table] if table else list(CANONICAL)
    table_scores: dict[str, float] = {}
    results: dict[str, tuple[dict[str, str], dict[str, float]]] = {}
    text = " ".join(normed.values())
    for t in tables:
        cols, scores = {}, {}
        taken: set[str] = set()
        # Best pairs first, each header and each column used once ('Cliente' is company, not account id).
        cands = sorted(
            (
                (sc, -i, canon, h)
                for i, canon in enumerate(canonical_columns(t))
                for sc, h in pairs(canon)
                if sc >= 80
            ),
            reverse=True,
        )
        for sc, _, canon, h in cands:
            if canon not in cols and h not in taken:
                cols[canon], scores[canon] = h, sc
                taken.add(h)
        req = REQUIRED[t]
        hit = sum(1 for c in req if c in cols)
        words = sum(1 for w in TABLE_WORDS[t] if w in text)
        table_scores[t] = 10 * hit / len(req) + 2 * words + 0.1 * len(cols)
        results[t] = (cols, scores)
    best = table or max(table_scores, key=lambda t: table_scores[t])
    cols, scores = results[best]
    missing = [
        c
        for c in REQUIRED[best]
        if c not in cols
        and not (best == "responses" and c in ("kind", "scale_min", "scale_max", "response_id"))
        and not (best == "costs" and c == "cost_id")
    ]
    return Suggestion(best, cols, scores, missing, table_scores)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _strip_number_prefix(h: str) -> str:
    # Wenjuanxing numbers its questions: "1、您对我们的服务满意吗" -> the question text.
    return re.sub(r"^\d+\s*[、.)]\s*", "", h)


# --- saved mappings -----------------------------------------------------------------------------------


def save_mapping(engine: sa.Engine, name: str, header: list[str], table: str, spec: dict[str, Any]) -> str:
    """Keep a confirmed mapping; the same header (any order/case) picks it up automatically next time."""
    sig = header_signature(header)
    spec = dict(spec, table=table)
    with engine.begin() as conn:
        conn.execute(
            sa.delete(mappings).where(sa.or_(mappings.c.name == name, mappings.c.header_signature == sig))
        )
        conn.execute(
            sa.insert(mappings).values(
                name=name,
                header_signature=sig,
                table_name=table,
                spec=json.dumps(spec, ensure_ascii=False),
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
        )
    return sig


def find_mapping(engine: sa.Engine | None, header: list[str]) -> tuple[str, dict[str, Any]] | None:
    if engine is None:
        return None
    sig = header_signature(header)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(mappings.c.name, mappings.c.spec).where(mappings.c.header_signature == sig)
        ).first()
    return (row[0], json.loads(row[1])) if row else None
