"""How this number is computed: one metric's definition, options in force, numerator ÷ denominator, the loads that
fed it, the rows behind it (filterable, downloadable as formula-safe CSV), and what another definition would give.

Opened with the view in the URL plus `metric=<key>`, e.g. /explain?metric=csat&period=last_quarter&csat=mean.
Everything is computed by cxkpi.method (the metric engine); this page only caches and draws.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi import report_rows
from cxkpi.i18n import get_locale, t, t_reading
from cxkpi.i18n_messages import file_label, localize
from pages import common

method = common.optional("cxkpi.method")  # also merges the explain catalogue into t()
metrics = common.optional("cxkpi.metrics")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$])")


def md(text: object) -> str:
    """User data (file names, reasons) shown literally inside markdown."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def part(x: float | None, unit: str) -> str:
    """A numerator or denominator in its own unit: a count, a sum of shares, hours, minutes or money."""
    if x is None:
        return fmt.DASH
    if unit == "count":
        return fmt.count(x) if float(x).is_integer() else fmt.number(x, 2)
    if unit == "number":
        return fmt.number(x, 2)
    if unit == "hours":
        return fmt.hours(x)
    if unit == "minutes":
        return fmt.minutes(x)
    return fmt.money(x, unit, 2 if abs(x) < 1000 else 0)


def _opts(frozen: tuple) -> dict:
    return {k: json.loads(v) for k, v in frozen}


@st.cache_data(max_entries=64, ttl=900, show_spinner=False)
def _card(url: str, version: str, key: str, start: dt.date, end: dt.date, filters: tuple, options: tuple, lang: str):
    # lang: the card holds option texts in the viewer's language, so it is part of the shared cache key
    return method.method_card(common.engine(), key, metrics.Period(start, end), dict(filters), _opts(options))


@st.cache_data(max_entries=64, ttl=900, show_spinner=False)
def _compare(
    url: str, version: str, key: str, start: dt.date, end: dt.date, filters: tuple, base: tuple, new: tuple
):
    p = metrics.Period(start, end)
    return method.compare_definitions(common.engine(), key, p, dict(filters), _opts(base), _opts(new))


def rows_for_display(df: pd.DataFrame) -> pd.DataFrame:
    """Plain text cells (ids and load numbers without thousands separators, blanks for missing values)."""
    if df.empty:
        return df
    cols = list(df.columns)
    if "load_file" in cols:  # the file name right beside the load id
        anchor = "load_id" if "load_id" in cols else "load_ids" if "load_ids" in cols else None
        if anchor:
            cols.remove("load_file")
            cols.insert(cols.index(anchor) + 1, "load_file")
    out = df[cols].copy()
    for c in out.columns:
        if pd.api.types.is_float_dtype(
            out[c]
        ):  # 132.566666666 -> 132.567 on screen; the CSV keeps every digit
            out[c] = [f"{x:.6g}" if pd.notna(x) else "" for x in out[c]]
    out = out.astype(object)
    return out.where(out.notna(), "").astype(str)


def draw_card(card, key: str, label: str) -> None:
    st.subheader(t("explain.definition"))
    st.write(t(card.definition))
    if card.reading:
        st.caption(t("explain.reading", reading=t_reading(card.reading)))
    left, right = st.columns(2)
    with left:
        st.markdown("**" + t("explain.options") + "**")
        st.markdown("\n".join(f"- {md(o.text)}" for o in card.options))
    with right:
        st.markdown("**" + t("explain.scope") + "**")
        lines = [t("explain.period", period=fmt.period(card.period.start, card.period.end))]
        if card.filters:
            lines.append(
                t(
                    "explain.filters",
                    filters=", ".join(f"{t('filter.' + k)} = {v}" for k, v in card.filters.items()),
                )
            )
        else:
            lines.append(t("explain.no_filters"))
        if card.filters_not_applied:
            lines.append(t("explain.filters_not_applied", filters=", ".join(card.filters_not_applied)))
        st.markdown("\n".join(f"- {md(x)}" for x in lines))

    notes = getattr(card, "notes", None) or []
    if notes:  # CLV: the churn window, the churned count, the cap, an assumed margin
        st.markdown("**" + t("explain.clv_basis") + "**")
        st.markdown("\n".join(f"- {md(localize(n))}" for n in notes))
    if report_rows.margin_assumed(card.result):
        common.page_link("pages/settings.py", label=t("tile.set_margin"), icon=":material/tune:")
    if not card.available:
        st.warning(
            t("explain.not_available", metric=label, reason=localize(card.reason)), icon=":material/block:"
        )
        if card.source and key not in common.metrics_with_data():
            st.caption(t("explain.needs_export", source=localize(card.source)))
            common.page_link("pages/data.py", label=t("explain.go_to_data"), icon=":material/upload_file:")
        return

    st.subheader(t("explain.calculation"))
    value = fmt.value(card.value, card.unit)
    with st.container(key="explain_calc"):
        c1, c2, c3 = st.columns(3)
        if card.numerator is None:  # a median has no numerator: the middle of the listed values
            c1.metric(t("explain.median"), value)
        else:
            c1.metric(t("explain.numerator"), part(card.numerator, card.numerator_unit))
        c2.metric(t("explain.denominator"), part(card.denominator, card.denominator_unit))
        c3.metric(t("explain.value"), value)
    if card.factor is not None:
        factor = t("explain.times_100") if card.factor == 100 else ""
        st.markdown(
            "**"
            + md(t("explain.equation", numerator=part(card.numerator, card.numerator_unit),
                   denominator=part(card.denominator, card.denominator_unit), factor=factor, value=value))
            + "**"
        )  # fmt: skip
    elif (
        card.numerator is not None and card.value == card.numerator
    ):  # MRR, reopens: the value is the sum/count
        st.markdown(
            "**"
            + md(t("explain.value_is_numerator", numerator=part(card.numerator, card.numerator_unit)))
            + "**"
        )
        st.caption(t("explain.denominator_base", denominator=part(card.denominator, card.denominator_unit)))
    elif card.numerator is None and card.denominator is not None:
        st.markdown("**" + md(t("explain.median_of", n=fmt.count(card.denominator), value=value)) + "**")
    else:
        st.caption(t("explain.no_equation"))
    bits = []
    if card.n is not None:
        bits.append(t("explain.n", n=fmt.count(card.n)))
    if card.interval:
        low, high = card.interval
        bits.append(t("explain.interval", low=fmt.value(low, card.unit), high=fmt.value(high, card.unit)))
    elif metrics.REGISTRY[key].proportion:
        bits.append(t("explain.no_interval"))
    if bits:
        st.caption(" · ".join(bits))
    st.caption(t("explain.method", method=localize(card.method)))

    st.subheader(t("explain.sources"))
    if not card.loads:
        st.caption(t("explain.no_loads"))
    lines = []
    for x in card.loads:
        when = fmt.date(x.loaded_at.date()) if x.loaded_at else fmt.DASH
        line = t("explain.load_line", load_id=x.load_id, file=md(file_label(x.file_name)), source=md(x.source),
                 table=md(" + ".join(t(f"table.{tb}") for tb in str(x.table_name).split("+"))),
                 loaded_at=when)  # fmt: skip
        lines.append("- " + line + (t("explain.load_removed") if x.status == "removed" else ""))
    if lines:
        st.markdown("\n".join(lines))


def draw_rows(card, key: str) -> None:
    st.subheader(t("explain.rows_heading"))
    text = st.text_input(t("explain.rows_filter"), key="x_rows_filter", help=t("explain.rows_filter_help"))
    ex = card.explanation
    frames = {
        "numerator": method.with_load_files(ex.numerator_rows, card.loads),
        "denominator": method.with_load_files(ex.denominator_rows, card.loads),
    }
    tabs = st.tabs([t(f"explain.rows_tab_{part_}", n=fmt.count(len(df))) for part_, df in frames.items()])
    # a share of answers (no summed column): its numerator rows are the positive answers, for a yes/no column
    positive = None
    if ex.numerator_sum is None and "response_id" in ex.numerator_rows:
        positive = list(ex.numerator_rows["response_id"])
    (start, end) = card.period.start, card.period.end
    for tab, (part_, df) in zip(tabs, frames.items(), strict=True):
        with tab:
            shown = method.filter_rows(df, text)
            if df.empty:
                st.caption(t("explain.rows_empty"))
                continue
            st.caption(t("explain.rows_shown", shown=fmt.count(len(shown)), total=fmt.count(len(df))))
            # formula-safe: the table's own download exports these cells, like the button below
            st.dataframe(method.safe_frame(rows_for_display(shown)), hide_index=True, height=300, key=f"x_rows_{part_}")
            name = f"{key}-{part_}-{start.isoformat()}-{end.isoformat()}"
            if key in report_rows.SURVEY_KEYS:
                # a CS lead's file first (customer, e-mail, segment, answers as given); the internal one as raw
                readable = report_rows.readable_survey_rows(common.engine(), shown, positive)
                with st.container(horizontal=True):
                    st.download_button(
                        t("rows.download_readable"), data=report_rows.to_csv(readable), mime="text/csv",
                        icon=":material/download:", file_name=f"{name}.csv", key=f"x_download_{part_}",
                        help=t("rows.readable_help"),
                    )  # fmt: skip
                    st.download_button(
                        t("rows.download_raw"), data=method.rows_csv(shown), mime="text/csv",
                        icon=":material/data_object:", file_name=f"{name}-raw.csv", key=f"x_download_raw_{part_}",
                    )  # fmt: skip
            else:
                st.download_button(
                    t("explain.download"), data=method.rows_csv(shown), mime="text/csv", icon=":material/download:",
                    file_name=f"{name}.csv", key=f"x_download_{part_}",
                )  # fmt: skip


def option_widget(key: str, name: str, spec, current):
    """One option of the metric as a widget, starting from the value in force (its key carries that value, so
    a new value in force — saved, or changed in the sidebar — starts the widget afresh)."""
    full = f"{key}.{name}"
    label = t(f"explain.optname.{full}")
    wkey = f"x_opt_{full}_{current}"
    if spec.choices:
        choices = list(spec.choices)
        return st.radio(label, choices, index=choices.index(current) if current in choices else 0, horizontal=True,
                        format_func=lambda c: t(f"explain.choice.{c}"), key=wkey)  # fmt: skip
    if spec.kind is bool:
        return st.toggle(label, value=bool(current), key=wkey)
    if spec.kind is float:
        return st.number_input(
            label, min_value=0.1, max_value=100.0, value=float(current), step=1.0, key=wkey
        )
    return current  # lists and mappings are edited in Settings


def save_default(changes: dict) -> None:
    settings = common.optional("cxkpi.settings")
    if settings is None:
        st.error(t("explain.no_settings"))
        return
    try:
        eng = common.engine()
        saved = settings.get_settings(eng)
        kw: dict = {}
        opts = {k: v for k, v in changes.items() if k != settings.CLV_MARGIN_OPTION}
        if opts:
            kw["metric_options"] = {**saved.metric_options, **opts}
        if settings.CLV_MARGIN_OPTION in changes:  # the margin is saved as a fraction, not as an option
            kw["gross_margin"] = float(changes[settings.CLV_MARGIN_OPTION]) / 100.0
        settings.update_settings(eng, **kw)
    except ValueError as e:
        st.error(t("explain.save_failed", error=str(e)))
        return
    # the view's own CSAT/FRT choice would override the saved default in this session: follow it
    v = common.view()
    common.set_view(
        v.with_(csat_mode=changes.get("csat.mode", v.csat_mode), frt_stat=changes.get("frt.stat", v.frt_stat))
    )
    st.session_state["x_saved"] = True
    st.rerun()


def draw_try(card, key: str, label: str, v, start: dt.date, end: dt.date, filters: tuple) -> None:
    st.subheader(t("explain.try_heading"))
    if st.session_state.pop("x_saved", False):
        st.success(t("explain.saved"), icon=":material/check_circle:")
    specs = metrics.REGISTRY[key].options
    editable = {n: s for n, s in specs.items() if s.kind in (str, bool, float)}
    if not editable:
        st.caption(t("explain.try_none"))
        return
    new = {}
    for name, spec in editable.items():
        current = card.result.options.get(f"{key}.{name}", spec.default)
        new[f"{key}.{name}"] = option_widget(key, name, spec, current)
    changes = {k: val for k, val in new.items() if val != card.result.options.get(k)}
    before, after, changed = _compare(common.store_url(), common.data_version(), key, start, end, filters,
                                      common._frozen(v.options()), common._frozen(changes))  # fmt: skip
    with st.container(key="explain_try"):
        c1, c2 = st.columns(2)
        c1.metric(t("explain.before", metric=label), fmt.value(before.value, before.unit))
        delta = None
        if before.value is not None and after.value is not None and changes:
            delta = fmt.delta(after.value - before.value, after.unit)
        c2.metric(
            t("explain.after", metric=label), fmt.value(after.value, after.unit), delta, delta_color="off"
        )
    if not changes:
        st.caption(t("explain.same_definition"))
    others = [common.metric_label(k, metrics.REGISTRY[k].label) for k in changed if k != key]
    st.caption(
        t("explain.other_changed", metrics=", ".join(others)) if others else t("explain.other_unchanged")
    )
    if after.value is None and after.reason:
        st.caption(localize(after.reason))
    if st.button(t("explain.save_default"), disabled=not changes, icon=":material/save:", key="x_save"):
        save_default(changes)


# Read before common.page(): it rewrites the URL from the session's view, and a link from a Scorecard tile
# (st.page_link with query_params) arrives in a session whose view already has another metric.
_url_metric = st.query_params.get("metric")

with common.page("explain", "explain.intro") as v:
    if metrics is None or method is None:
        st.info(t("explain.no_metrics"), icon=":material/hourglass_empty:")
    else:
        keys = list(metrics.REGISTRY)
        if _url_metric in metrics.REGISTRY and _url_metric != common.view().metric:
            common.set_view(common.view().with_(metric=_url_metric))
        st.selectbox(t("explain.metric"), keys, format_func=lambda k: common.metric_label(k, metrics.REGISTRY[k].label),
                     **common.bind("w_explain_metric", "metric"))  # fmt: skip
        v = common.view()
        key = v.metric if v.metric in metrics.REGISTRY else keys[0]
        label = common.metric_label(key, metrics.REGISTRY[key].label)
        (start, end), _ = common.period_and_compare(v)
        filters = tuple(sorted(v.filters().items()))
        card = _card(
            common.store_url(), common.data_version(), key, start, end, filters, common._frozen(v.options()), get_locale()
        )
        draw_card(card, key, label)
        if card.available:
            draw_rows(card, key)
        draw_try(card, key, label, v, start, end, filters)
