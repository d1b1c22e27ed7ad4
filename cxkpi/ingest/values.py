"""Type text cells: numbers, durations, datetimes, booleans; header time-zone suffixes; mangled ids.

Column functions take a pandas Series of str (as from RawTable.frame()) and return values plus the
0-based positions (within the Series, not the index labels) of non-blank cells that could not be parsed.
Blank cells ('' / whitespace / BLANKS) become NaN/NaT/<NA> and are never "bad".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

# Cell texts that mean "no value" in the exports we know ('(空)' = Wenjuanxing's empty answer).
BLANKS = frozenset({"", "-", "--", "—", "n/a", "N/A", "NA", "null", "NULL", "None", "none", "(空)", "nan", "NaN"})


def parse_number(text: str | None) -> float | None:
    """One cell: '1,234.56', '1.234,56', '1 234,56', '12,5', 'USD 1,234.56', '$1,234.56', '€ 12,00',
    '(12.00)' -> -12.0, '45%' -> 45.0 (percent points, not 0.45). None for blank or unparseable.
    The decimal separator is guessed from this cell alone; use parse_numbers for a column."""
    raise NotImplementedError


def detect_decimal(series: pd.Series) -> str:
    """'.' or ',' for the whole column, decided from all its values (e.g. any '12,5' or '1.234,56' -> ',').
    '1,234' alone (comma + exactly 3 digits everywhere) is read as a thousands separator -> '.'."""
    raise NotImplementedError


def parse_numbers(series: pd.Series, *, decimal: str | None = None) -> tuple[pd.Series, list[int]]:
    """Column of number texts -> (float Series aligned with `series`, bad 0-based positions).
    decimal=None detects the separator per column (detect_decimal); the result carries it in
    `values.attrs['decimal']`."""
    raise NotImplementedError


DURATION_UNITS = ("seconds", "minutes", "hours", "milliseconds", "hh:mm", "hh:mm:ss", "auto")


def unit_from_header(name: str) -> str | None:
    """Duration unit named in a header: '(seconds)', '(sec)', 'in minutes', '(min)', '(in hrs)', '(ms)' ..."""
    raise NotImplementedError


def parse_duration(series: pd.Series, unit: str) -> tuple[pd.Series, list[int]]:
    """Column of durations -> (float minutes, bad 0-based positions); unit in DURATION_UNITS.
    Cells with colons are always read as clock durations ('hh:mm:ss', hours may exceed 24: '56:30:00'),
    even when the header says '(in hrs)' (Freshdesk). 'auto': colons -> hh:mm[:ss], '55秒'/'1h 20m' forms;
    plain numbers under 'auto' raise ValueError (the unit must come from the header or the user).
    The unit used is in `values.attrs['unit']`."""
    raise NotImplementedError


@dataclass
class DateParse:
    """Result of parse_datetimes.

    values: Series (aligned with the input) of naive datetime64 in UTC, NaT for blanks and bad cells —
    and NaT everywhere when `ambiguous` is True (we never guess day/month order).
    format: what was detected, e.g. 'YYYY-MM-DD HH:MM:SS', 'MM/DD/YYYY hh:mm:ss AM', 'Excel serial (1900)'.
    ambiguous: every value fits both day-first and month-first and dayfirst=None: ask the user, then call
    again with dayfirst=True/False.
    dayfirst: the order used (None when not applicable or ambiguous).
    """

    values: pd.Series
    bad_positions: list[int] = field(default_factory=list)
    format: str = ""
    ambiguous: bool = False
    dayfirst: bool | None = None


def parse_datetimes(series: pd.Series, *, dayfirst: bool | None = None, tz: str | None = None) -> DateParse:
    """Column of date/time texts -> DateParse. tz: IANA zone the wall-clock times are in (None = UTC or
    unknown); cells with their own offset (Z, +01:00, GMT+1) use that offset instead."""
    raise NotImplementedError


def parse_bool(series: pd.Series) -> tuple[pd.Series, list[int]]:
    """true/false, yes/no, 1/0, y/n, t/f, sì/si, 是/否, ja/nein, oui/non -> (boolean Series, bad positions)."""
    raise NotImplementedError


def strip_header_tz(name: str) -> tuple[str, str | None]:
    """'Conversation started at (America/New_York)' -> ('Conversation started at', 'America/New_York');
    'Created (UTC)' -> ('Created', 'UTC'); unit suffixes '(in hrs)', '(seconds)', '(%)' are left alone."""
    m = _HEADER_TZ.match(name)
    if not m:
        return name.strip(), None
    zone = m.group(2).strip()
    if zone.upper() in ("UTC", "GMT", "Z"):
        return m.group(1).strip(), "UTC"
    if _UTC_OFFSET.fullmatch(zone):
        return m.group(1).strip(), _fixed_offset_zone(zone)
    if zone in _zones():
        return m.group(1).strip(), zone
    return name.strip(), None


_HEADER_TZ = re.compile(r"^(.*?)\s*\(\s*([A-Za-z][A-Za-z0-9_+\-/: ]*)\)\s*$")
_UTC_OFFSET = re.compile(r"(?:UTC|GMT)\s*([+-])(\d{1,2})(?::?(\d{2}))?", re.IGNORECASE)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    import zoneinfo

    return frozenset(zoneinfo.available_timezones())


def _fixed_offset_zone(text: str) -> str:
    """'UTC+1' / 'GMT-05:30' -> a zone name pandas accepts ('Etc/GMT-1' for whole hours, else '+05:30')."""
    m = _UTC_OFFSET.fullmatch(text.strip())
    assert m
    sign, hh, mm = m.group(1), int(m.group(2)), int(m.group(3) or 0)
    if mm == 0:
        return "UTC" if hh == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{hh}"  # POSIX signs are inverted
    return f"{sign}{hh:02d}:{mm:02d}"


def looks_mangled_id(text: str) -> bool:
    """True for an id Excel turned into scientific notation: '2,15E+14', '2.15E+14'."""
    return bool(_MANGLED.fullmatch(str(text).strip()))


_MANGLED = re.compile(r"[+-]?\d(?:[.,]\d+)?[eE]\+?\d{1,3}")
