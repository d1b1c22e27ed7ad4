"""Survey metrics: CSAT, CES, NPS and ESAT — responses judged each on its own scale, then pooled."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from cxkpi import stats
from cxkpi.metrics import rollups
from cxkpi.metrics.base import (
    EXACT,
    Ctx,
    ExplainSpec,
    Metric,
    OptionSpec,
    eq_text,
    fmt_scale,
    in_period,
    linked_filter,
    norm,
    num,
)
from cxkpi.metrics.types import MetricResult
from cxkpi.store.schema import responses

SURVEY_SOURCE = "Load a survey export with {q} question ({tools})"
CUSTOMER_TOOLS = (
    "Qualtrics, SurveyMonkey, Typeform, Delighted, Medallia, Zendesk or Intercom satisfaction ratings…"
)


def _parse_scale(value: Any) -> tuple[float | None, float | None, bool | None]:
    """A survey.scales entry: "1-5", [1, 5], or {"min": 1, "max": 5, "reversed": true} → (min, max, reversed)."""
    if isinstance(value, dict):
        lo, hi = value.get("min"), value.get("max")
        rev = value.get("reversed")
        return (
            (None if lo is None else float(lo)),
            (None if hi is None else float(hi)),
            (None if rev is None else bool(rev)),
        )
    if isinstance(value, list | tuple) and len(value) == 2:
        return float(value[0]), float(value[1]), None
    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(?:-|–|—|to)\s*(-?\d+(?:\.\d+)?)\s*", str(value))
    if not m:
        raise ValueError(f"a survey scale reads like '1-5', got {value!r}")
    return float(m.group(1)), float(m.group(2)), None


parse_scale = _parse_scale  # public name; cxkpi.quality reads scales the same way


def _judge(ctx: Ctx, kind: str, src: sa.Table | sa.Subquery | sa.CTE) -> dict[str, sa.ColumnElement[Any]]:
    """The scale one answer is judged on (after survey.scales overrides), whether it is reversed, the score
    as read and whether it is usable — from the columns of `src` (the answers, or their distinct values)."""
    r = src
    lo: sa.ColumnElement[Any] = r.c.scale_min
    hi: sa.ColumnElement[Any] = r.c.scale_max
    rev: sa.ColumnElement[bool] = sa.func.coalesce(r.c.reversed, sa.false())
    overrides = {name: _parse_scale(v) for name, v in (ctx.options.get("survey.scales") or {}).items()}
    los = [(eq_text(r.c.survey, n), sa.literal(a)) for n, (a, _, _) in overrides.items() if a is not None]
    his = [(eq_text(r.c.survey, n), sa.literal(b)) for n, (_, b, _) in overrides.items() if b is not None]
    revs = [(eq_text(r.c.survey, n), sa.literal(v)) for n, (_, _, v) in overrides.items() if v is not None]
    if los:
        lo = sa.case(*los, else_=lo)
    if his:
        hi = sa.case(*his, else_=hi)
    if revs:
        rev = sa.case(*revs, else_=rev)
    if kind == "nps":  # an NPS question without a stored scale is the standard 0–10
        lo, hi = sa.func.coalesce(lo, 0.0), sa.func.coalesce(hi, 10.0)
    if kind == "ces":
        named = [s.strip().lower() for s in ctx.options.get("ces.reversed_surveys") or []]
        if named:
            rev = sa.or_(rev, norm(r.c.survey).in_(named))
    score_read = sa.case((rev, lo + hi - r.c.score), else_=r.c.score)
    valid = sa.and_(lo.is_not(None), hi.is_not(None), hi > lo, r.c.score >= lo, r.c.score <= hi)
    if kind == "nps":  # NPS is defined on 0–10 and read the same way on 1–10; other scales are not NPS
        valid = sa.and_(valid, hi == 10.0, lo.in_([0.0, 1.0]))
    return {
        "scale_min": sa.cast(lo, sa.Double).label("scale_min"),
        "scale_max": sa.cast(hi, sa.Double).label("scale_max"),
        "is_reversed": rev.label("is_reversed"),
        "score_read": sa.cast(score_read, sa.Double).label("score_read"),
        "valid": sa.case((valid, 1), else_=0).label("valid"),
    }


def _answer_filters(ctx: Ctx) -> list[sa.ColumnElement[bool]]:
    r = responses
    preds = [r.c.score.is_not(None), in_period(ctx, r.c.submitted_at), *linked_filter(ctx, r)]
    if ctx.filters.channel:
        preds.append(eq_text(r.c.channel, ctx.filters.channel))
    if ctx.filters.survey:
        preds.append(eq_text(r.c.survey, ctx.filters.survey))
    return preds


def responses_of(ctx: Ctx, kind: str) -> sa.Subquery:
    """Responses of one kind submitted in the period, with the scale each is judged on.

    Columns: the stored ones plus scale_min/scale_max (after survey.scales overrides), is_reversed,
    score_read (the score after flipping a reversed scale) and valid (a usable scale and a score on it).
    """
    r = responses
    j = _judge(ctx, kind, r)
    return (
        sa.select(
            r.c.response_id,
            r.c.system,
            r.c.survey,
            r.c.kind,
            r.c.score,
            j["scale_min"],
            j["scale_max"],
            j["is_reversed"],
            j["score_read"],
            j["valid"],
            r.c.submitted_at,
            r.c.linked_account_id,
            r.c.channel,
            r.c.load_id,
        )  # fmt: skip
        .where(norm(r.c.kind) == kind, *_answer_filters(ctx))
        .subquery(f"{kind}_responses")
    )


def _by_survey(ctx: Ctx) -> bool:
    """Whether an option names surveys, so answers must keep their survey name to be judged."""
    return bool(ctx.options.get("survey.scales") or ctx.options.get("ces.reversed_surveys"))


def _answers(ctx: Ctx, bucket_of: Callable[[Any], Any] | None = None) -> sa.Subquery | sa.CTE:
    """The period's answers (every kind) under the filters, counted per distinct kind, scale, reversed flag and
    score (and survey when an option names one; and bucket in a trend): the scale is then judged once per
    such combination — a few hundred — instead of once per answer. In a scorecard the four survey metrics
    share it, so `responses` is scanned once for all of them."""
    r = responses
    names = ["kind", "scale_min", "scale_max", "reversed", "score"] + (["survey"] if _by_survey(ctx) else [])
    if rollups.usable(ctx) is not None:  # the same counts from the daily rows
        sel = rollups.answers(ctx, names, bucket_of)
    else:
        keys: list[sa.ColumnElement[Any]] = [r.c[k] for k in names]
        cols = list(keys)
        if bucket_of is not None:
            bucket = bucket_of(r.c.submitted_at)
            cols.append(bucket.label("bucket"))
            keys.append(bucket)
        sel = sa.select(*cols, sa.func.count().label("cnt")).where(*_answer_filters(ctx)).group_by(*keys)
    memo = ctx.shared.get("memo") if ctx.shared and bucket_of is None else None
    if memo is None:
        return sel.subquery("answers")
    key = ("answers", ctx.start, ctx.end, tuple(sorted(ctx.filters.as_dict().items())), _by_survey(ctx))
    if key not in memo:
        memo[key] = sel.cte(f"answers_{len(memo)}")
    return memo[key]


def _judged(ctx: Ctx, kind: str, bucket_of: Callable[[Any], Any] | None = None) -> sa.Subquery:
    """The distinct answers of one kind, each with its count and how it is judged."""
    a = _answers(ctx, bucket_of)
    j = _judge(ctx, kind, a)
    cols = [a.c.cnt, j["scale_min"], j["scale_max"], j["score_read"], j["valid"]]
    if bucket_of is not None:
        cols.append(a.c.bucket)
    return sa.select(*cols).where(norm(a.c.kind) == kind).subquery(f"{kind}_answers")


def _positive(kind: str, mode: str, sub: sa.Subquery) -> sa.ColumnElement[bool]:
    """Which responses count as positive, by scale (see docs/metrics.md for the table)."""
    c = sub.c
    if kind == "csat":
        # top-2-box: the two highest points of the scale; a two-way rating (0–1, Good/Bad) counts its top only
        two_way = (c.scale_max - c.scale_min) <= 1
        return sa.or_(
            sa.and_(two_way, c.score_read >= c.scale_max), sa.and_(~two_way, c.score_read >= c.scale_max - 1)
        )
    # CES and ESAT: above the scale's midpoint (6–10 of 1–10, 5–7 of 1–7, 4–5 of 1–5, 6–10 of 0–10)
    return c.score_read > (c.scale_min + c.scale_max) / 2.0


def _scales_agg(sub: sa.Subquery) -> sa.ColumnElement[str]:
    c = sub.c
    text = sa.cast(c.scale_min, sa.String) + sa.literal("|") + sa.cast(c.scale_max, sa.String)
    return sa.func.string_agg(sa.case((c.valid == 1, text), else_=sa.null()).distinct(), sa.literal(";"))


def _scales_text(raw: str | None) -> str:
    if not raw:
        return ""
    pairs = sorted({tuple(float(x) for x in s.split("|")) for s in raw.split(";") if s})
    texts = [fmt_scale(a, b) for a, b in pairs]
    return (texts[0] + " scale") if len(texts) == 1 else ("scales " + ", ".join(texts) + " pooled")


def _sum_if(
    cond: sa.ColumnElement[bool], cnt: sa.ColumnElement[int], value: Any = None
) -> sa.ColumnElement[Any]:
    """Σ over answers meeting `cond` of 1 (a count) or of `value`, from distinct answers and their counts.

    A value is rounded to DECIMAL once and multiplied by its count: exactly the Σ of the answers' DECIMAL
    values one by one (metrics base.EXACT), so the figures do not move."""
    if value is None:  # counts: integer sums are exact already
        return sa.func.coalesce(sa.func.sum(sa.case((cond, cnt), else_=0)), 0)
    exact = sa.cast(sa.case((cond, value), else_=0), EXACT) * cnt
    return sa.func.coalesce(sa.func.sum(exact), 0)


def _proportion_select(ctx: Ctx, kind: str, sub: sa.Subquery) -> sa.Select:
    c = sub.c
    mode = ctx.opt("mode") if kind == "csat" else "top2box"
    normed = c.score_read / c.scale_max
    # the exact DECIMAL sums behind a mean are read only in mean mode: top-2-box skips their cost
    means = (
        [
            _sum_if(c.valid == 1, c.cnt, normed).label("sum_norm"),
            _sum_if(c.valid == 1, c.cnt, normed * normed).label("sum_norm_sq"),
        ]
        if mode == "mean"
        else []
    )
    return sa.select(
        sa.func.coalesce(sa.func.sum(c.cnt), 0).label("rows"),
        _sum_if(c.valid == 1, c.cnt).label("n"),
        _sum_if(sa.and_(c.valid == 1, _positive(kind, mode, sub)), c.cnt).label("pos"),
        *means,
        _scales_agg(sub).label("scales"),
    ).select_from(sub)


def _proportion_query(kind: str) -> Any:
    def query(ctx: Ctx) -> sa.Select:
        return _proportion_select(ctx, kind, _judged(ctx, kind))

    return query


def _grouped_query(kind: str, select: Callable[[Ctx, str, sa.Subquery], sa.Select]) -> Any:
    """A trend of a survey metric: the same aggregates per bucket, from the answers counted per bucket."""

    def grouped(ctx: Ctx, bucket_of: Callable[[Any], Any]) -> sa.Select:
        sub = _judged(ctx, kind, bucket_of)
        return select(ctx, kind, sub).add_columns(sub.c.bucket).group_by(sub.c.bucket)

    return grouped


def _not_available(ctx: Ctx, row: dict[str, Any], what: str) -> MetricResult:
    if num(row["rows"]):
        return ctx.unavailable(
            f"{int(num(row['rows']))} {what} responses in the period, none on a usable scale "
            "(set the scale with the survey.scales option)",
            excluded=int(num(row["rows"])),
        )
    where = " matching the filters" if ctx.filters.as_dict() else ""
    # no_rows: the scorecard looks for earlier answers (engine._add_latest) and drops this marker
    return ctx.unavailable(f"no {what} responses in the period{where}. {ctx.metric.source}", no_rows=True)


def _proportion_finish(kind: str, what: str) -> Any:
    def finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
        n = int(num(row["n"]))
        if not n:
            return _not_available(ctx, row, what)
        excluded = int(num(row["rows"])) - n
        scales = _scales_text(row["scales"])
        extra: dict[str, Any] = {"scales": scales, "excluded": excluded}
        if kind == "csat" and ctx.opt("mode") == "mean":
            total, total_sq = num(row["sum_norm"]), num(row["sum_norm_sq"])
            lo, hi = stats.mean_interval(total, total_sq, n)
            extra["sd"] = stats.sample_sd(total, total_sq, n)
            return ctx.result(
                100.0 * total / n,
                n=n,
                numerator=total,
                denominator=n,
                ci_low=None if lo is None else 100 * lo,
                ci_high=None if hi is None else 100 * hi,
                definition=f"mean score ÷ scale maximum, {scales}",
                extra=extra,
            )
        pos = int(num(row["pos"]))
        lo, hi = stats.wilson(pos, n)
        return ctx.result(
            100.0 * pos / n,
            n=n,
            numerator=pos,
            denominator=n,
            ci_low=100 * lo,
            ci_high=100 * hi,
            definition=f"{ctx.metric.reading(ctx)}, {scales}",
            extra=extra,
        )

    return finish


def _cols(sub: sa.Subquery) -> list[sa.ColumnElement[Any]]:
    c = sub.c
    return [
        c.response_id, c.system, c.survey, c.kind, c.score, c.scale_min, c.scale_max, c.is_reversed,
        c.score_read, c.submitted_at, c.linked_account_id, c.channel, c.load_id,
    ]  # fmt: skip


def _proportion_explain(kind: str) -> Any:
    def explain(ctx: Ctx) -> ExplainSpec:
        sub = responses_of(ctx, kind)
        c = sub.c
        order = (c.submitted_at, c.response_id)
        den = sa.select(*_cols(sub)).where(c.valid == 1).order_by(*order)
        if kind == "csat" and ctx.opt("mode") == "mean":
            normed = (c.score_read / c.scale_max).label("normalised")
            return ExplainSpec(
                numerator=sa.select(*_cols(sub), normed).where(c.valid == 1).order_by(*order),
                denominator=den,
                method="CSAT (mean) = Σ score ÷ scale maximum over the responses (column normalised) "
                "÷ responses × 100",
                numerator_sum="normalised",
            )
        pos = _positive(kind, "top2box", sub)
        return ExplainSpec(
            numerator=sa.select(*_cols(sub)).where(c.valid == 1, pos).order_by(*order),
            denominator=den,
            method=f"{ctx.metric.label} = positive responses ÷ all {kind} responses on a usable scale × 100 "
            f"({ctx.metric.reading(ctx)}); times are UTC",
        )

    return explain


# --------------------------------------------------------------------------------------------------- NPS


def _nps_select(ctx: Ctx, kind: str, sub: sa.Subquery) -> sa.Select:
    c = sub.c
    return sa.select(
        sa.func.coalesce(sa.func.sum(c.cnt), 0).label("rows"),
        _sum_if(c.valid == 1, c.cnt).label("n"),
        _sum_if(sa.and_(c.valid == 1, c.score_read >= 9), c.cnt).label("promoters"),
        _sum_if(sa.and_(c.valid == 1, c.score_read <= 6), c.cnt).label("detractors"),
        _scales_agg(sub).label("scales"),
    ).select_from(sub)


def _nps_query(ctx: Ctx) -> sa.Select:
    return _nps_select(ctx, "nps", _judged(ctx, "nps"))


def _nps_finish(ctx: Ctx, row: dict[str, Any]) -> MetricResult:
    n = int(num(row["n"]))
    if not n:
        return _not_available(ctx, row, "NPS (0–10 or 1–10)")
    p, d = int(num(row["promoters"])), int(num(row["detractors"]))
    lo, hi = stats.nps_interval(p, d, n)
    return ctx.result(
        100.0 * (p - d) / n,
        n=n,
        numerator=p - d,
        denominator=n,
        ci_low=lo,
        ci_high=hi,
        definition=f"% promoters (9–10) − % detractors (≤ 6), {_scales_text(row['scales'])}",
        extra={
            "promoters": p,
            "passives": n - p - d,
            "detractors": d,
            "excluded": int(num(row["rows"])) - n,
        },
    )


def _nps_explain(ctx: Ctx) -> ExplainSpec:
    sub = responses_of(ctx, "nps")
    c = sub.c
    group = sa.case((c.score_read >= 9, "promoter"), (c.score_read <= 6, "detractor"), else_="passive")
    contribution = sa.case((c.score_read >= 9, 1), (c.score_read <= 6, -1), else_=0)
    cols = [*_cols(sub), group.label("nps_group"), contribution.label("contribution")]
    order = (c.submitted_at, c.response_id)
    return ExplainSpec(
        numerator=sa.select(*cols)
        .where(c.valid == 1, sa.or_(c.score_read >= 9, c.score_read <= 6))
        .order_by(*order),
        denominator=sa.select(*cols).where(c.valid == 1).order_by(*order),
        method="NPS = (promoters − detractors) ÷ responses × 100; numerator = Σ contribution "
        "(+1 promoter, −1 detractor)",
        numerator_sum="contribution",
    )


# ----------------------------------------------------------------------------------------- declarations

CSAT = Metric(
    key="csat",
    label="CSAT",
    unit="%",
    higher_is_better=True,
    description="Share of satisfied customers: positive CSAT responses ÷ all CSAT responses × 100. Positive = "
    "the top two points of the scale (4–5 of 1–5, 6–7 of 1–7, 9–10 of 0–10 or 1–10); a two-way Good/Bad "
    "rating counts Good. Option mean: Σ score ÷ (responses × scale maximum) × 100.",
    source=SURVEY_SOURCE.format(q="a CSAT", tools=CUSTOMER_TOOLS),
    query=_proportion_query("csat"),
    grouped=_grouped_query("csat", _proportion_select),
    finish=_proportion_finish("csat", "CSAT"),
    explain=_proportion_explain("csat"),
    reading=lambda ctx: "top-2-box" if ctx.opt("mode") == "top2box" else "mean score ÷ scale maximum",
    options={"mode": OptionSpec("top2box", "top2box (share of top-2 answers) or mean", ("top2box", "mean"))},
    proportion="survey",
    honours=("segment", "region", "plan", "channel", "survey"),
    rows="survey responses",
)

CES = Metric(
    key="ces",
    label="CES",
    unit="%",
    higher_is_better=True,
    description="Share of customers who found it easy: positive CES responses ÷ all CES responses × 100; "
    "positive = 6–10 on 1–10, 5–7 on 1–7, 4–5 on 1–5 (above the scale's midpoint). A survey marked reversed "
    "(1 = very easy) is flipped first.",
    source=SURVEY_SOURCE.format(
        q="a Customer Effort (CES)", tools="Typeform, Qualtrics, SurveyMonkey, Delighted…"
    ),
    query=_proportion_query("ces"),
    grouped=_grouped_query("ces", _proportion_select),
    finish=_proportion_finish("ces", "CES"),
    explain=_proportion_explain("ces"),
    reading=lambda ctx: "easy = above the scale midpoint",
    options={
        "reversed_surveys": OptionSpec(
            [],
            'survey names whose scale runs 1 = very easy (besides the stored flag), e.g. ["Help widget"]',
            kind=list,
        )
    },
    proportion="survey",
    honours=("segment", "region", "plan", "channel", "survey"),
    rows="survey responses",
)

NPS = Metric(
    key="nps",
    label="NPS",
    unit="points",
    higher_is_better=True,
    description="Net Promoter Score: % promoters (9–10) − % detractors (0–6) on the 0–10 scale, −100…100; "
    "a 1–10 export is read the same way (1–6 detractor); passives 7–8 count in the base only.",
    source=SURVEY_SOURCE.format(
        q="a 0–10 'how likely to recommend'", tools="Delighted, SurveyMonkey, Qualtrics, Typeform…"
    ),
    query=_nps_query,
    grouped=_grouped_query("nps", _nps_select),
    finish=_nps_finish,
    explain=_nps_explain,
    reading=lambda ctx: "% promoters − % detractors",
    proportion="nps",
    honours=("segment", "region", "plan", "channel", "survey"),
    rows="survey responses",
)

ESAT = Metric(
    key="esat",
    label="ESAT",
    unit="%",
    higher_is_better=True,
    description="Employee satisfaction: satisfied employee responses ÷ all ESAT responses × 100; satisfied = "
    "4–5 on 1–5, 6–10 on 1–10 (not top-2-box).",
    source=SURVEY_SOURCE.format(
        q="an employee-satisfaction (ESAT)", tools="Google Forms, Qualtrics, SurveyMonkey…"
    ),
    query=_proportion_query("esat"),
    grouped=_grouped_query("esat", _proportion_select),
    finish=_proportion_finish("esat", "ESAT"),
    explain=_proportion_explain("esat"),
    reading=lambda ctx: "4–5 of 5, 6–10 of 10",
    proportion="survey",
    honours=("channel", "survey"),  # employees' answers link to no customer account
    rows="employee survey responses",
)
