"""What a metric declaration is made of, the options it takes, and the SQL pieces declarations share.

A metric is declared once (a `Metric`): label, unit, direction, definition, options, the export that
supplies it, a one-row aggregate query, and a `finish` that turns that row into a `MetricResult`.
The engine runs every metric's query in one statement; pages and the CLI iterate the registry.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa

from cxkpi.metrics.types import ACCOUNT_FILTERS, SMALL_SAMPLE, Filters, MetricResult, Period
from cxkpi.store.schema import accounts, subscriptions

# ---------------------------------------------------------------------------------------------- options


@dataclass(frozen=True)
class OptionSpec:
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    kind: type = str  # str, bool, float, dict, list
    check: Callable[[Any], str | None] | None = None  # returns an error message for a bad value
    nullable: bool = False  # None (or "", "none" on the command line) is a value: e.g. no lifespan cap

    def parse(self, name: str, value: Any) -> Any:
        if self.nullable and (
            value is None or (isinstance(value, str) and value.strip().lower() in {"", "none"})
        ):
            return None
        if isinstance(value, str) and self.kind is not str:
            text = value.strip()
            if self.kind is bool:
                if text.lower() not in {"true", "false", "yes", "no", "1", "0"}:
                    raise ValueError(f"option {name} takes true or false, got {value!r}")
                value = text.lower() in {"true", "yes", "1"}
            elif self.kind is float:
                value = float(text.rstrip("%"))
            else:  # dict / list as JSON
                value = json.loads(text)
        if self.kind is float and value is not None:
            value = float(value)
        if self.kind is bool and not isinstance(value, bool):
            raise ValueError(f"option {name} takes true or false, got {value!r}")
        if self.choices and value not in self.choices:
            raise ValueError(f"option {name} takes one of {', '.join(map(str, self.choices))}, got {value!r}")
        if self.check is not None and value is not None:
            problem = self.check(value)
            if problem:
                raise ValueError(f"option {name}: {problem}")
        if self.kind is dict and not isinstance(value, dict):
            raise ValueError(f"option {name} takes a JSON object, got {value!r}")
        if self.kind is list and not isinstance(value, list):
            raise ValueError(f"option {name} takes a JSON list, got {value!r}")
        return value


def _check_zone(value: Any) -> str | None:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {value!r} (use an IANA name like Europe/Berlin)"
    return None


def _check_currency(value: Any) -> str | None:
    return (
        None
        if re.fullmatch(r"[A-Za-z]{3}", str(value))
        else f"a currency is a 3-letter ISO code, got {value!r}"
    )


def check_percent(value: Any) -> str | None:
    return None if 0 < float(value) <= 100 else f"a percentage between 0 and 100, got {value!r}"


# Options that are not one metric's: the workspace time zone and reporting currency, survey scales.
GLOBAL_OPTIONS: dict[str, OptionSpec] = {
    "timezone": OptionSpec(
        "UTC", "workspace time zone (IANA name); periods are whole days in it", check=_check_zone
    ),
    "currency": OptionSpec(
        None, "reporting currency (ISO code); default: the most common one in the data", check=_check_currency
    ),
    "survey.scales": OptionSpec(
        {},
        'scale per survey name overriding the stored one: {"Onboarding": "1-7"} or '
        '{"Widget": {"min": 1, "max": 5, "reversed": true}} (reversed: 1 = best, flipped before judging)',
        kind=dict,
    ),
}


class Options:
    """Defaults from the registry, then workspace settings, then the overrides given (`{"csat.mode": "mean"}`)."""

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        self._values: dict[str, Any] = {}
        for k, v in (overrides or {}).items():
            self.set(k, v)

    @staticmethod
    def specs() -> dict[str, OptionSpec]:
        from cxkpi.metrics.registry import REGISTRY

        out = dict(GLOBAL_OPTIONS)
        for m in REGISTRY.values():
            out.update({f"{m.key}.{n}": s for n, s in m.options.items()})
        return out

    def set(self, name: str, value: Any) -> None:
        specs = self.specs()
        if name not in specs:
            raise ValueError(f"unknown option {name!r}; known: {', '.join(sorted(specs))}")
        self._values[name] = specs[name].parse(name, value)

    def get(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        specs = self.specs()
        if name not in specs:
            raise KeyError(name)
        return specs[name].default

    def overrides(self) -> dict[str, Any]:
        return dict(self._values)

    def merged(self, other: Options | Mapping[str, Any] | None) -> Options:
        """These options with `other` laid on top."""
        out = Options(self._values)
        extra = other.overrides() if isinstance(other, Options) else (other or {})
        for k, v in extra.items():
            out.set(k, v)
        return out

    def for_metric(self, key: str) -> dict[str, Any]:
        from cxkpi.metrics.registry import REGISTRY

        return {f"{key}.{n}": self.get(f"{key}.{n}") for n in REGISTRY[key].options}

    @classmethod
    def coerce(cls, options: Options | Mapping[str, Any] | None) -> Options:
        return options if isinstance(options, Options) else cls(options)

    def __repr__(self) -> str:
        return f"Options({self._values!r})"


# ------------------------------------------------------------------------------------------- the context


@dataclass(frozen=True)
class Ctx:
    """Everything a metric's query needs: the period as UTC bounds, filters, options, workspace facts."""

    period: Period
    filters: Filters
    options: Options
    tz: str
    currency: str
    start: dt.datetime  # naive UTC, 00:00 of the first day in the workspace zone
    end: dt.datetime  # naive UTC, 00:00 after the last day (exclusive)
    basis: str | None  # "subscriptions" / "accounts" / None: where "active" is read from
    has_payments: bool = False
    metric: Any = None  # the Metric being computed
    # what the engine built once for every metric of a statement (the customer activity, see activity.py)
    shared: Mapping[str, Any] | None = field(default=None, compare=False)
    # the daily rollups this view may read instead of tickets and responses (see rollups.py), or None
    rollup: Any = field(default=None, compare=False)

    def for_metric(self, metric: Metric) -> Ctx:
        return dataclasses.replace(self, metric=metric)

    def for_period(self, period: Period) -> Ctx:
        s, e = period.utc_bounds(self.tz)
        return dataclasses.replace(self, period=period, start=s, end=e)

    def opt(self, name: str) -> Any:
        return self.options.get(f"{self.metric.key}.{name}")

    @property
    def unit(self) -> str:
        return self.currency if self.metric.unit == "currency" else self.metric.unit

    def _base(self) -> dict[str, Any]:
        m = self.metric
        return dict(
            key=m.key,
            label=m.label,
            unit=self.unit,
            definition=m.reading(self),
            options=self.options.for_metric(m.key),
            source=m.source,
        )

    def result(self, value: float | None, *, n: int | None = None, **kw: Any) -> MetricResult:
        if value is None:
            raise ValueError("use ctx.unavailable() for a missing value")
        fields_ = {**self._base(), **kw}
        return MetricResult(
            value=float(value), n=n, small_sample=n is not None and n < SMALL_SAMPLE, **fields_
        )

    def unavailable(self, reason: str, **extra: Any) -> MetricResult:
        return MetricResult(value=None, reason=reason, extra=extra, **self._base())


@dataclass(frozen=True)
class ExplainSpec:
    numerator: sa.Select
    denominator: sa.Select
    method: str
    numerator_sum: str | None = None
    denominator_sum: str | None = None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    unit: str  # '%', 'points', 'currency' (resolved to the reporting currency), 'count', 'hours', 'minutes'
    higher_is_better: bool
    description: str  # the definition sentence shown to users
    source: str  # the export that supplies it, for the not-available message
    query: Callable[[Ctx], sa.Select]  # one row of named aggregates
    finish: Callable[[Ctx, dict[str, Any]], MetricResult]
    explain: Callable[[Ctx], ExplainSpec]
    reading: Callable[[Ctx], str]  # the short reading printed beside the number ("top-2-box, 1–5 scale")
    options: dict[str, OptionSpec] = field(default_factory=dict)
    # The filter attributes the metric's rows carry (metrics.md: a filter applies only then). Any other filter
    # makes the metric not available, never a company-wide figure under a filtered title.
    honours: tuple[str, ...] = ("segment", "region", "plan")
    rows: str = (
        "rows"  # what one row is, in the users' words, for "a channel filter does not apply to subscriptions"
    )
    proportion: str | None = None  # "survey" (Wilson + z-test), "nps", or None
    # Set when `query` is plain aggregates over ONE subquery whose rows are kept to the period by this column
    # alone: a trend is then one GROUP BY bucket over the whole range instead of one block per bucket.
    bucket_column: str | None = None
    # True when bucket_column is a date kept to the period's dates inclusive (not a timestamp in UTC bounds)
    bucket_is_date: bool = False
    # What the query reads from the shared customer activity (activity.Needs), so the engine can build one
    # activity query for every metric and period of a statement
    needs: Callable[[Ctx], Any] | None = None
    # A trend over many buckets as one statement when plain GROUP BY over `query` does not fit (FRT's
    # per-channel lines): (ctx over the whole range, bucket_of(column)) → a select with a `bucket` column
    grouped: Callable[[Ctx, Callable[[Any], Any]], sa.Select] | None = None

    @property
    def uses_accounts(self) -> bool:
        """Its rows link to customer accounts, so segment / region / plan filters apply."""
        return bool(set(ACCOUNT_FILTERS) & set(self.honours))


# ----------------------------------------------------------------------------------------- shared SQL


def customer_key(t: sa.Table | sa.Subquery) -> sa.ColumnElement[str]:
    """Who a fact row belongs to: the linked account, else its own identity (unlinked rows still count)."""
    c = t.c
    # last resort, the row's own id (as revenue.py does): a subscription nobody can link is still a customer
    own = next(
        (c[n] for n in ("subscription_id", "payment_id", "renewal_id", "ticket_id", "response_id") if n in c),
        None,
    )
    parts = [c.linked_account_id, c.account_id, sa.func.lower(c.email), c.company]
    if own is not None:
        # literal_column, not a bound parameter: GROUP BY must see the very same expression text
        prefix = sa.literal_column(f"'{own.name.removesuffix('_id')}:'", sa.String)
        parts.append(prefix + c.system + sa.literal_column("':'", sa.String) + own)
    return sa.func.coalesce(*parts)


def norm(col: sa.ColumnElement[Any]) -> sa.ColumnElement[str]:
    return sa.func.lower(sa.func.trim(col))


def eq_text(col: sa.ColumnElement[Any], value: str) -> sa.ColumnElement[bool]:
    return norm(col) == value.strip().lower()


def account_attr_preds(ctx: Ctx, a: sa.Table | sa.Subquery = accounts) -> list[sa.ColumnElement[bool]]:
    return [eq_text(a.c[k], v) for k, v in ctx.filters.account_attrs().items()]


def linked_filter(ctx: Ctx, t: sa.Table | sa.Subquery) -> list[sa.ColumnElement[bool]]:
    """segment/region/plan: keep fact rows whose linked account has those attributes."""
    preds = account_attr_preds(ctx)
    if not preds:
        return []
    return [t.c.linked_account_id.in_(sa.select(accounts.c.account_id).where(*preds))]


def in_period(ctx: Ctx, col: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """A timestamp counts from 00:00 of the first day up to, not including, 00:00 after the last day."""
    return sa.and_(col >= ctx.start, col < ctx.end)


def date_in_period(ctx: Ctx, col: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """A date-only field counts when it falls between the two dates inclusive (no time-zone shift)."""
    return sa.and_(col >= ctx.period.start, col <= ctx.period.end)


def currency_ok(ctx: Ctx, t: sa.Table | sa.Subquery) -> sa.ColumnElement[bool]:
    """Rows in the reporting currency (a blank currency is read as the reporting one)."""
    return sa.or_(t.c.currency.is_(None), sa.func.upper(sa.func.trim(t.c.currency)) == ctx.currency)


def other_currency(ctx: Ctx, t: sa.Table | sa.Subquery) -> sa.ColumnElement[bool]:
    return sa.and_(t.c.currency.is_not(None), sa.func.upper(sa.func.trim(t.c.currency)) != ctx.currency)


def count_sq(sel: sa.Select) -> sa.ScalarSelect:
    """Rows of a select, as a scalar subquery."""
    sub = sel.subquery()
    return sa.select(sa.func.count()).select_from(sub).scalar_subquery()


def active_keys(ctx: Ctx, instant: dt.datetime) -> sa.Select:
    """Distinct customers active at `instant` (metrics.md: subscriptions, else accounts created/churned)."""
    if ctx.basis == "subscriptions":
        s = subscriptions
        k = customer_key(s)
        return (
            sa.select(k.label("customer"))
            .where(s.c.started_at <= instant, sa.or_(s.c.ended_at.is_(None), s.c.ended_at > instant))
            .where(k.is_not(None), *linked_filter(ctx, s))
            .distinct()
        )
    a = accounts
    return (
        sa.select(a.c.account_id.label("customer"))
        .where(a.c.created_at <= instant, sa.or_(a.c.churned_at.is_(None), a.c.churned_at > instant))
        .where(*account_attr_preds(ctx))
        .distinct()
    )


def touched_keys(ctx: Ctx, start: dt.datetime, end: dt.datetime) -> sa.Select:
    """Distinct customers active at any instant of [start, end)."""
    if ctx.basis == "subscriptions":
        s = subscriptions
        k = customer_key(s)
        return (
            sa.select(k.label("customer"))
            .where(s.c.started_at < end, sa.or_(s.c.ended_at.is_(None), s.c.ended_at > start))
            .where(k.is_not(None), *linked_filter(ctx, s))
            .distinct()
        )
    a = accounts
    return (
        sa.select(a.c.account_id.label("customer"))
        .where(a.c.created_at < end, sa.or_(a.c.churned_at.is_(None), a.c.churned_at > start))
        .where(*account_attr_preds(ctx))
        .distinct()
    )


# Sums of floats depend on the order rows are added in (DuckDB adds in parallel), so two runs — or DuckDB and
# PostgreSQL — differ in the 14th digit. Each row's value is rounded to 12 decimals and summed as DECIMAL,
# which is exact and order-free: the same rows give the same bytes on every run and both backends.
EXACT = sa.Numeric(38, 12)


def exact_sum(value: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """SUM over DECIMAL(38, 12): order-independent (see EXACT); None when there are no rows."""
    return sa.func.sum(sa.cast(value, EXACT))


def num(v: Any) -> float:
    """A database number (int, Decimal, None) as float; None counts as 0 in sums and counts."""
    return float(v) if v is not None else 0.0


def fmt_scale(lo: float, hi: float) -> str:
    f = lambda x: str(int(x)) if float(x).is_integer() else f"{x:g}"  # noqa: E731
    return f"{f(lo)}–{f(hi)}"
