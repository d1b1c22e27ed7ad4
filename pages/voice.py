"""Voice of customer: NPS composition over time, CSAT and CES score distributions per survey, a searchable
comments table (plain text only) and churn / exit reasons — for the sidebar's period and filters.
Numbers come from cxkpi.metrics and cxkpi.voice; this file only draws."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi import (
    i18n_pages,  # noqa: F401  (registers this page's catalogue entries)
)
from cxkpi.i18n import t, t_reading
from cxkpi.i18n_messages import localize
from cxkpi.method import safe_frame
from cxkpi.palette import BAND_COLORS, metric_color, series_color, with_alpha
from cxkpi.safety import plotly_text, plotly_texts
from cxkpi.voice import mixed_scales
from pages import common

TREND_MONTHS = 12
KPIS = ("csat", "ces", "nps")
NPS_GROUPS = (("detractors", BAND_COLORS["poor"]), ("passives", "#B0B7C0"), ("promoters", BAND_COLORS["excellent"]))
COMMENT_KINDS = ("", "csat", "ces", "nps", "esat")
PLOT = {"displayModeBar": False}



def _trend_start(start: dt.date, end: dt.date) -> dt.date:
    """12 months up to the period's end, or the period itself when it is longer (as on Trends)."""
    first = end.replace(day=1)
    y, m = divmod(first.month - 1 - (TREND_MONTHS - 1), 12)
    return min(dt.date(first.year + y, m + 1, 1), start)


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _nps_trend(url: str, version: str, start: dt.date, end: dt.date, filters, options: dict) -> list:
    from cxkpi.metrics import trend

    return trend(common.engine(), "nps", start, end, "month", filters, options)


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _distribution(url: str, version: str, kind: str, period, filters, options: dict) -> pd.DataFrame:
    from cxkpi import voice

    return voice.score_distribution(common.engine(), kind, period, filters, options)


@st.cache_data(max_entries=32, ttl=600, show_spinner=False)
def _reasons(url: str, version: str, period, filters, options: dict) -> pd.DataFrame:
    from cxkpi import voice

    return voice.churn_reasons(common.engine(), period, filters, options)


def _comments(period, filters, options: dict, **kw) -> pd.DataFrame:
    # Not cached: the search text is the user's own and every keystroke would be a new cache entry.
    from cxkpi import voice

    return voice.comments(common.engine(), period, filters, options=options, **kw)


def _kpi(col, res, previous, compare: str | None) -> None:
    # n and the comparison inside the card: under it they read as belonging to the next section
    card = col.container(border=True)
    if res.value is None:
        card.metric(common.metric_label(res.key, res.label), t("scorecard.not_available"))
        card.caption(localize(res.reason))
        return
    delta = None
    if previous is not None and previous.value is not None:
        delta = common.st_delta(fmt.delta(res.value - previous.value, res.unit))
    card.metric(common.metric_label(res.key, res.label), fmt.value(res.value, res.unit), delta,
                help=t_reading(res.definition or ""),
                delta_arrow=common.delta_arrow(delta), delta_description=compare if delta else None)  # fmt: skip
    card.caption(t("voice.n", n=fmt.count(res.n)))


def _nps_fig(points: list) -> go.Figure:
    from cxkpi.voice import SMALL_N

    months = [fmt.month(p.start) for p in points]
    totals = [p.result.n or 0 if p.result.value is not None else 0 for p in points]
    # a month from a handful of answers is faded: its split can swing 30 points on one answer
    opacity = [0.35 if 0 < n < SMALL_N else 1.0 for n in totals]
    fig = go.Figure()
    for group, color in NPS_GROUPS:
        ys, ns = [], []
        for p in points:
            r = p.result
            ok = r.value is not None and r.n
            ys.append(100.0 * r.extra[group] / r.n if ok else None)
            ns.append(r.extra[group] if ok else 0)
        fig.add_trace(go.Bar(
            name=t(f"voice.{group}"), x=months, y=ys, marker_color=color, marker_opacity=opacity, customdata=ns,
            hovertemplate="%{x}: %{y:.1f} % (%{customdata})<extra>" + t(f"voice.{group}") + "</extra>",
        ))  # fmt: skip
    # each month's n above its bar
    fig.add_trace(go.Scatter(
        x=months, y=[102 if n else None for n in totals], mode="text", showlegend=False, hoverinfo="skip",
        text=[f"n={fmt.count(n)}" if n else "" for n in totals], textfont=dict(size=10, color="#5F6B7A"),
        textposition="top center", cliponaxis=False,
    ))  # fmt: skip
    nps = [p.result.value for p in points]
    fig.add_trace(go.Scatter(
        name=t("voice.nps_line"), x=months, y=nps, yaxis="y2", mode="lines+markers",
        line=dict(color=metric_color("nps"), width=3), connectgaps=True,  # survey waves skip months
        hovertemplate="%{x}: NPS %{y:.0f}<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(
        barmode="stack", height=440,
        yaxis=dict(title=t("voice.axis_share"), range=[0, 112], ticksuffix=" %", tickvals=[0, 25, 50, 75, 100]),
        # the share axis runs to 112 to fit the n labels; the NPS axis stretches alike so 0–100 % meets −100…100
        yaxis2=dict(title=t("voice.axis_nps"), overlaying="y", side="right", range=[-100, 124], showgrid=False,
                    tickvals=[-100, -50, 0, 50, 100]),
    )  # fmt: skip
    return common.titled(fig, t("voice.nps_title"), legend_rows=3)


def _dist_fig(dist: pd.DataFrame, kind: str, title: str) -> go.Figure:
    fig = go.Figure()
    surveys = list(dict.fromkeys(dist["survey"]))
    for i, survey in enumerate(surveys):
        part = dist[dist["survey"] == survey]
        color = metric_color(kind) if len(surveys) == 1 else series_color(i)
        lo, hi = part["scale_min"].iloc[0], part["scale_max"].iloc[0]
        name = f"{plotly_text(survey)} ({fmt.number(lo, 0)}–{fmt.number(hi, 0)})"  # a survey name is user text
        fig.add_trace(go.Bar(
            name=name, x=part["score"], y=part["share"], customdata=part["responses"],
            marker_color=[color if pos else with_alpha(color, 0.35) for pos in part["positive"]],
            hovertemplate="%{x:g}: %{y:.1f} % (%{customdata})<extra>" + plotly_text(survey) + "</extra>",
        ))  # fmt: skip
    fig.update_layout(
        barmode="group", height=360,
        xaxis=dict(title=t("voice.axis_score"), dtick=1), yaxis=dict(title=t("voice.axis_share_responses"),
                                                                    ticksuffix=" %"),
        showlegend=True,
    )  # fmt: skip
    return common.titled(fig, title, legend_rows=1)


def _positive_fig(dist: pd.DataFrame, kind: str, title: str) -> go.Figure:
    """One bar per survey: its share of positive answers, the reading a Good/Bad and a 1–5 survey share."""
    from cxkpi.voice import positive_by_survey

    per = positive_by_survey(dist)
    names = [f"{plotly_text(r.survey)} ({fmt.number(r.scale_min, 0)}–{fmt.number(r.scale_max, 0)})" for r in per.itertuples()]
    fig = go.Figure(go.Bar(
        x=names, y=per["share_positive"].tolist(), marker_color=metric_color(kind), customdata=per["responses"].tolist(),
        text=[f"{fmt.percent(v, 0)} · n={fmt.count(n)}" for v, n in zip(per["share_positive"], per["responses"], strict=True)],
        textposition="auto", hovertemplate="%{x}: %{y:.1f} % (n = %{customdata})<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(height=360, yaxis=dict(title=t("voice.positive_axis"), range=[0, 100], ticksuffix=" %"),
                      xaxis=dict(automargin=True), showlegend=False)  # fmt: skip
    return common.titled(fig, title)


def _reasons_fig(part: pd.DataFrame, title: str, color: str) -> go.Figure:
    part = part.sort_values("count")
    fig = go.Figure(go.Bar(
        x=part["count"], y=plotly_texts(part["reason"]), orientation="h", marker_color=color,
        text=[f"{fmt.count(c)} · {fmt.percent(s, 0)}" for c, s in zip(part["count"], part["share"], strict=True)],
        textposition="auto", hovertemplate="%{y}: %{x}<extra></extra>",
    ))  # fmt: skip
    top = int(part["count"].max())
    # One or two reasons: thin bars and room to the right, so a lone bar does not fill the chart edge to edge
    fig.update_traces(width=0.5 if len(part) <= 2 else None)
    fig.update_layout(height=max(200, 110 + 40 * len(part)),
                      xaxis=dict(title=t("voice.axis_customers"), range=[0, top * 1.4 + 0.5], tickformat="d",
                                 dtick=max(1, -(-top // 5))),
                      yaxis=dict(automargin=True))  # fmt: skip
    return common.titled(fig, title)


def _score_text(row) -> str:
    if pd.isna(row.score):
        return fmt.DASH
    if pd.isna(row.scale_max):
        return fmt.number(row.score, 0)
    return f"{fmt.number(row.score, 0)} / {fmt.number(row.scale_max, 0)}"


with common.page("voice", "page.voice.intro") as v:
    metrics, period, cmp_period, filters, options, url, version = common.metric_scope(v)
    start, end = period.start, period.end
    counts = common.row_counts()
    st.caption(t("voice.scope", period=fmt.period(start, end)))

    if counts.get("responses", 0) == 0:
        st.info(t("voice.empty"), icon=":material/upload_file:")
        common.page_link("pages/data.py", label=t("pages.go_to_data"), icon=":material/database:")  # none for a viewer
    else:
        res = common.cached_scorecard(url, version, period, filters, options, KPIS)
        prev = common.cached_scorecard(url, version, metrics.Period(*cmp_period), filters, options, KPIS) if cmp_period else {}
        compare = t("compare.vs", period=fmt.period(*cmp_period)) if cmp_period else None
        for col, key in zip(st.columns(3), KPIS, strict=True):
            _kpi(col, res[key], prev.get(key), compare)

        # --- NPS composition over time
        st.subheader(t("voice.nps_heading"))
        t_start = _trend_start(start, end)
        points = _nps_trend(url, version, t_start, end, filters, options)
        if all(p.result.value is None for p in points):
            st.info(localize(res["nps"].reason) or t("voice.no_nps"), icon=":material/campaign:")
        else:
            from cxkpi.voice import SMALL_N

            st.plotly_chart(_nps_fig(points), width="stretch", config=PLOT)
            st.caption(t("voice.nps_note", range=fmt.period(t_start, end)) + " " + t("voice.small_n", threshold=SMALL_N))

        # --- CSAT and CES distributions per survey
        st.subheader(t("voice.dist_heading"))
        cols = st.columns(2)
        for col, kind in zip(cols, ("csat", "ces"), strict=True):
            dist = _distribution(url, version, kind, period, filters, options)
            with col:
                if dist.empty:
                    st.info(localize(res[kind].reason) or t("voice.no_responses", kind=kind.upper()), icon=":material/poll:")
                elif mixed_scales(dist):
                    st.plotly_chart(_positive_fig(dist, kind, t("voice.positive_title")), width="stretch", config=PLOT)
                    st.caption(t("voice.positive_note"))
                else:
                    st.plotly_chart(_dist_fig(dist, kind, t(f"voice.dist_title_{kind}")), width="stretch", config=PLOT)
        st.caption(t("voice.dist_note"))

    # --- comments (plain text in a dataframe: never rendered as markdown or HTML)
    st.subheader(t("voice.comments_heading"))
    if counts.get("responses", 0):
        c1, c2, c3 = st.columns([2, 1, 1])
        search = c1.text_input(t("voice.search"), key="voice_search", placeholder=t("voice.search_placeholder"))
        kind = c2.selectbox(t("voice.kind"), COMMENT_KINDS, key="voice_kind",
                            format_func=lambda k: t(f"voice.kind.{k or 'all'}"))  # fmt: skip
        lo, hi = c3.slider(t("voice.score_range"), 0, 10, (0, 10), key="voice_score")
        found = _comments(period, filters, options, search=search or None, kind=kind or None,
                          score_min=lo if lo > 0 else None, score_max=hi if hi < 10 else None)  # fmt: skip
        if found.empty:
            st.info(t("voice.no_comments"), icon=":material/chat_bubble_outline:")
        else:
            table = pd.DataFrame({
                t("voice.col_date"): [fmt.date(x.date()) if pd.notna(x) else fmt.DASH for x in found["submitted_at"]],
                t("voice.col_score"): [_score_text(r) for r in found.itertuples()],
                t("voice.col_comment"): found["comment"],  # third: visible without scrolling on a phone
                t("voice.col_account"): found["account"],
                t("voice.col_survey"): found["survey"],
            })  # fmt: skip
            st.dataframe(  # formula-safe: the table's own download exports these cells
                safe_frame(table), hide_index=True, width="stretch", height=min(420, 38 + 35 * len(table)),
                column_config={t("voice.col_comment"): st.column_config.TextColumn(width="large")},
            )  # fmt: skip
            st.caption(t("voice.comments_count", shown=fmt.count(len(found)), total=fmt.count(found.attrs["total"])))
    else:
        st.info(t("voice.no_comments"), icon=":material/chat_bubble_outline:")

    # --- churn and exit reasons
    st.subheader(t("voice.reasons_heading"))
    reasons = _reasons(url, version, period, filters, options)
    if reasons.empty:
        st.info(t("voice.no_reasons"), icon=":material/logout:")
        if not counts.get("accounts") and not counts.get("subscriptions"):
            common.page_link("pages/data.py", label=t("pages.go_to_data"), icon=":material/database:")  # none for a viewer
    else:
        r1, r2 = st.columns(2)
        for col, source, color in ((r1, "accounts", metric_color("churn_rate")), (r2, "subscriptions", metric_color("mrr"))):
            part = reasons[reasons["source"] == source]
            with col:
                if part.empty:
                    st.info(t(f"voice.no_reasons_{source}"), icon=":material/logout:")
                else:
                    st.plotly_chart(_reasons_fig(part, t(f"voice.reasons_title_{source}"), color), width="stretch",
                                    config=PLOT)  # fmt: skip
        st.caption(t("voice.reasons_note"))
