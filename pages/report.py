"""Report page: the figures for management, read-only and made for printing.

Scorecard tiles, the key trends with their 95 % intervals and benchmark bands, the period, filters and data
version, and the definitions in a footer. Downloads: the scorecard as CSV / XLSX (formula-safe), each chart as
PNG (the chart's camera button), the whole report as a PDF (A4 or Letter) printed by Debian's chromium.

Opened from a share link it shows that link's view: a pinned link the figures as sent (with a banner when the
data moved since), a live link the figures of today. Everything shown comes from one snapshot dict
(cxkpi.report.build_snapshot), so the screen, the PDF and a pinned link draw the same thing.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode, urlsplit

import plotly.graph_objects as go
import streamlit as st

import cxkpi.access.texts  # noqa: F401  (English texts)
from cxkpi import formatting as fmt
from cxkpi import report
from cxkpi.access import shares as sh
from cxkpi.i18n import get_locale, set_locale, t, t_reading
from cxkpi.i18n_messages import localize
from cxkpi.palette import metric_color
from pages import auth, common

BAND_FILL = {
    "good": "rgba(46, 160, 67, 0.08)",
    "warning": "rgba(210, 153, 34, 0.08)",
    "bad": "rgba(218, 54, 51, 0.08)",
}
PRINT_CSS = """<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  .stDownloadButton, .stButton, [data-testid="stExpander"], [data-testid="stCheckbox"], [data-testid="stButtonGroup"],
  .cx-no-print { display: none !important; }
  [data-testid="stMain"], [data-testid="stAppViewContainer"], .stApp { overflow: visible !important; height: auto !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  .stPlotlyChart, [data-testid="stMetric"], table { break-inside: avoid; }
}
</style>"""


@st.cache_data(max_entries=32, ttl=900, show_spinner=False)
def _snapshot(url: str, version: str, query_json: str, today: dt.date) -> dict[str, Any]:
    return report.build_snapshot(common._engine_for(url), json.loads(query_json), today)


def live_snapshot(query: dict[str, str]) -> dict[str, Any]:
    return _snapshot(
        common.store_url(), common.data_version(), json.dumps(query, sort_keys=True), common.today()
    )


def _when(iso: str) -> str:
    return fmt.date(dt.datetime.fromisoformat(iso).date())


def banner(share: sh.Share) -> bool:
    """The pinned link's banner; True when the viewer asked for the latest figures instead."""
    snap = share.snapshot or {}
    state = report.pinned_state(common.engine(), snap)
    args = {"when": _when(snap["computed_at"]), "version": snap["data_version"]}
    if state.state == "same":
        st.info(t("report.pinned_same", **args), icon=":material/push_pin:")
        return False
    if state.state == "removed":
        st.warning(
            t("report.pinned_removed", loads=", ".join(map(str, state.removed)), **args),
            icon=":material/warning:",
        )
    else:
        st.warning(t("report.pinned_newer", **args), icon=":material/update:")
    return st.toggle(t("report.see_latest"), key="report_latest")


def header(snap: dict[str, Any]) -> None:
    start, end = (dt.date.fromisoformat(d) for d in snap["period"])
    filters = ", ".join(f"{t('filter.' + k)}: {v}" for k, v in snap["filters"].items()) or t(
        "report.no_filters"
    )
    st.table({
        t("report.period"): [fmt.period(start, end)],
        t("report.filters"): [filters],
        t("report.version"): [snap["data_version"]],
        t("report.computed"): [common.shown_time(snap["computed_at"])],
    })  # fmt: skip


def tiles(snap: dict[str, Any]) -> None:
    items = list(snap["scorecard"].items())
    for row in range(0, len(items), 3):
        for col, (key, r) in zip(st.columns(3), items[row : row + 3], strict=False):
            value = fmt.value(r.get("value"), r.get("unit", ""))
            n = r.get("n")
            col.metric(common.metric_label(key, r.get("label")), value, border=True,
                       help=t_reading(r.get("definition") or "") or None)  # fmt: skip
            if r.get("value") is None and r.get("reason"):
                col.caption(localize(str(r["reason"])))
            elif n is not None:
                col.caption(f"n = {fmt.count(n)}")


def trend_figure(key: str, tr: dict[str, Any]) -> go.Figure:
    pts = tr["points"]
    xs = [p["start"] for p in pts]
    fig = go.Figure()
    lows = [p["ci_low"] for p in pts]
    if any(v is not None for v in lows):
        highs = [p["ci_high"] for p in pts]
        fig.add_trace(go.Scatter(x=xs + xs[::-1], y=highs + lows[::-1], fill="toself", line={"width": 0},
                                 fillcolor="rgba(100, 100, 100, 0.15)", name=t("report.interval"), hoverinfo="skip"))  # fmt: skip
    fig.add_trace(go.Scatter(x=xs, y=[p["value"] for p in pts], mode="lines+markers", name=common.metric_label(key, tr["label"]),
                             line={"color": metric_color(key), "width": 2}, connectgaps=False))  # fmt: skip
    for b in tr.get("benchmarks", []):
        if b["kind"] == "band" and b.get("colour") in BAND_FILL:
            fig.add_hrect(y0=b["low"] if b["low"] is not None else 0, y1=b["high"] if b["high"] is not None else 100,
                          fillcolor=BAND_FILL[b["colour"]], line_width=0, layer="below")  # fmt: skip
        elif b["kind"] == "line" and b.get("value") is not None:
            fig.add_hline(y=b["value"], line_dash="dot", line_color="gray")
    fig.update_layout(height=260, showlegend=False, yaxis_title=fmt.axis_title(tr["unit"]))
    if get_locale() != "en" and xs:  # Plotly's month names are English: label the ticks through Babel (as Trends)
        ticks = xs[:: max(1, -(-len(xs) // 6))]
        fig.update_xaxes(tickvals=ticks, ticktext=[fmt.month(dt.date.fromisoformat(x[:10])) for x in ticks])
    return common.titled(fig, common.metric_label(key, tr["label"]))


def trends(snap: dict[str, Any]) -> None:
    st.subheader(t("report.trends"))
    items = list(snap["trends"].items())
    for row in range(0, len(items), 2):
        for col, (key, tr) in zip(st.columns(2), items[row : row + 2], strict=False):
            col.plotly_chart(trend_figure(key, tr), key=f"report_trend_{key}",
                             config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2,
                                                                                    "filename": f"cxkpi-{key}"}})  # fmt: skip


def footer(snap: dict[str, Any], pinned: bool) -> None:
    st.subheader(t("report.definitions"))
    if pinned:
        st.caption(t("report.method_pinned"))
    rows = []
    for key, r in snap["scorecard"].items():
        num, den = r.get("numerator"), r.get("denominator")
        rows.append({
            t("report.metric"): common.metric_label(key, r.get("label")),
            "n": "" if r.get("n") is None else fmt.count(r["n"]),
            t("report.num_den"): "" if num is None or den is None else f"{fmt.number(num, 2)} ÷ {fmt.number(den, 2)}",
            t("report.definitions"): t_reading(r.get("definition") or ""),
        })  # fmt: skip
    st.table(rows)  # text, not a canvas: it prints and a PDF reader can search it
    st.markdown('<span class="cx-report-end"></span>', unsafe_allow_html=True)


def _base_url() -> str:
    parts = urlsplit(st.context.url or "http://localhost:8501/")
    path = parts.path.rstrip("/")
    for suffix in ("/report",):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return f"{parts.scheme}://{parts.netloc}{path}/"


def downloads(snap: dict[str, Any], share: sh.Share | None) -> None:
    c1, c2, c3 = st.columns([1, 1, 2], vertical_alignment="bottom")
    c1.download_button(t("report.download_csv"), report.scorecard_csv(snap), "cxkpi-scorecard.csv", "text/csv",
                       icon=":material/download:", key="report_csv")  # fmt: skip
    c2.download_button(t("report.download_xlsx"), report.scorecard_xlsx(snap), "cxkpi-scorecard.xlsx",
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", key="report_xlsx")  # fmt: skip
    if st.session_state.get(auth.PRINT_KEY):
        return  # the printer itself
    with c3.container():
        paper = (
            st.segmented_control(t("report.paper"), ["A4", "Letter"], default="A4", key="report_paper")
            or "A4"
        )
        if st.button(t("report.make_pdf"), icon=":material/picture_as_pdf:", key="report_make_pdf"):
            from cxkpi.report.pdf import render_pdf

            eng = common.engine()
            token = (
                sh.print_pass(eng, share_id=share.share_id)
                if share
                else sh.print_pass(eng, query=snap["query"])
            )
            try:
                with st.spinner(t("report.make_pdf")):
                    st.session_state["report_pdf"] = (
                        paper,
                        render_pdf(_base_url() + "?" + urlencode({"print": token}), paper),
                    )
            except Exception as e:  # chromium missing or the page failed: say so, keep the page
                st.error(t("report.pdf_failed", error=str(e)))
        made = st.session_state.get("report_pdf")
        if made:
            st.download_button(f"{t('report.download_pdf')} ({made[0]})", made[1], f"cxkpi-report-{made[0]}.pdf",
                               "application/pdf", icon=":material/download:", key="report_pdf_dl")  # fmt: skip


def draw(snap: dict[str, Any], share: sh.Share | None, pinned: bool) -> None:
    st.html(PRINT_CSS)
    header(snap)
    tiles(snap)
    trends(snap)
    downloads(snap, share)
    footer(snap, pinned)


def link_view() -> None:
    """A session opened from a share link or a print pass: that view only, no sidebar controls."""
    auth.current()
    set_locale(common.session_language())  # the link's language, or the viewer's ?lang=
    st.title(t("nav.report"))
    share_id = st.session_state.get(auth.SHARE_KEY)
    share = sh.get_share(common.engine(), share_id) if share_id else None
    if share is not None:
        if share.pinned and not banner(share):
            draw(share.snapshot or {}, share, pinned=True)
            return
        if not share.pinned:
            st.caption(t("report.live"))
        draw(live_snapshot(share.query), share, pinned=False)
        return
    payload = st.session_state.get(auth.PRINT_KEY) or {}
    draw(live_snapshot(payload.get("query") or {}), None, pinned=False)


def share_form(snap: dict[str, Any]) -> None:
    """Editors: make a viewer link to this view, pinned to these figures or always the latest."""
    with st.expander(t("shares.create"), icon=":material/share:", expanded=False):
        with st.form("report_share", border=False):
            mode = st.radio(
                t("shares.mode"), sh.MODES, format_func=lambda m: t(f"shares.mode.{m}"), key="share_mode"
            )
            days = st.selectbox(t("shares.expires"), [0, 7, 30, 90], key="share_days",
                                format_func=lambda n: t("shares.expires.never") if n == 0 else t("shares.expires.days", n=n))  # fmt: skip
            go_ = st.form_submit_button(t("shares.make"), icon=":material/link:")
        if go_:
            query = dict(snap["query"])
            if mode == sh.PINNED:  # these exact figures: fixed dates, whatever day the link is opened
                query.update(period="custom", **{"from": snap["period"][0], "to": snap["period"][1]})
            share, token = sh.create_share(
                common.engine(), "report", query, mode, snap["data_version"],
                snapshot=snap if mode == sh.PINNED else None,
                expires_in=dt.timedelta(days=days) if days else None, language=get_locale(),
            )  # fmt: skip
            st.session_state["report_link"] = _base_url() + "?" + urlencode({"share": token})
        if st.session_state.get("report_link"):
            st.caption(t("shares.made"))
            st.code(st.session_state["report_link"], language=None, wrap_lines=True)


if auth.link_session():
    link_view()
else:
    with common.page("report", "report.intro") as v:
        snap = live_snapshot(v.to_query())
        if auth.current().can_edit:
            share_form(snap)
        draw(snap, None, pinned=False)
