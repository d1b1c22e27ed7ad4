"""Trends page: one metric over time by week, month or quarter, optionally one line per segment.

CSAT gets its bands (≥ 80 excellent, 60–80 good, < 60 poor) shaded and the ACSI US average (74.4, an index,
not a top-2-box share) as a labelled reference line; goals are drawn as target lines; survey metrics carry
their 95 % interval as a ribbon.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi.i18n import font_family, get_locale, t
from cxkpi.i18n_messages import localize
from cxkpi.palette import (
    BAND_FILLS,
    GOAL_LINE,
    REFERENCE_LINE,
    metric_color,
    series_color,
    with_alpha,
)
from cxkpi.safety import clamp_buckets, plotly_text
from cxkpi.view import GRAINS, SPLITS
from pages import common

MAX_SERIES = 6


def shown_benchmarks(key: str) -> list:
    benchmarks = common.optional("cxkpi.benchmarks")
    if benchmarks is None:
        return []
    settings = common.optional("cxkpi.settings")
    shown = None
    if settings is not None:
        try:
            shown = settings.get_settings(common.engine()).benchmarks
        except ValueError:  # invalid saved settings: show every benchmark rather than none
            shown = None
    return benchmarks.benchmarks_for(key, shown)


def goal_targets(key: str, start, end, metrics) -> list[tuple[str, float]]:
    goals = common.optional("cxkpi.goals")
    if goals is None:
        return []
    out = []
    for g in common.goals_for(key):
        gp = goals.goal_progress(
            common.engine(), g, metrics.Period(start, end), lambda e, k, p: common.scorecard(p.start, p.end).get(k)
        )
        if gp.target is not None:
            out.append((g.title, gp.target))
    return out


def series_for(v, key: str, start, end, by: str) -> list[tuple[str, list]]:
    """[(name, points)]: one series, or one per value of the split dimension (the largest few)."""
    if not v.split:
        return [(t("trends.all"), common.trend(key, start, end, by, v))]
    values = common.filter_choices_cached().get(v.split, [])
    current = getattr(v, v.split)
    if current:  # the sidebar already filters this dimension: that one value only
        values = [current]
    out = []
    for value in values:
        filters = {**v.filters(), v.split: value}
        out.append((value, common.trend(key, start, end, by, v, filters=filters)))
    # keep the series with the most data, so a long tail of tiny segments does not swamp the chart
    out.sort(key=lambda s: -sum((p.result.n or 0) for p in s[1]))
    return out[:MAX_SERIES]


def figure(key: str, label: str, unit: str, series, by: str, title: str, subtitle: str, bench, goals) -> go.Figure:
    fig = go.Figure()
    single = len(series) == 1
    # CSAT bands first so lines draw over them
    for b in bench:
        if b.kind == "band":
            lo = b.low if b.low is not None else 0
            hi = b.high if b.high is not None else 100
            fig.add_hrect(y0=lo, y1=hi, fillcolor=BAND_FILLS.get(b.label, "rgba(0,0,0,0.04)"), line_width=0, layer="below",
                          annotation_text=t(f"band.{b.label}"), annotation_position="top left",
                          annotation_font={"size": 11, "color": "#57606A"})  # fmt: skip
    for i, (name, points) in enumerate(series):
        colour = metric_color(key) if single else series_color(i)
        xs = [p.start for p in points]
        ys = [p.result.value for p in points]
        lows = [p.result.ci_low for p in points]
        highs = [p.result.ci_high for p in points]
        if single and any(x is not None for x in lows):
            fig.add_trace(go.Scatter(x=xs, y=highs, mode="lines", line={"width": 0}, hoverinfo="skip", showlegend=False,
                                     connectgaps=False))  # fmt: skip
            fig.add_trace(go.Scatter(x=xs, y=lows, mode="lines", line={"width": 0}, fill="tonexty",
                                     fillcolor=with_alpha(colour, 0.15), name=t("trends.interval"), hoverinfo="skip"))  # fmt: skip
        text = [fmt.value(y, unit) if y is not None else t("scorecard.not_available") for y in ys]
        ns = [fmt.count(p.result.n) if p.result.n is not None else "—" for p in points]
        labels = [fmt.bucket_label(x, by) for x in xs]
        fig.add_trace(
            go.Scatter(
                x=xs, y=ys, mode="lines+markers", name=plotly_text(name) if not single else label,
                line={"color": colour, "width": 2.5}, marker={"size": 6},
                customdata=list(zip(labels, text, ns, strict=True)),
                hovertemplate="%{customdata[0]}<br><b>%{customdata[1]}</b><br>n = %{customdata[2]}<extra>" + plotly_text(name) + "</extra>",
            )
        )  # fmt: skip
    for b in bench:
        if b.kind == "line" and b.value is not None:
            fig.add_hline(y=b.value, line={"color": REFERENCE_LINE, "dash": "dot", "width": 1.5},
                          # short on the chart (phones), the full caveat in the caption under it
                          annotation_text=t("trends.acsi_short") if b.id == "csat.acsi_us" else b.label,
                          annotation_position="bottom right", annotation_font={"size": 11, "color": REFERENCE_LINE})  # fmt: skip
    for goal_label, target in goals:
        fig.add_hline(y=target, line={"color": GOAL_LINE, "dash": "dash", "width": 1.5},
                      annotation_text=t("trends.goal_target", label=plotly_text(goal_label), target=fmt.value(target, unit)),
                      annotation_position="top right", annotation_font={"size": 11, "color": GOAL_LINE})  # fmt: skip
    fig.update_layout(
        # the period as a subtitle: one long title line is cut off on a phone
        title={"text": title, "font": {"size": 16}, "subtitle": {"text": subtitle, "font": {"size": 12}}},
        height=440, margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": -0.3, "x": 0},
        hovermode="x unified" if not single else "closest",
        xaxis={"title": t("trends.axis_time"), "tickformat": "%b %Y" if by != "week" else "%b %d"},
        yaxis={"title": fmt.axis_title(unit), "rangemode": "tozero" if unit not in ("points",) else "normal"},
    )  # fmt: skip
    if any(b.kind == "band" for b in bench):
        fig.update_yaxes(range=[0, 100])
    if get_locale() != "en":  # Plotly's own month names are English: label the ticks through Babel instead
        ticks = sorted({p.start for _, points in series for p in points})
        ticks = ticks[:: max(1, -(-len(ticks) // 6))]  # at most six labels, so they fit a phone
        fig.update_xaxes(tickvals=ticks, ticktext=[fmt.bucket_label(x, by) for x in ticks])
    if font_family():  # Chinese: name the Chinese Noto face (Noto CJK otherwise draws the Japanese one)
        fig.update_layout(font={"family": font_family()})
    return fig


def values_table(series, unit: str, by: str) -> pd.DataFrame:
    rows = []
    for name, points in series:
        for p in points:
            r = p.result
            rows.append({
                t("trends.col_period"): fmt.bucket_label(p.start, by),
                t("trends.col_series"): name,
                t("trends.col_value"): fmt.value(r.value, unit),
                t("trends.col_n"): fmt.count(r.n) if r.n is not None else "—",
                t("trends.col_low"): fmt.value(r.ci_low, unit) if r.ci_low is not None else "—",
                t("trends.col_high"): fmt.value(r.ci_high, unit) if r.ci_high is not None else "—",
            })  # fmt: skip
    return pd.DataFrame(rows)


with common.page("trends") as v:
    metrics = common.optional("cxkpi.metrics")
    if metrics is None:
        st.info(t("trends.no_engine"), icon=":material/hourglass_empty:")
    else:
        keys = list(metrics.REGISTRY)
        c1, c2, c3 = st.columns([2, 2, 2])
        c1.selectbox(t("trends.metric"), keys, format_func=lambda k: common.metric_label(k, metrics.REGISTRY[k].label),
                     **common.bind("w_metric", "metric"))  # fmt: skip
        c2.segmented_control(t("trends.by"), GRAINS, format_func=lambda g: t(f"trends.by.{g}"),
                             **common.bind("w_by", "by"))  # fmt: skip
        c3.selectbox(t("trends.split"), SPLITS, format_func=lambda s: t(f"filter.{s}") if s else t("trends.split.none"),
                     **common.bind("w_split", "split"))  # fmt: skip
        v = common.view()
        key, by = v.metric, v.by or "month"
        m = metrics.REGISTRY[key]
        label = common.metric_label(key, m.label)
        (pstart, pend), _ = common.period_and_compare(v)
        start = min(pstart, common.months_back(pend, 12))
        start, too_many = clamp_buckets(start, pend, by)
        if too_many:
            st.info(too_many, icon=":material/date_range:")
        st.caption(t("trends.range_help"))
        series = series_for(v, key, start, pend, by)
        unit = next((p.result.unit for _, pts in series for p in pts), m.unit)
        title = t("trends.chart_title", metric=label, by=t(f"trends.by.{by}").lower())
        subtitle = fmt.period(start, pend)
        if not any(p.result.value is not None for _, pts in series for p in pts):
            reasons = {p.result.reason for _, pts in series for p in pts if p.result.reason}
            st.warning(t("trends.no_data", metric=label), icon=":material/info:")
            if reasons:
                reason = localize(sorted(reasons)[0])
                st.caption(reason[:1].upper() + reason[1:])
            # the import link only when the workspace has no such data (not under a filter that cannot apply)
            if key not in common.metrics_with_data():
                common.page_link("pages/data.py", label=t("scorecard.import_link"), icon=":material/upload_file:")
        else:
            bench = shown_benchmarks(key)
            goals = goal_targets(key, pstart, pend, metrics)
            fig = figure(key, label, unit, series, by, title, subtitle, bench, goals)
            st.plotly_chart(fig, key="trend_chart", config={"displaylogo": False})
            if any(b.id == "csat.acsi_us" for b in bench):
                st.caption(t("trends.acsi_note"))
            if bench:
                st.caption(t("trends.benchmarks_from_settings"))
            with st.expander(t("trends.table")):
                st.dataframe(values_table(series, unit, by), hide_index=True)
