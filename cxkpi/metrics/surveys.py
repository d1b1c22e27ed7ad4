"""Survey metrics: CSAT, CES, NPS and ESAT — responses judged each on its own scale, then pooled."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from cxkpi import stats
from cxkpi.metrics.base import (
    Ctx,
    ExplainSpec,
    Metric,
    OptionSpec,
    eq_text,
    exact_sum,
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


def responses_of(ctx: Ctx, kind: str) -> sa.Subquery:
    """Responses of one kind submitted in the period, with the scale each is judged on.

    Columns: the stored ones plus scale_min/scale_max (after survey.scales overrides), is_reversed,
    score_read (the score after flipping a reversed scale) and valid (a usable scale and a score on it).
    """
    r = responses
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
    preds = [norm(r.c.kind) == kind, r.c.score.is_not(None), in_period(ctx, r.c.submitted_at)]
    preds += linked_filter(ctx, r)
    if ctx.filters.channel:
        preds.append(eq_text(r.c.channel, ctx.filters.channel))
    if ctx.filters.survey:
        preds.append(eq_text(r.c.survey, ctx.filters.survey))
    return (
        sa.select(
            r.c.response_id,
            r.c.system,
            r.c.survey,
            r.c.kind,
            r.c.score,
            sa.cast(lo, sa.Double).label("scale_min"),
            sa.cast(hi, sa.Double).label("scale_max"),
            rev.label("is_reversed"),
            sa.cast(score_read, sa.Double).label("score_read"),
            sa.case((valid, 1), else_=0).label("valid"),
            r.c.submitted_at,
            r.c.linked_account_id,
            r.c.channel,
            r.c.load_id,
        )
        .where(*preds)
        .subquery(f"{kind}_responses")
    )


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


def _sum_if(cond: sa.ColumnElement[bool], value: Any = 1) -> sa.ColumnElement[Any]:
    if isinstance(value, int):  # counts: integer sums are exact already
        return sa.func.coalesce(sa.func.sum(sa.case((cond, value), else_=0)), 0)
    return sa.func.coalesce(exact_sum(sa.case((cond, value), else_=0)), 0)


def _proportion_query(kind: str) -> Any:
    def query(ctx: Ctx) -> sa.Select:
        sub = responses_of(ctx, kind)
        c = sub.c
        mode = ctx.opt("mode") if kind == "csat" else "top2box"
        normed = c.score_read / c.scale_max
        # the exact DECIMAL sums behind a mean are read only in mean mode: top-2-box skips their cost
        means = (
            [
                _sum_if(c.valid == 1, normed).label("sum_norm"),
                _sum_if(c.valid == 1, normed * normed).label("sum_norm_sq"),
            ]
            if mode == "mean"
            else []
        )
        return sa.select(
            sa.func.count().label("rows"),
            _sum_if(c.valid == 1).label("n"),
            _sum_if(sa.and_(c.valid == 1, _positive(kind, mode, sub))).label("pos"),
            *means,
            _scales_agg(sub).label("scales"),
        ).select_from(sub)

    return query


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


def _nps_query(ctx: Ctx) -> sa.Select:
    sub = responses_of(ctx, "nps")
    c = sub.c
    return sa.select(
        sa.func.count().label("rows"),
        _sum_if(c.valid == 1).label("n"),
        _sum_if(sa.and_(c.valid == 1, c.score_read >= 9)).label("promoters"),
        _sum_if(sa.and_(c.valid == 1, c.score_read <= 6)).label("detractors"),
        _scales_agg(sub).label("scales"),
    ).select_from(sub)


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
    finish=_proportion_finish("csat", "CSAT"),
    explain=_proportion_explain("csat"),
    reading=lambda ctx: "top-2-box" if ctx.opt("mode") == "top2box" else "mean score ÷ scale maximum",
    options={"mode": OptionSpec("top2box", "top2box (share of top-2 answers) or mean", ("top2box", "mean"))},
    proportion="survey",
    bucket_column="submitted_at",
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
    bucket_column="submitted_at",
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
    finish=_nps_finish,
    explain=_nps_explain,
    reading=lambda ctx: "% promoters − % detractors",
    proportion="nps",
    bucket_column="submitted_at",
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
    finish=_proportion_finish("esat", "ESAT"),
    explain=_proportion_explain("esat"),
    reading=lambda ctx: "4–5 of 5, 6–10 of 10",
    proportion="survey",
    bucket_column="submitted_at",
    honours=("channel", "survey"),  # employees' answers link to no customer account
    rows="employee survey responses",
)
