"""Scorecard page: the thirteen metrics of the selected period as tiles, in registry order.

Each tile: value with unit, band colour (where a benchmark band exists), change against the comparison
period with its significance, a 12-month sparkline, n and the small-sample flag, goal progress, and the
definition in the help tooltip. A metric without data says which export supplies it.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi.i18n import t
from cxkpi.palette import BAND_BADGES, metric_color
from pages import common

COLUMNS = 3  # four tiles per row cut off seven-digit money values at 1280 px


def sparkline(key: str, points: list) -> go.Figure | None:
    xs = [p.start for p in points if p.result.value is not None]
    ys = [p.result.value for p in points if p.result.value is not None]
    if len(ys) < 2:
        return None
    fig = go.Figure(
        go.Scatter(x=xs, y=ys, mode="lines", line={"color": metric_color(key), "width": 2}, hoverinfo="skip")
    )
    fig.add_trace(go.Scatter(x=[xs[-1]], y=[ys[-1]], mode="markers", marker={"color": metric_color(key), "size": 5},
                             hoverinfo="skip"))  # fmt: skip
    fig.update_layout(
        height=56, margin={"l": 0, "r": 0, "t": 4, "b": 4}, showlegend=False,
        xaxis={"visible": False}, yaxis={"visible": False},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    )  # fmt: skip
    return fig


def change_text(cur, prev, compare_label: str, metrics, higher_is_better: bool):
    """(delta text, arrow, colour, description, significance badge or None) for one tile.

    Colour says good (green) or bad (red) for this metric's direction; a change a test calls not
    significant stays grey, so colour never suggests more than the data supports.
    """
    if cur.value is None or prev is None or prev.value is None:
        return None, "off", "gray", t("scorecard.no_comparison"), None
    ch = metrics.compare(cur, prev)
    delta = fmt.delta(ch.delta, cur.unit)
    arrow = "up" if ch.delta > 0 else "down" if ch.delta < 0 else "off"
    rounded_zero = fmt.delta(ch.delta, cur.unit).startswith("±")
    if rounded_zero or ch.significant is False:
        colour = "gray"
    else:
        colour = "green" if (ch.delta > 0) == higher_is_better else "red"
    badge = None
    p_text = t("scorecard.p_value", p=fmt.number(ch.p_value, 3)) if ch.p_value is not None else ""
    if ch.significant is True:
        badge = ("✓ " + t("scorecard.significant"), "blue", f"{ch.test}, {p_text}")
    elif ch.significant is False:
        badge = (t("scorecard.not_significant"), "gray", f"{ch.test}, {p_text}")
    return delta, arrow, colour, t("compare.vs", period=compare_label), badge


def extra_line(key: str, res) -> str | None:
    """One secondary figure some metrics carry (reopen rate, MRR per customer, pending renewals)."""
    x = res.extra or {}
    if key == "ticket_reopens" and x.get("rate") is not None:
        return t("scorecard.reopen_rate", rate=fmt.percent(x["rate"]))
    if key == "mrr" and x.get("per_customer") is not None:
        return t("scorecard.mrr_per_customer", amount=fmt.money(x["per_customer"], res.unit))
    if key == "renewal_rate" and x.get("pending"):
        return t("scorecard.pending", n=fmt.count(x["pending"]))
    return None


def goal_line(goal, res, metrics) -> None:
    goals = common.optional("cxkpi.goals")
    (start, end), _ = common.period_and_compare()
    gp = goals.goal_progress(
        common.engine(), goal, metrics.Period(start, end),
        lambda e, k, p: common.scorecard(p.start, p.end).get(k),
    )  # fmt: skip
    target = fmt.value(gp.target, res.unit) if gp.target is not None else goal.title
    if gp.progress is None:
        st.caption(t("scorecard.goal_none", target=target, reason=gp.reason or ""))
        return
    st.progress(max(0.0, min(1.0, gp.progress)), text=t("scorecard.goal", target=target, progress=fmt.percent(gp.progress * 100, 0)))


def explain_link(key: str) -> None:
    """The method card and the rows behind this number, for the same view."""
    st.page_link("pages/explain.py", label=t("scorecard.how_computed"), icon=":material/calculate:",
                 query_params={**common.view().to_query(), "metric": key})


def tile(key: str, res, prev, compare_label: str, metrics, benchmarks) -> st.delta_generator.DeltaGenerator:
    """Draw one tile; returns the placeholder its sparkline goes into."""
    m = metrics.REGISTRY[key]
    label = common.metric_label(key, m.label)
    help_text = t("scorecard.definition_help", description=m.description, reading=res.definition or "—")
    with st.container(border=True, key=f"tile_{key}"):
        if res.value is None:
            st.metric(label, t("scorecard.not_available"), help=help_text)
            reason = res.reason or ""
            source = res.source or m.source
            # The engine's reason names the export when data is missing; a reason like "no churn observed"
            # is about the numbers, not a missing export, so it gets no import link.
            if source and source in reason:
                st.caption(reason.replace(source, "").strip(" .") + ".")
                st.caption(t("scorecard.needs_export", source=source))
                st.page_link("pages/data.py", label=t("scorecard.import_link"), icon=":material/upload_file:")
            else:
                st.caption(reason)
            explain_link(key)
            return st.empty()
        delta, arrow, colour, desc, sig = change_text(res, prev, compare_label, metrics, m.higher_is_better)
        st.metric(
            label, fmt.value(res.value, res.unit), delta, help=help_text,
            delta_color=colour, delta_arrow=arrow, delta_description=desc,
        )  # fmt: skip
        badges = [sig] if sig else []
        band = benchmarks.band_for(key, res.value) if benchmarks else None
        if band is not None:
            badges.append((t(f"band.{band.name}"), BAND_BADGES.get(band.name, "gray"), band.benchmark.note))
        if res.small_sample:
            badges.append((t("scorecard.small_sample"), "orange", t("scorecard.small_sample_help")))
        if badges:
            with st.container(horizontal=True, gap="small"):
                for text, colour, tip in badges:
                    st.badge(text, color=colour, help=tip)
        bits = []
        if res.n is not None:
            bits.append(t("scorecard.n", n=fmt.count(res.n)))
        if res.ci_low is not None and res.ci_high is not None:
            bits.append(t("scorecard.interval", low=fmt.value(res.ci_low, res.unit), high=fmt.value(res.ci_high, res.unit)))
        more = extra_line(key, res)
        if more:
            bits.append(more)
        if bits:
            st.caption(" · ".join(bits))
        spark = st.empty()
        for goal in common.goals_for(key):
            goal_line(goal, res, metrics)
        explain_link(key)
        return spark


with common.page("scorecard") as v:
    metrics = common.optional("cxkpi.metrics")
    if metrics is None:
        st.info(t("scorecard.no_metrics"), icon=":material/hourglass_empty:")
        common.counts_section()
    else:
        benchmarks = common.optional("cxkpi.benchmarks")
        (start, end), (cstart, cend) = common.period_and_compare(v)
        compare_label = fmt.period(cstart, cend)
        st.caption(t("scorecard.intro", period=fmt.period(start, end), compare=compare_label))
        current = common.scorecard(start, end, v)
        previous = common.scorecard(cstart, cend, v)
        keys = list(metrics.REGISTRY)
        spark_slots = {}
        sections = [
            (t("scorecard.section_scorecard"), [k for k in keys if k in metrics.SCORECARD_KEYS]),
            (t("scorecard.section_support"), [k for k in keys if k not in metrics.SCORECARD_KEYS]),
        ]
        for title, section in sections:
            st.subheader(title)
            for row in range(0, len(section), COLUMNS):
                cols = st.columns(COLUMNS)
                for col, key in zip(cols, section[row : row + COLUMNS], strict=False):
                    with col:
                        spark_slots[key] = tile(key, current[key], previous.get(key), compare_label, metrics, benchmarks)
        # Sparklines last: the tiles are on screen while the 12-month trends are computed (cached after).
        spark_start = common.months_back(end, common.SPARK_MONTHS)
        for key, slot in spark_slots.items():
            if current[key].value is None:
                continue
            fig = sparkline(key, common.trend(key, spark_start, end, "month", v))
            if fig is not None:
                slot.plotly_chart(fig, config={"displayModeBar": False, "staticPlot": True}, key=f"spark_{key}",
                                  alt=t("scorecard.sparkline"))  # fmt: skip
