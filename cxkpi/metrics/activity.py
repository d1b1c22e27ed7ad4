"""Customer activity at many instants in one pass: the shared input of churn, CLV, MRR and retention cost.

One grouped query over `subscriptions` (or, without subscriptions, `accounts`) computes the customer key
once per row and keeps one row per customer with a 0/1 flag per instant ("active at t"), per span
("active at any time in [s, e)") and, for the instants MRR is read at, the customer's MRR and counts.
Every metric then sums those flags: churned = active at the start and not at the end; CLV's trailing
window = Σ over its month boundaries. The engine builds one such query per statement for every
(metric, period) of it — a scorecard's month boundaries, a trend's buckets — so `subscriptions` is read
once per statement, not once per metric and boundary.

The figures are the ones of the per-metric queries, exactly: counts of distinct customers become sums of
per-customer flags, and MRR is a sum of per-customer DECIMAL sums (exact, so the grouping cannot move a
digit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from cxkpi.metrics.base import Ctx, account_attr_preds, currency_ok, customer_key, exact_sum, linked_filter
from cxkpi.metrics.base import other_currency as other_currency_pred
from cxkpi.metrics.sql import is_trial, monthly_amount, mrr_amount
from cxkpi.store.schema import accounts, subscriptions


@dataclass(frozen=True)
class Needs:
    """What a metric reads: instants of "active at" per customer, touched spans, and (subscriptions only)
    instants of each customer's MRR (`money`), of "paying" per customer, and of the MRR totals."""

    points: frozenset[dt.datetime] = frozenset()
    money: frozenset[dt.datetime] = frozenset()
    spans: frozenset[tuple[dt.datetime, dt.datetime]] = frozenset()
    paying: frozenset[dt.datetime] = frozenset()
    totals: frozenset[dt.datetime] = frozenset()

    def __or__(self, other: Needs) -> Needs:
        return Needs(*(getattr(self, f) | getattr(other, f) for f in _FIELDS))

    def within(self, other: Needs) -> bool:
        return all(getattr(self, f) <= getattr(other, f) for f in _FIELDS)


_FIELDS = ("points", "money", "spans", "paying", "totals")


def needs(
    points: Iterable[dt.datetime] = (),
    money: Iterable[dt.datetime] = (),
    spans: Iterable[tuple[dt.datetime, dt.datetime]] = (),
    paying: Iterable[dt.datetime] = (),
    totals: Iterable[dt.datetime] = (),
) -> Needs:
    return Needs(frozenset(points), frozenset(money), frozenset(spans), frozenset(paying), frozenset(totals))


def scope(ctx: Ctx) -> tuple[Any, ...]:
    """Jobs with the same scope can share one activity query (same rows, same reporting currency)."""
    return (ctx.basis, tuple(sorted(ctx.filters.account_attrs().items())), ctx.currency)


@dataclass
class Activity:
    """One row per customer (`customer`, NULL for rows no key can be formed for) with the flags of `wants`."""

    ctx: Ctx
    wants: Needs
    name: str = "customer_activity"  # unique in its statement; stable, so SQLAlchemy's compiled cache hits
    sq: sa.CTE = field(init=False)
    totals: sa.CTE = field(init=False)
    _cols: dict[tuple[str, Any], str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        subs = self.ctx.basis == "subscriptions"
        t: sa.Table = subscriptions if subs else accounts
        first, last = (t.c.started_at, t.c.ended_at) if subs else (t.c.created_at, t.c.churned_at)
        key = customer_key(t) if subs else t.c.account_id
        where = linked_filter(self.ctx, t) if subs else account_attr_preds(self.ctx)
        # each row's key, amount and flags computed once, then read at every instant (not once per instant)
        row_cols: list[sa.ColumnElement[Any]] = [key.label("customer"), first.label("s"), last.label("e")]
        w = self.wants
        if subs and (w.money or w.paying or w.totals):
            ok = currency_ok(self.ctx, t)
            row_cols += [
                sa.case((ok, mrr_amount(t))).label("mrr"),
                sa.case((ok, 1), else_=0).label("ok"),
                sa.case((sa.and_(ok, monthly_amount(t).is_(None)), 1), else_=0).label("unknown"),
                sa.case((other_currency_pred(self.ctx, t), 1), else_=0).label("other"),
                sa.case((sa.and_(ok, is_trial(t)), 1), else_=0).label("trial"),
            ]
        # MATERIALIZED: else the planner inlines these expressions back into every instant's aggregate
        rows = sa.select(*row_cols).where(*where).cte(f"{self.name}_rows").prefix_with("MATERIALIZED")
        r = rows.c

        def active(at: dt.datetime) -> sa.ColumnElement[bool]:
            return sa.and_(r.s <= at, sa.or_(r.e.is_(None), r.e > at))

        def flag(cond: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
            return sa.func.max(sa.case((cond, 1), else_=0))

        def count(cond: sa.ColumnElement[bool], col: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
            return sa.func.sum(sa.case((cond, col), else_=0))

        cols: list[sa.ColumnElement[Any]] = [r.customer, sa.func.count().label("n")]

        def add(kind: str, at: Any, col: sa.ColumnElement[Any]) -> None:
            name = f"{kind}{len(self._cols)}"
            self._cols[(kind, at)] = name
            cols.append(col.label(name))

        for at in sorted(w.points | w.money):
            add("a", at, flag(active(at)))
        for s, e in sorted(w.spans):
            add("w", (s, e), flag(sa.and_(r.s < e, sa.or_(r.e.is_(None), r.e > s))))
        for at in sorted(w.money):
            add("m", at, exact_sum(sa.case((active(at), r.mrr))))
        for at in sorted(w.paying):
            add("c", at, flag(sa.and_(active(at), r.ok == 1)))
        self.sq = sa.select(*cols).group_by(r.customer).cte(self.name)
        # MRR and its counts are sums over subscriptions, not customers: one row, no per-customer state
        keyed = r.customer.is_not(None)
        sums: list[sa.ColumnElement[Any]] = [sa.func.count().label("rows")]
        for i, at in enumerate(sorted(w.totals)):
            live = sa.and_(keyed, active(at))
            self._cols[("total", at)] = f"{i}"
            sums += [
                sa.func.coalesce(exact_sum(sa.case((live, r.mrr))), 0).label(f"mrr{i}"),
                sa.func.coalesce(count(live, r.unknown), 0).label(f"unknown_interval{i}"),
                sa.func.coalesce(count(live, r.other), 0).label(f"other_currency{i}"),
                sa.func.coalesce(count(live, r.trial), 0).label(f"trials{i}"),
            ]
        self.totals = sa.select(*sums).select_from(rows).cte(f"{self.name}_totals")

    def _col(self, kind: str, at: Any) -> sa.ColumnElement[Any]:
        return self.sq.c[self._cols[(kind, at)]]

    @property
    def keyed(self) -> sa.ColumnElement[bool]:
        return self.sq.c.customer.is_not(None)

    def active(self, at: dt.datetime) -> sa.ColumnElement[bool]:
        """The customer was active at `at` (a subscription running then, or created and not yet churned)."""
        return sa.and_(self.keyed, self._col("a", at) == 1)

    def inactive(self, at: dt.datetime) -> sa.ColumnElement[bool]:
        return sa.and_(self.keyed, self._col("a", at) == 0)

    def touched(self, start: dt.datetime, end: dt.datetime) -> sa.ColumnElement[bool]:
        """Active at any instant of [start, end)."""
        return sa.and_(self.keyed, self._col("w", (start, end)) == 1)

    def paying(self, at: dt.datetime) -> sa.ColumnElement[bool]:
        """Active at `at` with a subscription in the reporting currency (MRR's customers)."""
        return sa.and_(self.keyed, self._col("c", at) == 1)

    def mrr(self, at: dt.datetime) -> sa.ColumnElement[Any]:
        """The customer's MRR at `at` in the reporting currency (NULL when none: sums skip it)."""
        return sa.case((self.keyed, self._col("m", at)))

    def total(self, name: str, at: dt.datetime) -> sa.ColumnElement[Any]:
        """mrr, unknown_interval, other_currency or trials summed over the subscriptions active at `at` (one row:
        `self.totals`)."""
        return self.totals.c[name + self._cols[("total", at)]]


def activity(ctx: Ctx, wants: Needs) -> Activity:
    """The statement's shared activity when it holds what `wants` asks, else one made for this metric."""
    shared = ctx.shared.get("activity") if ctx.shared else None
    if isinstance(shared, Activity) and wants.within(shared.wants) and scope(shared.ctx) == scope(ctx):
        return shared
    return Activity(ctx, wants)


def total(col: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    """Σ over customers, 0 when there are none."""
    return sa.func.coalesce(sa.func.sum(col), 0)


def n_if(cond: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    """Customers meeting `cond`."""
    return sa.func.count(sa.case((cond, 1)))
