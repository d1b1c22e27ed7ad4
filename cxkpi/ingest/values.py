"""Type text cells: numbers, durations, datetimes, booleans; header time-zone suffixes; mangled ids.

Column functions take a pandas Series of str (as from RawTable.frame()) and return values plus the
0-based positions (within the Series, not the index labels) of non-blank cells that could not be parsed.
Blank cells ('' / whitespace / BLANKS) become NaN/NaT/<NA> and are never "bad".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

# Cell texts that mean "no value" in the exports we know ('(空)' = Wenjuanxing's empty answer).
BLANKS = frozenset({"", "-", "--", "—", "n/a", "N/A", "NA", "null", "NULL", "None", "none", "(空)", "nan", "NaN"})


def _text(series: pd.Series | list) -> pd.Series:
    """Any Series -> stripped str Series with a 0..n-1 index (positions == index)."""
    s = pd.Series(series, dtype=object).reset_index(drop=True)
    s = s.where(s.notna(), "")
    return s.astype(str).str.strip()


def _blank(t: pd.Series) -> pd.Series:
    return t.isin(BLANKS)


def _positions(mask: pd.Series) -> list[int]:
    return np.flatnonzero(mask.to_numpy(dtype=bool)).tolist()


# --- numbers --------------------------------------------------------------------------------------

# Currency codes/symbols at either end; spaces of every width (NBSP, narrow NBSP, thin) and the Swiss
# apostrophe are thousands separators.
_CURRENCY = re.compile(r"^(?:[A-Za-z]{3}\.?|R\$|[$€£¥₹₩₽¢₺₴₪฿])\s*|\s*(?:[A-Za-z]{3}|[$€£¥₹₩₽¢₺₴₪฿]|kr|zł)$")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_CORE = re.compile(r"[+-]?(?:\d[\d.,]*|[.,]\d+)(?:[eE][+-]?\d+)?")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _number_cores(t: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Strip sign wrappers, currency, percent and spaces: -> (core text, negative-by-parentheses mask)."""
    paren = t.str.startswith("(") & t.str.endswith(")")
    c = t.where(~paren, t.str.slice(1, -1))
    c = c.str.replace(_CURRENCY, "", regex=True).str.strip()
    c = c.str.replace(_CURRENCY, "", regex=True)  # '-$12' leaves '$12' after a sign: handled below
    c = c.str.replace(r"^([+-])\s*(?:[$€£¥₹]|[A-Za-z]{3})\s*", r"\1", regex=True)
    c = c.str.removesuffix("%")
    c = c.str.replace(_SPACES, "", regex=True)
    return c, paren


def _decide_decimal(cores: pd.Series) -> str:
    mant = cores.str.replace(r"[eE][+-]?\d+$", "", regex=True)
    both = mant.str.contains(",", regex=False) & mant.str.contains(".", regex=False)
    if both.any():
        last_comma = mant[both].str.rfind(",") > mant[both].str.rfind(".")
        return "," if last_comma.sum() * 2 > both.sum() else "."
    if mant.str.contains(r",\d+,", regex=True).any():
        return "."  # 1,234,567
    if mant.str.contains(r"\.\d+\.", regex=True).any():
        return ","  # 1.234.567
    comma_dec = mant.str.contains(r",(?:\d{1,2}|\d{4,})$|^[+-]?,", regex=True).any()
    dot_dec = mant.str.contains(r"\.(?:\d{1,2}|\d{4,})$|^[+-]?\.", regex=True).any()
    if comma_dec and not dot_dec:
        return ","
    if not dot_dec and mant.str.contains(r"\.\d{3}$", regex=True).any() and mant.str.contains(",").any():
        return ","  # '1.234' and '12,5' style mix only makes sense with a decimal comma
    return "."


def detect_decimal(series: pd.Series) -> str:
    """'.' or ',' for the whole column, decided from all its values (e.g. any '12,5' or '1.234,56' -> ',').
    '1,234' alone (comma + exactly 3 digits everywhere) is read as a thousands separator -> '.'."""
    t = _text(series)
    cores, _ = _number_cores(t[~_blank(t)])
    return _decide_decimal(cores)


def parse_numbers(series: pd.Series, *, decimal: str | None = None) -> tuple[pd.Series, list[int]]:
    """Column of number texts -> (float Series aligned with `series`, bad 0-based positions).
    decimal=None detects the separator per column (detect_decimal); the result carries it in
    `values.attrs['decimal']`. '45%' -> 45.0; '(12.00)' -> -12.0; '2,15E+14' -> 2.15e14."""
    t = _text(series)
    blank = _blank(t)
    cores, paren = _number_cores(t)
    dec = decimal or _decide_decimal(cores[~blank])
    if dec == ",":
        norm = cores.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        norm = cores.str.replace(",", "", regex=False)
    ok = norm.str.fullmatch(_NUMBER) & ~blank
    values = pd.to_numeric(norm.where(ok, None), errors="coerce").astype("float64")
    values = values.where(~paren, -values)
    if isinstance(series, pd.Series):
        values.index = series.index
    values.attrs["decimal"] = dec
    return values, _positions(~ok & ~blank)


def parse_number(text: str | None) -> float | None:
    """One cell: '1,234.56', '1.234,56', '1 234,56', '12,5', 'USD 1,234.56', '$1,234.56', '€ 12,00',
    '(12.00)' -> -12.0, '45%' -> 45.0 (percent points, not 0.45). None for blank or unparseable.
    The decimal separator is guessed from this cell alone; use parse_numbers for a column."""
    values, _ = parse_numbers(pd.Series([text], dtype=object))
    v = values.iloc[0]
    return None if pd.isna(v) else float(v)


# --- durations ------------------------------------------------------------------------------------

DURATION_UNITS = ("seconds", "minutes", "hours", "milliseconds", "hh:mm", "hh:mm:ss", "auto")
_UNIT_MINUTES = {"seconds": 1 / 60, "minutes": 1.0, "hours": 60.0, "milliseconds": 1 / 60_000}
_HEADER_UNITS = [
    (re.compile(r"\b(milliseconds?|millis|ms)\b", re.I), "milliseconds"),
    (re.compile(r"\b(seconds?|secs?)\b|\(s\)|秒", re.I), "seconds"),
    (re.compile(r"\b(minutes?|mins?)\b|分钟", re.I), "minutes"),
    (re.compile(r"\b(hours?|hrs?)\b|\(h\)|小时", re.I), "hours"),
    (re.compile(r"hh:mm:ss", re.I), "hh:mm:ss"),
    (re.compile(r"hh:mm", re.I), "hh:mm"),
]
_CLOCK = re.compile(r"(?P<neg>-)?(?:(?P<d>\d+)\s*days?,?\s*)?(?P<h>\d+):(?P<m>\d{1,2})(?::(?P<s>\d{1,2}(?:\.\d+)?))?")
_NUM = r"\d+(?:[.,]\d+)?"
_WORDS = re.compile(
    rf"(?:(?P<d>{_NUM})\s*(?:d|days?|天)\s*)?(?:(?P<h>{_NUM})\s*(?:h|hrs?|hours?|小时|小時|時間)\s*)?"
    rf"(?:(?P<m>{_NUM})\s*(?:m|mins?|minutes?|分钟|分鐘|分)\s*)?(?:(?P<s>{_NUM})\s*(?:s|secs?|seconds?|秒)\s*)?",
    re.I,
)


def unit_from_header(name: str) -> str | None:
    """Duration unit named in a header: '(seconds)', '(sec)', 'in minutes', '(min)', '(in hrs)', '(ms)' ..."""
    for rx, unit in _HEADER_UNITS:
        if rx.search(name):
            return unit
    return None


def parse_duration(series: pd.Series, unit: str) -> tuple[pd.Series, list[int]]:
    """Column of durations -> (float minutes, bad 0-based positions); unit in DURATION_UNITS.
    Cells with colons are always read as clock durations ('hh:mm:ss', hours may exceed 24: '56:30:00';
    'hh:mm' for two parts; '1 day, 02:00:00' too), even when the header says '(in hrs)' (Freshdesk).
    '55秒', '2分30秒', '1h 20m' are read under every unit. Plain numbers use `unit`; under 'auto' they
    raise ValueError (the unit must come from the header - unit_from_header - or the user), except 0.
    The unit used is in `values.attrs['unit']`."""
    if unit not in DURATION_UNITS:
        raise ValueError(f"unknown duration unit {unit!r}; use one of {DURATION_UNITS}")
    t = _text(series)
    blank = _blank(t)
    out = pd.Series(np.nan, index=t.index, dtype="float64")

    has_colon = t.str.contains(":", regex=False) & ~blank
    if has_colon.any():
        parts = t[has_colon].str.extract("^(?:" + _CLOCK.pattern + ")$")
        num = parts[["d", "h", "m", "s"]].apply(pd.to_numeric, errors="coerce")
        minutes = num["d"].fillna(0) * 1440 + num["h"] * 60 + num["m"] + num["s"].fillna(0) / 60
        minutes = minutes.where(num["m"] < 60).where(num["s"].isna() | (num["s"] < 60))
        minutes = minutes.where(parts["neg"].isna(), -minutes)
        out[has_colon] = minutes

    wordy = t.str.contains(r"[^\d\s.,:+-]", regex=True) & ~blank & ~has_colon
    if wordy.any():
        w = t[wordy]
        parts = w.str.extract("^(?:" + _WORDS.pattern + ")$", flags=re.I)
        ok = parts.notna().any(axis=1)
        num = parts.apply(lambda c: pd.to_numeric(c.str.replace(",", ".", regex=False), errors="coerce"))
        minutes = (num["d"].fillna(0) * 1440 + num["h"].fillna(0) * 60 + num["m"].fillna(0)
                   + num["s"].fillna(0) / 60)
        out[wordy] = minutes.where(ok)

    plain = ~blank & ~has_colon & ~wordy
    used = unit
    if plain.any():
        nums, _ = parse_numbers(t[plain])
        if unit == "auto":
            if (nums.fillna(0) != 0).any():
                raise ValueError(
                    "durations are plain numbers: say which unit they are in (seconds, minutes, hours, "
                    "milliseconds) - the header usually tells"
                )
            used = "minutes"
        factor = _UNIT_MINUTES.get(used, 60.0 if used in ("hh:mm", "hh:mm:ss") else 1.0)
        # 'hh:mm' units with a plain number: read as hours (Freshdesk sometimes writes '1.5' in "in hrs").
        out[plain] = nums.to_numpy() * factor
    if used == "auto":
        used = "hh:mm:ss" if has_colon.any() else "text"
    if isinstance(series, pd.Series):
        out.index = series.index
    out.attrs["unit"] = used
    return out, _positions(out.isna().reset_index(drop=True) & ~blank)


# --- datetimes ------------------------------------------------------------------------------------


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


_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_DT = re.compile(
    r"(?:(?P<y1>\d{4})(?P<sep1>[-/.])(?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<a>\d{1,2})(?P<sep2>[-/.])(?P<b>\d{1,2})[-/.](?P<y2>\d{4}|\d{2}))"
    r"(?:(?:T|\s+|\s*,\s*)(?P<ap1>AM|PM)?\s*(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?\s*(?P<ap2>AM|PM)?)?"
    r"\s*(?P<tz>Z|(?:UTC|GMT)?\s*[+-]\d{1,2}(?::?\d{2})?|UTC|GMT)?",
    re.I,
)
_MONTH_NAMES = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b")


def _normalise_dt(t: pd.Series) -> pd.Series:
    t = t.str.replace(r"上午|午前|오전", " AM ", regex=True).str.replace(r"下午|午後|오후", " PM ", regex=True)
    t = t.str.replace(r"(?i)\b([ap])\.m\.", r"\1M", regex=True)
    t = t.str.replace(r"(\d{4})年(\d{1,2})月(\d{1,2})日?", r"\1-\2-\3", regex=True)
    return t.str.replace(r"\s+", " ", regex=True).str.strip()


def _tz_minutes(tz: pd.Series) -> pd.Series:
    """'Z', 'UTC', '+01:00', 'GMT+1', '-0500' -> offset minutes (NaN when absent)."""
    m = tz.str.extract(r"(?i)^(?:UTC|GMT|Z)?\s*(?:(?P<sign>[+-])(?P<hh>\d{1,2}):?(?P<mm>\d{2})?)?$")
    hh = pd.to_numeric(m["hh"], errors="coerce").fillna(0)
    mm = pd.to_numeric(m["mm"], errors="coerce").fillna(0)
    off = (hh * 60 + mm).where(m["sign"] != "-", -(hh * 60 + mm))
    return off.where(tz.notna() & (tz != ""))


def _localise(naive: pd.Series, tz: str | None) -> pd.Series:
    """Wall-clock times in `tz` -> naive UTC. DST: a repeated hour is read as the first (DST) one,
    a skipped hour is shifted forward."""
    if not tz or tz == "UTC" or naive.notna().sum() == 0:
        return naive
    aware = naive.dt.tz_localize(tz, ambiguous=np.ones(len(naive), dtype=bool), nonexistent="shift_forward")
    return aware.dt.tz_convert("UTC").dt.tz_localize(None)


def _result(values: pd.Series, series: pd.Series, bad: pd.Series, fmt: str, **kw) -> DateParse:
    values = values.astype("datetime64[us]")
    if isinstance(series, pd.Series):
        values.index = series.index
    return DateParse(values=values, bad_positions=_positions(bad), format=fmt, **kw)


def parse_datetimes(series: pd.Series, *, dayfirst: bool | None = None, tz: str | None = None) -> DateParse:
    """Column of date/time texts -> DateParse. tz: IANA zone the wall-clock times are in (None = UTC or
    unknown); cells with their own offset (Z, +01:00, GMT+1) use that offset instead.

    Handles ISO (with/without seconds, T, Z, offsets), 'MM/DD/YYYY hh:mm:ss AM', 'DD.MM.YYYY HH:MM',
    'DD/MM/YYYY', 'DD-MM-YYYY HH:MM:SS', '2025/01/22 3:28:48 PM GMT+1', '2025/3/4 下午 2:22:11',
    month names ('4 Mar 2025'), and - only when every cell is a number - Excel serials (1900 system,
    20000..80000), epoch seconds (10 digits) or epoch milliseconds (13 digits). Day/month order is decided
    per column: a first field > 12 means day-first, a second field > 12 month-first, '.' separators
    day-first; otherwise the column is ambiguous unless `dayfirst` is given."""
    t = _text(series)
    blank = _blank(t)
    nb = ~blank
    nat = pd.Series(pd.NaT, index=t.index, dtype="datetime64[us]")
    if not nb.any():
        return _result(nat, series, blank & False, "empty")

    # Numbers only: epoch seconds/milliseconds or Excel serials (never mixed with text dates).
    vals = t[nb]
    if vals.str.fullmatch(r"\d+(?:[.,]\d+)?").all():
        num = pd.to_numeric(vals.str.replace(",", ".", regex=False), errors="coerce")
        whole = vals.str.fullmatch(r"\d+").all()
        out = nat.copy()
        if whole and vals.str.len().eq(13).all() and num.between(1e12, 4.1e12).all():
            out[nb] = pd.to_datetime(num.astype("int64"), unit="ms")
            return _result(out, series, blank & False, "epoch milliseconds")
        if whole and vals.str.len().eq(10).all() and num.between(1e9, 4.1e9).all():
            out[nb] = pd.to_datetime(num.astype("int64"), unit="s")
            return _result(out, series, blank & False, "epoch seconds")
        if num.between(20000, 80000).all():
            secs = (num * 86400).round().astype("int64")
            out[nb] = _EXCEL_EPOCH + pd.to_timedelta(secs, unit="s")
            out = _localise(out, tz)
            return _result(out, series, blank & False, "Excel serial (1900)")
        return _result(nat, series, nb, "numbers (not dates)")

    # Fast path: plain ISO wall-clock times (Zendesk, Stripe, Intercom, Typeform, HubSpot).
    iso = vals.str.len().isin([10, 16, 19]).all() and vals.str.fullmatch(
        r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?").all()
    for fmt, label in (("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD HH:MM:SS"), ("%Y-%m-%d %H:%M", "YYYY-MM-DD HH:MM"),
                       ("%Y-%m-%d", "YYYY-MM-DD")):
        if iso:
            parsed = pd.to_datetime(vals, format=fmt, errors="coerce")
            if parsed.notna().all():
                out = nat.copy()
                out[nb] = parsed
                return _result(_localise(out, tz), series, blank & False, label, dayfirst=None)

    n = _normalise_dt(vals)
    p = n.str.extract("^(?:" + _DT.pattern + ")$", flags=re.I)
    ok = p["y1"].notna() | p["a"].notna()
    num = {k: pd.to_numeric(p[k], errors="coerce") for k in ("y1", "m1", "d1", "a", "b", "y2", "H", "M", "S")}
    dmy = p["a"].notna()
    a, b = num["a"][dmy], num["b"][dmy]

    order = dayfirst
    ambiguous = False
    if dmy.any() and order is None:
        a_big, b_big = (a > 12).any(), (b > 12).any()
        if a_big and not b_big:
            order = True
        elif b_big and not a_big:
            order = False
        elif a_big and b_big:
            order = bool((a > 12).sum() >= (b > 12).sum())  # inconsistent column: the minority is bad
        elif (p["sep2"][dmy] == ".").all():
            order = True  # dotted dates are day-first wherever they are written
        elif (a == b).all():
            order = True  # 03/03/2025: both readings agree
        else:
            ambiguous = True
    if ambiguous:
        unreadable = nb.copy()
        unreadable[nb] = ~ok & ~n.str.contains(_MONTH_NAMES)
        return DateParse(values=_result(nat, series, blank & False, "").values,
                         bad_positions=_positions(unreadable),
                         format=_describe(p, None) + " (day/month order ambiguous)", ambiguous=True)

    year = num["y1"].fillna(num["y2"])
    year = year.where(year >= 100, np.where(year < 70, 2000 + year, 1900 + year))
    if order:
        month, day = num["m1"].fillna(num["b"]), num["d1"].fillna(num["a"])
    else:
        month, day = num["m1"].fillna(num["a"]), num["d1"].fillna(num["b"])
    hour = num["H"].fillna(0)
    ampm = p["ap1"].fillna(p["ap2"]).str.upper()
    hour = hour.where(~((ampm == "PM") & (hour < 12)), hour + 12)
    hour = hour.where(~((ampm == "AM") & (hour == 12)), 0)
    valid = month.between(1, 12) & day.between(1, 31) & hour.between(0, 23)
    valid &= num["M"].fillna(0).between(0, 59) & num["S"].fillna(0).between(0, 59)
    parts = pd.DataFrame({
        "year": year, "month": month.where(valid), "day": day.where(valid), "hour": hour,
        "minute": num["M"].fillna(0), "second": num["S"].fillna(0),
    })
    parsed = pd.to_datetime(parts, errors="coerce")
    frac = pd.to_numeric("0." + p["f"], errors="coerce").fillna(0)
    parsed = parsed + pd.to_timedelta((frac * 1e6).round(), unit="us")

    # Cells the pattern did not take: month names ('4 Mar 2025', 'Mar 4, 2025 10:00 AM').
    left = ~ok & n.str.contains(_MONTH_NAMES)
    if left.any():
        try:
            extra = pd.to_datetime(n[left], format="mixed", dayfirst=bool(order), errors="coerce")
            if getattr(extra.dt, "tz", None) is not None:
                extra = extra.dt.tz_convert("UTC").dt.tz_localize(None)
            parsed[left] = extra
        except (ValueError, TypeError):
            pass

    off = _tz_minutes(p["tz"].fillna("").str.strip())
    has_off = off.notna()
    local = parsed.where(~has_off)
    utc = _localise(local, tz)
    utc[has_off] = parsed[has_off] - pd.to_timedelta(off[has_off], unit="m")

    out = nat.copy()
    out[nb] = utc
    bad = nb & out.isna()
    return _result(out, series, bad, _describe(p, order), dayfirst=order if dmy.any() else None)


def _describe(p: pd.DataFrame, dayfirst: bool | None) -> str:
    """A human label of the most common shape, e.g. 'MM/DD/YYYY hh:mm:ss AM'."""
    row = p.dropna(how="all")
    if row.empty:
        return "unrecognised"
    shape = (p["sep1"].fillna("") + "|" + p["sep2"].fillna("") + "|" + p["H"].notna().astype(str) + "|"
             + p["S"].notna().astype(str) + "|" + p["ap1"].fillna(p["ap2"]).notna().astype(str) + "|"
             + p["tz"].fillna("").str.strip().ne("").astype(str) + "|" + p["ap1"].notna().astype(str))
    s1, s2, has_h, has_s, has_ap, has_tz, ap_first = shape[row.index].mode().iloc[0].split("|")
    if s1:
        date = f"YYYY{s1}MM{s1}DD"
    else:
        date = (f"DD{s2}MM{s2}YYYY" if dayfirst else f"MM{s2}DD{s2}YYYY") if dayfirst is not None \
            else f"DD{s2}MM{s2}YYYY or MM{s2}DD{s2}YYYY"
    if has_h == "True":
        if has_ap == "True":
            clock = "hh:mm" + (":ss" if has_s == "True" else "")
            clock = f"AM {clock}" if ap_first == "True" else f"{clock} AM"
        else:
            clock = "HH:MM" + (":SS" if has_s == "True" else "")
        date += " " + clock
    if has_tz == "True":
        date += " +offset"
    return date


# --- booleans -------------------------------------------------------------------------------------

_TRUE = {"true", "t", "yes", "y", "1", "1.0", "sì", "si", "是", "ja", "oui", "vrai", "wahr", "sim", "x", "✓"}
_FALSE = {"false", "f", "no", "n", "0", "0.0", "否", "nein", "non", "faux", "falsch", "não", "nao"}


def parse_bool(series: pd.Series) -> tuple[pd.Series, list[int]]:
    """true/false, yes/no, 1/0, y/n, t/f, sì/si, 是/否, ja/nein, oui/non -> (boolean Series, bad positions)."""
    t = _text(series)
    low = t.str.lower()
    blank = _blank(t)
    mapping = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
    out = low.map(mapping).astype("boolean")
    if isinstance(series, pd.Series):
        out.index = series.index
    return out, _positions(out.isna().reset_index(drop=True) & ~blank)


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
