"""Scorecard page: the thirteen metrics of the selected period as tiles, in registry order.

Each tile: value with unit, band colour (where a benchmark band exists), change against the comparison
period with its significance, a 12-month sparkline, n and the small-sample flag, goal progress, and the
definition in the help tooltip. A metric without data says which export supplies it.
"""

from __future__ import annotations

import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi import report_rows
from cxkpi.i18n import EN, get_locale, t, t_reading
from cxkpi.i18n_messages import full_stop, localize
from cxkpi.palette import BAND_BADGES, metric_color
from cxkpi.safety import markdown_text
from cxkpi.view import tile_rows
from pages import common

COLUMNS = 3  # four tiles per row cut off seven-digit money values at 1280 px
SPARK_HEIGHT = 56
EN.setdefault("scorecard.computing", "Computing…")  # until the catalogs carry it


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
        height=SPARK_HEIGHT, margin={"l": 0, "r": 0, "t": 4, "b": 4}, showlegend=False,
        xaxis={"visible": False}, yaxis={"visible": False},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        template="none",  # Plotly's default template is 90 % of the figure's JSON, and the app's theme replaces it
    )  # fmt: skip
    # st.plotly_chart calls to_dict() on every run, a deep copy of the whole figure (~1 ms a chart); a kept
    # figure never changes after this point, so its dict is taken once and handed out again.
    spec = fig.to_dict()
    fig.to_dict = lambda: spec  # type: ignore[method-assign]
    return fig


def change_text(cur, prev, compare_label: str, metrics, higher_is_better: bool):
    """(delta text, arrow, colour, description, significance badge or None) for one tile.

    Colour says good (green) or bad (red) for this metric's direction; a change a test calls not
    significant stays grey, so colour never suggests more than the data supports.
    """
    if cur.value is None or prev is None or prev.value is None:
        return None, "off", "gray", t("scorecard.no_comparison"), None
    ch = metrics.compare(cur, prev)
    # a value under an hour reads in minutes (fmt.value), and so does its change
    in_minutes = cur.unit == "hours" and abs(cur.value) < 1
    delta = fmt.delta(ch.delta * 60, "minutes") if in_minutes else fmt.delta(ch.delta, cur.unit)
    rounded_zero = delta.startswith("±")
    # a change that rounds to ±0.0 gets no arrow: an up arrow beside "±0.0 pts" reads as a rise
    arrow = "off" if rounded_zero else "up" if ch.delta > 0 else "down"
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
    # a goal title is user text: caption and progress text render markdown
    target = fmt.value(gp.target, res.unit) if gp.target is not None else markdown_text(goal.title)
    if gp.progress is None:
        st.caption(t("scorecard.goal_none", target=target, reason=localize(gp.reason or "")))
        return
    st.progress(
        max(0.0, min(1.0, gp.progress)),
        text=t("scorecard.goal", target=target, progress=fmt.percent(gp.progress * 100, 0)),
    )


def explain_link(key: str) -> None:
    """The method card and the rows behind this number, for the same view."""
    st.page_link(
        "pages/explain.py",
        label=t("scorecard.how_computed"),
        icon=":material/calculate:",
        query_params={**common.view().to_query(), "metric": key},
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _split_advice(reason: str) -> tuple[str, str]:
    """("No CES responses in the period", "Load a survey export with …") from the engine's reason."""
    at = reason.find("Load ")
    if at <= 0:
        return reason.strip().rstrip("."), ""
    return reason[:at].strip().rstrip("."), reason[at:].strip()


def unavailable(key: str, res, m, label: str, help_text: str) -> None:
    """A tile without a figure for this period, saying which of three cases it is.

    A filter the metric cannot apply: not available, with the reason (never the company-wide figure).
    Data in another period: that latest value, marked with its own period and n, without change or goal.
    No such data in the workspace at all: which export supplies it, with the import link.
    """
    (start, end), _ = common.period_and_compare()
    if report_rows.blocked_filters(res):
        st.metric(label, t("scorecard.not_available"), help=help_text)
        st.caption(_sentence(localize(res.reason) or t("tile.filter_blocked")) + full_stop())
        explain_link(key)
        return
    latest = report_rows.latest_of(res)
    if latest is not None:
        st.metric(
            label, report_rows.latest_value_text(res), fmt.period(latest.start, latest.end),
            help=help_text + "\n\n" + t("tile.other_period_help"), delta_color="off", delta_arrow="off",
            delta_description=t("tile.not_this_period", current=fmt.period(start, end)),
        )  # fmt: skip
        st.caption(report_rows.latest_line(res, start, end))
        explain_link(key)
        return
    st.metric(label, t("scorecard.not_available"), help=help_text)
    # The engine's reason ends with the export to load ("… in the period. Load a survey export …") when data
    # is missing; a reason like "no churn observed" is about the numbers and gets no import link; nor does
    # data the workspace holds in other periods (or outside the filters).
    reason, advice = _split_advice(res.reason or "")
    if advice:
        st.caption(_sentence(localize(reason)) + full_stop())
        if key in common.metrics_with_data():
            where = "tile.has_data_filtered" if common.view().filters() else "tile.has_data_elsewhere"
            st.caption(t(where, period=fmt.period(start, end)))
        else:
            st.caption(t("scorecard.needs_export", source=localize(advice)))
            common.page_link("pages/data.py", label=t("scorecard.import_link"), icon=":material/upload_file:")
    elif reason:
        said = localize(reason)
        st.caption(_sentence(said) + ("" if said.rstrip().endswith((".", ")", "。", "）")) else full_stop()))
    if key == "clv":
        clv_notes(res)
    explain_link(key)


def clv_notes(res) -> None:
    """CLV's basis: the churn window and count, the cap when it applied, and an assumed margin."""
    basis = report_rows.clv_basis(res)
    x = res.extra or {}
    if basis and res.value is not None:
        text = basis
        if x.get("cap_applied") and x.get("lifespan_cap"):
            text += " · " + t("tile.clv_cap_applied", cap=fmt.number(x["lifespan_cap"], 0))
        st.caption(text)
    if report_rows.margin_assumed(res):
        st.caption(t("tile.margin_assumed"))
        common.page_link("pages/settings.py", label=t("tile.set_margin"), icon=":material/tune:")


def scorecard_table(current: dict, start, end, v, metrics) -> None:
    """The scorecard as a table, and its CSV: the same readings as the tiles (not available stays so).
    Built once per view and language (an Arrow table and the CSV bytes): a rerun converts nothing again."""

    def build() -> tuple[pa.Table, bytes]:
        labels = {k: common.metric_label(k, metrics.REGISTRY[k].label) for k in current}
        df = report_rows.scorecard_table(current, start, end, v.filters(), labels)
        shown = df.copy()
        shown[t("scorecard_table.col_value")] = [
            fmt.value(r.value, r.unit) if r.value is not None else fmt.DASH for r in current.values()
        ]
        return pa.Table.from_pandas(shown, preserve_index=False), report_rows.to_csv(df)

    table, csv_bytes = common.reuse((*common.view_key("scorecard table", start, end, v), get_locale()), build)
    with st.expander(t("scorecard_table.heading")):
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(
            t("scorecard_table.download"), data=csv_bytes, mime="text/csv", icon=":material/download:",
            file_name=f"scorecard-{start.isoformat()}-{end.isoformat()}.csv", key="scorecard_csv",
        )  # fmt: skip


def draw_sparkline(slot, key: str, fig: go.Figure | None) -> None:
    if fig is None:
        slot.empty()
        return
    slot.plotly_chart(fig, config={"displayModeBar": False, "staticPlot": True}, key=f"spark_{key}",
                      alt=t("scorecard.sparkline"))  # fmt: skip


def sparkline_pending(slot) -> None:
    """A faint band where the sparkline will be, so the tile keeps its height while the trends compute."""
    slot.html(
        f'<div style="height:{SPARK_HEIGHT}px;border-radius:6px;background:rgba(128,128,128,0.08)"></div>'
    )


def placeholder_tiles(sections: list[tuple[str, list[str]]], metrics) -> None:
    """Light tiles (name only) while a new view's numbers are computed: the previous view's numbers never
    stay on screen beside the new period and filters."""
    for title, section in sections:
        st.subheader(title)
        first = 0
        for size in tile_rows(len(section), COLUMNS):
            for col, key in zip(st.columns(size), section[first : first + size], strict=True):
                with col, st.container(border=True, height="stretch"):
                    st.caption(common.metric_label(key, metrics.REGISTRY[key].label))
                    st.caption(t("scorecard.computing"))
            first += size


def tile(key: str, res, prev, compare_label: str, metrics, benchmarks,
         spark: go.Figure | None = None, spark_ready: bool = True) -> st.delta_generator.DeltaGenerator | None:  # fmt: skip
    """Draw one tile with its sparkline when ready, else a faint band in a slot it returns (None when drawn:
    a slot filled at once is two deltas enqueued, an empty element and its replacement)."""
    m = metrics.REGISTRY[key]
    label = common.metric_label(key, m.label)
    help_text = t(
        "scorecard.definition_help", description=t(m.description), reading=t_reading(res.definition or "—")
    )
    with st.container(border=True, key=f"tile_{key}", height="stretch"):  # a row of tiles ends level
        if res.value is None:
            unavailable(key, res, m, label, help_text)
            return None
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
            bits.append(
                t(
                    "scorecard.interval",
                    low=fmt.value(res.ci_low, res.unit),
                    high=fmt.value(res.ci_high, res.unit),
                )
            )
        more = extra_line(key, res)
        if more:
            bits.append(more)
        if bits:
            st.caption(" · ".join(bits))
        if key == "clv":
            clv_notes(res)
        slot = None
        if spark_ready:
            if spark is not None:
                draw_sparkline(st, key, spark)
        else:
            slot = st.empty()
            sparkline_pending(slot)
        for goal in common.goals_for(key):
            goal_line(goal, res, metrics)
        explain_link(key)
        return slot


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
        keys = list(metrics.REGISTRY)
        sections = [
            (t("scorecard.section_scorecard"), [k for k in keys if k in metrics.SCORECARD_KEYS]),
            (t("scorecard.section_support"), [k for k in keys if k not in metrics.SCORECARD_KEYS]),
        ]
        # A view not computed yet shows light tiles first, replaced as a whole when both periods are in:
        # never the new period's heading over the old view's numbers, nor a mix of old and new tiles.
        computed = common.scorecard_ready(start, end, v) and common.scorecard_ready(cstart, cend, v)
        body = st if computed else st.empty()  # a slot only when light tiles go first (one delta less)
        if not computed:
            with body.container():
                placeholder_tiles(sections, metrics)
        current, previous = common.scorecard_pair(start, end, cstart, cend, v)
        with_data = [k for k in keys if current[k].value is not None]
        spark_key = (*common.view_key("sparkline figures", *common.spark_window(end), v), tuple(with_data))

        def build_sparklines() -> dict[str, go.Figure | None]:
            points = common.sparklines(with_data, end, v)
            return {k: sparkline(k, points[k]) for k in with_data}

        # figures of a view seen before are drawn with their tiles (the same objects, not rebuilt)
        figs = common.reuse(spark_key, build_sparklines) if common.is_kept(spark_key) else None
        spark_slots = {}
        with body.container():
            for title, section in sections:
                st.subheader(title)
                first = 0
                for size in tile_rows(len(section), COLUMNS):
                    cols = st.columns(size)
                    for col, key in zip(cols, section[first : first + size], strict=True):
                        with col:
                            spark_slots[key] = tile(
                                key, current[key], previous.get(key), compare_label, metrics, benchmarks,
                                spark=(figs or {}).get(key), spark_ready=figs is not None or key not in with_data,
                            )  # fmt: skip
                    first += size
            scorecard_table(current, start, end, v, metrics)
        if figs is None:
            # Sparklines last: the tiles are on screen while the 12-month trends are computed (kept after).
            figs = common.reuse(spark_key, build_sparklines)
            for key in with_data:
                draw_sparkline(spark_slots[key], key, figs[key])
