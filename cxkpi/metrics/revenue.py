"""Revenue movements (the monthly MRR bridge) and cohort retention, computed in the database.

Definitions are written out in docs/revenue.md. Everything here is SQLAlchemy Core that runs unchanged
on DuckDB and PostgreSQL; pandas only reshapes the few aggregated rows that come back.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

import pandas as pd
import sqlalchemy as sa

from cxkpi.metrics.sql import active_at, mrr_amount
from cxkpi.store.schema import accounts, subscriptions

MOVEMENTS = ("new", "expansion", "contraction", "churned", "reactivation")
FILTER_ATTRIBUTES = ("segment", "region", "plan")

# Per-customer MRR is rounded to the cent before anything is summed, and all sums are exact decimals:
# that is what makes mrr_start + movements == mrr_end hold to the cent, with no float drift.
_MONEY = sa.Numeric(20, 2)


def month_starts(start_month: dt.date, end_month: dt.date) -> list[dt.date]:
    """The first day of every calendar month from start_month's month to end_month's month, inclusive."""
    first, last = start_month.replace(day=1), end_month.replace(day=1)
    if last < first:
        raise ValueError(f"end_month {end_month} is before start_month {start_month}")
    out = [first]
    while out[-1] < last:
        out.append(_add_months(out[-1], 1))
    return out


def _add_months(d: dt.date, n: int) -> dt.date:
    years, month0 = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + years, month0 + 1, 1)


def _instant(day: dt.date, timezone: str) -> dt.datetime:
    """00:00 of `day` in the workspace zone, as the naive UTC timestamp the store compares against."""
    local = dt.datetime.combine(day, dt.time(), tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def _workspace(engine: sa.Engine, timezone: str | None, currency: str | None) -> tuple[str, str | None]:
    """Time zone and reporting currency: the arguments, else the saved workspace settings."""
    if timezone is not None and currency is not None:
        return timezone, currency
    from cxkpi.settings import get_settings  # late: settings imports benchmarks, keep metrics light

    ws = get_settings(engine)
    return timezone or ws.timezone, currency or ws.currency


def _wanted(filters: Any, attr: str) -> list[str] | None:
    # getattr keeps us independent of the registry's Filters class: any object with these attributes works
    want = getattr(filters, attr, None) if filters is not None else None
    if want is None or want == "" or (not isinstance(want, str) and len(want) == 0):
        return None
    # compared case- and surrounding-space-insensitively, as the registry's Filters do
    return [w.strip().lower() for w in ([want] if isinstance(want, str) else [str(w) for w in want])]


def _subscriptions(filters: Any, currency: str | None) -> sa.Subquery:
    """Subscriptions reduced to (customer, started_at, ended_at, monthly), filtered by the account's attributes."""
    s = subscriptions
    # A row that links to nothing is still a customer of its own (company-wide metrics count it).
    customer = sa.func.coalesce(
        s.c.linked_account_id, sa.literal("subscription:") + s.c.system + sa.literal(":") + s.c.subscription_id
    )
    conds: list[sa.ColumnElement[bool]] = [s.c.started_at.is_not(None)]
    for attr in FILTER_ATTRIBUTES:
        values = _wanted(filters, attr)
        if values is not None:
            conds.append(
                sa.exists().where(accounts.c.account_id == s.c.linked_account_id, sa.func.lower(sa.func.trim(accounts.c[attr])).in_(values))
            )
    if currency:
        conds.append(sa.func.upper(s.c.currency) == currency.upper())
    q = sa.select(
        customer.label("customer"),
        s.c.started_at,
        s.c.ended_at,
        mrr_amount(s).label("monthly"),  # trials add 0, as in the MRR metric
        s.c.currency,
    ).where(*conds)
    return q.subquery("subs")


def _check_currency(conn: sa.Connection, subs: sa.Subquery, currency: str | None) -> list[str]:
    found = sorted(
        r[0]
        for r in conn.execute(
            sa.select(sa.func.upper(subs.c.currency)).where(subs.c.currency.is_not(None)).distinct()
        )
    )
    if currency is None and len(found) > 1:
        # metrics.md: one reporting currency; adding EUR to USD would be a guess.
        raise ValueError(
            f"subscriptions are in several currencies ({', '.join(found)}); pass currency= to pick one"
        )
    return found


def _customer_mrr_at(subs: sa.Subquery, instants: list[dt.datetime]) -> tuple[sa.FromClause, sa.CTE]:
    """(bounds, at_b): at_b has one row per customer active at a boundary, with its MRR there.

    MRR at an instant = sum of mrr_amount (the monthly amount; 0 during a trial) over the customer's subscriptions active at that instant
    (cxkpi.metrics.sql.active_at), clamped at 0 (a credit larger than the charges is no revenue) and
    rounded to the cent. A customer whose active subscriptions are all trials has a row with MRR 0: it is
    *active* (metrics.md) but not paying.
    """
    bounds = sa.values(sa.column("idx", sa.Integer), sa.column("bound_at", sa.DateTime), name="bounds").data(
        list(enumerate(instants))
    )
    raw = sa.func.coalesce(sa.func.sum(subs.c.monthly), 0.0)
    mrr = sa.cast(sa.func.round(sa.cast(sa.func.greatest(raw, 0.0), sa.Numeric(28, 8)), 2), _MONEY)
    at_b = (
        sa.select(subs.c.customer, bounds.c.idx, bounds.c.bound_at, mrr.label("mrr"))
        .select_from(subs.join(bounds, active_at(subs, bounds.c.bound_at)))
        .group_by(subs.c.customer, bounds.c.idx, bounds.c.bound_at)
        .cte("at_b")
    )
    return bounds, at_b


def _money(x: Any) -> float:
    return float(x) if x is not None else 0.0


def mrr_movements(
    engine: sa.Engine,
    start_month: dt.date,
    end_month: dt.date,
    filters: Any = None,
    *,
    timezone: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """One row per calendar month: MRR at its start and end and the movements between them.

    Columns: month, mrr_start, new, expansion, contraction, churned, reactivation, mrr_end (contraction
    and churned are negative; mrr_start + the five movements == mrr_end to the cent), customers_start,
    customers_end, customers_lost, logo_churn, revenue_churn (gross), net_revenue_churn, nrr.
    timezone / currency default to the workspace settings (cxkpi.settings).
    """
    timezone, currency = _workspace(engine, timezone, currency)
    months = month_starts(start_month, end_month)
    instants = [_instant(m, timezone) for m in [*months, _add_months(months[-1], 1)]]
    subs = _subscriptions(filters, currency)
    bounds, at_b = _customer_mrr_at(subs, instants)

    customers = sa.select(at_b.c.customer).distinct().cte("customers")
    grid = (
        sa.select(
            customers.c.customer,
            bounds.c.idx,
            bounds.c.bound_at,
            sa.func.coalesce(at_b.c.mrr, sa.cast(0, _MONEY)).label("mrr"),
            at_b.c.customer.is_not(None).label("active"),
        )
        .select_from(
            customers.join(bounds, sa.true()).outerjoin(
                at_b, sa.and_(at_b.c.customer == customers.c.customer, at_b.c.idx == bounds.c.idx)
            )
        )
        .cte("grid")
    )
    # The first instant the customer ever had a paying subscription: "had MRR before" = this < month start.
    first_paid = (
        sa.select(subs.c.customer, sa.func.min(subs.c.started_at).label("first_paid"))
        .where(subs.c.monthly > 0, sa.or_(subs.c.ended_at.is_(None), subs.c.ended_at > subs.c.started_at))
        .group_by(subs.c.customer)
        .cte("first_paid")
    )
    g0, g1 = grid.alias("g0"), grid.alias("g1")
    s, e, diff = g0.c.mrr, g1.c.mrr, g1.c.mrr - g0.c.mrr
    zero = sa.cast(0, _MONEY)
    paid_before = sa.and_(first_paid.c.first_paid.is_not(None), first_paid.c.first_paid < g0.c.bound_at)

    def bucket(cond: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.sum(sa.case((cond, diff), else_=zero))

    def count(cond: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.sum(sa.case((cond, 1), else_=0))

    # Every customer's change e − s lands in exactly one bucket, so the bridge closes by construction.
    q = (
        sa.select(
            g0.c.idx,
            sa.func.sum(s).label("mrr_start"),
            bucket(sa.and_(s == 0, e > 0, sa.not_(paid_before))).label("new"),
            bucket(sa.and_(s > 0, e > s)).label("expansion"),
            bucket(sa.and_(s > 0, e > 0, e < s)).label("contraction"),
            bucket(sa.and_(s > 0, e == 0)).label("churned"),
            bucket(sa.and_(s == 0, e > 0, paid_before)).label("reactivation"),
            sa.func.sum(e).label("mrr_end"),
            count(g0.c.active).label("customers_start"),
            count(g1.c.active).label("customers_end"),
            count(sa.and_(g0.c.active, sa.not_(g1.c.active))).label("customers_lost"),
        )
        .select_from(
            g0.join(g1, sa.and_(g1.c.customer == g0.c.customer, g1.c.idx == g0.c.idx + 1)).outerjoin(
                first_paid, first_paid.c.customer == g0.c.customer
            )
        )
        .group_by(g0.c.idx)
    )
    with engine.connect() as conn:
        currencies = _check_currency(conn, subs, currency)
        rows = {r.idx: r._mapping for r in conn.execute(q)}
        unknown = conn.execute(
            sa.select(sa.func.count()).select_from(subs).where(subs.c.monthly.is_(None))
        ).scalar()

    out = []
    money_cols = ("mrr_start", *MOVEMENTS, "mrr_end")
    for i, month in enumerate(months):
        r = rows.get(i)
        rec: dict[str, Any] = {"month": month}
        for col in money_cols:
            rec[col] = r[col] if r is not None and r[col] is not None else Decimal(0)
        # exact decimal check before floats: a failure here is a bug in the buckets, not rounding
        if rec["mrr_start"] + sum(rec[m] for m in MOVEMENTS) != rec["mrr_end"]:
            raise RuntimeError(f"MRR bridge does not close for {month}: {rec}")
        for col in money_cols:
            rec[col] = _money(rec[col])
        for col in ("customers_start", "customers_end", "customers_lost"):
            rec[col] = int(r[col] or 0) if r is not None else 0
        out.append(rec)
    df = pd.DataFrame(out, columns=["month", *money_cols, "customers_start", "customers_end", "customers_lost"])
    start = df["mrr_start"].where(df["mrr_start"] > 0)  # no base → not available (NaN), never 0 %
    cust0 = df["customers_start"].where(df["customers_start"] > 0)
    df["logo_churn"] = df["customers_lost"] / cust0 * 100
    df["revenue_churn"] = -(df["churned"] + df["contraction"]) / start * 100  # gross
    df["net_revenue_churn"] = -(df["churned"] + df["contraction"] + df["expansion"]) / start * 100
    df["nrr"] = (df["mrr_start"] + df["expansion"] + df["contraction"] + df["churned"]) / start * 100
    df.attrs.update(
        timezone=timezone,
        currency=currency.upper() if currency else (currencies[0] if currencies else None),
        unknown_interval_subscriptions=int(unknown or 0),
    )
    return df


def cohort_retention(
    engine: sa.Engine,
    start_month: dt.date,
    end_month: dt.date,
    filters: Any = None,
    basis: Literal["logo", "revenue"] = "logo",
    *,
    timezone: str | None = None,
    currency: str | None = None,
) -> pd.DataFrame:
    """Cohorts (first month at whose end the customer had MRR) × months since then → % retained.

    One row per cohort month in [start_month, end_month]: cohort, customers, mrr (the cohort's MRR at the
    end of its first month), then columns 0, 1, 2 … = % of the cohort's customers with MRR > 0 (logo) or
    % of its first-month MRR (revenue, can exceed 100 with expansion) at the end of month cohort + k.
    Cells after end_month are NaN. timezone / currency default to the workspace settings.
    """
    if basis not in ("logo", "revenue"):
        raise ValueError(f"basis must be 'logo' or 'revenue', not {basis!r}")
    timezone, currency = _workspace(engine, timezone, currency)
    months = month_starts(start_month, end_month)
    subs = _subscriptions(filters, currency)
    with engine.connect() as conn:
        _check_currency(conn, subs, currency)
        earliest = conn.execute(sa.select(sa.func.min(subs.c.started_at)).where(subs.c.monthly > 0)).scalar()
        if earliest is None:
            return _empty_cohorts(months)
        # Cohorts are decided over the whole history, not the window: a customer paying since before
        # start_month is not "new" in start_month.
        first_month = min(_local_month(earliest, timezone), months[0])
        all_months = month_starts(first_month, months[-1])
        ends = [_instant(_add_months(m, 1), timezone) for m in all_months]
        _, at_b = _customer_mrr_at(subs, ends)
        paying = sa.select(at_b).where(at_b.c.mrr > 0).cte("paying")
        cohort = (
            sa.select(paying.c.customer, sa.func.min(paying.c.idx).label("c"))
            .group_by(paying.c.customer)
            .cte("cohort")
        )
        joined = paying.join(cohort, cohort.c.customer == paying.c.customer)
        cells = conn.execute(
            sa.select(
                cohort.c.c,
                (paying.c.idx - cohort.c.c).label("k"),
                sa.func.count().label("n"),
                sa.func.sum(paying.c.mrr).label("mrr"),
            )
            .select_from(joined)
            .group_by(cohort.c.c, paying.c.idx - cohort.c.c)
        ).all()

    offset = all_months.index(months[0])
    by_cohort: dict[int, dict[int, tuple[int, float]]] = {}
    for c, k, n, mrr in cells:
        by_cohort.setdefault(int(c), {})[int(k)] = (int(n), _money(mrr))
    width = len(months)
    rows = []
    for i, month in enumerate(months):
        cells_i = by_cohort.get(offset + i, {})
        size, base = cells_i.get(0, (0, 0.0))
        rec: dict[Any, Any] = {"cohort": month, "customers": size, "mrr": base}
        for k in range(width):
            if i + k >= width or size == 0:
                rec[k] = float("nan")
                continue
            n, mrr = cells_i.get(k, (0, 0.0))
            rec[k] = n / size * 100 if basis == "logo" else (mrr / base * 100 if base > 0 else float("nan"))
        rows.append(rec)
    df = pd.DataFrame(rows, columns=["cohort", "customers", "mrr", *range(width)])
    df.attrs.update(basis=basis, timezone=timezone)
    return df


def _local_month(ts: dt.datetime, timezone: str) -> dt.date:
    local = ts.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)) if ts.tzinfo is None else ts
    return local.date().replace(day=1)


def _empty_cohorts(months: list[dt.date]) -> pd.DataFrame:
    width = len(months)
    rows = [{"cohort": m, "customers": 0, "mrr": 0.0, **{k: float("nan") for k in range(width)}} for m in months]
    return pd.DataFrame(rows, columns=["cohort", "customers", "mrr", *range(width)])
