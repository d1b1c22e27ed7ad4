"""Support metrics: ticket reopens, first response time, average handle time and first contact resolution."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from cxkpi.metrics import rollups
from cxkpi.metrics.base import (
    Ctx,
    ExplainSpec,
    Metric,
    OptionSpec,
    eq_text,
    exact_sum,
    in_period,
    linked_filter,
    num,
)
from cxkpi.metrics.types import MetricResult
from cxkpi.store.schema import tickets

DESKS = "Zendesk, Freshdesk, Intercom, Help Scout, HubSpot"
TICKETS = f"Load a ticket export ({DESKS}…)"
TICKET_FILTERS = ("segment", "region", "plan", "channel")


def _scope(ctx: Ctx, col: sa.ColumnElement[Any]) -> list[sa.ColumnElement[bool]]:
    t = tickets
    preds = [in_period(ctx, col), *linked_filter(ctx, t)]
    if ctx.filters.channel:
        preds.append(eq_text(t.c.channel, ctx.filters.channel))
    return preds


def _solved(ctx: Ctx) -> list[sa.ColumnElement[bool]]:
    return _scope(ctx, tickets.c.solved_at)


def _count(*preds: sa.ColumnElement[bool]) -> sa.ScalarSelect:
    return sa.select(sa.func.count()).select_from(tickets).where(*preds).scalar_subquery()


def _filters(ctx: Ctx) -> list[sa.ColumnElement[bool]]:
    t = tickets
    preds = [*linked_filter(ctx, t)]
    if ctx.filters.channel:
        preds.append(eq_text(t.c.channel, ctx.filters.channel))
    return preds


def _channel(t: sa.Table | sa.Subquery) -> sa.ColumnElement[str]:
    return sa.func.coalesce(t.c.channel, sa.literal_column("''", sa.String))


def _ticket_figures(ctx: Ctx) -> sa.CTE | None:
    """Every ticket figure of the period per channel in ONE scan of `tickets` (the rows created or solved in
    it), shared by reopens, FRT, AHT and FCR in the engine's statements: conditional counts and exact sums
    per channel (their totals are the sums over channels, exactly) and FRT's per-channel median. Only FRT's
    overall median needs its own look at the created tickets (measured: cheaper than GROUPING SETS
    ((channel), ()), which computes every aggregate twice). None outside the engine's statements (explain,
    a metric alone): each metric then reads its own rows."""
    memo = ctx.shared.get("memo") if ctx.shared else None
    if memo is None:
        return None
    null_reopens = ctx.options.get("fcr.null_reopens")
    key = ("tickets", ctx.start, ctx.end, tuple(sorted(ctx.filters.as_dict().items())), null_reopens)
    if key not in memo and rollups.usable(ctx) is not None:  # the same columns from the daily rows
        memo[key] = rollups.ticket_figures(ctx, null_reopens).cte(f"ticket_figures_{len(memo)}")
    if key not in memo:
        t = tickets
        in_scope = sa.or_(in_period(ctx, t.c.created_at), in_period(ctx, t.c.solved_at))
        # hours to first reply computed once per ticket (five aggregates read it)
        rows = (
            sa.select(
                t.c.created_at,
                t.c.solved_at,
                t.c.reopens,
                t.c.agent_replies,
                t.c.handle_minutes,
                _channel(t).label("ch"),
                _hours_to_reply(t).label("hours"),
            )  # fmt: skip
            .where(in_scope, *_filters(ctx))
            .subquery("period_tickets")
        )
        r = rows.c
        solved, created = in_period(ctx, r.solved_at), in_period(ctx, r.created_at)
        hours = r.hours
        replied = sa.and_(created, hours.is_not(None), hours >= 0)
        timed = sa.and_(solved, r.handle_minutes.is_not(None), r.handle_minutes >= 0)
        den, hit = _fcr_terms(null_reopens, rows)
        counted = sa.and_(solved, *den)
        ch = r.ch

        sel = sa.select(
            ch,
            # reopens, AHT, FCR: tickets solved in the period
            _n_if(solved).label("solved"),
            _n_if(sa.and_(solved, r.reopens.is_not(None))).label("known"),
            _n_if(sa.and_(solved, r.reopens >= 1)).label("reopened"),
            sa.func.coalesce(sa.func.sum(sa.case((solved, r.reopens))), 0).label("events"),
            _n_if(timed).label("aht_n"),
            exact_sum(sa.case((timed, r.handle_minutes))).label("aht_total"),
            _n_if(counted).label("fcr_n"),
            _n_if(sa.and_(counted, hit)).label("fcr_resolved"),
            _n_if(sa.and_(counted, hit, r.reopens.is_(None))).label("fcr_reopens_unknown"),
            # FRT: tickets created in the period (replied: with a first reply, not negative)
            _n_if(created).label("created"),
            _n_if(replied).label("n"),
            _n_if(sa.and_(created, hours < 0)).label("negative"),
            sa.func.percentile_cont(sa.literal_column("0.5"))
            .within_group(sa.case((replied, hours)))
            .label("median"),
            exact_sum(sa.case((replied, hours))).label("total"),
        ).group_by(ch)
        memo[key] = sel.cte(f"ticket_figures_{len(memo)}")
    return memo[key]


def _of_total(figures: sa.CTE, names: dict[str, str]) -> sa.Select:
    """One metric's row from the shared ticket figures: each column summed over the channels, renamed."""
    return sa.select(*[sa.func.sum(figures.c[src]).label(dst) for dst, src in names.items()]).select_from(
        figures
    )


def _solved_grouped(names: dict[str, str]) -> Callable[..., sa.Select | None]:
    """Reopens, AHT or FCR over many buckets from the daily rollups (one row per bucket); None without a
    rollup, so engine._grouped groups the metric's own query by solved_at."""

    def grouped(ctx: Ctx, bucket_of: Callable[..., sa.ColumnElement[int]]) -> sa.Select | None:
        if rollups.usable(ctx) is None:
            return None
        per = rollups.ticket_figures(
            ctx, ctx.options.get("fcr.null_reopens"), bucket_of, medians=False
        ).subquery("per_bucket")
        sums = [sa.func.sum(per.c[src]).label(dst) for dst, src in names.items()]
        return sa.select(per.c.bucket, *sums).group_by(per.c.bucket)

    return grouped


def _solved_rows(ctx: Ctx) -> sa.Subquery:
    """Tickets solved in the period under the filters: what reopens, AHT and FCR aggregate over alone."""
    t = tickets
    cols = (t.c.solved_at, t.c.reopens, t.c.agent_replies, t.c.handle_minutes)
    return sa.select(*cols).where(*_solved(ctx)).subquery("solved_tickets")


def _created_rows(ctx: Ctx) -> sa.Subquery:
    """Tickets created in the period under the filters, with their hours to first reply and channel."""
    t = tickets
    cols = (t.c.created_at, _hours_to_reply(t).label("hours"), _channel(t).label("ch"))
    return sa.select(*cols).where(*_scope(ctx, t.c.created_at)).subquery("created_tickets")


def _n_if(cond: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    """Rows meeting `cond` (count skips the NULL a false or unknown condition gives)."""
    return sa.func.count(sa.case((cond, 1)))


def _none_in_period(ctx: Ctx, what: str) -> MetricResult:
    where = " matching the filters" if ctx.filters.as_dict() else ""
    return ctx.unavailable(f"no tickets {what} in the period{where}. {TICKETS}")


BASE_COLS = ("ticket_id", "system", "channel", "created_at", "first_reply_at", "first_reply_minutes", "solved_at",
             "status", "reopens", "agent_replies", "handle_minutes", "linked_account_id", "load_id")  # fmt: skip


def _rows(*extra: sa.ColumnElement[Any]) -> sa.Select:
    t = tickets
    return sa.select(*[t.c[c] for c in BASE_COLS], *extra)


# ----------------------------------------------------------------------------------------- reopens


def _reopens_query(ctx: Ctx) -> sa.Select:
    if (shared := _ticket_figures(ctx)) is not None:
        return _of_total(shared, {k: k for k in ("solved", "known", "reopened", "events")})
    c = (sub := _solved_rows(ctx)).c
    return sa.select(
        sa.func.count().label("solved"),
        _n_if(c.reopens.is_not(None)).label("known"),
        _n_if(c.reopens >= 1).label("reopened"),
        sa.func.coalesce(sa.func.sum(c.reopens), 0).label("events"),
    ).select_from(sub)


def _reopens_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    solved, known = int(num(row["solved"])), int(num(row["known"]))
    if not solved:
        return _none_in_period(ctx, "solved")
    if not known:
        return ctx.unavailable(
            f"{solved} tickets solved in the period, none with a reopen count (Freshdesk and Intercom exports have "
            "none; Zendesk's Reopens column does)",
            solved=solved,
        )
    reopened = int(num(row["reopened"]))
    extra = {"rate": 100.0 * reopened / known, "events": int(num(row["events"])), "solved": solved,
             "unknown_reopens": solved - known}  # fmt: skip
    return ctx.result(reopened, n=known, numerator=reopened, denominator=known, extra=extra)


def _reopens_explain(ctx: Ctx) -> ExplainSpec:
    t = tickets
    s = _solved(ctx)
    return ExplainSpec(
        numerator=_rows().where(*s, t.c.reopens >= 1).order_by(t.c.solved_at, t.c.ticket_id),
        denominator=_rows().where(*s, t.c.reopens.is_not(None)).order_by(t.c.solved_at, t.c.ticket_id),
        method="reopened tickets = solved in the period with reopens ≥ 1 (the value); rate = that ÷ tickets solved "
        "in the period with a known reopen count × 100; events = Σ reopens; times are UTC",
    )


# --------------------------------------------------------------------------------------------- FRT


def _hours_to_reply(t: sa.Table) -> sa.ColumnElement[float]:
    """Minutes to first reply as exported, else first_reply_at − created_at; in hours."""
    seconds = sa.extract("epoch", t.c.first_reply_at) - sa.extract("epoch", t.c.created_at)
    return sa.cast(sa.func.coalesce(t.c.first_reply_minutes / 60.0, seconds / 3600.0), sa.Double)


def _frt_query(ctx: Ctx) -> sa.Select:
    if (shared := _ticket_figures(ctx)) is not None:
        if rollups.usable(ctx) is not None:
            overall = rollups.frt_median(ctx)
        else:
            c = (sub := _created_rows(ctx)).c
            ok = sa.and_(c.hours.is_not(None), c.hours >= 0)
            median = sa.func.percentile_cont(sa.literal_column("0.5")).within_group(sa.case((ok, c.hours)))
            overall = sa.select(median).select_from(sub).scalar_subquery()
        names = {k: k for k in ("created", "n", "negative", "total")}
        p = shared.c
        line = _frt_line(p.ch, p.n, p.median, p.total)
        return _of_total(shared, names).add_columns(
            overall.label("median"),
            sa.func.string_agg(sa.case((p.n > 0, line)), sa.literal_column("'\n'", sa.String)).label(
                "by_channel"
            ),
        )
    return _frt_select(_created_rows(ctx))


def _frt_grouped(ctx: Ctx, bucket_of: Callable[[sa.ColumnElement[Any]], sa.ColumnElement[int]]) -> sa.Select:
    """FRT over many buckets in one statement: one row per bucket (see engine._grouped)."""
    if rollups.usable(ctx) is not None:
        return _frt_lines(rollups.frt_per_channel(ctx, bucket_of), bucketed=True)
    c = _created_rows(ctx).c
    sub = sa.select(c.hours, c.ch, bucket_of(c.created_at).label("bucket")).subquery("bucketed")
    return _frt_select(sub, bucketed=True)


def _frt_select(sub: sa.Subquery, bucketed: bool = False) -> sa.Select:
    """The totals and, as metrics.md wants, the per-channel lines, from ONE grouped scan of the created tickets:
    GROUPING SETS ((channel), ()) — the () row holds the totals, each channel row one line of the text cell
    `channel<TAB>n<TAB>median<TAB>mean` (only channels with a replied ticket, as before)."""
    c = sub.c
    hours = c.hours
    ok = sa.and_(hours.is_not(None), hours >= 0)
    replied = sa.case((ok, hours))  # percentile_cont and sums skip the NULL: only replied tickets count
    keys: list[sa.ColumnElement[Any]] = [c.bucket] if bucketed else []
    sets = sa.func.grouping_sets(sa.tuple_(*keys, c.ch), sa.tuple_(*keys) if keys else sa.text("()"))
    per = (
        sa.select(
            *keys,
            c.ch,
            sa.func.grouping(c.ch).label("g"),
            sa.func.count().label("created"),
            _n_if(ok).label("n"),
            _n_if(hours < 0).label("negative"),
            sa.func.percentile_cont(sa.literal_column("0.5")).within_group(replied).label("median"),
            exact_sum(replied).label("total"),
        )
        .group_by(sets)
        .subquery("frt_per_channel")
    )
    return _frt_lines(per, bucketed)


def _frt_lines(per: sa.Subquery | sa.CTE, bucketed: bool = False) -> sa.Select:
    """The totals row and the per-channel text cell from the grouping sets (per channel and overall)."""
    p = per.c
    keys = [p.bucket] if bucketed else []
    line = _frt_line(p.ch, p.n, p.median, p.total)
    total_row = p.g == 1

    def of_total(col: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
        return sa.func.max(sa.case((total_row, col)))

    sel = sa.select(
        *([p.bucket] if keys else []),
        of_total(p.created).label("created"),
        of_total(p.n).label("n"),
        of_total(p.negative).label("negative"),
        of_total(p.median).label("median"),
        of_total(p.total).label("total"),
        sa.func.string_agg(
            sa.case((sa.and_(p.g == 0, p.n > 0), line)), sa.literal_column("'\n'", sa.String)
        ).label("by_channel"),
    ).select_from(per)
    return sel.group_by(p.bucket) if keys else sel


def _frt_line(ch: Any, n: Any, median: Any, total: Any) -> sa.ColumnElement[str]:
    """`channel<TAB>n<TAB>median<TAB>mean`: one channel's line of FRT's by_channel text cell."""
    tab = sa.literal_column("'\t'", sa.String)
    return (
        ch + tab + sa.cast(n, sa.String) + tab + sa.cast(sa.cast(median, sa.Double), sa.String)
        + tab + sa.cast(sa.cast(total / sa.func.nullif(n, 0), sa.Double), sa.String)
    )  # fmt: skip


def _parse_by_channel(text: str | None) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for line in (text or "").split("\n"):
        if line:
            ch, n, med, avg = line.split("\t")
            out[ch or "(none)"] = {"n": int(n), "median": float(med), "mean": float(avg)}
    return dict(sorted(out.items()))


def _frt_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    created, n = int(num(row["created"])), int(num(row["n"]))
    if not created:
        return _none_in_period(ctx, "created")
    if not n:
        return ctx.unavailable(
            f"none of the {created} tickets created in the period has a first reply (time or minutes)",
            created=created,
        )
    total = num(row["total"])
    mean, median = total / n, num(row["median"])
    extra = {"median": median, "mean": mean, "created": created, "no_reply": created - n - int(num(row["negative"])),
             "negative_excluded": int(num(row["negative"])), "by_channel": _parse_by_channel(row["by_channel"])}  # fmt: skip
    if ctx.opt("stat") == "mean":
        return ctx.result(mean, n=n, numerator=total, denominator=n, extra=extra)
    return ctx.result(median, n=n, numerator=None, denominator=n, extra=extra)


def _frt_explain(ctx: Ctx) -> ExplainSpec:
    t = tickets
    h = _hours_to_reply(t)
    rows = _rows(h.label("hours_to_first_reply")).where(*_scope(ctx, t.c.created_at), h.is_not(None), h >= 0)
    rows = rows.order_by(t.c.created_at, t.c.ticket_id)
    return ExplainSpec(
        numerator=rows,
        denominator=rows,
        method=f"first response time = {ctx.opt('stat')} of hours_to_first_reply over tickets created in the period "
        "that got a reply (first_reply_minutes ÷ 60, else first_reply_at − created_at); times are UTC",
        numerator_sum="hours_to_first_reply" if ctx.opt("stat") == "mean" else None,
    )


# --------------------------------------------------------------------------------------------- AHT


def _aht_query(ctx: Ctx) -> sa.Select:
    if (shared := _ticket_figures(ctx)) is not None:
        return _of_total(shared, {"solved": "solved", "n": "aht_n", "total": "aht_total"})
    c = (sub := _solved_rows(ctx)).c
    timed = sa.and_(c.handle_minutes.is_not(None), c.handle_minutes >= 0)
    return sa.select(
        sa.func.count().label("solved"),
        _n_if(timed).label("n"),
        exact_sum(sa.case((timed, c.handle_minutes))).label("total"),
    ).select_from(sub)


def _aht_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    solved, n = int(num(row["solved"])), int(num(row["n"]))
    if not solved:
        return _none_in_period(ctx, "solved")
    if not n:
        return ctx.unavailable(
            "no handle-time column in the loaded ticket exports (Zendesk needs the Time Tracking app's "
            "'Total time spent'; Freshdesk 'Time tracked'; Intercom 'Handling time') — never derived from "
            "resolution time",
            solved=solved,
        )
    total = num(row["total"])
    return ctx.result(
        total / n, n=n, numerator=total, denominator=n, extra={"solved": solved, "untimed": solved - n}
    )


def _aht_explain(ctx: Ctx) -> ExplainSpec:
    t = tickets
    rows = _rows().where(*_solved(ctx), t.c.handle_minutes.is_not(None), t.c.handle_minutes >= 0)
    rows = rows.order_by(t.c.solved_at, t.c.ticket_id)
    return ExplainSpec(
        numerator=rows,
        denominator=rows,
        method="average handle time = Σ handle_minutes ÷ tickets solved in the period with a handle time",
        numerator_sum="handle_minutes",
    )


# --------------------------------------------------------------------------------------------- FCR


def _fcr_conds(
    ctx: Ctx, t: sa.Table | sa.Subquery
) -> tuple[list[sa.ColumnElement[bool]], sa.ColumnElement[bool]]:
    """Among solved tickets: which are in the denominator, and which were resolved at first contact."""
    return _fcr_terms(ctx.opt("null_reopens"), t)


def _fcr_terms(
    null_reopens: str, t: sa.Table | sa.Subquery
) -> tuple[list[sa.ColumnElement[bool]], sa.ColumnElement[bool]]:
    den = [t.c.agent_replies.is_not(None)]
    if null_reopens == "exclude":
        den.append(t.c.reopens.is_not(None))
    no_reopen = sa.func.coalesce(t.c.reopens, 0) == 0
    return den, sa.and_(t.c.agent_replies == 1, no_reopen)


def _fcr_preds(ctx: Ctx) -> tuple[list[sa.ColumnElement[bool]], sa.ColumnElement[bool]]:
    den, hit = _fcr_conds(ctx, tickets)
    return [*_solved(ctx), *den], hit


def _fcr_query(ctx: Ctx) -> sa.Select:
    if (shared := _ticket_figures(ctx)) is not None:
        names = {"solved": "solved", "n": "fcr_n", "resolved": "fcr_resolved"}
        return _of_total(shared, {**names, "reopens_unknown": "fcr_reopens_unknown"})
    c = (sub := _solved_rows(ctx)).c
    den, hit = _fcr_conds(ctx, sub)
    return sa.select(
        sa.func.count().label("solved"),
        _n_if(sa.and_(*den)).label("n"),
        _n_if(sa.and_(*den, hit)).label("resolved"),
        _n_if(sa.and_(*den, hit, c.reopens.is_(None))).label("reopens_unknown"),
    ).select_from(sub)


def _fcr_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    solved, n = int(num(row["solved"])), int(num(row["n"]))
    if not solved:
        return _none_in_period(ctx, "solved")
    if not n:
        return ctx.unavailable(
            f"{solved} tickets solved in the period, none with a known agent-reply count "
            "(Zendesk 'Replies', Freshdesk 'Agent interactions')",
            solved=solved,
        )
    hit = int(num(row["resolved"]))
    extra = {
        "solved": solved,
        "reply_count_unknown": solved - n,
        "reopens_unknown": int(num(row["reopens_unknown"])),
    }
    return ctx.result(100.0 * hit / n, n=n, numerator=hit, denominator=n, extra=extra)


def _fcr_explain(ctx: Ctx) -> ExplainSpec:
    t = tickets
    den, hit = _fcr_preds(ctx)
    order = (t.c.solved_at, t.c.ticket_id)
    return ExplainSpec(
        numerator=_rows().where(*den, hit).order_by(*order),
        denominator=_rows().where(*den).order_by(*order),
        method="first contact resolution = tickets solved in the period with exactly one agent reply and no reopen "
        "÷ tickets solved in the period whose reply count is known × 100"
        + (" (a blank reopen count reads as no reopen)" if ctx.opt("null_reopens") == "no_reopen" else ""),
    )


# ----------------------------------------------------------------------------------------- declarations

REOPENS = Metric(
    key="ticket_reopens",
    label="Ticket reopens",
    unit="count",
    higher_is_better=False,
    description="Tickets solved in the period that were reopened at least once; rate = that ÷ tickets solved in "
    "the period (with a known reopen count) × 100; total reopen events = Σ reopens.",
    source=f"Load a ticket export with a reopen count (Zendesk 'Reopens'; {DESKS})",
    query=_reopens_query,
    finish=_reopens_finish,
    explain=_reopens_explain,
    reading=lambda ctx: "solved tickets reopened ≥ 1×",
    honours=TICKET_FILTERS,
    bucket_column="solved_at",
    grouped=_solved_grouped({k: k for k in ("solved", "known", "reopened", "events")}),
    rows="tickets",
)

FRT = Metric(
    key="frt",
    label="First response time",
    unit="hours",
    higher_is_better=False,
    description="Hours from a ticket's creation to the first agent reply, median (default) or mean, over tickets "
    "created in the period that got a reply.",
    source=TICKETS,
    query=_frt_query,
    finish=_frt_finish,
    explain=_frt_explain,
    reading=lambda ctx: f"{ctx.opt('stat')} hours, tickets created in the period",
    options={"stat": OptionSpec("median", "median or mean", ("median", "mean"))},
    honours=TICKET_FILTERS,
    grouped=_frt_grouped,
    rows="tickets",
)

AHT = Metric(
    key="aht",
    label="Average handle time",
    unit="minutes",
    higher_is_better=False,
    description="Mean agent handle minutes over tickets solved in the period — only from an export that records "
    "handle or agent work time, never derived from resolution time.",
    source="Load a ticket export with handle time (Zendesk Time Tracking 'Total time spent', Freshdesk 'Time "
    "tracked', Intercom 'Handling time')",
    query=_aht_query,
    finish=_aht_finish,
    explain=_aht_explain,
    reading=lambda ctx: "mean handle minutes, tickets solved in the period",
    honours=TICKET_FILTERS,
    bucket_column="solved_at",
    grouped=_solved_grouped({"solved": "solved", "n": "aht_n", "total": "aht_total"}),
    rows="tickets",
)

FCR = Metric(
    key="fcr",
    label="First contact resolution",
    unit="%",
    higher_is_better=True,
    description="Tickets solved in the period with exactly one agent reply and no reopen ÷ tickets solved in the "
    "period whose reply count is known × 100.",
    source=f"Load a ticket export with an agent-reply count (Zendesk 'Replies', Freshdesk 'Agent interactions'; {DESKS})",
    query=_fcr_query,
    finish=_fcr_finish,
    explain=_fcr_explain,
    reading=lambda ctx: (
        "one agent reply, no reopen"
        + (
            " (blank reopens = none)"
            if ctx.opt("null_reopens") == "no_reopen"
            else " (blank reopens excluded)"
        )
    ),
    options={
        "null_reopens": OptionSpec(
            "no_reopen",
            "how a blank reopen count (Freshdesk, Intercom) is read: no_reopen or exclude (leaves the denominator)",
            ("no_reopen", "exclude"),
        )
    },
    honours=TICKET_FILTERS,
    bucket_column="solved_at",
    grouped=_solved_grouped(
        {
            "solved": "solved",
            "n": "fcr_n",
            "resolved": "fcr_resolved",
            "reopens_unknown": "fcr_reopens_unknown",
        }
    ),
    rows="tickets",
)
