"""The values the metric engine hands out: periods, filters, results, trend points, changes, explanations."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:  # pandas is imported only by explain(), which builds the frames
    import pandas as pd

SMALL_SAMPLE = 30  # metrics.md: samples below this are flagged


@dataclass(frozen=True)
class Period:
    """Whole days, start and end inclusive, in the workspace time zone."""

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def parse(cls, start: str | dt.date, end: str | dt.date) -> Period:
        s = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start))
        e = end if isinstance(end, dt.date) else dt.date.fromisoformat(str(end))
        return cls(s, e)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def utc_bounds(self, tz: str = "UTC") -> tuple[dt.datetime, dt.datetime]:
        """00:00 of the first day and 00:00 after the last day in `tz`, as naive UTC (how the store keeps time)."""
        z = ZoneInfo(tz)

        def at_midnight(d: dt.date) -> dt.datetime:
            local = dt.datetime.combine(d, dt.time(), tzinfo=z)
            return local.astimezone(dt.UTC).replace(tzinfo=None)

        return at_midnight(self.start), at_midnight(self.end + dt.timedelta(days=1))

    def months_touched(self) -> list[Period]:
        """Every calendar month the period touches, each as the whole month."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append(Period(dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1])))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out

    def trailing_months(self, at_least: int = 6) -> list[Period]:
        """The calendar months the period touches, extended back to hold at least `at_least` calendar months
        ending with the period's last month (metrics.md, CLV's trailing window); each as the whole month."""
        y, m = self.end.year, self.end.month - (at_least - 1)
        while m < 1:
            y, m = y - 1, m + 12
        first = min(dt.date(y, m, 1), self.start.replace(day=1))
        return Period(first, self.end).months_touched()

    def month_count(self) -> float:
        """Months in the period, a partial month counting by its share of days (March = 1.0, Q1 = 3.0)."""
        total = 0.0
        for m in self.months_touched():
            overlap = (min(m.end, self.end) - max(m.start, self.start)).days + 1
            total += overlap / m.days
        return total

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def previous_period(p: Period) -> Period:
    """The period of the same length just before `p` (a whole month or quarter maps to the previous one)."""
    if p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1:
        months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
        y, m = p.start.year, p.start.month - months
        while m < 1:
            y, m = y - 1, m + 12
        start = dt.date(y, m, 1)
        return Period(start, p.start - dt.timedelta(days=1))
    length = dt.timedelta(days=p.days)
    return Period(p.start - length, p.end - length)


def _shift_year(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def same_period_last_year(p: Period) -> Period:
    end = _shift_year(p.end, -1)
    # a period ending on the last day of February keeps ending on the last day of February
    if (p.end + dt.timedelta(days=1)).month != p.end.month:
        end = dt.date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
    return Period(_shift_year(p.start, -1), end)


ACCOUNT_FILTERS = ("segment", "region", "plan")
FILTER_KEYS = (*ACCOUNT_FILTERS, "channel", "survey")


@dataclass(frozen=True)
class Filters:
    """segment/region/plan keep rows linked to such an account; channel filters tickets and responses;
    survey filters responses. Values compare case- and surrounding-space-insensitively."""

    segment: str | None = None
    region: str | None = None
    plan: str | None = None
    channel: str | None = None
    survey: str | None = None

    @classmethod
    def from_pairs(cls, pairs: list[tuple[str, str]] | dict[str, str] | None) -> Filters:
        items = pairs.items() if isinstance(pairs, dict) else (pairs or [])
        kw: dict[str, str] = {}
        for k, v in items:
            k = k.strip().lower()
            if k not in FILTER_KEYS:
                raise ValueError(f"unknown filter {k!r}; use one of {', '.join(FILTER_KEYS)}")
            kw[k] = v
        return cls(**kw)

    def account_attrs(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in ACCOUNT_FILTERS if getattr(self, k)}

    def as_dict(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}


# Figures leave the library (to_json) rounded to 12 significant digits: the sums behind them are exact
# (see base.EXACT), and this absorbs the last-bit differences that remain between float functions of
# DuckDB and PostgreSQL, so the same store and view print the same bytes.
SIGNIFICANT_DIGITS = 12


def stable(value: Any) -> Any:
    """Floats (also inside dicts and lists) rounded to SIGNIFICANT_DIGITS; other values as they are."""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or value == 0.0:
            return value if value == value else None
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [stable(v) for v in value]
    return value


@dataclass(frozen=True)
class LatestValue:
    """The most recent calendar month with data before a period that has none: shown as another period,
    never used for changes or goals."""

    value: float
    start: dt.date
    end: dt.date
    n: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "value": stable(self.value),
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "n": self.n,
        }


@dataclass
class MetricResult:
    key: str
    label: str
    value: float | None
    unit: str
    n: int | None = None
    numerator: float | None = None
    denominator: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    definition: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    small_sample: bool = False
    source: str = ""  # which export supplies the metric (shown with a not-available result)
    latest: LatestValue | None = None  # set only when value is None and an earlier month has data

    @property
    def available(self) -> bool:
        return self.value is not None

    def to_json(self) -> dict[str, Any]:
        """The cli.md shape: value, unit, n, ci_low, ci_high, definition, extras at top level."""
        if self.value is None:
            out: dict[str, Any] = {
                "value": None,
                "reason": self.reason,
                "unit": self.unit,
                "label": self.label,
            }
            if self.source:
                out["source"] = self.source
            out["definition"] = self.definition
            out["options"] = self.options
            if self.latest is not None:
                out["latest"] = self.latest.to_json()
            out.update({k: v for k, v in self.extra.items() if k not in out})
            return stable(out)
        out = {
            "value": self.value,
            "unit": self.unit,
            "n": self.n,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
            "definition": self.definition,
            "label": self.label,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "small_sample": self.small_sample,
            "options": self.options,
        }
        out.update({k: v for k, v in self.extra.items() if k not in out})
        return stable(out)


@dataclass(frozen=True)
class TrendPoint:
    start: dt.date
    end: dt.date
    result: MetricResult


@dataclass(frozen=True)
class Change:
    delta: float | None
    relative: float | None
    significant: bool | None
    test: str
    p_value: float | None


@dataclass
class Explanation:
    """The records behind a number. The numerator equals len(numerator_rows), or the sum of
    numerator_rows[numerator_sum] when that is set (money, NPS ±1); likewise the denominator."""

    key: str
    numerator_rows: pd.DataFrame
    denominator_rows: pd.DataFrame
    columns: list[str]
    method: str
    numerator_sum: str | None = None
    denominator_sum: str | None = None
    reason: str | None = None

    def numerator_total(self) -> float:
        if self.numerator_sum:
            return float(self.numerator_rows[self.numerator_sum].astype(float).sum())
        return float(len(self.numerator_rows))

    def denominator_total(self) -> float:
        if self.denominator_sum:
            return float(self.denominator_rows[self.denominator_sum].astype(float).sum())
        return float(len(self.denominator_rows))
