"""Run metric declarations against the store: scorecard, one metric, trends, comparisons, explanations.

The whole scorecard is two statements: one reading workspace facts (settings, basis, currency), one
computing every metric — each metric's one-row aggregate query cross-joined into a single SELECT.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from cxkpi import stats
from cxkpi.metrics import rollups as daily
from cxkpi.metrics.activity import Activity, Needs, scope
from cxkpi.metrics.base import Ctx, Metric, Options, norm
from cxkpi.metrics.registry import REGISTRY, get
from cxkpi.metrics.types import (
    ACCOUNT_FILTERS,
    Change,
    Explanation,
    Filters,
    LatestValue,
    MetricResult,
    Period,
    TrendPoint,
)
from cxkpi.store.schema import accounts, costs, payments, renewals, responses, settings, subscriptions

# Settings keys the engine reads (values are JSON): the workspace zone, currency and saved metric options.
SETTING_TIMEZONE = "timezone"
SETTING_CURRENCY = "currency"
SETTING_OPTIONS = "metric_options"
FALLBACK_CURRENCY = "USD"
MAX_COLUMNS = 600  # per statement; PostgreSQL allows 1664 result columns
# Per statement: a scorecard (13 metrics) stays one statement; long trends are cut into several, because
# planning one statement of a hundred blocks costs more than a few round trips (measured on DuckDB).
MAX_BLOCKS = 16


def _setting(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:  # a bare string saved without JSON quoting
        return raw


def workspace_options(conn: sa.Connection, options: Options | Mapping[str, Any] | None = None) -> Options:
    """Defaults < the workspace settings (timezone, currency, metric_options) < `options`."""
    rows = dict(conn.execute(sa.select(settings.c.key, settings.c.value)).all())
    base: dict[str, Any] = {}
    saved = _setting(rows.get(SETTING_OPTIONS))
    if isinstance(saved, dict):
        base.update(saved)
    for key in (SETTING_TIMEZONE, SETTING_CURRENCY):
        if _setting(rows.get(key)):
            base[key] = _setting(rows[key])
    saved_opts = Options()
    for k, v in base.items():
        try:
            saved_opts.set(k, v)
        except (ValueError, TypeError):  # a stale or hand-edited setting must not take every page down
            continue
    return saved_opts.merged(Options.coerce(options))


def make_context(
    conn: sa.Connection,
    period: Period,
    filters: Filters | None = None,
    options: Options | Mapping[str, Any] | None = None,
) -> Ctx:
    opts = workspace_options(conn, options)
    cur = sa.func.upper(sa.func.trim(sa.literal_column("currency")))
    money = sa.union_all(
        *[
            sa.select(t.c.currency.label("currency")).where(t.c.currency.is_not(None))
            for t in (subscriptions, payments, costs, renewals)
        ]
    ).subquery("money")
    mode = sa.select(cur).select_from(money).group_by(cur).order_by(sa.func.count().desc(), cur).limit(1)
    facts = conn.execute(
        sa.select(
            sa.exists(sa.select(subscriptions.c.subscription_id)).label("subs"),
            sa.exists(sa.select(accounts.c.account_id).where(accounts.c.created_at.is_not(None))).label(
                "accts"
            ),
            sa.exists(sa.select(payments.c.payment_id)).label("pays"),
            mode.scalar_subquery().label("currency"),
        )
    ).one()
    tz = opts.get("timezone") or "UTC"
    start, end = period.utc_bounds(tz)
    basis = "subscriptions" if facts.subs else ("accounts" if facts.accts else None)
    currency = (opts.get("currency") or facts.currency or FALLBACK_CURRENCY).upper()
    return Ctx(
        period=period,
        filters=filters or Filters(),
        options=opts,
        tz=tz,
        currency=currency,
        start=start,
        end=end,
        basis=basis,
        has_payments=bool(facts.pays),
    )


def not_applicable(m: Metric, filters: Filters) -> dict[str, str]:
    """The filters `m`'s rows do not carry (metrics.md: a filter applies only when its rows carry the attribute)."""
    return {k: v for k, v in filters.as_dict().items() if k not in m.honours}


def blocked_reason(m: Metric, filters: Filters) -> str | None:
    """Why a filter makes `m` not available: "a channel filter does not apply to subscriptions"."""
    skipped = not_applicable(m, filters)
    if not skipped:
        return None
    names = list(skipped)
    what = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    subject = f"a {what} filter does" if len(names) == 1 else f"the {what} filters do"
    why = "they carry no customer account" if set(names) <= set(ACCOUNT_FILTERS) else "they carry no " + what
    shown = ", ".join(f"{k}={v}" for k, v in skipped.items())
    return f"{subject} not apply to {m.rows} ({why}; {shown})"


def _blocked(ctx: Ctx, m: Metric) -> MetricResult | None:
    """Not available, with the reason, when a filter cannot apply to the metric's rows."""
    reason = blocked_reason(m, ctx.filters)
    if reason is None:
        return None
    return ctx.for_metric(m).unavailable(reason, filters_not_applied=list(not_applicable(m, ctx.filters)))


def _run(
    conn: sa.Connection, jobs: Sequence[tuple[str, Ctx, Metric]], max_blocks: int = MAX_BLOCKS
) -> dict[str, MetricResult]:
    """Compute many (tag, ctx, metric) jobs in as few statements as the block and column limits allow."""
    out: dict[str, MetricResult] = {}
    ready: list[tuple[int, str, Ctx, Metric]] = []
    for i, (tag, ctx, m) in enumerate(jobs):
        mctx = ctx.for_metric(m)
        blocked = _blocked(mctx, m)
        if blocked is not None:
            out[tag] = blocked
            continue
        ready.append((i, tag, mctx, m))
    for first in range(0, len(ready), max_blocks):
        chunk = _share(ready[first : first + max_blocks])
        batch: list[tuple[str, Ctx, sa.Subquery]] = []
        width = 0
        for i, tag, mctx, m in chunk:
            sq = m.query(mctx).subquery(f"q{i}")
            if batch and width + len(sq.c) > MAX_COLUMNS:
                out.update(_run_batch(conn, batch))
                batch, width = [], 0
            batch.append((tag, mctx, sq))
            width += len(sq.c)
        if batch:
            out.update(_run_batch(conn, batch))
    return out


def _share(chunk: list[tuple[int, str, Ctx, Metric]]) -> list[tuple[int, str, Ctx, Metric]]:
    """What the jobs of one statement read in common, built once: the customer activity for every job that
    reads it (churn, CLV, MRR, CRC — the union of their instants, so `subscriptions` is read once however
    many metrics and periods), and a memo where metrics keep the per-period row sets they share (the
    period's tickets for reopens, FRT, AHT and FCR)."""
    wanted: dict[tuple[Any, ...], tuple[Ctx, Needs]] = {}
    for _, _, mctx, m in chunk:
        if m.needs is None or mctx.basis is None:
            continue
        key = scope(mctx)
        have = wanted.get(key)
        wanted[key] = (mctx, m.needs(mctx) | have[1] if have else m.needs(mctx))
    built = {
        key: Activity(ctx, n, f"customer_activity_{j}") for j, (key, (ctx, n)) in enumerate(wanted.items())
    }
    memo: dict[Any, Any] = {}
    out = []
    for i, tag, mctx, m in chunk:
        act = built.get(scope(mctx)) if m.needs is not None and mctx.basis is not None else None
        out.append((i, tag, dataclasses.replace(mctx, shared={"activity": act, "memo": memo}), m))
    return out


def _run_batch(conn: sa.Connection, batch: list[tuple[str, Ctx, sa.Subquery]]) -> dict[str, MetricResult]:
    cols, frm = [], None
    for j, (_, _, sq) in enumerate(batch):
        cols += [c.label(f"c{j}_{c.name}") for c in sq.c]
        frm = sq if frm is None else frm.join(sq, sa.true())
    row = conn.execute(sa.select(*cols).select_from(frm)).mappings().one()
    out = {}
    for j, (tag, ctx, sq) in enumerate(batch):
        values = {c.name: row[f"c{j}_{c.name}"] for c in sq.c}
        out[tag] = ctx.metric.finish(ctx, values)
    return out


SURVEY_KINDS = {"csat": "csat", "ces": "ces", "nps": "nps", "esat": "esat"}  # metric key → responses.kind
EARLIEST, LATEST = dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)


def _period_label(p: Period) -> str:
    """'Oct 2026' for a whole calendar month, else '2026-10-05 – 2026-10-20'."""
    whole = p.start.day == 1 and (p.end + dt.timedelta(days=1)).day == 1 and p.start.month == p.end.month
    return f"{p.start:%b %Y}" if whole else str(p)


def _add_latest(conn: sa.Connection, ctx: Ctx, results: dict[str, MetricResult]) -> None:
    """Survey metrics with no answers in the period: say so, and carry the latest month that has answers.

    One grouped statement finds, per kind, the last usable answer before the period and whether the
    workspace (under the same filters) has any at all; one more computes those months' values.
    """
    from cxkpi.metrics.surveys import responses_of  # surveys imports base only; no cycle at call time

    empty = [
        k for k, r in results.items() if k in SURVEY_KINDS and r.value is None and r.extra.get("no_rows")
    ]
    if not empty:
        return
    everywhere = dataclasses.replace(ctx, start=EARLIEST, end=LATEST)
    parts = []
    for k in empty:
        sub = responses_of(everywhere.for_metric(REGISTRY[k]), SURVEY_KINDS[k])
        before = sa.case((sub.c.submitted_at < ctx.start, sub.c.submitted_at))
        r = responses
        anywhere = sa.select(sa.func.count()).where(norm(r.c.kind) == SURVEY_KINDS[k], r.c.score.is_not(None))
        parts.append(
            sa.select(
                sa.literal(k).label("key"),
                sa.func.max(before).label("last"),
                sa.func.count().label("rows"),
                anywhere.scalar_subquery().label("unfiltered"),
            )
            .select_from(sub)
            .where(sub.c.valid == 1)
        )
    rows = conn.execute(sa.union_all(*parts) if len(parts) > 1 else parts[0]).all()
    jobs: list[tuple[str, Ctx, Metric]] = []
    months: dict[str, Period] = {}
    for key, last, count, unfiltered in rows:
        res = results[key]
        res.extra.pop("no_rows", None)
        if not unfiltered:  # the workspace has no such answers at all: the reason names the export to load
            continue
        shown = ", ".join(f"{k}={v}" for k, v in ctx.filters.as_dict().items())
        if not count and shown:  # answers exist, none under these filters
            res.reason = f"No {res.label} answers match the filters ({shown})"
            continue
        if not count:  # answers exist, none on a scale cxkpi can read
            res.reason = (
                f"No {res.label} answers in {_period_label(ctx.period)}; the workspace's {res.label} answers have "
                "no usable scale (set it with the survey.scales option)"
            )
            continue
        where = f" matching the filters ({shown})" if shown else ""
        res.reason = f"No {res.label} answers in {_period_label(ctx.period)}{where}"
        if last is None:  # answers only after the period
            continue
        local = last.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(ctx.tz)).date()
        month = Period(
            local.replace(day=1), local.replace(day=calendar.monthrange(local.year, local.month)[1])
        )
        month = Period(month.start, min(month.end, ctx.period.start - dt.timedelta(days=1)))
        months[key] = month
        jobs.append((key, ctx.for_period(month), REGISTRY[key]))
    for key, found in _run(conn, jobs).items():
        if found.value is not None:
            results[key].latest = LatestValue(found.value, months[key].start, months[key].end, found.n)
            results[key].reason += f" — latest {_period_label(months[key])}, n = {found.n}"


def _with_rollups(engine: sa.Engine, conn: sa.Connection, ctx: Ctx, wanted: bool) -> Ctx:
    """The context reading the daily rollups when asked and they can be had (else the fact tables)."""
    if not wanted:
        return ctx
    ref = daily.ensure(engine, ctx.tz, ctx.filters)
    conn.rollback()  # a new snapshot: `conn` began reading before a build that just committed
    return dataclasses.replace(ctx, rollup=ref)


def _period(p: Period | tuple[Any, Any]) -> Period:
    return p if isinstance(p, Period) else Period.parse(*p)


def scorecard(
    engine: sa.Engine,
    period: Period,
    filters: Filters | None = None,
    options: Options | Mapping[str, Any] | None = None,
    keys: Sequence[str] | None = None,
    rollups: bool = False,
) -> dict[str, MetricResult]:
    """Every registered metric (or `keys`) for one period, in registry order. `rollups`: read the daily rollups
    (built first if missing) instead of tickets and responses — for callers whose own cache follows the data
    version (see rollups.py); the figures are the same."""
    period = _period(period)
    metrics = [get(k) for k in keys] if keys else list(REGISTRY.values())
    with engine.connect() as conn:
        ctx = _with_rollups(engine, conn, make_context(conn, period, filters, options), rollups)
        res = _run(conn, [(m.key, ctx, m) for m in metrics])
        _add_latest(conn, ctx, res)
    return {m.key: res[m.key] for m in metrics}


def scorecards(
    engine: sa.Engine,
    periods: Sequence[Period | tuple[Any, Any]],
    filters: Filters | None = None,
    options: Options | Mapping[str, Any] | None = None,
    keys: Sequence[str] | None = None,
    rollups: bool = False,
) -> list[dict[str, MetricResult]]:
    """The scorecards of several periods — a view and its comparison period — as one statement: each fact
    table read once for all of them (the customer activity at every boundary of both periods, the tickets
    and answers of each period). The same figures as `scorecard` for each period."""
    chosen = [_period(p) for p in periods]
    metrics = [get(k) for k in keys] if keys else list(REGISTRY.values())
    with engine.connect() as conn:
        base = _with_rollups(engine, conn, make_context(conn, chosen[0], filters, options), rollups)
        ctxs = [base] + [base.for_period(p) for p in chosen[1:]]
        jobs = [(f"{i}/{m.key}", ctx, m) for i, ctx in enumerate(ctxs) for m in metrics]
        # two views of 13 metrics in one statement: sharing the scans is worth more than smaller plans
        res = _run(conn, jobs, max_blocks=max(MAX_BLOCKS, 2 * len(REGISTRY)))
        out = []
        for i, ctx in enumerate(ctxs):
            card = {m.key: res[f"{i}/{m.key}"] for m in metrics}
            _add_latest(conn, ctx, card)
            out.append(card)
    return out


def compute(
    engine: sa.Engine,
    key: str,
    period: Period,
    filters: Filters | None = None,
    options: Options | Mapping[str, Any] | None = None,
) -> MetricResult:
    return scorecard(engine, period, filters, options, keys=[key])[key]


def buckets(start: dt.date, end: dt.date, by: str = "month") -> list[Period]:
    """Calendar months / ISO weeks (Monday first) / quarters covering start…end, clipped to it."""
    if by not in {"month", "week", "quarter"}:
        raise ValueError(f"by must be month, week or quarter, got {by!r}")
    out, cur = [], start
    while cur <= end:
        if by == "week":
            last = cur + dt.timedelta(days=6 - cur.weekday())
        else:
            months = 1 if by == "month" else 3
            first_month = cur.month if by == "month" else 3 * ((cur.month - 1) // 3) + 1
            y, m = cur.year, first_month + months - 1
            last = dt.date(y, m, calendar.monthrange(y, m)[1])
        last = min(last, end)
        out.append(Period(cur, last))
        cur = last + dt.timedelta(days=1)
    return out


def trend(
    engine: sa.Engine,
    key: str,
    start: dt.date,
    end: dt.date,
    by: str = "month",
    filters: Filters | None = None,
    options: Options | Mapping[str, Any] | None = None,
    rollups: bool = False,
) -> list[TrendPoint]:
    """One metric per month / week / quarter between start and end, in one statement."""
    return trends(engine, [key], start, end, by, filters, options, rollups)[key]


def trends(
    engine: sa.Engine,
    keys: Sequence[str],
    start: dt.date,
    end: dt.date,
    by: str = "month",
    filters: Filters | None = None,
    options: Options | Mapping[str, Any] | None = None,
    rollups: bool = False,
) -> dict[str, list[TrendPoint]]:
    """Several metrics over the same buckets (the Scorecard's sparklines): one connection and one reading of
    the workspace facts for all of them, then each metric's trend as in `trend`."""
    whole = Period.parse(start, end)  # accepts dates or ISO strings
    start, end = whole.start, whole.end
    periods = buckets(start, end, by)
    res: dict[str, MetricResult] = {}
    with engine.connect() as conn:
        base = _with_rollups(engine, conn, make_context(conn, whole, filters, options), rollups)
        blocks: list[tuple[str, Ctx, Metric]] = []
        for key in keys:
            m = get(key)
            jobs = [(f"{key}/b{i}", base.for_period(p), m) for i, p in enumerate(periods)]
            can_group = m.bucket_column or m.grouped
            res.update(_grouped(conn, jobs) if can_group and _blocked(base.for_metric(m), m) is None else {})
            blocks += [j for j in jobs if j[0] not in res]
        # the rest as blocks, every metric's together: churn, CLV, MRR and retention cost over all buckets then
        # share one customer-activity pass per statement
        res.update(_run(conn, blocks))
    for r in res.values():  # a trend shows each bucket on its own; an empty one stays a gap
        r.extra.pop("no_rows", None)
    return {
        key: [TrendPoint(p.start, p.end, res[f"{key}/b{i}"]) for i, p in enumerate(periods)] for key in keys
    }


def _grouped(conn: sa.Connection, jobs: Sequence[tuple[str, Ctx, Metric]]) -> dict[str, MetricResult]:
    """One metric over contiguous buckets as one statement: its query over the whole range, GROUP BY bucket.

    Only for metrics declaring `bucket_column`; each bucket's row holds exactly the aggregates its own
    block would (same rows, exact sums). Buckets with no rows have no group: they are left out here and
    computed as blocks, so an empty bucket reads as it always did.
    """
    first, last = jobs[0][1], jobs[-1][1]
    m: Metric = jobs[0][2]
    whole = dataclasses.replace(first, end=last.end, period=Period(first.period.start, last.period.end))
    whole = whole.for_metric(m)
    # the whole range already keeps start ≤ col < end and buckets touch, so the first end above col is its
    # bucket; found by halving (7 comparisons for 105 weeks, not up to 105). A date column (renewals' due
    # date) is kept to the period's dates, so its bucket ends are the day after each bucket's last date.
    ends: list[Any] = [
        ctx.period.end + dt.timedelta(days=1) if m.bucket_is_date else ctx.end for _, ctx, _ in jobs
    ]

    day_ends = [ctx.period.end + dt.timedelta(days=1) for _, ctx, _ in jobs]

    def bucket_for(col: sa.ColumnElement[Any], dates: bool = False) -> sa.ColumnElement[int]:
        """`dates`: col is a day (the daily rollups' `day`), compared with the day after each bucket."""
        bounds = day_ends if dates else ends

        def bucket_of(lo: int, hi: int) -> sa.ColumnElement[int]:
            if hi - lo == 1:
                return sa.literal_column(str(lo), sa.Integer)
            mid = (lo + hi) // 2
            return sa.case((col < bounds[mid - 1], bucket_of(lo, mid)), else_=bucket_of(mid, hi))

        return bucket_of(0, len(jobs))

    grouped = m.grouped(whole, bucket_for) if m.grouped is not None else None
    if grouped is None:  # no grouped form for this context (e.g. no rollup): group the metric's own query
        if m.bucket_column is None:
            return {}
        sel = m.query(whole)
        froms = sel.get_final_froms()
        if len(froms) != 1 or m.bucket_column not in froms[0].c:
            return {}
        bucket = bucket_for(froms[0].c[m.bucket_column])
        grouped = sel.add_columns(bucket.label("bucket")).group_by(sa.literal_column("bucket"))
    out: dict[str, MetricResult] = {}
    for row in conn.execute(grouped).mappings():
        if row["bucket"] is None:
            continue
        tag, ctx, _ = jobs[int(row["bucket"])]
        mctx = ctx.for_metric(m)
        out[tag] = m.finish(mctx, {k: v for k, v in row.items() if k != "bucket"})
    return out


def compare(current: MetricResult, previous: MetricResult) -> Change:
    """Change from `previous` to `current`; significance only where a proper test exists (survey figures)."""
    if current.value is None or previous.value is None:
        return Change(None, None, None, "none", None)
    delta = current.value - previous.value
    relative = delta / abs(previous.value) if previous.value else None
    metric = REGISTRY.get(current.key)
    kind = metric.proportion if metric else None
    test: tuple[float, float] | None = None
    name = "none"
    if kind == "survey" and current.options != previous.options:
        kind = None  # different readings (e.g. top-2-box vs mean) cannot be tested against each other
    if kind == "survey" and current.options.get("csat.mode") == "mean":
        c_sd, p_sd = current.extra.get("sd"), previous.extra.get("sd")
        if c_sd is not None and p_sd is not None:
            name = "welch t-test"
            test = stats.welch_t(
                current.value, c_sd * 100, current.n or 0, previous.value, p_sd * 100, previous.n or 0
            )
    elif kind == "survey":
        name = "two-proportion z-test"
        test = stats.two_proportion_z(current.numerator or 0, current.denominator or 0,
                                      previous.numerator or 0, previous.denominator or 0)  # fmt: skip
    elif kind == "nps" and current.n and previous.n:
        name = "z-test (NPS variance)"
        se1 = stats.nps_se(current.extra["promoters"], current.extra["detractors"], current.n)
        se2 = stats.nps_se(previous.extra["promoters"], previous.extra["detractors"], previous.n)
        test = stats.z_test_from_se(delta, se1, se2)
    if test is None:
        return Change(delta, relative, None, name, None)
    p_value = test[1]
    return Change(delta, relative, p_value < 0.05, name, p_value)


def explain(
    engine: sa.Engine,
    key: str,
    period: Period,
    filters: Filters | None = None,
    options: Options | Mapping[str, Any] | None = None,
) -> Explanation:
    """The rows behind one metric (with load_id), for display: numerator and denominator records."""
    import pandas as pd  # only here: the metrics themselves never pull rows

    period = _period(period)
    m = get(key)
    with engine.connect() as conn:
        ctx = make_context(conn, period, filters, options).for_metric(m)
        blocked = _blocked(ctx, m)
        if blocked is not None:
            empty = pd.DataFrame()
            return Explanation(key, empty, empty, [], m.description, reason=blocked.reason)
        spec = m.explain(ctx)
        num_rows = pd.read_sql(spec.numerator, conn)
        den_rows = pd.read_sql(spec.denominator, conn)
    columns = list(dict.fromkeys([*num_rows.columns, *den_rows.columns]))
    return Explanation(
        key=key,
        numerator_rows=num_rows,
        denominator_rows=den_rows,
        columns=columns,
        method=spec.method,
        numerator_sum=spec.numerator_sum,
        denominator_sum=spec.denominator_sum,
    )
