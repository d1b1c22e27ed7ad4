"""Revenue & retention: MRR trend and its movements (waterfall), logo and revenue churn over time, cohort
retention, renewals due / renewed / pending, CLV and retention cost — for the sidebar's period and filters.
Numbers come from cxkpi.metrics (compute / scorecard), cxkpi.metrics.revenue and cxkpi.renewals."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi import (
    i18n_pages,  # noqa: F401  (registers this page's catalogue entries)
    report_rows,
)
from cxkpi.i18n import t, t_reading
from cxkpi.i18n_messages import localize
from cxkpi.palette import BAND_COLORS, metric_color, series_color, with_alpha
from cxkpi.safety import formula_safe
from pages import common

TREND_MONTHS = 12
KPIS = ("mrr", "churn_rate", "clv", "crc", "renewal_rate")
MOVES = ("new", "expansion", "reactivation", "contraction", "churned")
PLOT = {"displayModeBar": False}



def _months_back(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 - n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _trend_start(start: dt.date, end: dt.date) -> dt.date:
    """12 months up to the period's end, or the period itself when it is longer (as on Trends)."""
    return min(_months_back(end.replace(day=1), TREND_MONTHS - 1), start.replace(day=1))


@st.cache_data(max_entries=32, ttl=600, show_spinner=False)
def _movements(url: str, version: str, first: dt.date, last: dt.date, filters, currency: str | None) -> pd.DataFrame:
    from cxkpi.metrics.revenue import mrr_movements

    return mrr_movements(common.engine(), first, last, filters, currency=currency)


@st.cache_data(max_entries=32, ttl=600, show_spinner=False)
def _cohorts(url: str, version: str, first: dt.date, last: dt.date, filters, basis: str,
             currency: str | None) -> pd.DataFrame:  # fmt: skip
    from cxkpi.metrics.revenue import cohort_retention

    return cohort_retention(common.engine(), first, last, filters, basis, currency=currency)


@st.cache_data(max_entries=32, ttl=600, show_spinner=False)
def _renewals(url: str, version: str, period, filters, options: dict) -> pd.DataFrame:
    from cxkpi.renewals import renewals_due

    return renewals_due(common.engine(), period, filters, options)


def _kpi(col, res, previous, currency: str) -> None:
    col = col.container(border=True)  # captions inside the card, not floating under it
    if res.value is None:
        col.metric(common.metric_label(res.key, res.label), t("scorecard.not_available"))
        col.caption(localize(res.reason))
        return
    delta = None
    if previous is not None and previous.value is not None:
        delta = common.st_delta(fmt.delta(res.value - previous.value, res.unit, currency))
    lower_better = res.key in ("churn_rate", "crc")
    col.metric(common.metric_label(res.key, res.label), fmt.value(res.value, res.unit, currency), delta,
               delta_arrow=common.delta_arrow(delta), delta_color="inverse" if lower_better else "normal",
               help=t_reading(res.definition or ""))  # fmt: skip
    extra = res.extra
    if res.key == "mrr" and res.n:
        col.caption(t("revenue.per_customer", arpa=fmt.money(res.value / res.n, currency), n=fmt.count(res.n)))
    elif res.key == "clv" and extra.get("lifespan_months") is not None:
        col.caption(t("revenue.clv_caption", arpa=fmt.money(extra.get("arpa"), currency),
                      months=fmt.number(extra["lifespan_months"], 1)))  # fmt: skip
    if res.key == "clv" and report_rows.margin_assumed(res):
        col.caption(t("tile.margin_assumed"))
        common.page_link("pages/settings.py", col, label=t("tile.set_margin"), icon=":material/tune:")
    elif res.key == "churn_rate":
        col.caption(t("revenue.churn_caption", lost=fmt.count(extra.get("churned")), n=fmt.count(res.n)))
    elif res.key == "crc":
        col.caption(t("revenue.crc_caption", n=fmt.count(res.n)))
    elif res.key == "renewal_rate":
        col.caption(t("revenue.renewal_caption", renewed=fmt.count(extra.get("renewed")),
                      decided=fmt.count(res.n)))  # fmt: skip


def _mrr_fig(mov: pd.DataFrame, currency: str) -> go.Figure:
    color = metric_color("mrr")
    months = [fmt.month(m) for m in mov["month"]]
    fig = go.Figure(go.Scatter(
        x=months, y=mov["mrr_end"], mode="lines+markers", line=dict(color=color, width=3), fill="tozeroy",
        fillcolor=with_alpha(color, 0.12), name="MRR",
        text=[fmt.money(x, currency) for x in mov["mrr_end"]], hovertemplate="%{x}: %{text}<extra>MRR</extra>",
    ))  # fmt: skip
    fig.update_layout(height=360, yaxis=dict(title=fmt.axis_title("currency", currency), rangemode="tozero"))
    return common.titled(fig, t("revenue.mrr_title", currency=currency))


def _waterfall(start_mrr: float, moves: dict[str, float], end_mrr: float, currency: str, title: str) -> go.Figure:
    # horizontal: the step names stay readable on a phone
    labels = [t("revenue.wf_start"), *[t(f"revenue.move.{m}") for m in MOVES], t("revenue.wf_end")]
    values = [start_mrr, *[moves[m] for m in MOVES], end_mrr]
    fig = go.Figure(go.Waterfall(
        orientation="h", y=labels, x=values, measure=["absolute", *["relative"] * len(MOVES), "total"],
        text=[fmt.money(start_mrr, currency), *[fmt.signed_money(moves[m], currency) for m in MOVES],
              fmt.money(end_mrr, currency)],
        textposition="auto", cliponaxis=False,
        increasing=dict(marker=dict(color=BAND_COLORS["excellent"])),
        decreasing=dict(marker=dict(color=BAND_COLORS["poor"])),
        totals=dict(marker=dict(color=metric_color("mrr"))),
        connector=dict(line=dict(color="#8C959F", width=1)), hovertemplate="%{y}: %{text}<extra></extra>",
    ))  # fmt: skip
    lo, hi = min(start_mrr, end_mrr), max(start_mrr, end_mrr)
    fig.update_layout(
        height=400, showlegend=False,
        xaxis=dict(title=fmt.axis_title("currency", currency), range=[lo * 0.9, hi * 1.05]),
        yaxis=dict(autorange="reversed", automargin=True),
    )  # fmt: skip
    return common.titled(fig, title)


def _churn_fig(mov: pd.DataFrame) -> go.Figure:
    months = [fmt.month(m) for m in mov["month"]]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=months, y=mov["logo_churn"], name=t("revenue.logo_churn"), mode="lines+markers",
                             line=dict(color=metric_color("churn_rate"), width=3),
                             hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=mov["revenue_churn"], name=t("revenue.revenue_churn"), mode="lines+markers",
                             line=dict(color=series_color(5), width=3, dash="dot"),
                             hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))
    fig.update_layout(
        height=380,
        yaxis=dict(title=t("revenue.axis_churn"), rangemode="tozero", ticksuffix=" %"),
    )  # fmt: skip
    return common.titled(fig, t("revenue.churn_title"), legend_rows=1)


def _cohort_fig(coh: pd.DataFrame, basis: str) -> go.Figure:
    cols = [c for c in coh.columns if isinstance(c, int)]
    z = coh[cols].to_numpy(dtype=float)
    ylabels = [f"{fmt.month(m)} (n={c})" for m, c in zip(coh["cohort"], coh["customers"], strict=True)]
    text = [["" if pd.isna(v) else fmt.number(v, 0) for v in row] for row in z]
    fig = go.Figure(go.Heatmap(
        z=z, x=[str(c) for c in cols], y=ylabels, text=text, texttemplate="%{text}", colorscale="Blues",
        zmin=0, zmax=100 if basis == "logo" else max(100.0, float(pd.DataFrame(z).max().max() or 100)),
        colorbar=dict(title="%", thickness=10), hovertemplate=t("revenue.cohort_hover", cohort="%{y}", month="%{x}") + ": %{z:.1f} %<extra></extra>",
    ))  # fmt: skip
    fig.update_layout(
        height=150 + 28 * len(coh),
        xaxis=dict(title=t("revenue.axis_months_since"), side="bottom"), yaxis=dict(autorange="reversed"),
    )  # fmt: skip
    return common.titled(fig, t(f"revenue.cohort_title_{basis}"))


with common.page("revenue", "page.revenue.intro") as v:
    metrics, period, cmp_period, filters, options, url, version = common.metric_scope(v)
    start, end = period.start, period.end
    counts = common.row_counts()
    st.caption(t("revenue.scope", period=fmt.period(start, end)))
    if v.channel:
        st.caption(t("pages.not_applied", filters=t("filter.channel")))

    res = common.cached_scorecard(url, version, period, filters, options, KPIS)
    prev = common.cached_scorecard(url, version, metrics.Period(*cmp_period), filters, options, KPIS) if cmp_period else {}
    currency = res["mrr"].unit if res["mrr"].unit not in ("currency", "") else "USD"
    row1 = st.columns(3)
    row2 = st.columns(3)
    for col, key in zip([*row1, *row2[:2]], KPIS, strict=True):
        _kpi(col, res[key], prev.get(key), currency)

    # --- MRR trend and movements
    st.subheader(t("revenue.mrr_heading"))
    if counts.get("subscriptions", 0) == 0:
        st.info(t("revenue.empty_subscriptions"), icon=":material/upload_file:")
        common.page_link("pages/data.py", label=t("pages.go_to_data"), icon=":material/database:")  # none for a viewer
    else:
        first, last = _trend_start(start, end), end.replace(day=1)
        try:
            mov = _movements(url, version, first, last, filters, currency)
        except ValueError as e:  # e.g. subscriptions in several currencies and none chosen
            st.warning(str(e), icon=":material/currency_exchange:")
            mov = None
        if mov is not None and mov["mrr_end"].abs().sum() > 0:
            st.plotly_chart(_mrr_fig(mov, currency), width="stretch", config=PLOT)
            # the waterfall covers the calendar months the selected period touches
            inside = mov[(mov["month"] >= start.replace(day=1)) & (mov["month"] <= last)]
            moves = {m: float(inside[m].sum()) for m in MOVES}
            title = t("revenue.wf_title", period=fmt.period(inside["month"].iloc[0], end), currency=currency)
            st.plotly_chart(_waterfall(float(inside["mrr_start"].iloc[0]), moves, float(inside["mrr_end"].iloc[-1]),
                                       currency, title), width="stretch", config=PLOT)  # fmt: skip
            st.caption(t("revenue.wf_note"))

            st.subheader(t("revenue.churn_heading"))
            st.plotly_chart(_churn_fig(mov), width="stretch", config=PLOT)
            st.caption(t("revenue.churn_note", range=fmt.period(first, end)))
        elif mov is not None:
            st.info(t("revenue.no_mrr"), icon=":material/payments:")

        # --- cohorts
        st.subheader(t("revenue.cohort_heading"))
        basis = st.radio(t("revenue.cohort_basis"), ("logo", "revenue"), horizontal=True, key="revenue_cohort_basis",
                         format_func=lambda b: t(f"revenue.basis.{b}"))  # fmt: skip
        try:
            coh = _cohorts(url, version, first, last, filters, basis, currency)
        except ValueError as e:
            st.warning(str(e), icon=":material/currency_exchange:")
            coh = None
        if coh is not None:
            coh = coh[coh["customers"] > 0]
            if coh.empty:
                st.info(t("revenue.no_cohorts"), icon=":material/grid_on:")
            else:
                st.plotly_chart(_cohort_fig(coh, basis), width="stretch", config=PLOT)
                st.caption(t("revenue.cohort_note"))

    # --- renewals
    st.subheader(t("revenue.renewals_heading"))
    if counts.get("renewals", 0) == 0:
        st.info(t("revenue.empty_renewals"), icon=":material/upload_file:")
        common.page_link("pages/data.py", label=t("pages.go_to_data"), icon=":material/database:")  # none for a viewer
    else:
        from cxkpi.renewals import outcome_counts

        ren = _renewals(url, version, period, filters, options)
        oc = outcome_counts(ren)
        with st.container(horizontal=True, gap="small"):  # wraps to two rows on a phone, not four
            for label, n in ((t("revenue.due"), len(ren)), (t("revenue.renewed"), oc["renewed"]),
                             (t("revenue.churned"), oc["churned"]), (t("revenue.pending"), oc["open"])):  # fmt: skip
                st.metric(label, fmt.count(n), border=True, width=150)
        if ren.empty:
            st.info(t("revenue.no_renewals_due"), icon=":material/event_available:")
        else:
            st.dataframe(pd.DataFrame({
                t("revenue.col_due"): [fmt.date(d) for d in ren["due_date"]],
                t("revenue.col_account"): [formula_safe(x) for x in ren["account"]],  # the toolbar exports cells
                t("revenue.col_outcome"): [t(f"revenue.outcome.{o}") for o in ren["outcome"]],
                t("revenue.col_amount"): [fmt.money(a, cur or currency) for a, cur in zip(ren["amount"], ren["currency"],
                                                                                     strict=True)],
            }), hide_index=True, width="stretch", height=min(400, 38 + 35 * len(ren)))  # fmt: skip
