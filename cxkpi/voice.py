"""Voice-of-customer breakdowns: score distributions per survey, a searchable comments table and churn reasons.

All in SQL through SQLAlchemy Core (DuckDB and PostgreSQL). Responses are selected exactly as the survey
metrics select them (cxkpi.metrics.surveys.responses_of: period, filters, per-survey scale overrides), so a
distribution adds up to the scorecard's n. NPS composition over time is `cxkpi.metrics.trend("nps")`, whose
points carry promoters / passives / detractors.

Comment search is a bound LIKE parameter with its wildcards escaped — never text spliced into SQL.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from cxkpi.metrics import Filters, Period, make_context
from cxkpi.metrics.base import eq_text, in_period, linked_filter, norm

# The metric's own selection and positive rule, imported so the chart and the scorecard agree.
from cxkpi.metrics.surveys import _positive, responses_of
from cxkpi.store.schema import accounts, responses, subscriptions

KINDS = ("csat", "ces", "nps", "esat")
NO_REASON = "(no reason recorded)"


def score_distribution(
    engine: sa.Engine, kind: str, period: Period, filters: Filters | None = None, options: Any = None
) -> pd.DataFrame:
    """Responses per survey and score for one kind (csat / ces / esat / nps), on a usable scale.

    Columns: survey, scale_min, scale_max, score (as answered), positive (counts as positive for the metric:
    top-2-box for CSAT, above the midpoint for CES/ESAT, 9–10 for NPS), responses, share (% of that survey's
    responses). Sorted by survey then score.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    with engine.connect() as conn:
        ctx = make_context(conn, period, filters, options)
        sub = responses_of(ctx, kind)
        c = sub.c
        pos = c.score_read >= 9 if kind == "nps" else _positive(kind, "top2box", sub)
        survey = sa.func.coalesce(c.survey, sa.literal("(unnamed survey)")).label("survey")
        positive = sa.case((pos, 1), else_=0).label("positive")
        q = (
            sa.select(survey, c.scale_min, c.scale_max, c.score, positive, sa.func.count().label("responses"))
            .where(c.valid == 1)
            .group_by(survey, c.scale_min, c.scale_max, c.score, positive)
            .order_by(survey, c.score)
        )
        rows = conn.execute(q).all()
    cols = ["survey", "scale_min", "scale_max", "score", "positive", "responses"]
    df = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    for col in ("scale_min", "scale_max", "score"):
        df[col] = df[col].astype("float64")
    df["positive"] = df["positive"].astype(bool)
    df["responses"] = df["responses"].astype("int64")
    df["share"] = (df["responses"] / df.groupby("survey")["responses"].transform("sum") * 100).astype("float64")
    return df


def comments(
    engine: sa.Engine,
    period: Period,
    filters: Filters | None = None,
    *,
    search: str | None = None,
    kind: str | None = None,
    score_min: float | None = None,
    score_max: float | None = None,
    limit: int = 500,
    options: Any = None,
) -> pd.DataFrame:
    """Survey answers with a non-blank comment submitted in the period, newest first.

    search: case-insensitive substring of the comment (% and _ match themselves); kind: csat / ces / nps / esat;
    score_min / score_max: the score as answered, inclusive. Columns: submitted_at (UTC), survey, kind, score,
    scale_min, scale_max, account, comment. The frame's attrs["total"] holds the match count before `limit`.
    """
    r, a = responses, accounts
    with engine.connect() as conn:
        ctx = make_context(conn, period, filters, options)
        preds: list[sa.ColumnElement[bool]] = [
            r.c.comment.is_not(None),
            sa.func.trim(r.c.comment) != "",
            in_period(ctx, r.c.submitted_at),
            *linked_filter(ctx, r),
        ]
        if ctx.filters.channel:
            preds.append(eq_text(r.c.channel, ctx.filters.channel))
        if ctx.filters.survey:
            preds.append(eq_text(r.c.survey, ctx.filters.survey))
        if kind:
            preds.append(norm(r.c.kind) == kind.strip().lower())
        if score_min is not None:
            preds.append(r.c.score >= float(score_min))
        if score_max is not None:
            preds.append(r.c.score <= float(score_max))
        if search and search.strip():
            # lower(comment) LIKE lower(:param) ESCAPE '/': one bound parameter, wildcards in it escaped
            preds.append(sa.func.lower(r.c.comment).contains(search.strip().lower(), autoescape=True))
        who = sa.func.coalesce(a.c.name, r.c.company, r.c.respondent, r.c.email).label("account")
        base = sa.select(
            r.c.submitted_at, r.c.survey, sa.func.lower(r.c.kind).label("kind"), r.c.score, r.c.scale_min,
            r.c.scale_max, who, r.c.comment,
        ).select_from(r.outerjoin(a, a.c.account_id == r.c.linked_account_id)).where(*preds)  # fmt: skip
        total = conn.execute(sa.select(sa.func.count()).select_from(base.subquery())).scalar() or 0
        rows = conn.execute(base.order_by(r.c.submitted_at.desc(), r.c.response_id).limit(limit)).all()
    cols = ["submitted_at", "survey", "kind", "score", "scale_min", "scale_max", "account", "comment"]
    df = pd.DataFrame([tuple(x) for x in rows], columns=cols)
    for col in ("score", "scale_min", "scale_max"):
        df[col] = df[col].astype("float64")
    df.attrs["total"] = int(total)
    return df


def churn_reasons(
    engine: sa.Engine, period: Period, filters: Filters | None = None, options: Any = None
) -> pd.DataFrame:
    """Why customers left in the period: exit-survey / CRM reasons (accounts.churn_reason of accounts whose
    churned_at falls in the period) and billing cancel reasons (subscriptions.cancel_reason of subscriptions
    that ended in the period with a reason — an upgrade ends a subscription without one).

    Reasons group case- and space-insensitively. Columns: source ("accounts" / "subscriptions"), reason,
    count, share (% within that source); biggest first, NO_REASON (a churned account without a reason) last.
    """
    a, s = accounts, subscriptions
    with engine.connect() as conn:
        ctx = make_context(conn, period, filters, options)
        a_reason = sa.func.coalesce(sa.func.nullif(sa.func.trim(a.c.churn_reason), ""), sa.literal(NO_REASON))
        a_key = sa.func.lower(a_reason)
        acc_q = (
            sa.select(sa.func.min(a_reason).label("reason"), sa.func.count().label("n"))
            .where(in_period(ctx, a.c.churned_at), *[eq_text(a.c[k], v) for k, v in ctx.filters.account_attrs().items()])
            .group_by(a_key)
        )
        s_reason = sa.func.trim(s.c.cancel_reason)
        s_key = sa.func.lower(s_reason)
        sub_q = (
            sa.select(sa.func.min(s_reason).label("reason"), sa.func.count().label("n"))
            .where(in_period(ctx, s.c.ended_at), s_reason.is_not(None), s_reason != "", *linked_filter(ctx, s))
            .group_by(s_key)
        )
        rows = [("accounts", *r) for r in conn.execute(acc_q).all()]
        rows += [("subscriptions", *r) for r in conn.execute(sub_q).all()]
    df = pd.DataFrame(rows, columns=["source", "reason", "count"])
    df["count"] = df["count"].astype("int64")
    df["share"] = (df["count"] / df.groupby("source")["count"].transform("sum") * 100).astype("float64")
    # biggest first, "no reason recorded" after the named reasons of its source
    df["_none"] = df["reason"] == NO_REASON
    df = df.sort_values(["source", "_none", "count", "reason"], ascending=[True, True, False, True], ignore_index=True)
    return df.drop(columns="_none")


# A monthly NPS bar from fewer answers than this is faded and labelled with its n (metrics.md flags n < 30).
SMALL_N = 30


def mixed_scales(dist: pd.DataFrame) -> bool:
    """True when the surveys of a distribution use different scales (a Good/Bad 0–1 rating beside 1–5
    answers): their scores cannot share one axis."""
    if dist.empty:
        return False
    return len(dist[["scale_min", "scale_max"]].drop_duplicates()) > 1


def positive_by_survey(dist: pd.DataFrame) -> pd.DataFrame:
    """Per survey: its scale, responses, positive responses and their share (%), from score_distribution.

    The one reading every scale shares, so surveys on 0–1, 1–5 and 1–7 can stand side by side.
    """
    cols = ["survey", "scale_min", "scale_max", "responses", "positive", "share_positive"]
    if dist.empty:
        return pd.DataFrame(columns=cols)
    g = dist.assign(pos=dist["responses"].where(dist["positive"], 0)).groupby(
        ["survey", "scale_min", "scale_max"], as_index=False, sort=False
    )
    out = g.agg(responses=("responses", "sum"), positive=("pos", "sum"))
    out["share_positive"] = (out["positive"] / out["responses"] * 100).astype("float64")
    return out[cols]
