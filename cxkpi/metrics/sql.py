"""SQL pieces every metric shares, written once in SQLAlchemy Core so DuckDB and PostgreSQL agree."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from cxkpi.store.schema import subscriptions

# Months per billing interval unit; `week` and `day` use 52 and 365 per year (metrics.md, MRR).
_MONTHS_PER_UNIT = {"day": 12.0 / 365.0, "week": 12.0 / 52.0, "month": 1.0, "quarter": 3.0, "year": 12.0}


def monthly_amount(t: sa.Table | sa.Subquery = subscriptions) -> sa.ColumnElement[float]:
    """amount × quantity × (1 − discount) normalised to one month, ÷ interval_count.

    Unknown intervals give NULL (not 0) so they surface as a data-quality finding, not a silent zero.
    """
    c = t.c
    months = sa.case(
        *[(sa.func.lower(c.interval) == unit, sa.literal(m)) for unit, m in _MONTHS_PER_UNIT.items()],
        else_=sa.null(),
    )
    per_interval = (
        sa.func.coalesce(c.amount, 0.0)
        * sa.func.coalesce(c.quantity, 1.0)
        * (1.0 - sa.func.coalesce(c.discount, 0.0))
    )
    count = sa.func.greatest(sa.func.coalesce(c.interval_count, 1), 1)
    return per_interval / (months * count)


def active_at(t: sa.Table | sa.Subquery, instant: dt.datetime) -> sa.ColumnElement[bool]:
    """A subscription is active at t when started_at ≤ t and (ended_at empty or ended_at > t)."""
    c = t.c
    return sa.and_(c.started_at <= instant, sa.or_(c.ended_at.is_(None), c.ended_at > instant))


# Subscription statuses that mean a free trial: the customer is active but adds no MRR (metrics.md, MRR).
TRIAL_STATUSES = ("trialing", "trialling", "trial", "in_trial", "intrial")


def is_trial(t: sa.Table | sa.Subquery = subscriptions) -> sa.ColumnElement[bool]:
    return sa.func.coalesce(sa.func.lower(sa.func.trim(t.c.status)).in_(TRIAL_STATUSES), sa.false())


def mrr_amount(t: sa.Table | sa.Subquery = subscriptions) -> sa.ColumnElement[float]:
    """What one subscription adds to MRR: its monthly amount, 0 while in a trial; NULL for unknown intervals."""
    return sa.case((is_trial(t), sa.literal(0.0)), else_=monthly_amount(t))
