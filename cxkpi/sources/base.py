"""What a source (one export shape of one tool) declares: recognition, column mapping, conversions.

A source is data. The importer (cxkpi.ingest.mapping) reads these declarations; code in a source file is
only for the exceptions a tool really has (a filter, a derived column), passed as small hooks. Sources
never import cxkpi.ingest: a hook gets what it needs through the ``Frame`` it is handed (declared below).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


# Zones seen in export headers: '(UTC)', '(America/New_York)', '(GMT+1)', '(CET)'. Unit suffixes such as
# '(sec)', '(min)', '(in hrs)' must survive, so abbreviations are a closed list.
_ABBREV = "UTC|GMT|Z|EST|EDT|CST|CDT|MST|MDT|PST|PDT|CET|CEST|EET|EEST|WET|WEST|BST|IST|JST|KST|HKT|SGT|AEST|AEDT"
_TZ_SUFFIX = re.compile(
    rf"\s*\(((?:{_ABBREV})(?:\s*[+-]\d{{1,2}}(?::?\d{{2}})?)?|[A-Z][A-Za-z]+/[A-Za-z_/+-]+|[+-]\d{{2}}:?\d{{2}})\)\s*$",
    re.I,
)
_TYPE_SUFFIX = re.compile(r"\s*\[[a-z_ ]+\]\s*$", re.I)  # Zendesk custom fields: 'Title [int]'


def norm(header: str) -> str:
    """The form headers are compared in: case-folded, single spaces, without a time-zone suffix
    ('(America/New_York)', '(UTC)') or a Zendesk custom-field type ('[int]'), without a BOM."""
    h = header.replace("\ufeff", "").strip()
    h = _TZ_SUFFIX.sub("", h)
    h = _TYPE_SUFFIX.sub("", h)
    return " ".join(h.split()).casefold()


def header_tz(header: str) -> str | None:
    """The time zone a header names in its suffix, if any ('Created (UTC)' -> 'UTC')."""
    m = _TZ_SUFFIX.search(header.replace("\ufeff", ""))
    if not m:
        return None
    tz = m.group(1)
    return "UTC" if tz.upper() in ("UTC", "GMT") else tz


@dataclass(frozen=True)
class Field:
    """How one canonical column is filled from the export.

    names: export headers to take it from, first present wins (compared with ``norm``).
    unit: for durations (-> minutes): seconds / minutes / hours / milliseconds / hh:mm / hh:mm:ss / auto.
    values: export label (case-insensitive) -> canonical value; a label not listed is an error unless
      ``other`` is set ("keep" keeps the text, "null" drops it). A value of None means "no value".
    scale: multiply numbers by this (0.01 for amounts in cents).
    const: a constant instead of a column.
    lower: lower-case text (Stripe statuses, currencies).
    """

    names: tuple[str, ...] = ()
    unit: str | None = None
    values: dict[str, Any] | None = None
    other: str | None = None  # None (error) / "keep" / "null"
    scale: float | None = None
    const: Any = None
    lower: bool = False
    upper: bool = False
    channel: bool = False  # normalise support channel names (Mail -> email, Web form -> web …)


def F(*names: str, **kw: Any) -> Field:
    """Shorthand: F("Id", "ID", unit="seconds")."""
    return Field(names=tuple(names), **kw)


def const(value: Any) -> Field:
    return Field(const=value)


@dataclass(frozen=True)
class Survey:
    """How a survey export becomes rows of ``responses`` (one per answered score question).

    Response-level columns (id, submitted_at, email, account_id, company, respondent, channel, comment,
    ticket_id) come from ``Source.columns``; this says which columns are score questions.
    questions: explicit (header names, kind, (scale_min, scale_max) or None = from the values/labels);
      when empty, every column whose question text names a kind (satisfied / easy / recommend) is one.
    default_kind: the kind of a detected score column whose text names none (Delighted's `Score`).
    skip: headers that are never questions (metadata, NPS group columns).
    text_row: header row holding the question text (0 = the header, 1 = the second header row).
    employee: this tool is often used for employee surveys (Google Forms): "satisfied with your job" ->
      esat, and a satisfaction question naming neither customers nor employees is asked about.
    """

    questions: tuple[tuple[tuple[str, ...], str | None, tuple[float, float] | None], ...] = ()
    default_kind: str | None = None
    default_scale: tuple[float, float] | None = None
    skip: tuple[str, ...] = ()
    text_row: int = 0
    employee: bool = False
    survey_name: str | None = None  # the `survey` value; default = the question text
    # A column naming each row's survey type (Delighted: nps / csat / ces …): kind and scale per row.
    kind_column: tuple[str, ...] = ()
    kind_values: dict[str, tuple[str, tuple[float, float]] | None] | None = None


class Frame(Protocol):
    """What a hook sees of the file being mapped (implemented by cxkpi.ingest.frame.Frame): the text cells
    by header, the canonical columns typed so far (`out`, with the header each came from in `origin`),
    the rows kept, the problems, and the value parsers."""

    source: Source
    raw: Any  # the RawTable: header, extra header rows, column names
    options: dict[str, Any]
    text: pd.DataFrame
    out: dict[str, pd.Series]
    origin: dict[str, str]
    keep: np.ndarray
    rownum: np.ndarray
    problems: Any

    def col(self, *names: str) -> str | None: ...
    def cells(self, header: str) -> pd.Series: ...
    def rows(self, positions: Any) -> list[int]: ...
    def set(self, name: str, values: Any, origin: str | None = None) -> None: ...
    def skip(self, mask: Any, reason: str, column: str | None = None) -> None: ...
    def drop(self, mask: Any) -> None: ...
    def parse(self, header: str, typ: Any, f: Field, name: str = "") -> pd.Series: ...
    def blank(self, s: pd.Series) -> pd.Series: ...
    def numbers(self, s: pd.Series) -> tuple[pd.Series, list[int]]: ...
    def datetimes(self, s: pd.Series, *, dayfirst: bool | None, tz: str | None) -> Any: ...
    def _bad(self, header: str, s: pd.Series, bad: list[int], what: str) -> None: ...


# Hooks get the Frame being built: raw text columns by header, the canonical columns parsed so far, and
# `problems` to report rows.
Hook = Callable[[Frame], None]


@dataclass(frozen=True)
class Source:
    """One export shape. ``required`` entries are alternatives: ("Id", "ID") is satisfied by either."""

    name: str
    label: str
    system: str
    table: str
    required: tuple[tuple[str, ...], ...]
    columns: dict[str, Field]
    optional: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()  # headers that mean it is another shape
    header_rows: int | None = None  # None = let the reader decide
    dayfirst: bool | None = None  # None = decide per column from the data
    tz: str | None = None  # zone of naive timestamps when no header names one
    survey: Survey | None = None
    keep_rows: Hook | None = None  # filter rows (may call frame.skip(mask, reason))
    derive: Hook | None = None  # fill derived columns after parsing
    # Second tables fed by the same file: (table, hook returning rows with a `_row` column, or None).
    extra: tuple[tuple[str, Callable[[Frame], pd.DataFrame | None]], ...] = ()
    doc: str = ""  # one line for docs/ingest.md: readings chosen
    # This tool's headers under the names a file gives them (another UI language, a renamed column):
    # declared header -> the file's header. Filled by detection, never declared.
    aliases: tuple[tuple[str, str], ...] = ()

    @property
    def tables(self) -> tuple[str, ...]:
        return (self.table,) + tuple(t for t, _ in self.extra)


REGISTRY: dict[str, Source] = {}


def register(*sources: Source) -> None:
    for s in sources:
        if s.name in REGISTRY and REGISTRY[s.name] is not s:
            raise ValueError(f"two sources are named {s.name!r}")
        REGISTRY[s.name] = s


# --- shared value tables ---------------------------------------------------------------------------

CHANNELS = {
    "mail": "email", "email": "email", "e-mail": "email", "outbound email": "email", "inbound email": "email",
    "web form": "web", "web": "web", "portal": "web", "feedback widget": "web", "widget": "web", "form": "web",
    "help center": "web", "contact form": "web",
    "chat": "chat", "messenger": "chat", "live chat": "chat", "messaging": "chat", "in-app": "chat",
    "phone": "phone", "phone call (incoming)": "phone", "phone call (outgoing)": "phone", "voice": "phone",
    "call": "phone", "voicemail": "phone",
    "api": "api", "twitter": "social", "facebook": "social", "social": "social", "instagram": "social",
    "whatsapp": "whatsapp", "sms": "sms", "text": "sms",
}

# Satisfaction labels on a 1–5 scale (Qualtrics/SurveyMonkey choice text, Chinese survey tools).
SATISFACTION_5 = {
    "extremely satisfied": 5, "very satisfied": 5, "completely satisfied": 5, "非常满意": 5, "很满意": 5,
    "molto soddisfatto": 5,
    "satisfied": 4, "somewhat satisfied": 4, "moderately satisfied": 4, "满意": 4, "比较满意": 4,
    "soddisfatto": 4,
    "neither satisfied nor dissatisfied": 3, "neutral": 3, "neither": 3, "一般": 3, "né soddisfatto né insoddisfatto": 3,
    "somewhat dissatisfied": 2, "dissatisfied": 2, "moderately dissatisfied": 2, "不满意": 2, "比较不满意": 2,
    "insoddisfatto": 2,
    "extremely dissatisfied": 1, "very dissatisfied": 1, "completely dissatisfied": 1, "非常不满意": 1,
    "很不满意": 1, "molto insoddisfatto": 1,
}
EASE_5 = {
    "extremely easy": 5, "very easy": 5, "easy": 4, "somewhat easy": 4, "neither easy nor difficult": 3,
    "neutral": 3, "somewhat difficult": 2, "difficult": 2, "very difficult": 1, "extremely difficult": 1,
}
EASE_7 = {
    "strongly agree": 7, "agree": 6, "somewhat agree": 5, "neither agree nor disagree": 4,
    "somewhat disagree": 3, "disagree": 2, "strongly disagree": 1,
}
# Freshdesk survey labels, ordered by the API codes 103 … -103 (a 7-point scale; a 3- or 5-point survey
# uses a subset of the same labels, so one ladder reads them all without guessing which survey it was).
FRESHDESK_7 = {
    "extremely happy": 7, "very happy": 6, "happy": 5, "neutral": 4, "unhappy": 3, "very unhappy": 2,
    "extremely unhappy": 1,
}
LABEL_SCALES: list[tuple[dict[str, float], tuple[float, float]]] = [
    (SATISFACTION_5, (1, 5)),
    (EASE_5, (1, 5)),
    (EASE_7, (1, 7)),
    (FRESHDESK_7, (1, 7)),
]
