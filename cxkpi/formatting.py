"""Every number, amount, percentage and date the pages show goes through here (babel, locale-aware).

One style everywhere: 1,234.5 · 84.0 % · +5 pts · $12,450 · 1.7 h · 12.2 min · Oct 2026.
Units are joined with a no-break space (NBSP) so "84.0 %" never wraps between the number and its unit.
Values arrive unrounded from the metric engine; rounding happens only here, for display.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_currency, format_decimal

from cxkpi.i18n import N_, get_locale, t

# cxkpi locale -> babel locale used for numbers and dates.
BABEL_LOCALES = {"en": "en_US", "zh_Hans": "zh_Hans_CN", "zh_Hant": "zh_Hant_TW", "it": "it_IT"}
DASH = "—"
NBSP = "\u00a0"


def _loc(locale: str | None = None) -> str:
    return BABEL_LOCALES.get(locale or get_locale(), "en_US")


@functools.cache
def _babel(name: str) -> Locale:
    # babel parses a locale name on every call (a third of a page rerun's formatting time); parsed once here
    return Locale.parse(name)


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: float | None, decimals: int = 1, locale: str | None = None) -> str:
    """1234.5 -> '1,234.5'; whole-number counts with decimals=0 -> '30,082'."""
    if _missing(x):
        return DASH
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round(float(x), decimals), format=pattern, locale=_babel(_loc(locale)))


def count(x: float | None, locale: str | None = None) -> str:
    return number(x, 0, locale)


def percent(x: float | None, decimals: int = 1, locale: str | None = None) -> str:
    """A 0–100 percentage: 84.0 -> '84.0 %'."""
    return DASH if _missing(x) else f"{number(x, decimals, locale)}{NBSP}%"


def _signed(text: str, x: float) -> str:
    # An explicit + so a change reads as a change; a true minus sign for negatives.
    return "−" + text[1:] if text.startswith("-") else "+" + text


def points(delta: float | None, decimals: int = 1, locale: str | None = None) -> str:
    """A change in percentage points or NPS points: 5 -> '+5.0 pts' (decimals=0 -> '+5 pts')."""
    if _missing(delta):
        return DASH
    if round(float(delta), decimals) == 0:
        return f"±{number(0, decimals, locale)}{NBSP}{t('unit.points')}"
    return f"{_signed(number(delta, decimals, locale), delta)}{NBSP}{t('unit.points')}"


def money(x: float | None, currency: str = "USD", decimals: int = 0, locale: str | None = None) -> str:
    """12450 USD -> '$12,450' (the locale decides symbol position and separators)."""
    if _missing(x):
        return DASH
    loc = _loc(locale)
    pattern = Locale.parse(loc).currency_formats["standard"].pattern.split(";")[0]
    base = pattern.replace(".00", "." + "0" * decimals if decimals else "")
    return format_currency(
        round(float(x), decimals), currency.upper(), format=base, locale=loc, currency_digits=False
    )


def signed_money(x: float | None, currency: str = "USD", decimals: int = 0, locale: str | None = None) -> str:
    if _missing(x):
        return DASH
    if round(float(x), decimals) == 0:
        return "±" + money(0, currency, decimals, locale)
    text = money(abs(x), currency, decimals, locale)
    return ("+" if x > 0 else "−") + text


def signed_number(x: float | None, decimals: int = 1, suffix: str = "", locale: str | None = None) -> str:
    if _missing(x):
        return DASH
    if round(float(x), decimals) == 0:
        return f"±{number(0, decimals, locale)}{suffix}"
    return _signed(number(x, decimals, locale), x) + suffix


def hours(x: float | None, locale: str | None = None) -> str:
    return DASH if _missing(x) else f"{number(x, 1, locale)}{NBSP}{t('unit.hours')}"


def minutes(x: float | None, locale: str | None = None) -> str:
    return DASH if _missing(x) else f"{number(x, 1, locale)}{NBSP}{t('unit.minutes')}"


def date(d: dt.date | None, locale: str | None = None) -> str:
    """'Oct 1, 2026'."""
    return DASH if d is None else format_date(d, "medium", locale=_loc(locale))


def month(d: dt.date, locale: str | None = None) -> str:
    """'Oct 2026'."""
    return format_skeleton("yMMM", d, locale=_loc(locale))


def period(start: dt.date, end: dt.date, locale: str | None = None) -> str:
    """'Oct 1 – 31, 2026'; a whole calendar month reads 'Oct 2026'."""
    loc = _loc(locale)
    next_day = end + dt.timedelta(days=1)
    if start.day == 1 and next_day.day == 1 and (start.year, start.month) == (end.year, end.month):
        return month(start, locale)
    return format_interval(start, end, "yMMMd", locale=loc)


def months(start: dt.date, end: dt.date, locale: str | None = None) -> str:
    """A run of calendar months: 'May – Oct 2026' (a partial last month still reads by its month)."""
    if (start.year, start.month) == (end.year, end.month):
        return month(start, locale)
    return format_interval(start, end, "yMMM", locale=_loc(locale))


def bucket_label(start: dt.date, by: str, locale: str | None = None) -> str:
    """Axis label of a trend bucket: week -> 'Oct 6, 2026', month -> 'Oct 2026', quarter -> 'Q4 2026'."""
    if by == "quarter":
        return format_skeleton("yQQQ", start, locale=_loc(locale))  # "Q4 2026", "2026年第4季度", "T4 2026"
    if by == "week":
        return date(start, locale)
    return month(start, locale)


def value(x: float | None, unit: str, currency: str = "USD", locale: str | None = None) -> str:
    """A metric value by its unit: '%', 'points', 'count', 'hours', 'minutes', a currency code or 'currency'."""
    if _missing(x):
        return t("scorecard.not_available")
    if unit == "%":
        return percent(x, 1, locale)
    if unit == "points":
        return number(x, 0, locale)
    if unit == "count":
        return count(x, locale)
    if unit == "hours":
        # under an hour reads in minutes: a chat's 0.04 h median is "2.4 min", not "0.0 h"
        return minutes(x * 60, locale) if abs(x) < 1 else hours(x, locale)
    if unit == "minutes":
        return minutes(x, locale)
    return money(x, currency if unit == "currency" else unit, 0, locale)


def delta(x: float | None, unit: str, currency: str = "USD", locale: str | None = None) -> str:
    """A change in a metric's unit: percentages and NPS move in points, money in currency."""
    if _missing(x):
        return DASH
    if unit == "%":
        return points(x, 1, locale)
    if unit == "points":
        return points(x, 0, locale)
    if unit == "count":
        return signed_number(x, 0, "", locale)
    if unit == "hours":
        return signed_number(x, 1, NBSP + t("unit.hours"), locale)
    if unit == "minutes":
        return signed_number(x, 1, NBSP + t("unit.minutes"), locale)
    return signed_money(x, currency if unit == "currency" else unit, 0, locale)


def axis_title(unit: str, currency: str = "USD") -> str:
    """A chart's y-axis unit label."""
    names = {"points": N_("unit.axis.points"), "count": N_("unit.axis.count"), "hours": N_("unit.axis.hours"),
             "minutes": N_("unit.axis.minutes")}  # fmt: skip
    return {"%": "%", **{u: t(k) for u, k in names.items()}}.get(
        unit, currency if unit == "currency" else unit
    )
