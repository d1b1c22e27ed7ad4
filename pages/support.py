"""Support page: first response time by channel (distribution and median), handle time, first contact
resolution, reopens over time and the accounts with the most reopened tickets — for the sidebar's period and
filters. Numbers come from cxkpi.metrics (the scorecard's engine) and cxkpi.support; this file only draws."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi import (
    i18n_pages,  # noqa: F401  (registers this page's catalogue entries)
)
from cxkpi.i18n import t, t_reading
from cxkpi.i18n_messages import localize
from cxkpi.palette import metric_color, series_color, with_alpha
from cxkpi.safety import formula_safe, plotly_text
from pages import common

TREND_MONTHS = 12
KPIS = ("frt", "aht", "fcr", "ticket_reopens")



def _trend_start(start: dt.date, end: dt.date) -> dt.date:
    """12 months up to the period's end, or the period itself when it is longer (as on Trends)."""
    first = end.replace(day=1)
    y, m = divmod(first.month - 1 - (TREND_MONTHS - 1), 12)
    back = dt.date(first.year + y, m + 1, 1)
    return min(back, start)


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _frt(url: str, version: str, period, filters, options: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    from cxkpi import support

    eng = common.engine()
    return support.frt_distribution(eng, period, filters, options), support.frt_histogram(eng, period, filters, options)


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _reopen_trend(url: str, version: str, start: dt.date, end: dt.date, filters, options: dict) -> list:
    from cxkpi.metrics import trend

    return trend(common.engine(), "ticket_reopens", start, end, "month", filters, options)


@st.cache_data(max_entries=64, ttl=600, show_spinner=False)
def _top_accounts(url: str, version: str, period, filters, options: dict) -> pd.DataFrame:
    from cxkpi import support

    return support.top_reopened_accounts(common.engine(), period, filters, options, limit=10)


def _import_hint(what: str) -> None:
    st.info(t("support.empty", what=what), icon=":material/upload_file:")
    common.page_link("pages/data.py", label=t("pages.go_to_data"), icon=":material/database:")  # none for a viewer


def _duration(hours: float | None) -> str:
    """Hours below one read better as minutes (chat and phone reply in seconds to minutes)."""
    if hours is None or pd.isna(hours):
        return fmt.DASH
    return fmt.minutes(hours * 60) if hours < 1 else fmt.hours(hours)


def _units(text: str) -> str:
    """'0–15 min', '1 h' with the units in the viewer's words ("15 分钟")."""
    return re.sub(r"(\d[\d.,]*) (min|h)\b", lambda m: t(f"support.unit_{m.group(2)}", n=m.group(1)), text)


def _kpi(col, res, previous, label: str, compare: str | None = None) -> None:
    """One tile: the value in its unit, the change against the comparison period, or why it is missing."""
    col = col.container(border=True)  # captions inside the card, not floating under it
    if res.value is None:
        col.metric(label, t("scorecard.not_available"))
        col.caption(localize(res.reason))
        return
    delta = None
    if previous is not None and previous.value is not None:
        delta = common.st_delta(fmt.delta(res.value - previous.value, res.unit))
    if res.key == "ticket_reopens":
        value = fmt.count(res.value)
        help_ = t("support.reopens_help", events=fmt.count(res.extra.get("events")), n=fmt.count(res.n))
    elif res.key == "frt":
        value = _duration(res.value)
        help_ = f"{label}: {t_reading(res.definition or '')} · n = {fmt.count(res.n)}"
    else:
        value = fmt.value(res.value, res.unit)
        help_ = f"{label}: {t_reading(res.definition or '')} · n = {fmt.count(res.n)}"
    higher_better = res.key == "fcr"
    col.metric(label, value, delta, delta_color="normal" if higher_better else "inverse", help=help_,
               delta_arrow=common.delta_arrow(delta), delta_description=compare if delta else None)  # fmt: skip
    if res.key == "ticket_reopens":
        col.caption(t("support.reopen_rate_caption", rate=fmt.percent(res.extra.get("rate"))))


def _frt_box(dist: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for i, r in enumerate(dist.itertuples()):
        color = series_color(i)
        fig.add_trace(go.Box(
            name=plotly_text(r.channel), x=[plotly_text(r.channel)], q1=[r.p25], median=[r.median], q3=[r.p75], lowerfence=[r.min],
            upperfence=[r.p90], mean=[r.mean], marker_color=color, fillcolor=with_alpha(color, 0.25),
            line_color=color, showlegend=False,
            hovertemplate=f"{plotly_text(r.channel)}<br>n = {fmt.count(r.n)}<br>{t('support.col_median')} {_duration(r.median)}"
                          f"<br>p25–p75 {_duration(r.p25)} – {_duration(r.p75)}<extra></extra>",
        ))  # fmt: skip
    fig.update_layout(
        yaxis_title=t("support.axis_hours"), xaxis_title=t("filter.channel"), height=380,
    )  # fmt: skip
    ticks = [1 / 60, 5 / 60, 0.25, 1, 4, 12, 24, 48, 168]
    labels = [f"{fmt.count(x * 60)} min" if x < 1 else f"{fmt.count(x)} h" for x in ticks]
    fig.update_yaxes(type="log", tickvals=ticks, ticktext=[_units(lb) for lb in labels])
    return common.titled(fig, t("support.frt_box_title"))


def _frt_hist(hist: pd.DataFrame) -> go.Figure:
    from cxkpi.support import FRT_BINS, bin_label

    labels = [bin_label(i) for i in range(len(FRT_BINS))]
    fig = go.Figure()
    for i, (ch, part) in enumerate(hist.groupby("channel", sort=True)):
        share = dict(zip(part["label"], part["share"], strict=True))
        n = dict(zip(part["label"], part["tickets"], strict=True))
        fig.add_trace(go.Bar(
            name=plotly_text(ch), x=[_units(lb) for lb in labels], y=[share.get(lb, 0.0) for lb in labels], marker_color=series_color(i),
            customdata=[n.get(lb, 0) for lb in labels],
            hovertemplate=f"{plotly_text(ch)}<br>%{{x}}: %{{y:.1f}} %% ({t('support.hover_tickets', n='%{customdata}')})<extra></extra>",
        ))  # fmt: skip
    fig.update_layout(
        barmode="group", yaxis_title=t("support.axis_share"), height=400,
    )  # fmt: skip
    return common.titled(fig, t("support.frt_hist_title"), legend_rows=2)


def _reopen_fig(points: list) -> go.Figure:
    months = [fmt.month(p.start) for p in points]
    counts = [p.result.value if p.result.value is not None else None for p in points]
    rates = [p.result.extra.get("rate") if p.result.value is not None else None for p in points]
    color = metric_color("ticket_reopens")
    fig = go.Figure()
    fig.add_trace(go.Bar(name=t("support.reopened_tickets"), x=months, y=counts, marker_color=with_alpha(color, 0.55),
                         hovertemplate="%{x}: %{y} " + t("support.tickets_unit") + "<extra></extra>"))
    fig.add_trace(go.Scatter(name=t("support.reopen_rate"), x=months, y=rates, yaxis="y2", mode="lines+markers",
                             line=dict(color=color, width=2),
                             hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))
    fig.update_layout(
        height=400,
        yaxis=dict(title=t("support.axis_tickets"), rangemode="tozero"),
        yaxis2=dict(title=t("support.axis_rate"), overlaying="y", side="right", rangemode="tozero", showgrid=False,
                    tickformat=".0f", ticksuffix=" %"),
    )  # fmt: skip
    return common.titled(fig, t("support.reopens_title"), legend_rows=1)


with common.page("support", "page.support.intro") as v:
    metrics, period, cmp_period, filters, options, url, version = common.metric_scope(v)
    start, end = period.start, period.end
    st.caption(t("support.scope", period=fmt.period(start, end)))

    if common.row_counts().get("tickets", 0) == 0:
        _import_hint(t("support.what_tickets"))
    else:
        res = common.cached_scorecard(url, version, period, filters, options, KPIS)
        prev = common.cached_scorecard(url, version, metrics.Period(*cmp_period), filters, options, KPIS) if cmp_period else {}
        labels = {
            "frt": t("support.kpi_frt_median") if v.frt_stat == "median" else t("support.kpi_frt_mean"),
            "aht": t("support.kpi_aht"),
            "fcr": t("support.kpi_fcr"),
            "ticket_reopens": t("support.kpi_reopens"),
        }
        cols = st.columns(4)
        compare = t("compare.vs", period=fmt.period(*cmp_period)) if cmp_period else None
        for col, key in zip(cols, KPIS, strict=True):
            _kpi(col, res[key], prev.get(key), labels[key], compare)

        # --- first response time by channel
        st.subheader(t("support.frt_heading"))
        dist, hist = _frt(url, version, period, filters, options)
        if dist.empty:
            st.info(localize(res["frt"].reason) or t("support.no_frt"), icon=":material/schedule:")
        else:
            c1, c2 = st.columns(2)
            c1.plotly_chart(_frt_box(dist), width="stretch", config={"displayModeBar": False})
            c2.plotly_chart(_frt_hist(hist), width="stretch", config={"displayModeBar": False})
            st.caption(t("support.frt_box_note"))
            table = pd.DataFrame({
                t("filter.channel"): [formula_safe(x) for x in dist["channel"]],  # the toolbar exports cells
                t("support.col_tickets"): [fmt.count(x) for x in dist["n"]],
                t("support.col_median"): [_duration(x) for x in dist["median"]],
                t("support.col_mean"): [_duration(x) for x in dist["mean"]],
                t("support.col_p90"): [_duration(x) for x in dist["p90"]],
            })  # fmt: skip
            st.dataframe(table, hide_index=True, width="stretch")

        # --- reopens over time
        st.subheader(t("support.reopens_heading"))
        t_start = _trend_start(start, end)
        points = _reopen_trend(url, version, t_start, end, filters, options)
        if all(p.result.value is None for p in points):
            st.info(localize(res["ticket_reopens"].reason) or t("support.no_reopens"), icon=":material/replay:")
        else:
            st.plotly_chart(_reopen_fig(points), width="stretch", config={"displayModeBar": False})
            st.caption(t("support.reopens_note", range=fmt.period(t_start, end)))

        # --- accounts with the most reopened tickets
        st.subheader(t("support.top_heading"))
        top = _top_accounts(url, version, period, filters, options)
        if top.empty:
            st.info(t("support.top_empty"), icon=":material/task_alt:")
        else:
            st.dataframe(
                pd.DataFrame({
                    t("support.col_account"): [formula_safe(x) for x in top["account"]],
                    t("support.col_reopened"): top["reopened"],
                    t("support.col_events"): top["events"],
                    t("support.col_solved"): top["solved"],
                    t("support.col_rate"): [fmt.percent(x) for x in top["rate"]],
                }),
                hide_index=True, width="stretch",
            )  # fmt: skip
            st.caption(t("support.top_note"))
