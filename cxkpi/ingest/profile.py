"""What each column's values look like (a sample of them): timestamps, durations in any common form,
numbers (integer range, decimals, magnitude), label ladders, currency codes, e-mails, ids, text.
The recognizer weighs these against the header words; nothing here looks at the header but its unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from cxkpi.ingest import values as V
from cxkpi.ingest.read import RawTable
from cxkpi.ingest.vocabulary import Ladder, ladders, normalize

SAMPLE = 2000

_CLOCK = re.compile(r"^-?\d+:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:hrs?|hours?|h)\.?)?$", re.I)
_ISO = re.compile(r"^P(?:\d+D)?(?:T(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$", re.I)
_WORDY = re.compile(
    r"^(?:\d+(?:[.,]\d+)?\s*(?:d|days?|h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?|天|小时|小時|"
    r"時間|分钟|分鐘|分|秒)\s*)+$",
    re.I,
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)
# A number cell: '1,234.56', '1.234,56', '$1,234', 'EUR 12', '(12.00)', '45%' (not 'T-1', not a date).
_NUMLIKE = re.compile(
    r"^\(?\s*[-+]?\s*(?:[A-Za-z]{3}\s?|[$€£¥₹]\s?)?[-+]?\d{1,3}(?:[\d\s.,'’\u00a0\u202f]*\d)?"
    r"(?:[eE][-+]?\d+)?\s*(?:%|[A-Za-z]{3}|[$€£¥₹])?\s*\)?$|^[-+]?\d+(?:[.,]\d+)?$"
)
_DATELIKE = re.compile(r"^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})(?:\D|$)")
_CURRENCY = re.compile(r"^[A-Za-z]{3}$")
_CODES = {
    "usd",
    "eur",
    "gbp",
    "jpy",
    "cny",
    "rmb",
    "chf",
    "cad",
    "aud",
    "nzd",
    "sek",
    "nok",
    "dkk",
    "pln",
    "czk",
    "huf",
    "brl",
    "mxn",
    "ars",
    "clp",
    "cop",
    "inr",
    "krw",
    "sgd",
    "hkd",
    "twd",
    "zar",
    "try",
    "ils",
    "aed",
    "sar",
    "thb",
    "idr",
    "myr",
    "php",
    "vnd",
    "ron",
    "bgn",
    "rub",
    "uah",
}


@dataclass
class Profile:
    header: str
    index: int
    filled: int = 0
    distinct: int = 0
    kind: str = "empty"  # empty / datetime / duration / number / labels / email / currency / text
    form: str = ""  # how: a date format, 'clock' / 'words' / 'ISO 8601' duration, 'integers' …
    low: float | None = None
    high: float | None = None
    integers: bool = False
    ladder: Ladder | None = None
    ladder_scale: tuple[float, float] | None = None
    samples: list[str] = field(default_factory=list)
    distinct_values: list[str] = field(default_factory=list)  # up to 200, for value tables
    unique: bool = False
    zero_share: float = 0.0  # share of durations that are exactly zero (an unanswered ticket's 0:00:00)

    def describe(self) -> str:
        """The evidence in words: "values like 00:42 read as durations"."""
        eg = ", ".join(self.samples[:2])
        if self.kind == "datetime":
            return f"values like {eg} read as dates ({self.form})"
        if self.kind == "duration":
            return f"values like {eg} read as durations ({self.form})"
        if self.kind == "number":
            rng = f"{self.low:g}–{self.high:g}" if self.low is not None and self.high is not None else ""
            return f"values like {eg} read as {'whole ' if self.integers else ''}numbers {rng}".strip()
        if self.kind == "labels" and self.ladder_scale:
            return f"answers like {eg} read on a {self.ladder.size}-step label scale" if self.ladder else ""
        if self.kind == "email":
            return f"values like {eg} are e-mail addresses"
        if self.kind == "currency":
            return f"values like {eg} are currency codes"
        if self.kind == "empty":
            return "no values"
        return f"values like {eg}"


def profile_column(header: str, index: int, cells: list[str]) -> Profile:
    s = pd.Series(cells, dtype=object).fillna("").astype(str).str.strip()
    s = s[~s.isin(V.BLANKS)]
    p = Profile(header, index, filled=len(s))
    if s.empty:
        return p
    uniq = pd.Series(s.unique())
    p.distinct = len(uniq)
    p.unique = p.distinct == len(s)
    p.samples = [str(v) for v in uniq[:3]]
    p.distinct_values = [str(v) for v in uniq[:200]]
    n = len(uniq)

    def share(mask: pd.Series) -> float:
        return float(mask.sum()) / n

    if share(uniq.str.match(_CLOCK)) >= 0.9:
        p.kind, p.form = "duration", "hh:mm:ss" if uniq.str.count(":").max() >= 2 else "hh:mm"
    elif share(uniq.str.match(_ISO) & (uniq.str.len() > 2)) >= 0.9:
        p.kind, p.form = "duration", "ISO 8601"
    elif share(uniq.str.match(_WORDY) & uniq.str.contains(r"\D")) >= 0.9:
        p.kind, p.form = "duration", "words"
    if p.kind == "duration":
        mins, _ = V.parse_duration(s, "minutes")
        p.zero_share = float((mins == 0).mean()) if len(mins) else 0.0
        p.low, p.high = (float(mins.min()), float(mins.max())) if mins.notna().any() else (None, None)
        return p
    if share(uniq.str.match(_EMAIL)) >= 0.9:
        p.kind = "email"
        return p
    if share(uniq.str.match(_CURRENCY) & uniq.str.lower().isin(_CODES)) >= 0.9:
        p.kind = "currency"
        return p
    if share(uniq.str.match(_DATELIKE)) >= 0.9:  # '01.03.2025' is a date, not the number 1,032,025
        res = V.parse_datetimes(s.head(SAMPLE).reset_index(drop=True))
        if len(res.bad_positions) <= len(s.head(SAMPLE)) // 20:
            p.kind, p.form = "datetime", res.format or "dates"
            return p
    if share(uniq.str.match(_NUMLIKE)) >= 0.95:
        nums, _ = V.parse_numbers(uniq)
        v = pd.to_numeric(nums, errors="coerce").dropna()
        if len(v):
            p.kind = "number"
            p.low, p.high = float(v.min()), float(v.max())
            p.integers = bool((v == v.round()).all()) and not uniq.str.contains(r"[.,]\d{1,2}$").any()
            p.form = "integers" if p.integers else "decimals"
            return p
    lad = match_ladder(uniq)
    if lad is not None:
        p.kind, p.ladder = "labels", lad
        p.ladder_scale = (1.0, float(lad.size))
        return p
    # Every written date has a digit (year or day): names, subjects and comments skip the costly date parse.
    if share(uniq.str.contains(r"\d")) >= 0.9:
        res = V.parse_datetimes(s.head(SAMPLE).reset_index(drop=True))
        if len(res.bad_positions) <= len(s.head(SAMPLE)) // 20:
            p.kind, p.form = "datetime", res.format or "dates"
            return p
    p.kind = "text"
    return p


def match_ladder(labels: pd.Series | list[str]) -> Ladder | None:
    """The smallest known ladder holding every label (3-step Happy/Neutral/Unhappy before the 7-step)."""
    seen = {normalize(str(v)) for v in labels if str(v).strip()}
    if not seen:
        return None
    fits = [lad for lad in ladders() if seen <= set(lad.scores())]
    return min(fits, key=lambda lad: (lad.size, not lad.kind)) if fits else None


def profile_table(raw: RawTable) -> list[Profile]:
    names = raw.column_names()
    rows = raw.rows[:SAMPLE]
    return [profile_column(h, i, [r[i] if i < len(r) else "" for r in rows]) for i, h in enumerate(names)]
