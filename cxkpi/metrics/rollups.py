"""Daily rollups: the ticket and survey figures per day in the workspace zone, kept per data version.

Why: every new view (another filter, another period, the twelve sparkline months) read from `tickets` and
`responses` scans millions of rows at 10 M tickets; summed from rows per day and channel it reads a few
thousand. The figures are the same to the last digit: a period is whole days in the workspace zone, so
"a timestamp in the period" is exactly "its local day is one of the period's days"; counts and the exact
DECIMAL sums (base.EXACT) add up per day; FRT's median — which cannot be added up — is taken over the kept
per-ticket values (`rollup_frt`, narrow and in day order).

A build is kept for one data version and time zone (`stamp`) and the filter attributes it keeps apart
(`dims`): channel always (FRT reads per channel; a channel filter is the common one); segment, region and
plan only in a build made for a view that filters on them, so the unfiltered build stays small (grouping
10 M tickets by three more text columns costs seconds). FRT's values are kept once per stamp with their
linked account, which an account filter looks up. Built on first use, in one write turn, one INSERT …
SELECT … GROUP BY per table; a build for a new stamp replaces the old ones.
Only callers that key their own cache by the data version ask for rollups (the app): `cxkpi scorecard`
and the other commands read the fact tables, so a row written outside a load is always counted.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from cxkpi.metrics.activity import n_if
from cxkpi.metrics.base import EXACT, Ctx, eq_text, exact_sum, linked_filter
from cxkpi.metrics.types import Filters
from cxkpi.store.schema import (
    accounts,
    responses,
    rollup_answers,
    rollup_builds,
    rollup_frt,
    rollup_ticket_days,
    tickets,
)

log = logging.getLogger(__name__)

ACCOUNT_DIMS = ("segment", "region", "plan")  # in the rollup tables' column order
_building = threading.Lock()  # one build at a time in this process; other processes wait on the write turn


@dataclass(frozen=True)
class Rollup:
    """A kept build: its stamp and, per part, the `dims` text its rows carry."""

    stamp: str
    tickets: str
    answers: str


def ticket_dims(filters: Filters) -> str:
    return ",".join(k for k in ACCOUNT_DIMS if getattr(filters, k))


def answer_dims(filters: Filters) -> str:
    # channel always: 4× the rows of none at 10 M tickets (82 k, two years), and no build on a channel filter
    return ",".join(["channel", *(k for k in ACCOUNT_DIMS if getattr(filters, k))])


def usable(ctx: Ctx) -> Rollup | None:
    """The build this context may read: one keeping apart every filter attribute it filters on."""
    ref = ctx.rollup
    if ref is None:
        return None
    if ref.tickets != ticket_dims(ctx.filters) or ref.answers != answer_dims(ctx.filters):
        return None
    return ref


def local_day(col: sa.ColumnElement[Any], tz: str) -> sa.ColumnElement[dt.date]:
    """The calendar day of a naive-UTC timestamp in `tz` (timezone() means the same on DuckDB and PostgreSQL)."""
    if tz == "UTC":
        return sa.cast(col, sa.Date)
    if not re.fullmatch(r"[A-Za-z0-9_+\-/]+", tz):  # an IANA name, checked by the options already
        raise ValueError(f"unexpected time zone {tz!r}")
    zone = sa.literal_column(f"'{tz}'", sa.String)  # literal: GROUP BY must see the same expression
    utc = sa.literal_column("'UTC'", sa.String)
    return sa.cast(sa.func.timezone(zone, sa.func.timezone(utc, col)), sa.Date)


# ------------------------------------------------------------------------------------------------ reading


def days_of(ctx: Ctx, table: sa.Table, part: str) -> list[sa.ColumnElement[bool]]:
    """The build's rows for the period's days under the context's filters."""
    ref = ctx.rollup
    c = table.c
    preds = [c.stamp == ref.stamp, c.day >= ctx.period.start, c.day <= ctx.period.end]
    if "dims" in c:
        preds.append(c.dims == getattr(ref, part))
    for key, value in ctx.filters.as_dict().items():
        if key in c:
            preds.append(eq_text(c[key], value))
    if "linked_account_id" in c:
        preds += linked_filter(ctx, table)  # segment / region / plan through the linked account
    return preds


Bucket = Callable[..., sa.ColumnElement[int]]


def ticket_figures(
    ctx: Ctx, null_reopens: str, bucket_of: Bucket | None = None, medians: bool = True
) -> sa.Select:
    """The columns of tickets._ticket_figures — per channel (and bucket) — from the daily rows; without
    FRT's per-channel `median` when not wanted (reopens, AHT and FCR trends)."""
    d = rollup_ticket_days.c
    exclude = null_reopens == "exclude"
    keys: list[sa.ColumnElement[Any]] = [d.channel.label("ch")]
    if bucket_of is not None:
        keys.append(bucket_of(d.day, dates=True).label("bucket"))
    zero = sa.literal_column("0", sa.BigInteger)
    sums = (
        sa.select(
            *keys,
            *[
                sa.func.sum(d[k]).label(k)
                for k in ("solved", "known", "reopened", "events", "aht_n", "aht_total")
            ],
            sa.func.sum(d.fcr_n_known if exclude else d.fcr_n).label("fcr_n"),
            sa.func.sum(d.fcr_resolved_known if exclude else d.fcr_resolved).label("fcr_resolved"),
            sa.func.sum(zero if exclude else d.fcr_reopens_unknown).label("fcr_reopens_unknown"),
            sa.func.sum(d.created).label("created"),
            sa.func.sum(d.replied).label("n"),
            sa.func.sum(d.negative).label("negative"),
            sa.func.sum(d.total).label("total"),
        )
        .where(*days_of(ctx, rollup_ticket_days, "tickets"))
        .group_by(*keys)
        .subquery("rollup_sums")
    )
    if not medians:
        return sa.select(*sums.c)
    meds = _medians(ctx, bucket_of, by_channel=True)
    on = [sums.c.ch == meds.c.ch]
    if bucket_of is not None:
        on.append(sums.c.bucket == meds.c.bucket)
    return sa.select(*sums.c, meds.c.median).select_from(sums.outerjoin(meds, sa.and_(*on)))


def _medians(ctx: Ctx, bucket_of: Bucket | None, by_channel: bool, name: str = "") -> sa.Subquery | sa.CTE:
    """FRT's medians per channel (and bucket), or of everything; `name`: as a materialized CTE of that name
    (read more than once in its statement)."""
    f = rollup_frt.c
    keys: list[sa.ColumnElement[Any]] = [f.channel.label("ch")] if by_channel else []
    if bucket_of is not None:
        keys.append(bucket_of(f.day, dates=True).label("bucket"))
    sel = sa.select(*keys, _median(f.hours).label("median")).where(*days_of(ctx, rollup_frt, "tickets"))
    sel = sel.group_by(*keys) if keys else sel
    return sel.cte(name).prefix_with("MATERIALIZED") if name else sel.subquery("rollup_medians")


def _median(col: sa.ColumnElement[Any]) -> sa.ColumnElement[float]:
    return sa.func.percentile_cont(sa.literal_column("0.5")).within_group(col)


def frt_median(ctx: Ctx) -> sa.ScalarSelect:
    """FRT's median over every channel of the period (the scorecard's figure)."""
    return sa.select(_medians(ctx, None, by_channel=False).c.median).scalar_subquery()


def frt_per_channel(ctx: Ctx, bucket_of: Bucket) -> sa.Subquery:
    """tickets._frt_select's grouping-sets rows — per (bucket, channel) with g = 0, per bucket with g = 1 —
    from the daily rows: counts and sums added up, medians over the kept values."""
    d = rollup_ticket_days.c
    created_side = [*days_of(ctx, rollup_ticket_days, "tickets"), d.created > 0]
    bucket = bucket_of(d.day, dates=True).label("bucket")
    per_channel = (
        sa.select(
            bucket,
            d.channel.label("ch"),
            sa.literal_column("0", sa.Integer).label("g"),
            sa.func.sum(d.created).label("created"),
            sa.func.sum(d.replied).label("n"),
            sa.func.sum(d.negative).label("negative"),
            sa.func.sum(d.total).label("total"),
        )
        .where(*created_side)
        .group_by(sa.literal_column("bucket"), d.channel)
        .subquery("rollup_frt_channels")
    )
    c = per_channel.c
    overall = sa.select(
        c.bucket,
        sa.null().label("ch"),
        sa.literal_column("1", sa.Integer).label("g"),
        sa.func.sum(c.created).label("created"),
        sa.func.sum(c.n).label("n"),
        sa.func.sum(c.negative).label("negative"),
        sa.func.sum(c.total).label("total"),
    ).group_by(c.bucket)
    sums = sa.union_all(sa.select(*c), overall).subquery("rollup_frt_sums")
    g0, g1 = sa.literal_column("0", sa.Integer).label("g"), sa.literal_column("1", sa.Integer).label("g")
    if not ctx.filters.channel:  # several channels a bucket: each bucket's own median beside the channels'
        m_ch, m_all = _medians(ctx, bucket_of, by_channel=True), _medians(ctx, bucket_of, by_channel=False)
        meds = sa.union_all(
            sa.select(m_ch.c.bucket, m_ch.c.ch, g0, m_ch.c.median),
            sa.select(m_all.c.bucket, sa.null().label("ch"), g1, m_all.c.median),
        ).subquery("rollup_frt_medians")
        return _with_medians(sums, meds)
    # Under a channel filter a bucket's values are (nearly always) one channel's, whose median is then the
    # bucket's: sorted once, not twice (0.25 s instead of 0.34 for twelve months of one channel at 10 M
    # tickets; without a filter this plan costs more). A bucket of several spellings takes its own median.
    m_ch = _medians(ctx, bucket_of, by_channel=True, name="rollup_channel_medians")
    several = sa.select(m_ch.c.bucket).group_by(m_ch.c.bucket).having(sa.func.count() > 1)
    f = rollup_frt.c
    value_bucket = bucket_of(f.day, dates=True)
    m_several = (
        sa.select(value_bucket.label("bucket"), _median(f.hours).label("median"))
        .where(*days_of(ctx, rollup_frt, "tickets"), value_bucket.in_(several))
        .group_by(sa.literal_column("bucket"))
        .subquery("rollup_several_medians")
    )
    meds = sa.union_all(
        sa.select(m_ch.c.bucket, m_ch.c.ch, g0, m_ch.c.median),
        sa.select(m_ch.c.bucket, sa.null().label("ch"), g1, m_ch.c.median).where(
            m_ch.c.bucket.not_in(several)
        ),
        sa.select(m_several.c.bucket, sa.null().label("ch"), g1, m_several.c.median),
    ).subquery("rollup_frt_medians")
    return _with_medians(sums, meds)


def _with_medians(sums: sa.Subquery, meds: sa.Subquery) -> sa.Subquery:
    """The grouping-sets rows of sums, each with its median (g = 1: the bucket's own)."""
    same_ch = sa.or_(sums.c.ch == meds.c.ch, sa.and_(sums.c.g == 1, meds.c.g == 1))
    on = sa.and_(sums.c.bucket == meds.c.bucket, sums.c.g == meds.c.g, same_ch)
    return sa.select(*sums.c, meds.c.median).select_from(sums.outerjoin(meds, on)).subquery("rollup_frt_per")


def answers(ctx: Ctx, keys: list[str], bucket_of: Bucket | None = None) -> sa.Select:
    """surveys._answers' rows — answers counted per distinct kind, scale, reversed flag, score (survey) and
    bucket — from the daily counts."""
    a = rollup_answers.c
    cols: list[sa.ColumnElement[Any]] = [a[k] for k in keys]
    group = list(cols)
    if bucket_of is not None:
        bucket = bucket_of(a.day, dates=True)
        cols.append(bucket.label("bucket"))
        group.append(bucket)
    where = days_of(ctx, rollup_answers, "answers")
    return sa.select(*cols, sa.func.sum(a.cnt).label("cnt")).where(*where).group_by(*group)


# ----------------------------------------------------------------------------------------------- building


def ensure(engine: sa.Engine, tz: str, filters: Filters) -> Rollup | None:
    """The kept build for the store's data version, `tz` and these filters, built first if missing.

    None when it cannot be built here (a read-only store, a store another process holds): the caller then
    reads the fact tables, with the same figures."""
    from cxkpi.access import SYSTEM, acting_as  # late: cxkpi.access reaches the store schema
    from cxkpi.store.loads import data_version

    tdims, adims = ticket_dims(filters), answer_dims(filters)
    try:
        with engine.connect() as conn:
            stamp = f"{data_version(conn)}|{tz}"
            have = _built(conn, stamp)
        if {"frt:", f"tickets:{tdims}", f"answers:{adims}"} <= have:
            return Rollup(stamp, tdims, adims)
        with _building, acting_as(SYSTEM), engine.begin() as conn:
            conn.execution_options(cxkpi_derived_only=True)  # listeners: nothing read before has changed
            stamp = f"{data_version(conn)}|{tz}"  # read again inside the write turn: a load may have landed
            have = _built(conn, stamp)
            if not have:
                for table in (rollup_builds, rollup_ticket_days, rollup_frt, rollup_answers):
                    conn.execute(sa.delete(table).where(table.c.stamp != stamp))
            now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
            if "frt:" not in have:
                _build_frt(conn, stamp, tz)
                conn.execute(sa.insert(rollup_builds).values(stamp=stamp, dims="frt:", built_at=now))
            if f"tickets:{tdims}" not in have:
                _build_tickets(conn, stamp, tz, tdims)
                conn.execute(
                    sa.insert(rollup_builds).values(stamp=stamp, dims=f"tickets:{tdims}", built_at=now)
                )
            if f"answers:{adims}" not in have:
                _build_answers(conn, stamp, tz, adims)
                conn.execute(
                    sa.insert(rollup_builds).values(stamp=stamp, dims=f"answers:{adims}", built_at=now)
                )
            if conn.dialect.name == "postgresql":  # fresh statistics, else the planner guesses a few rows
                for table in (rollup_ticket_days, rollup_frt, rollup_answers):
                    conn.exec_driver_sql(f"ANALYZE {table.name}")
        return Rollup(stamp, tdims, adims)
    except (RuntimeError, PermissionError, sa.exc.DBAPIError) as exc:  # StoreBusy is a RuntimeError
        log.debug("rollups not built, reading the fact tables: %s", exc)
        return None


def _built(conn: sa.Connection, stamp: str) -> set[str]:
    return set(conn.execute(sa.select(rollup_builds.c.dims).where(rollup_builds.c.stamp == stamp)).scalars())


def _attrs(dims: str, source: sa.Table) -> tuple[sa.FromClause, list[sa.ColumnElement[Any]]]:
    """The fact table joined to its linked account when the build keeps account attributes apart."""
    kept = dims.split(",") if dims else []
    wanted = [k for k in ACCOUNT_DIMS if k in kept]
    frm: sa.FromClause = source
    if wanted:
        frm = source.outerjoin(accounts, accounts.c.account_id == source.c.linked_account_id)
    cols = [(accounts.c[k] if k in wanted else sa.null()).label(k) for k in ACCOUNT_DIMS]
    return frm, cols


def _build_tickets(conn: sa.Connection, stamp: str, tz: str, dims: str) -> None:
    from cxkpi.metrics.tickets import _hours_to_reply  # the one definition of hours to first reply

    t = tickets
    frm, attrs = _attrs(dims, t)
    ch = sa.func.coalesce(t.c.channel, sa.literal_column("''", sa.String))
    head = [sa.literal(stamp).label("stamp"), sa.literal(dims).label("dims")]
    zero = sa.literal_column("0", sa.BigInteger)
    exact_zero = sa.cast(sa.literal_column("0"), EXACT)
    counts = ("solved", "known", "reopened", "events", "aht_n", "aht_total", "fcr_n", "fcr_resolved",
              "fcr_reopens_unknown", "fcr_n_known", "fcr_resolved_known", "created", "replied", "negative", "total")  # fmt: skip

    def side(day: sa.ColumnElement[Any], where: sa.ColumnElement[bool], **figures: Any) -> sa.Select:
        cols = [figures.get(k, exact_zero if k in ("aht_total", "total") else zero).label(k) for k in counts]
        keys = [day.label("day"), ch.label("channel"), *attrs]
        group = [day, ch, *[a for a in attrs if not isinstance(a.element, sa.Null)]]
        return sa.select(*head, *keys, *cols).select_from(frm).where(where).group_by(*group)

    timed = sa.and_(t.c.handle_minutes.is_not(None), t.c.handle_minutes >= 0)
    replies = t.c.agent_replies.is_not(None)
    hit = sa.and_(t.c.agent_replies == 1, sa.func.coalesce(t.c.reopens, 0) == 0)
    known = t.c.reopens.is_not(None)
    solved = side(
        local_day(t.c.solved_at, tz),
        t.c.solved_at.is_not(None),
        solved=sa.func.count(),
        known=n_if(known),
        reopened=n_if(t.c.reopens >= 1),
        events=sa.func.coalesce(sa.func.sum(t.c.reopens), 0),
        aht_n=n_if(timed),
        aht_total=exact_sum(sa.case((timed, t.c.handle_minutes))),
        fcr_n=n_if(replies),
        fcr_resolved=n_if(sa.and_(replies, hit)),
        fcr_reopens_unknown=n_if(sa.and_(replies, hit, ~known)),
        fcr_n_known=n_if(sa.and_(replies, known)),
        fcr_resolved_known=n_if(sa.and_(replies, known, hit)),
    )
    hours = _hours_to_reply(t)
    ok = sa.and_(hours.is_not(None), hours >= 0)
    created = side(
        local_day(t.c.created_at, tz),
        t.c.created_at.is_not(None),
        created=sa.func.count(),
        replied=n_if(ok),
        negative=n_if(hours < 0),
        total=exact_sum(sa.case((ok, hours))),
    )
    columns = [c.name for c in rollup_ticket_days.c]
    both = sa.union_all(solved, created).subquery("days")
    ordered = sa.select(*[both.c[k] for k in columns]).order_by(both.c.day)
    conn.execute(sa.insert(rollup_ticket_days).from_select(columns, ordered))


def _build_frt(conn: sa.Connection, stamp: str, tz: str) -> None:
    from cxkpi.metrics.tickets import _hours_to_reply

    t = tickets
    hours = _hours_to_reply(t)
    values = (
        sa.select(
            sa.literal(stamp).label("stamp"),
            local_day(t.c.created_at, tz).label("day"),
            sa.func.coalesce(t.c.channel, sa.literal_column("''", sa.String)).label("channel"),
            t.c.linked_account_id,
            hours.label("hours"),
        )
        .where(t.c.created_at.is_not(None), hours.is_not(None), hours >= 0)
        .order_by(sa.literal_column("day"))
    )
    conn.execute(sa.insert(rollup_frt).from_select([c.name for c in rollup_frt.c], values))


def _build_answers(conn: sa.Connection, stamp: str, tz: str, dims: str) -> None:
    r = responses
    frm, attrs = _attrs(dims, r)
    kept = dims.split(",") if dims else []
    channel = (r.c.channel if "channel" in kept else sa.null()).label("channel")
    day = local_day(r.c.submitted_at, tz)
    facts = [r.c.kind, r.c.scale_min, r.c.scale_max, r.c.reversed, r.c.score, r.c.survey]
    group = [day, *facts, *[c for c in (channel, *attrs) if not isinstance(c.element, sa.Null)]]
    sel = (
        sa.select(
            sa.literal(stamp).label("stamp"),
            sa.literal(dims).label("dims"),
            day.label("day"),
            channel,
            *attrs,
            *facts,
            sa.func.count().label("cnt"),
        )  # fmt: skip
        .select_from(frm)
        .where(r.c.score.is_not(None), r.c.submitted_at.is_not(None))
        .group_by(*group)
        .order_by(sa.literal_column("day"))
    )
    conn.execute(sa.insert(rollup_answers).from_select([c.name for c in rollup_answers.c], sel))
