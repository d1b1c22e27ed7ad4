"""Settings page: metric options, goals, reporting currency, time zone, benchmarks (cxkpi.settings, cxkpi.goals)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

import pandas as pd
import streamlit as st

from cxkpi import formatting as fmt
from cxkpi.i18n import complete_locales, t
from cxkpi.safety import markdown_text
from cxkpi.view import CSAT_MODES, FRT_STATS
from pages import common

CURRENCIES = ("USD", "EUR", "GBP", "CNY", "HKD", "TWD", "JPY", "CHF", "CAD", "AUD", "SGD", "INR", "BRL", "SEK")


def bench_label(b) -> str:
    """'CSAT · CSAT ≥ 80 % (excellent)'; the ACSI line by its short label."""
    if b.kind == "line":
        return f"{b.metric.upper()} · {t('trends.acsi') if b.id == 'csat.acsi_us' else b.label}"
    return f"{b.metric.upper()} · {b.note} ({t(f'band.{b.label}')})"


def language_name(code: str) -> str:
    from babel import Locale

    try:
        return Locale.parse(code).get_display_name(code).capitalize()
    except Exception:  # an unknown code still shows as itself
        return code


def scale_rows(current: dict, surveys: list[str]) -> pd.DataFrame:
    """One editable row per survey name: its override (blank = as exported)."""
    rows = []
    for name in sorted(set(surveys) | set(current)):
        o = current.get(name)
        lo = hi = None
        rev = False
        if isinstance(o, dict):
            lo, hi, rev = o.get("min"), o.get("max"), bool(o.get("reversed", False))
        elif isinstance(o, str) and "-" in o:
            lo, hi = (float(x) for x in o.split("-", 1))
        elif isinstance(o, list | tuple) and len(o) == 2:
            lo, hi = o
        rows.append({"survey": name, "min": lo, "max": hi, "reversed": rev})
    # float columns: a blank scale is NaN, which the editor leaves empty (an object column showed "None")
    return pd.DataFrame(rows, columns=["survey", "min", "max", "reversed"]).astype({"min": "float64", "max": "float64"})


def scales_from(df: pd.DataFrame) -> dict:
    out = {}
    for r in df.to_dict("records"):
        lo, hi = r.get("min"), r.get("max")
        if pd.isna(lo) or pd.isna(hi):
            continue  # blank: read the survey as exported
        if float(lo) >= float(hi):
            raise ValueError(t("settings.scale_invalid", survey=r["survey"]))
        out[str(r["survey"])] = {"min": float(lo), "max": float(hi), "reversed": bool(r.get("reversed"))}
    return out


def settings_form(settings_mod, benchmarks_mod) -> None:
    eng = common.engine()
    try:
        current = settings_mod.get_settings(eng)
    except ValueError as e:
        st.error(t("settings.invalid_saved", error=e))
        current = settings_mod.WorkspaceSettings()
    opts = dict(current.metric_options)
    surveys = common.filter_choices_cached().get("survey", [])
    zones = sorted(zoneinfo.available_timezones())
    with st.form("settings_form", border=True):
        st.subheader(t("settings.metric_options"))
        c1, c2 = st.columns(2)
        csat_mode = c1.radio(t("settings.csat_mode"), CSAT_MODES, index=CSAT_MODES.index(opts.get("csat.mode", "top2box")),
                             format_func=lambda m: t(f"options.csat_mode.{m}"), help=t("settings.csat_mode_help"),
                             horizontal=True, key="s_csat_mode")  # fmt: skip
        frt_stat = c2.radio(t("settings.frt_stat"), FRT_STATS, index=FRT_STATS.index(opts.get("frt.stat", "median")),
                            format_func=lambda m: t(f"options.frt_stat.{m}"), help=t("settings.frt_stat_help"),
                            horizontal=True, key="s_frt_stat")  # fmt: skip
        st.caption(t("settings.view_note"))
        st.markdown(f"**{t('settings.scale_overrides')}**", help=t("settings.scale_overrides_help"))
        scales_df = scale_rows(opts.get("survey.scales") or {}, surveys)
        if scales_df.empty:
            st.caption(t("settings.scale_none"))
            edited = scales_df
        else:
            edited = st.data_editor(
                scales_df, hide_index=True, key="s_scales", disabled=["survey"], width="stretch",
                column_config={
                    "survey": st.column_config.TextColumn(t("settings.survey")),
                    "min": st.column_config.NumberColumn(t("settings.scale_min"), step=1),
                    "max": st.column_config.NumberColumn(t("settings.scale_max"), step=1),
                    "reversed": st.column_config.CheckboxColumn(t("settings.reversed")),
                },
            )  # fmt: skip

        st.subheader(t("settings.general"))
        c1, c2, c3 = st.columns(3)
        cur_options = ["", *CURRENCIES] + ([current.currency] if current.currency and current.currency not in CURRENCIES else [])
        currency = c1.selectbox(t("settings.currency"), cur_options, index=cur_options.index(current.currency or ""),
                                format_func=lambda c: c or t("settings.currency_auto"), key="s_currency")  # fmt: skip
        timezone = c2.selectbox(t("settings.timezone"), zones, index=zones.index(current.timezone) if current.timezone in zones else zones.index("UTC"),
                                help=t("settings.timezone_help"), key="s_timezone")  # fmt: skip
        margin = c3.number_input(t("settings.margin"), min_value=1.0, max_value=100.0, step=1.0,
                                 value=float(current.gross_margin * 100), format="%.0f", help=t("settings.margin_help"),
                                 key="s_margin")  # fmt: skip
        lang_ids = list(complete_locales())  # only languages whose catalog is fully translated
        language = c1.selectbox(t("settings.language"), lang_ids, index=lang_ids.index(current.language) if current.language in lang_ids else 0,
                                format_func=language_name, help=t("settings.language_help"), key="s_language")  # fmt: skip
        all_bench = list(benchmarks_mod.BENCHMARK_IDS) if benchmarks_mod else []
        by_id = {b.id: b for b in benchmarks_mod.BENCHMARKS} if benchmarks_mod else {}
        chosen = st.multiselect(
            t("settings.benchmarks"), all_bench, default=[b for b in current.benchmarks if b in all_bench],
            format_func=lambda i: bench_label(by_id[i]) if i in by_id else i,
            help=t("settings.benchmarks_help"), key="s_benchmarks",
        )  # fmt: skip
        submitted = st.form_submit_button(t("settings.save"), type="primary")
    if submitted:
        new_opts = {**opts, "csat.mode": csat_mode, "frt.stat": frt_stat, "survey.scales": scales_from(edited)}
        # nothing lost by a click: the settings hold for every person, so the save is asked first
        st.session_state["settings_pending"] = dataclasses.replace(
            current, metric_options=new_opts, currency=currency or None, timezone=timezone,
            gross_margin=margin / 100.0, benchmarks=chosen, language=language,
        )  # fmt: skip
    pending = st.session_state.get("settings_pending")
    if pending is not None:
        st.warning(t("confirm.save_settings"), icon=":material/help:")
        y, n = st.columns(2)
        if y.button(t("confirm.save_settings_yes"), key="settings_save_yes", type="primary"):
            st.session_state.pop("settings_pending", None)
            try:
                saved = settings_mod.save_settings(eng, pending)
            except ValueError as e:
                st.error(t("settings.save_failed", error=e))
                return
            # the current view follows the new workspace defaults for the options it carries
            common.set_view(common.view().with_(csat_mode=saved.metric_options.get("csat.mode", csat_mode),
                                                frt_stat=saved.metric_options.get("frt.stat", frt_stat)))  # fmt: skip
            st.session_state["settings_saved"] = True
            st.rerun()
        if n.button(t("confirm.cancel"), key="settings_save_no"):
            st.session_state.pop("settings_pending", None)
            st.rerun()
    if st.session_state.pop("settings_saved", False):
        st.success(t("settings.saved"), icon=":material/check:")


def goals_section(goals_mod, metrics) -> None:
    eng = common.engine()
    st.subheader(t("goals.heading"))
    existing = goals_mod.list_goals(eng)
    if not existing:
        st.caption(t("goals.none"))
    for g in existing:
        unit = metrics.REGISTRY[g.metric].unit if metrics and g.metric in metrics.REGISTRY else ""
        target = (f"{fmt.signed_number(g.value, 1)}\u00a0%" if g.kind == "relative"
                  else (fmt.points(g.value, 1) if unit in ("%", "points") else fmt.signed_number(g.value, 1)))  # fmt: skip
        with st.container(border=True, key=f"goal_{g.goal_id}"):
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            c1.markdown(f"**{markdown_text(g.title)}** · {common.metric_label(g.metric)} · {target}")
            c1.caption(t("goals.baseline", start=fmt.date(g.baseline_from), end=fmt.date(g.baseline_to)))
            if c2.button(t("goals.delete"), key=f"del_{g.goal_id}", icon=":material/delete:"):
                goals_mod.delete_goal(eng, g.goal_id)
                st.session_state["goal_msg"] = t("goals.deleted")
                st.rerun()
    keys = list(metrics.REGISTRY) if metrics else []
    today = common.today()
    with st.form("goal_form", clear_on_submit=True, border=True):
        st.markdown(f"**{t('goals.add')}**")
        c1, c2, c3 = st.columns(3)
        metric = c1.selectbox(t("goals.metric"), keys, format_func=lambda k: common.metric_label(k, metrics.REGISTRY[k].label),
                              key="g_metric")  # fmt: skip
        base_from = c2.date_input(t("goals.baseline_from"), value=dt.date(today.year - 1, 1, 1), key="g_from", format="YYYY-MM-DD")
        base_to = c3.date_input(t("goals.baseline_to"), value=dt.date(today.year - 1, 12, 31), key="g_to", format="YYYY-MM-DD")
        c1, c2, c3 = st.columns(3)
        kind = c1.radio(t("goals.target_kind"), goals_mod.KINDS, format_func=lambda k: t(f"goals.kind.{k}"), key="g_kind")
        value = c2.number_input(t("goals.target_value"), value=10.0, step=1.0, help=t("goals.target_help"), key="g_value")
        label = c3.text_input(t("goals.label"), key="g_label")
        if st.form_submit_button(t("goals.add"), icon=":material/flag:"):
            try:
                goals_mod.add_goal(eng, metric, base_from, base_to, kind, value, label or None)
            except ValueError as e:
                st.error(t("goals.failed", error=e))
            else:
                st.session_state["goal_msg"] = t("goals.added")
                st.rerun()
    msg = st.session_state.pop("goal_msg", None)
    if msg:
        st.success(msg, icon=":material/check:")


with common.page("settings", "settings.intro"):
    settings_mod = common.optional("cxkpi.settings")
    goals_mod = common.optional("cxkpi.goals")
    metrics = common.optional("cxkpi.metrics")
    benchmarks_mod = common.optional("cxkpi.benchmarks")
    if settings_mod is None:
        st.info(t("settings.unavailable"), icon=":material/hourglass_empty:")
    else:
        settings_form(settings_mod, benchmarks_mod)
    if goals_mod is None or metrics is None:
        st.info(t("goals.unavailable"), icon=":material/hourglass_empty:")
    else:
        goals_section(goals_mod, metrics)
