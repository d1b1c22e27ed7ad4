"""Customer and revenue metrics: churn rate, CLV, retention cost, renewal rate and MRR."""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from cxkpi.metrics.activity import Needs, activity, n_if, needs, total
from cxkpi.metrics.base import (
    Ctx,
    ExplainSpec,
    Metric,
    OptionSpec,
    active_keys,
    check_percent,
    currency_ok,
    customer_key,
    date_in_period,
    exact_sum,
    in_period,
    linked_filter,
    norm,
    num,
    other_currency,
    touched_keys,
)
from cxkpi.metrics.sql import mrr_amount
from cxkpi.metrics.types import MetricResult
from cxkpi.store.schema import accounts, costs, payments, renewals, subscriptions

BILLING = "Load a billing export with subscriptions (Stripe, Chargebee…)"
CUSTOMERS = (
    "Load a billing export with subscriptions (Stripe, Chargebee…) or a CRM accounts export with created and "
    "churned dates (HubSpot, Salesforce…)"
)
NO_CUSTOMERS = f"no subscriptions or accounts with dates loaded. {CUSTOMERS}"


def _filters_note(ctx: Ctx) -> str:
    f = ctx.filters.account_attrs()
    return (" matching " + ", ".join(f"{k}={v}" for k, v in f.items())) if f else ""


# ----------------------------------------------------------------------------------------------- MRR


def _subs_active_at(ctx: Ctx, instant: dt.datetime) -> list[sa.ColumnElement[bool]]:
    s = subscriptions
    return [
        s.c.started_at <= instant,
        sa.or_(s.c.ended_at.is_(None), s.c.ended_at > instant),
        customer_key(s).is_not(None),
        *linked_filter(ctx, s),
    ]


def _mrr_needs(ctx: Ctx) -> Needs:
    return needs(paying=[ctx.end], totals=[ctx.end]) if ctx.basis == "subscriptions" else needs()


def _mrr_query(ctx: Ctx) -> sa.Select:
    if ctx.basis != "subscriptions":  # finish says so; nothing to read
        return sa.select(sa.literal(0).label("none"))
    act, at = activity(ctx, _mrr_needs(ctx)), ctx.end
    customers = sa.select(n_if(act.paying(at))).select_from(act.sq).scalar_subquery()
    return sa.select(
        act.total("mrr", at).label("mrr"),
        customers.label("customers"),
        act.total("unknown_interval", at).label("unknown_interval"),
        act.total("other_currency", at).label("other_currency"),
        act.total("trials", at).label("trials"),
        act.totals.c.rows.label("subs_any"),
    ).select_from(act.totals)


def _mrr_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    if ctx.basis != "subscriptions":
        return ctx.unavailable(f"no subscriptions loaded. {BILLING}")
    if not num(row["subs_any"]):
        return ctx.unavailable(f"no subscriptions{_filters_note(ctx)}")
    mrr, customers = num(row["mrr"]), int(num(row["customers"]))
    extra = {
        "per_customer": mrr / customers if customers else None,
        "customers": customers,
        "trials": int(num(row["trials"])),
        "unknown_interval": int(num(row["unknown_interval"])),
        "other_currency": int(num(row["other_currency"])),
    }
    return ctx.result(mrr, n=customers, numerator=mrr, denominator=customers, extra=extra)


def _active_subs_rows(ctx: Ctx, instant: dt.datetime, *more: sa.ColumnElement[bool]) -> sa.Select:
    s = subscriptions
    return (
        sa.select(
            customer_key(s).label("customer"),
            s.c.subscription_id,
            s.c.system,
            s.c.plan,
            s.c.amount,
            s.c.currency,
            s.c.interval,
            s.c.interval_count,
            s.c.quantity,
            s.c.discount,
            s.c.status,
            s.c.started_at,
            s.c.ended_at,
            mrr_amount(s).label("mrr"),
            s.c.load_id,
        )
        .where(*_subs_active_at(ctx, instant), currency_ok(ctx, s), *more)
        .order_by(customer_key(s), s.c.subscription_id)
    )


def _customer_rows(
    ctx: Ctx, keys: sa.Select, status: Callable[[sa.ColumnElement[Any]], sa.ColumnElement[Any]] | None = None
) -> sa.Select:
    """One row per customer in `keys`: name, segment, and its subscriptions (or its account dates)."""
    k = keys.subquery("k")
    a = accounts
    if ctx.basis == "subscriptions":
        s = subscriptions
        subs = (
            sa.select(
                customer_key(s).label("customer"),
                sa.func.string_agg(s.c.subscription_id, sa.literal(", ")).label("subscription_ids"),
                sa.func.min(s.c.started_at).label("first_started_at"),
                sa.func.count(sa.case((s.c.ended_at.is_(None), 1))).label("open_subscriptions"),
                sa.func.max(s.c.ended_at).label("last_ended_at"),
                sa.func.string_agg(sa.cast(s.c.load_id, sa.String).distinct(), sa.literal(", ")).label(
                    "load_ids"
                ),
            )
            .where(*linked_filter(ctx, s))
            .group_by(customer_key(s))
            .subquery("subs")
        )
        cols = [
            k.c.customer, a.c.name, a.c.segment, a.c.region, subs.c.subscription_ids,
            subs.c.first_started_at, subs.c.open_subscriptions, subs.c.last_ended_at, subs.c.load_ids,
        ]  # fmt: skip
        frm = k.outerjoin(a, a.c.account_id == k.c.customer).outerjoin(subs, subs.c.customer == k.c.customer)
    else:
        cols = [
            k.c.customer, a.c.name, a.c.segment, a.c.region, a.c.created_at, a.c.churned_at,
            sa.cast(a.c.load_id, sa.String).label("load_ids"),
        ]  # fmt: skip
        frm = k.join(a, a.c.account_id == k.c.customer)
    if status is not None:
        cols.append(status(k.c.customer).label("status"))
    return sa.select(*cols).select_from(frm).order_by(k.c.customer)


def _mrr_explain(ctx: Ctx) -> ExplainSpec:
    return ExplainSpec(
        numerator=_active_subs_rows(ctx, ctx.end),
        denominator=_customer_rows(ctx, _active_keys_in_currency(ctx, ctx.end)),
        method="MRR = Σ mrr over subscriptions active at the period end (amount × quantity × (1 − discount) "
        "per month ÷ interval_count; trials 0); per customer ÷ the customers listed as denominator",
        numerator_sum="mrr",
    )


def _active_keys_in_currency(ctx: Ctx, instant: dt.datetime) -> sa.Select:
    s = subscriptions
    return (
        sa.select(customer_key(s).label("customer"))
        .where(*_subs_active_at(ctx, instant), currency_ok(ctx, s))
        .distinct()
    )


# --------------------------------------------------------------------------------------------- churn


def _churn_needs(ctx: Ctx) -> Needs:
    if ctx.basis is None:
        return needs()
    revenue = ctx.basis == "subscriptions" and ctx.opt("basis") == "revenue"
    s, e = ctx.start, ctx.end
    return needs(points=[s, e], spans=[(s, e)], money=[s] if revenue else [])


def _churn_query(ctx: Ctx) -> sa.Select:
    if ctx.basis is None:
        return sa.select(sa.literal(0).label("none"))
    wants = _churn_needs(ctx)
    act, s, e = activity(ctx, wants), ctx.start, ctx.end
    lost = sa.and_(act.active(s), act.inactive(e))
    cols = [
        n_if(act.active(s)).label("active_start"),
        n_if(lost).label("churned"),
        n_if(sa.and_(act.touched(s, e), act.inactive(s), act.inactive(e))).label("won_and_lost"),
    ]
    if wants.money:  # revenue churn: the MRR at the start, and the part of it whose customers left
        cols += [
            total(act.mrr(s)).label("mrr_start"),
            total(sa.case((lost, act.mrr(s)))).label("mrr_lost"),
        ]
    return sa.select(*cols).select_from(act.sq)


def _churn_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    if ctx.basis is None:
        return ctx.unavailable(NO_CUSTOMERS)
    start, churned, won_lost = (
        int(num(row["active_start"])),
        int(num(row["churned"])),
        int(num(row["won_and_lost"])),
    )
    extra = {"won_and_lost": won_lost, "active_start": start, "churned": churned, "basis": ctx.basis}
    if ctx.opt("basis") == "revenue":
        if ctx.basis != "subscriptions":
            return ctx.unavailable(f"revenue churn needs subscriptions (amounts). {BILLING}", **extra)
        mrr_start, lost = num(row["mrr_start"]), num(row["mrr_lost"])
        if not mrr_start:
            return ctx.unavailable(f"no MRR at the period start{_filters_note(ctx)}", **extra)
        extra.update(mrr_start=mrr_start, mrr_lost=lost)
        return ctx.result(
            100.0 * lost / mrr_start, n=start, numerator=lost, denominator=mrr_start, extra=extra
        )
    numer, denom = churned, start
    if ctx.opt("include_in_period"):
        numer, denom = churned + won_lost, start + won_lost
    if not denom:
        return ctx.unavailable(f"no customers active at the period start{_filters_note(ctx)}", **extra)
    return ctx.result(100.0 * numer / denom, n=denom, numerator=numer, denominator=denom, extra=extra)


def _churn_explain(ctx: Ctx) -> ExplainSpec:
    a_s, a_e = active_keys(ctx, ctx.start), active_keys(ctx, ctx.end)
    if ctx.opt("basis") == "revenue" and ctx.basis == "subscriptions":
        s = subscriptions
        lost = sa.except_(a_s, a_e).subquery("lost")
        return ExplainSpec(
            numerator=_active_subs_rows(ctx, ctx.start, customer_key(s).in_(sa.select(lost.c.customer))),
            denominator=_active_subs_rows(ctx, ctx.start),
            method="revenue churn = Σ mrr at the period start of customers not active at its end ÷ MRR at the "
            "period start × 100",
            numerator_sum="mrr",
            denominator_sum="mrr",
        )
    churned = sa.except_(a_s, a_e)
    keys_num: sa.Select = sa.select(churned.subquery().c.customer)
    keys_den: sa.Select = a_s
    if ctx.opt("include_in_period"):
        wl = sa.except_(touched_keys(ctx, ctx.start, ctx.end), a_s, a_e)
        keys_num = sa.union(churned, wl)
        keys_den = sa.union(a_s, wl)
    ks, ke = a_s.subquery("ks"), a_e.subquery("ke")

    def status(customer: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        return sa.case(
            (customer.in_(sa.select(ke.c.customer)), "retained"),
            (customer.in_(sa.select(ks.c.customer)), "churned"),
            else_="won and lost",
        )

    den_rows = _customer_rows(ctx, keys_den, status)
    num_rows = _customer_rows(ctx, keys_num)
    return ExplainSpec(
        numerator=num_rows,
        denominator=den_rows,
        method=f"churn = customers active at 00:00 of the first day and not at 24:00 of the last ÷ customers "
        f"active at the start × 100 (active read from {ctx.basis}; status column); times are UTC",
    )


# ----------------------------------------------------------------------------------------------- CLV


# metrics.md: churn for CLV is pooled over at least six calendar months ending with the period's last month
CLV_WINDOW_MONTHS = 6
CLV_SMALL_CHURN = 5  # fewer churned customers in the window than this is flagged "small sample"
MARGIN_NOTE = "margin not set — 100 % assumed"


def clv_window(ctx: Ctx) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) instants of each month of CLV's trailing window; the last month ends at the period end."""
    months = ctx.period.trailing_months(CLV_WINDOW_MONTHS)
    out = []
    for m in months:
        s, e = m.utc_bounds(ctx.tz)
        out.append((s, e))
    out[-1] = (out[-1][0], ctx.end)
    return out


def _clv_needs(ctx: Ctx) -> Needs:
    if ctx.basis is None:
        return needs()
    window = clv_window(ctx)
    at = [ctx.end] if ctx.basis == "subscriptions" else []
    return needs(points=[x for pair in window for x in pair], paying=at, totals=at)


def _plus(terms: list[sa.ColumnElement[Any]]) -> sa.ColumnElement[Any]:
    return functools.reduce(operator.add, terms)


def _clv_query(ctx: Ctx) -> sa.Select:
    cols: list[sa.ColumnElement[Any]] = [sa.literal(0).label("none")]
    if ctx.basis is None:
        return sa.select(*cols)
    act = activity(ctx, _clv_needs(ctx))
    window = clv_window(ctx)
    # Σ over the window's months of the customers active at the month start, and of those gone at its end
    cols += [
        _plus([n_if(act.active(s)) for s, _ in window]).label("window_active"),
        _plus([n_if(sa.and_(act.active(s), act.inactive(e))) for s, e in window]).label("window_churned"),
    ]
    if ctx.basis == "subscriptions":
        mrr = sa.select(act.total("mrr", ctx.end)).select_from(act.totals).scalar_subquery()
        cols += [mrr.label("mrr"), n_if(act.paying(ctx.end)).label("customers")]
    else:
        p = payments
        ok = [in_period(ctx, p.c.paid_at), currency_ok(ctx, p), _paid(p), *linked_filter(ctx, p)]
        per_customer = (
            sa.select(customer_key(p).label("c"), exact_sum(p.c.amount).label("amt"))
            .where(*ok)
            .group_by(customer_key(p))
            .subquery()
        )
        cols += [
            sa.select(sa.func.coalesce(sa.func.sum(per_customer.c.amt), 0))
            .scalar_subquery()
            .label("pay_total"),
            sa.select(sa.func.count()).where(per_customer.c.amt > 0).scalar_subquery().label("pay_customers"),
        ]
    return sa.select(*cols).select_from(act.sq)


def _check_cap(value: Any) -> str | None:
    return None if float(value) >= 0 else f"a number of months, 0 or more, got {value!r}"


NOT_PAID = (
    "failed",
    "void",
    "voided",
    "refunded",
    "open",
    "draft",
    "uncollectible",
    "canceled",
    "cancelled",
    "pending",
)


def _paid(p: sa.Table) -> sa.ColumnElement[bool]:
    return sa.or_(p.c.status.is_(None), ~norm(p.c.status).in_(NOT_PAID))


def margin_assumed(ctx: Ctx) -> bool:
    """True when nobody set the gross margin (workspace settings or an option): CLV then assumes 100 %."""
    return "clv.margin" not in ctx.options.overrides()


def _clv_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    if ctx.basis is None:
        return ctx.unavailable(NO_CUSTOMERS)
    window = ctx.period.trailing_months(CLV_WINDOW_MONTHS)
    churned, base = int(num(row["window_churned"])), int(num(row["window_active"]))
    margin, cap = ctx.opt("margin"), ctx.opt("lifespan_cap") or None
    extra: dict[str, Any] = {
        "margin": margin,
        "margin_assumed": margin_assumed(ctx),
        "window_from": window[0].start.isoformat(),
        "window_to": ctx.period.end.isoformat(),
        "window_months": len(window),
        "churned": churned,
        "active_at_month_starts": base,
        "lifespan_cap": cap,
    }
    if extra["margin_assumed"]:
        extra["note"] = MARGIN_NOTE
    if ctx.basis == "subscriptions":
        revenue, customers = num(row["mrr"]), int(num(row["customers"]))
        extra["arpa_from"] = "MRR at the period end ÷ customers active at the period end"
    elif ctx.has_payments:
        revenue, customers = num(row["pay_total"]) / ctx.period.month_count(), int(num(row["pay_customers"]))
        extra["arpa_from"] = "payments in the period ÷ paying customers ÷ months in the period"
    else:
        return ctx.unavailable(
            f"no subscriptions or payments to take revenue per account from. {BILLING}", **extra
        )
    if not customers:
        return ctx.unavailable(f"no paying customers active at the period end{_filters_note(ctx)}", **extra)
    arpa = revenue / customers
    extra["arpa"] = arpa
    span = f"{window[0].start:%b %Y} – {ctx.period.end:%d %b %Y}"
    if not base:
        return ctx.unavailable(f"no customers active at any month start of {span} to measure churn", **extra)
    if not churned:
        return ctx.unavailable(f"no churn observed in {span} (the lifespan would be infinite)", **extra)
    monthly_churn = churned / base
    uncapped = base / churned  # 1 ÷ monthly churn, from the exact counts
    lifespan = min(uncapped, cap) if cap else uncapped
    extra.update(
        monthly_churn_rate=100.0 * monthly_churn,
        lifespan_uncapped_months=uncapped,
        lifespan_months=lifespan,
        cap_applied=bool(cap) and uncapped > cap,
    )
    value = arpa * (margin / 100.0) * lifespan
    res = ctx.result(value, n=customers, numerator=revenue, denominator=customers, extra=extra)
    res.small_sample = churned < CLV_SMALL_CHURN  # the lifespan rests on the churned count, not on n
    return res


def _clv_reading(ctx: Ctx) -> str:
    cap = ctx.opt("lifespan_cap") or None
    margin = f"{ctx.opt('margin'):g} % margin" + (" (not set, assumed)" if margin_assumed(ctx) else "")
    months = len(ctx.period.trailing_months(CLV_WINDOW_MONTHS))
    capped = f", capped at {cap:g} months" if cap else ", no cap"
    return f"ARPA × {margin} × lifespan from churn over {months} months{capped}"


def _clv_explain(ctx: Ctx) -> ExplainSpec:
    window = ctx.period.trailing_months(CLV_WINDOW_MONTHS)
    method = (
        "CLV = ARPA × margin × lifespan. ARPA = numerator (Σ mrr of subscriptions active at the period end) ÷ "
        "denominator (customers active then); lifespan = 1 ÷ monthly churn (capped as the option says), monthly "
        f"churn = Σ over the {len(window)} calendar months {window[0].start:%Y-%m} … {window[-1].start:%Y-%m} of "
        "customers active at the month start and not at its end (the last month: not at the period end) ÷ Σ "
        "customers active at each month start (see the churn explanation per month)"
    )
    if ctx.basis == "subscriptions":
        return ExplainSpec(
            numerator=_active_subs_rows(ctx, ctx.end),
            denominator=_customer_rows(ctx, _active_keys_in_currency(ctx, ctx.end)),
            method=method,
            numerator_sum="mrr",
        )
    p = payments
    rows = (
        sa.select(
            customer_key(p).label("customer"),
            p.c.payment_id,
            p.c.system,
            p.c.amount,
            p.c.currency,
            p.c.paid_at,
            p.c.status,
            (p.c.amount / ctx.period.month_count()).label("amount_per_month"),
            p.c.load_id,
        )  # fmt: skip
        .where(in_period(ctx, p.c.paid_at), currency_ok(ctx, p), _paid(p), *linked_filter(ctx, p))
        .order_by(p.c.paid_at, p.c.payment_id)
    )
    payers = (
        sa.select(customer_key(p).label("customer"), sa.func.sum(p.c.amount).label("paid"))
        .where(in_period(ctx, p.c.paid_at), currency_ok(ctx, p), _paid(p), *linked_filter(ctx, p))
        .group_by(customer_key(p))
        .having(sa.func.sum(p.c.amount) > 0)
        .order_by(customer_key(p))
    )
    return ExplainSpec(
        numerator=rows,
        denominator=payers,
        method=method.replace(
            "Σ mrr of subscriptions active at the period end", "payments in the period ÷ months"
        ),
        numerator_sum="amount_per_month",
    )


# ----------------------------------------------------------------------------------------------- CRC


def _crc_query(ctx: Ctx) -> sa.Select:
    c = costs
    ok = [date_in_period(ctx, c.c.date), currency_ok(ctx, c)]
    cols = [
        sa.select(sa.func.coalesce(exact_sum(c.c.amount), 0)).where(*ok).scalar_subquery().label("cost"),
        sa.select(sa.func.count()).where(*ok).scalar_subquery().label("cost_rows"),
        sa.select(sa.func.count())
        .where(date_in_period(ctx, c.c.date), other_currency(ctx, c))
        .scalar_subquery()
        .label("other_currency"),
    ]
    if ctx.basis is not None:
        act = activity(ctx, _crc_needs(ctx))
        touched = n_if(act.touched(ctx.start, ctx.end))
        cols.append(sa.select(touched).select_from(act.sq).scalar_subquery().label("customers"))
    return sa.select(*cols)


def _crc_needs(ctx: Ctx) -> Needs:
    return needs(spans=[(ctx.start, ctx.end)]) if ctx.basis is not None else needs()


def _crc_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    if not num(row["cost_rows"]):
        return ctx.unavailable(f"no retention costs dated in the period. {ctx.metric.source}")
    if ctx.basis is None:
        return ctx.unavailable(NO_CUSTOMERS)
    customers = int(num(row["customers"]))
    if not customers:
        return ctx.unavailable("no customers active at any time in the period")
    cost = num(row["cost"])
    extra = {"cost_rows": int(num(row["cost_rows"])), "other_currency": int(num(row["other_currency"]))}
    return ctx.result(cost / customers, n=customers, numerator=cost, denominator=customers, extra=extra)


def _crc_explain(ctx: Ctx) -> ExplainSpec:
    c = costs
    return ExplainSpec(
        numerator=sa.select(
            c.c.cost_id, c.c.system, c.c.date, c.c.category, c.c.amount, c.c.currency, c.c.load_id
        )
        .where(date_in_period(ctx, c.c.date), currency_ok(ctx, c))
        .order_by(c.c.date, c.c.cost_id),
        denominator=_customer_rows(ctx, touched_keys(ctx, ctx.start, ctx.end)),
        method="retention cost = Σ costs dated in the period ÷ customers active at any time in the period",
        numerator_sum="amount",
    )


# ------------------------------------------------------------------------------------------- renewals


def _renewal_outcome(r: sa.Table) -> sa.ColumnElement[str]:
    o = norm(r.c.outcome)
    return sa.case((o == "renewed", "renewed"), (o == "churned", "churned"), else_="open")


def _renewal_query(ctx: Ctx) -> sa.Select:
    """One scan of the renewals due in the period; a trend groups it by due date (engine._grouped)."""
    r = renewals
    due = [date_in_period(ctx, r.c.due_date), *linked_filter(ctx, r)]
    sub = sa.select(r.c.due_date, _renewal_outcome(r).label("out")).where(*due).subquery("due_renewals")
    return sa.select(
        sa.func.count().label("due"),
        n_if(sub.c.out == "renewed").label("renewed"),
        n_if(sub.c.out == "churned").label("churned"),
    ).select_from(sub)


def _renewal_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    due, renewed, churned = int(num(row["due"])), int(num(row["renewed"])), int(num(row["churned"]))
    extra = {"pending": due - renewed - churned, "renewed": renewed, "churned": churned, "due": due}
    if not due:
        return ctx.unavailable(f"no renewals due in the period{_filters_note(ctx)}. {ctx.metric.source}")
    decided = renewed + churned
    if not decided:
        return ctx.unavailable(f"all {due} renewals due in the period are still pending", **extra)
    return ctx.result(
        100.0 * renewed / decided, n=decided, numerator=renewed, denominator=decided, extra=extra
    )


def _renewal_explain(ctx: Ctx) -> ExplainSpec:
    r = renewals
    out = _renewal_outcome(r)
    cols = [
        r.c.renewal_id, r.c.system, r.c.account_id, r.c.linked_account_id, r.c.due_date, r.c.outcome,
        r.c.amount, r.c.currency, r.c.load_id,
    ]  # fmt: skip
    due = [date_in_period(ctx, r.c.due_date), *linked_filter(ctx, r)]
    return ExplainSpec(
        numerator=sa.select(*cols).where(*due, out == "renewed").order_by(r.c.due_date, r.c.renewal_id),
        denominator=sa.select(*cols)
        .where(*due, out.in_(["renewed", "churned"]))
        .order_by(r.c.due_date, r.c.renewal_id),
        method="renewal rate = renewals due in the period renewed ÷ due in the period and decided (renewed or "
        "churned) × 100; open ones are pending",
    )


# ----------------------------------------------------------------------------------------- declarations

CHURN = Metric(
    needs=_churn_needs,
    key="churn_rate",
    label="Customer churn rate",
    unit="%",
    higher_is_better=False,
    description="Customers active at the period start and not active at its end ÷ customers active at the "
    "period start × 100. Active = a subscription running at that instant (without subscriptions: created and "
    "not yet churned). Customers won and lost inside the period are reported separately.",
    source=CUSTOMERS,
    rows="subscriptions",
    query=_churn_query,
    finish=_churn_finish,
    explain=_churn_explain,
    reading=lambda ctx: (
        ("revenue churn" if ctx.opt("basis") == "revenue" else "logo churn")
        + (", incl. won-and-lost" if ctx.opt("include_in_period") else "")
        + f", active from {ctx.basis or 'subscriptions'}"
    ),
    options={
        "basis": OptionSpec(
            "logo", "logo (customers) or revenue (MRR of the customers lost)", ("logo", "revenue")
        ),
        "include_in_period": OptionSpec(
            False,
            "also count customers won and lost inside the period (numerator and denominator)",
            kind=bool,
        ),
    },
)

CLV = Metric(
    needs=_clv_needs,
    key="clv",
    label="Customer lifetime value",
    unit="currency",
    higher_is_better=True,
    description="ARPA × gross margin (not set: 100 %, said so) × average lifespan in months (1 ÷ monthly churn "
    "rate, capped at 60 months by default). ARPA = MRR at the period end ÷ customers active then (without "
    "subscriptions: payments ÷ paying customers ÷ months). Monthly churn pools a trailing window: the calendar "
    "months the period touches, extended back to at least the six months ending with its last month. Not "
    "available when no churn was observed; under 5 churned customers in the window is a small sample.",
    source=BILLING,
    rows="subscriptions",
    query=_clv_query,
    finish=_clv_finish,
    explain=_clv_explain,
    reading=_clv_reading,
    options={
        "margin": OptionSpec(
            100.0,
            "gross margin in percent (0–100); not set → 100 % with a note",
            kind=float,
            check=check_percent,
        ),  # fmt: skip
        "lifespan_cap": OptionSpec(
            60.0,
            "longest average lifespan in months (0 or none: no cap)",
            kind=float,
            check=_check_cap,
            nullable=True,
        ),
    },
)

CRC = Metric(
    needs=_crc_needs,
    key="crc",
    label="Customer retention cost",
    unit="currency",
    higher_is_better=False,
    description="Retention costs dated in the period ÷ customers active at any time in the period.",
    source="Load a retention-costs file (CSV with date, category, amount, currency)",
    query=_crc_query,
    finish=_crc_finish,
    explain=_crc_explain,
    reading=lambda ctx: "costs ÷ customers active in the period",
    honours=(),
    rows="retention costs",
)

RENEWAL = Metric(
    key="renewal_rate",
    label="Renewal rate",
    unit="%",
    higher_is_better=True,
    description="Renewals due in the period that renewed ÷ renewals due in the period with a decided outcome "
    "(renewed or churned) × 100; open ones are shown as pending, not counted.",
    source="Load a renewals export (Salesforce renewal opportunities, HubSpot deals…)",
    rows="renewals",
    query=_renewal_query,
    finish=_renewal_finish,
    explain=_renewal_explain,
    reading=lambda ctx: "renewed ÷ decided",
    bucket_column="due_date",
    bucket_is_date=True,
)

MRR = Metric(
    needs=_mrr_needs,
    key="mrr",
    label="MRR",
    unit="currency",
    higher_is_better=True,
    description="Monthly recurring revenue at the period end: Σ amount × quantity × (1 − discount) of the "
    "subscriptions active then, normalised to a month (year ÷ 12, quarter ÷ 3, week × 52 ÷ 12, day × 365 ÷ 12, "
    "÷ interval count); trials add 0. Also per active customer.",
    source=BILLING,
    rows="subscriptions",
    query=_mrr_query,
    finish=_mrr_finish,
    explain=_mrr_explain,
    reading=lambda ctx: "at period end, monthly-normalised",
)
