"""Type text cells: numbers, durations, datetimes, booleans; header time-zone suffixes; mangled ids.

Column functions take a pandas Series of str (as from RawTable.frame()) and return values plus the
0-based positions (within the Series, not the index labels) of non-blank cells that could not be parsed.
Blank cells ('' / whitespace / BLANKS) become NaN/NaT/<NA> and are never "bad".
"""

from __future__ import annotations

import re
from collections import Counter
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

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# One pass removes currency codes/words (2+ letters), symbols, percent signs and every kind of space
# (NBSP, narrow NBSP, thin, the Swiss apostrophe) - what is left is digits, separators, sign, exponent.
_NOT_NUMBER = r"[A-Za-z]{2,}|[^0-9.,eE+\-()]"


def _number_cores(t: pd.Series) -> pd.Series:
    return t.str.replace(_NOT_NUMBER, "", regex=True)


def _fast_str(values) -> pd.Series:
    """Distinct texts as Arrow-backed strings when pyarrow is there (streamlit brings it): vectorised
    replace/contains run in C++ instead of a Python loop; object strings otherwise (same results)."""
    try:
        return pd.Series(values, dtype="string[pyarrow]")
    except (ImportError, TypeError):
        return pd.Series(values, dtype=object)


def _decide_decimal(cores: pd.Series) -> str:
    """Decimal separator from all cleaned cells of a column (see detect_decimal)."""
    if len(cores) == 0:
        return "."
    m = cores.str.strip("()+-").str.replace(r"[eE].*$", "", regex=True)
    nc = m.str.count(",").fillna(0)
    nd = m.str.count(r"\.").fillna(0)
    both = (nc > 0) & (nd > 0)
    if both.any():
        comma_last = (both & m.str.contains(r",[^.]*$", regex=True)).sum()
        return "," if comma_last > both.sum() - comma_last else "."
    if ((nc > 1) & (nd == 0)).any():
        return "."  # 1,234,567
    if ((nd > 1) & (nc == 0)).any():
        return ","  # 1.234.567
    one_c, one_d = (nc == 1) & (nd == 0), (nd == 1) & (nc == 0)
    grouped_c = m.str.fullmatch(r"\d+,\d{3}").fillna(False).astype(bool)
    grouped_d = m.str.fullmatch(r"\d+\.\d{3}").fillna(False).astype(bool)
    comma_dec, comma3 = (one_c & ~grouped_c).any(), (one_c & grouped_c).any()
    dot_dec, dot3 = (one_d & ~grouped_d).any(), (one_d & grouped_d).any()
    if comma_dec and not dot_dec:
        return ","
    if dot3 and not dot_dec and (comma3 or comma_dec):
        return ","  # '1.234' next to '12,5': only a decimal comma reads both
    return "."


def detect_decimal(series: pd.Series) -> str:
    """'.' or ',' for the whole column, decided from all its values (e.g. any '12,5' or '1.234,56' -> ',').
    '1,234' alone (comma + exactly 3 digits everywhere) is read as a thousands separator -> '.'."""
    t = _text(series)
    return _decide_decimal(_number_cores(_fast_str(pd.unique(t[~_blank(t)]))))


def parse_numbers(series: pd.Series, *, decimal: str | None = None) -> tuple[pd.Series, list[int]]:
    """Column of number texts -> (float Series aligned with `series`, bad 0-based positions).
    decimal=None detects the separator per column (detect_decimal); the result carries it in
    `values.attrs['decimal']`. '45%' -> 45.0; '(12.00)' -> -12.0; '2,15E+14' -> 2.15e14.
    Words around a number are dropped ('12 tickets' -> 12); a cell with no digits is bad."""
    t = _text(series)
    blank = _blank(t)
    uniques = pd.unique(t[~blank])
    texts = _fast_str(uniques)
    if decimal != "," and texts.str.fullmatch(_NUMBER.pattern).fillna(False).all():
        # Plain '12000.00' / '-3' everywhere (most exports): nothing to clean, the decimal is '.'.
        lookup = pd.Series(pd.to_numeric(texts, errors="coerce").to_numpy(dtype="float64"), index=uniques)
        values = pd.Series(t.map(lookup).to_numpy(dtype="float64"), index=t.index)
        values[blank] = np.nan
        if isinstance(series, pd.Series):
            values.index = series.index
        values.attrs["decimal"] = "."
        return values, []
    cores = _number_cores(texts)
    dec = decimal or _decide_decimal(cores)
    if dec == ",":
        norm = cores.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        norm = cores.str.replace(",", "", regex=False)
    paren = (norm.str.startswith("(") & norm.str.endswith(")")).fillna(False).astype(bool)
    norm = norm.str.strip("()")
    # Only what float() reads in full; to_numeric would also take '1_000' or 'inf' on some paths.
    ok = norm.str.fullmatch(_NUMBER.pattern).fillna(False).astype(bool)
    num = pd.to_numeric(norm.where(ok), errors="coerce").astype("float64")
    num = num.where(~paren, -num)
    lookup = pd.Series(num.to_numpy(), index=uniques)
    values = pd.Series(t.map(lookup).to_numpy(dtype="float64"), index=t.index)
    values[blank] = np.nan
    if isinstance(series, pd.Series):
        values.index = series.index
    values.attrs["decimal"] = dec
    return values, _positions(values.isna().reset_index(drop=True) & ~blank)


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
    codes, uniques = pd.factorize(t[~blank])
    minutes, used = _duration_minutes(pd.Series(uniques, dtype=object), unit)
    out = pd.Series(np.nan, index=t.index, dtype="float64")
    out[~blank] = minutes.to_numpy().take(codes)
    if isinstance(series, pd.Series):
        out.index = series.index
    out.attrs["unit"] = used
    return out, _positions(out.isna().reset_index(drop=True) & ~blank)


def _duration_minutes(t: pd.Series, unit: str) -> tuple[pd.Series, str]:
    """Distinct non-blank duration texts -> minutes, unit used."""
    out = pd.Series(np.nan, index=t.index, dtype="float64")
    # '378:46 hrs' (a clock with its unit word) and ISO 8601 'PT1H20M' / 'P1DT2H' read as the forms below.
    t = t.str.replace(r"^(\d+:\d{1,2}(?::\d{1,2})?)\s*(?:hrs?|hours?|h)\.?$", r"\1", regex=True, case=False)
    iso = t.str.fullmatch(r"P(?:\d+(?:[.,]\d+)?D)?(?:T(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?",
                          case=False) & (t.str.len() > 1)
    if iso.any():
        t = t.where(~iso, t[iso].str.upper().str.replace(r"^P|T", "", regex=True)
                    .str.replace(r"(\d)([DHMS])", r"\1\2 ", regex=True).str.strip())

    has_colon = t.str.contains(":", regex=False)
    if has_colon.any():
        c = t[has_colon]
        simple = c.str.fullmatch(r"\d+:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?")
        if simple.any():  # the common 'hh:mm[:ss]': split, no regex groups (fast)
            parts = c[simple].str.split(":", expand=True).apply(pd.to_numeric, errors="coerce")
            h, m = parts[0], parts[1]
            sec = parts[2].fillna(0) if 2 in parts else 0.0
            minutes = h * 60 + m + sec / 60
            out[c[simple].index] = minutes.where((m < 60) & (sec < 60) if 2 in parts else (m < 60))
        rest = c[~simple]
        if len(rest):
            parts = rest.str.extract("^(?:" + _CLOCK.pattern + ")$")
            num = parts[["d", "h", "m", "s"]].apply(pd.to_numeric, errors="coerce")
            minutes = num["d"].fillna(0) * 1440 + num["h"] * 60 + num["m"] + num["s"].fillna(0) / 60
            minutes = minutes.where(num["m"] < 60).where(num["s"].isna() | (num["s"] < 60))
            minutes = minutes.where(parts["neg"].isna(), -minutes)
            out[rest.index] = minutes

    wordy = t.str.contains(r"[^\d\s.,:+-]", regex=True) & ~has_colon
    if wordy.any():
        w = t[wordy]
        parts = w.str.extract("^(?:" + _WORDS.pattern + ")$", flags=re.I)
        ok = parts.notna().any(axis=1)
        num = parts.apply(lambda c: pd.to_numeric(c.str.replace(",", ".", regex=False), errors="coerce"))
        minutes = (num["d"].fillna(0) * 1440 + num["h"].fillna(0) * 60 + num["m"].fillna(0)
                   + num["s"].fillna(0) / 60)
        out[wordy] = minutes.where(ok)

    plain = ~has_colon & ~wordy
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
        # 'hh:mm' units with a plain number: read as hours (Freshdesk sometimes writes '1.5' in "in hrs").
        factor = _UNIT_MINUTES.get(used, 60.0 if used in ("hh:mm", "hh:mm:ss") else 1.0)
        out[plain] = nums.to_numpy() * factor
    if used == "auto" or (len(t) and has_colon.all()):
        used = "hh:mm:ss" if has_colon.any() else "text"
    return out, used


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

    # Distinct texts only (timestamps repeat), normalised: 上午/下午 -> AM/PM, 'GMT+1' -> '+01:00'.
    codes, uniques = pd.factorize(vals)
    n = pd.Series(uniques, dtype=object)
    if n.str.contains(r"[上下午오전후年]|\s\s|[aApP]\.[mM]\.", regex=True).any():
        n = _normalise_dt(n)
    if n.str.contains(r"(?:GMT|UTC|\d Z)$|(?:GMT|UTC)\s*[+-]", regex=True, case=False).any():
        n = n.str.replace(r"(?i)\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?$",
                          lambda m: f" {m.group(1)}{int(m.group(2)):02d}:{m.group(3) or '00'}", regex=True)
        n = n.str.replace(r"(?i)\s*(?:GMT|UTC|(?<=\d) Z)$", " +00:00", regex=True)

    # The column's own formats, learnt from a sample and run through pandas' C parser on every cell.
    templates: Counter[str] = Counter()
    evidence = {"a": False, "b": False}
    for v in n.iloc[:400]:
        tpl = _template(v, evidence)
        if tpl:
            templates[tpl] += 1
    ordered = [tpl for tpl, _ in templates.most_common()]
    parsed = pd.Series(pd.NaT, index=n.index, dtype="datetime64[us]")
    absolute = pd.Series(False, index=n.index)

    def run(fmts: list[str], rows: pd.Series) -> tuple[pd.Series, pd.Series]:
        out = pd.Series(pd.NaT, index=rows.index, dtype="datetime64[us]")
        off = pd.Series(False, index=rows.index)
        for fmt in fmts:
            todo = out.isna()
            if not todo.any():
                break
            aware = "%z" in fmt
            r = pd.to_datetime(rows[todo], format=fmt, errors="coerce", utc=aware)
            if aware:
                r = r.dt.tz_localize(None)
            out[todo] = r
            off[todo] = r.notna() & aware
        return out, off

    ymd = [tpl for tpl in ordered if "{A}" not in tpl]
    if ymd:
        parsed, absolute = run(ymd, n)
    order = dayfirst
    ambiguous = False
    dmy = [tpl for tpl in ordered if "{A}" in tpl]
    if dmy:
        todo = parsed.isna()
        rows = n[todo]

        def with_order(first: bool) -> list[str]:
            a, b = ("%d", "%m") if first else ("%m", "%d")
            return [tpl.replace("{A}", a).replace("{B}", b) for tpl in dmy]

        if order is None and evidence["a"] != evidence["b"]:
            order = evidence["a"]  # the sample shows a day > 12 in one field only
            r, off = run(with_order(order), rows)
            if r.notna().sum() < len(rows):  # some cells disagree: let the counts decide
                r2, off2 = run(with_order(not order), rows)
                if r2.notna().sum() > r.notna().sum():
                    order, r, off = not order, r2, off2
        elif order is None:
            rm, offm = run(with_order(False), rows)
            rd, offd = run(with_order(True), rows)
            cm, cd = rm.notna().sum(), rd.notna().sum()
            if cm != cd:
                order = bool(cd > cm)
            elif rm.equals(rd):
                order = None  # every cell reads the same either way (03/03/2025)
            elif all("{A}.{B}." in tpl for tpl in dmy):
                order = True  # dotted dates are day-first wherever they are written
            else:
                ambiguous = True
            r, off = (rd, offd) if order else (rm, offm)
        else:
            r, off = run(with_order(order), rows)
        if ambiguous:
            parsed[:] = pd.NaT
        else:
            parsed[todo], absolute[todo] = r, off

    # What the column's formats did not take goes through the per-cell parser.
    left = parsed.isna()
    p_general = None
    if left.any() and not ambiguous:
        g, g_abs, g_order, g_amb, p_general = _parse_general(n[left], order)
        if g_amb and not dmy:
            ambiguous = True
            parsed[:] = pd.NaT
        else:
            parsed[left], absolute[left] = g, g_abs
            order = order if order is not None else g_order

    if ambiguous:
        unreadable = n.str.fullmatch(_DT) | n.str.contains(_MONTH_NAMES)
        bad_u = ~unreadable.to_numpy()
        bad = nb.copy()
        bad[nb] = bad_u.take(codes)
        label = _label(ordered[0], None) if ordered else _describe(p_general, None)
        return DateParse(values=nat.copy().set_axis(series.index if isinstance(series, pd.Series) else nat.index),
                         bad_positions=_positions(bad), format=label + " (day/month order ambiguous)",
                         ambiguous=True)

    local = ~absolute & parsed.notna()
    if tz and local.any():
        parsed[local] = _localise(parsed[local], tz)
    out = nat.copy()
    out[nb] = parsed.to_numpy().take(codes)
    bad = nb & out.isna()
    if ordered:
        label = _label(ordered[0], order)
    else:
        label = _describe(p_general, order) if p_general is not None else "unrecognised"
    return _result(out, series, bad, label, dayfirst=order if (dmy or (p_general is not None and
                   p_general["a"].notna().any())) else None)


_DIRECTIVES = {"y1": "%Y", "m1": "%m", "d1": "%d", "a": "{A}", "b": "{B}", "M": "%M", "S": "%S", "f": "%f",
               "ap1": "%p", "ap2": "%p", "tz": "%z"}


def _template(v: str, evidence: dict[str, bool]) -> str | None:
    """'03/04/2025 10:22:11 AM' -> '{A}/{B}/%Y %I:%M:%S %p' (strptime format; {A}/{B} = day or month)."""
    m = _DT.fullmatch(v)
    if not m:
        return None
    if m["a"]:
        evidence["a"] |= int(m["a"]) > 12
        evidence["b"] |= int(m["b"]) > 12
    spans = []
    for name, g in m.groupdict().items():
        if g is None or name in ("sep1", "sep2"):
            continue
        if name == "y2":
            d = "%Y" if len(g) == 4 else "%y"
        elif name == "H":
            d = "%I" if (m["ap1"] or m["ap2"]) else "%H"
        elif name == "tz":
            if not re.fullmatch(r"Z|[+-]\d{2}:?\d{2}", g):
                return None  # '+1': leave to the per-cell parser
            d = "%z"
        else:
            d = _DIRECTIVES[name]
        spans.append((m.start(name), m.end(name), d))
    out, pos = [], 0
    for start, end, d in sorted(spans):
        out.append(v[pos:start].replace("%", "%%"))
        out.append(d)
        pos = end
    out.append(v[pos:].replace("%", "%%"))
    return "".join(out)


def _label(tpl: str, dayfirst: bool | None) -> str:
    """strptime template -> what the page shows: '{A}/{B}/%Y %I:%M:%S %p' -> 'MM/DD/YYYY hh:mm:ss AM'."""
    twelve = "%p" in tpl
    if dayfirst is None and "{A}" in tpl:
        a = _label(tpl, True)
        b = _label(tpl, False)
        return a if a == b else f"{a} or {b}"
    tpl = tpl.replace("{A}", "%d" if dayfirst else "%m").replace("{B}", "%m" if dayfirst else "%d")
    for d, h in (("%Y", "YYYY"), ("%y", "YY"), ("%m", "MM"), ("%d", "DD"), ("%H", "HH"), ("%I", "hh"),
                 ("%M", "mm" if twelve else "MM"), ("%S", "ss" if twelve else "SS"), ("%f", "fff"),
                 ("%p", "AM"), ("%z", "+offset"), ("%%", "%")):
        tpl = tpl.replace(d, h)
    return tpl


def _parse_general(n: pd.Series, order: bool | None) -> tuple[pd.Series, pd.Series, bool | None, bool, pd.DataFrame]:
    """Slow, per-cell path for what the column's own formats did not take (mixed shapes, month names).
    -> (parsed: naive, already UTC where a cell had an offset; absolute: cell had an offset;
    order used; ambiguous; the regex parts for a description)."""
    p = n.str.extract("^(?:" + _DT.pattern + ")$", flags=re.I)
    ok = p["y1"].notna() | p["a"].notna()
    num = {k: pd.to_numeric(p[k], errors="coerce") for k in ("y1", "m1", "d1", "a", "b", "y2", "H", "M", "S")}
    dmy = p["a"].notna()
    a, b = num["a"][dmy], num["b"][dmy]

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
        return pd.Series(pd.NaT, index=n.index, dtype="datetime64[us]"), n.notna() & False, None, True, p

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
    has_off = off.notna() & parsed.notna()
    parsed = parsed.astype("datetime64[us]")
    parsed[has_off] = parsed[has_off] - pd.to_timedelta(off[has_off], unit="m")
    return parsed, has_off, order if dmy.any() else None, False, p


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
