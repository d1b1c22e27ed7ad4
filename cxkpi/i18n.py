"""One translation function for every user-facing string: ``t(key, **kwargs)``.

Catalogues are plain dicts, one per locale (``en`` now; ``zh_Hans``, ``zh_Hant``, ``it`` slot in beside it).
A key is a short dotted id (``"nav.scorecard"``); its English text lives in ``EN``. Missing keys in another
locale fall back to English, and a key missing from English falls back to the key itself with ``{name}``
placeholders filled, so an unknown key is visible rather than a crash. ``tests/test_i18n.py`` fails when a
page uses a key that has no English entry.

Why dicts, not gettext .po files: the catalogue is small, tests can read it directly, and a translator can
edit a Python/TOML file without a compile step; ``CATALOGUES`` is the one place to plug in .po loading later.
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping

LOCALES = ("en", "zh_Hans", "zh_Hant", "it")
DEFAULT_LOCALE = "en"

EN: dict[str, str] = {
    # app and navigation
    "app.title": "cxkpi",
    "nav.scorecard": "Scorecard",
    "nav.trends": "Trends",
    "nav.support": "Support",
    "nav.voice": "Voice of customer",
    "nav.revenue": "Revenue & retention",
    "nav.data": "Data",
    "nav.settings": "Settings",
    # demo workspace
    "demo.banner": "**Demo data** — you are looking at a sample workspace, not your own numbers.",
    "demo.clear_hint": "Clear it on the Data page",
    "demo.loaded_on_first_start": "The store was empty, so the demo workspace was loaded.",
    "demo.clear_button": "Clear demo data",
    "demo.cleared": "Demo data cleared. The store now holds only your own imports.",
    "demo.load_button": "Load demo data",
    "demo.loaded": "Demo workspace loaded.",
    "demo.unavailable": "The demo workspace module is not installed yet.",
    "demo.section": "Demo workspace",
    "demo.is_loaded": "The demo workspace is loaded.",
    "demo.not_loaded": "The demo workspace is not loaded.",
    # store / counts
    "counts.heading": "What is in the store",
    "counts.table": "Table",
    "counts.rows": "Rows",
    "counts.empty": "The store is empty. Import your exports on the Data page, or load the demo workspace.",
    "table.accounts": "Accounts",
    "table.subscriptions": "Subscriptions",
    "table.payments": "Payments",
    "table.renewals": "Renewals",
    "table.tickets": "Tickets",
    "table.responses": "Survey responses",
    "table.costs": "Retention costs",
    # placeholder pages
    "page.support.intro": "Ticket metrics by channel and agent: first response time, handle time, first contact resolution, reopens.",
    "page.voice.intro": "Survey results and comments: CSAT, CES, NPS and ESAT by survey, channel and segment.",
    "page.revenue.intro": "MRR movements, cohort retention, churn, renewals and customer lifetime value.",
    "page.data.intro": "Import exports, see what was loaded, and remove a load.",
    "page.coming_soon": "This page's charts are still being built. Below is what the store holds today.",
    # sidebar: period and filters
    "sidebar.view": "View",
    "period.label": "Period",
    "period.last_month": "Last month",
    "period.last_quarter": "Last quarter",
    "period.ytd": "Year to date",
    "period.last_12_months": "Last 12 months",
    "period.custom": "Custom",
    "period.from": "From",
    "period.to": "To",
    "period.shown": "{period}",
    "compare.label": "Compare to",
    "compare.previous_period": "Previous period",
    "compare.same_period_last_year": "Same period last year",
    "compare.vs": "vs {period}",
    "filter.segment": "Segment",
    "filter.region": "Region",
    "filter.plan": "Plan",
    "filter.channel": "Channel",
    "filter.all": "All",
    "options.heading": "Metric options",
    "options.csat_mode": "CSAT",
    "options.csat_mode.top2box": "Top-2-box",
    "options.csat_mode.mean": "Mean score",
    "options.frt_stat": "First response time",
    "options.frt_stat.median": "Median",
    "options.frt_stat.mean": "Mean",
    "share.heading": "Share this view",
    "share.help": "This link opens the same page, period, filters and metric options.",
    "share.copy": "Copy share link",
    "share.copied": "Copied",
    # scorecard
    "scorecard.intro": "{period} · compared with {compare}",
    "scorecard.no_metrics": "The metric engine is not installed yet, so there is nothing to score.",
    "scorecard.not_available": "Not available",
    "scorecard.needs_export": "Needs: {source}",
    "scorecard.import_link": "Import on the Data page",
    "scorecard.n": "n = {n}",
    "scorecard.how_computed": "How this number is computed",
    "scorecard.small_sample": "small sample",
    "scorecard.small_sample_help": "Fewer than 30 responses: read this number with care.",
    "scorecard.significant": "significant",
    "scorecard.not_significant": "not significant",
    "scorecard.no_comparison": "no comparison",
    "scorecard.change_vs": "{delta} vs {compare}",
    "scorecard.interval": "95 % interval {low} – {high}",
    "scorecard.definition": "Definition",
    "scorecard.goal": "Goal {target}: {progress} of the way",
    "scorecard.band": "{band}",
    "scorecard.sparkline": "Last 12 months",
    "scorecard.error": "Could not compute {metric}: {error}",
    "band.excellent": "excellent",
    "band.good": "good",
    "band.poor": "poor",
    # trends
    "trends.metric": "Metric",
    "trends.by": "Group by",
    "trends.by.week": "Week",
    "trends.by.month": "Month",
    "trends.by.quarter": "Quarter",
    "trends.split": "Compare segments",
    "trends.split.none": "No split",
    "trends.chart_title": "{metric} by {by}",
    "trends.no_data": "No data for {metric} in this period.",
    "trends.no_engine": "The metric engine is not installed yet, so there is no trend to draw.",
    "trends.axis_time": "Period",
    "trends.interval": "95 % interval",
    "trends.acsi": "US average 74.4 (ACSI index, 0–100 score — not a top-2-box share)",
    "trends.acsi_short": "ACSI US average 74.4 (index)",
    "trends.acsi_note": "Dotted line: the ACSI US national customer-satisfaction index (74.4), a 0–100 score — not a top-2-box share like this CSAT, so compare with care.",
    "trends.band.excellent": "excellent ≥ 80",
    "trends.band.good": "good 60–80",
    "trends.band.poor": "poor < 60",
    "trends.goal_line": "Goal: {label}",
    "trends.range": "Trend range",
    "trends.range_help": "The trend covers the 12 months up to the end of the selected period, or the period itself when it is longer.",
    "trends.table": "Values",
    "trends.col_period": "Period",
    "trends.col_series": "Series",
    "trends.col_value": "Value",
    "trends.col_n": "n",
    "trends.col_low": "95 % low",
    "trends.col_high": "95 % high",
    "trends.all": "All customers",
    "trends.split_capped": "Showing the {n} largest {dimension} values.",
    "trends.not_available_reason": "{metric} is not available: {reason}",
    "trends.goal_target": "Goal {label}: {target}",
    "trends.benchmarks_from_settings": "Bands and reference lines follow the benchmarks chosen in Settings.",
    # settings
    "settings.intro": "Workspace settings are saved in the store and apply to every user.",
    "settings.unavailable": "The settings module is not installed yet.",
    "settings.metric_options": "Metric options",
    "settings.csat_mode": "CSAT definition",
    "settings.frt_stat": "First response time statistic",
    "settings.scale_overrides": "Survey scale overrides",
    "settings.scale_overrides_help": "Override the scale a survey's answers are read on (e.g. a survey exported without its range).",
    "settings.survey": "Survey",
    "settings.scale_min": "Scale min",
    "settings.scale_max": "Scale max",
    "settings.reversed": "Reversed (1 = best)",
    "settings.general": "Workspace",
    "settings.currency": "Reporting currency",
    "settings.timezone": "Time zone",
    "settings.benchmarks": "Benchmarks to show",
    "settings.save": "Save settings",
    "settings.saved": "Settings saved.",
    "settings.save_failed": "Could not save: {error}",
    "goals.heading": "Goals",
    "goals.unavailable": "The goals module is not installed yet.",
    "goals.none": "No goals yet.",
    "goals.metric": "Metric",
    "goals.baseline_from": "Baseline from",
    "goals.baseline_to": "Baseline to",
    "goals.target_kind": "Target kind",
    "goals.kind.relative": "Relative (%)",
    "goals.kind.absolute": "Absolute (points / units)",
    "goals.target_value": "Target change",
    "goals.label": "Label (optional)",
    "goals.add": "Add goal",
    "goals.added": "Goal added.",
    "goals.delete": "Delete",
    "goals.deleted": "Goal deleted.",
    "goals.failed": "Could not save the goal: {error}",
    "goals.target_help": "Relative: percent of the baseline (10 = +10 %). Absolute: in the metric's unit (5 = +5 points).",
    "goals.baseline": "Baseline {start} – {end}",
    "goals.col_goal": "Goal",
    "goals.col_metric": "Metric",
    "goals.col_baseline": "Baseline period",
    "goals.col_target": "Target change",
    "settings.invalid_saved": "The saved settings are invalid and were not loaded: {error}",
    "settings.margin": "Gross margin (%)",
    "settings.margin_help": "CLV = ARPA × gross margin × average lifespan.",
    "settings.currency_auto": "From the data",
    "settings.timezone_help": "Periods are whole days in this time zone.",
    "settings.language": "Language",
    "settings.language_help": "Only English is translated so far; numbers and dates already follow the language.",
    "settings.csat_mode_help": "Top-2-box: share of the top two answers (default). Mean: mean score as a percentage of the scale maximum.",
    "settings.frt_stat_help": "Median hours (default) or mean hours from ticket creation to the first agent reply.",
    "settings.scale_none": "No survey names in the store yet.",
    "settings.scale_invalid": "Survey {survey}: scale min must be below scale max.",
    "settings.benchmarks_help": "Bands colour the scorecard tiles; lines are drawn on the Trends chart.",
    "settings.view_note": "The sidebar's metric options override these for your current view and its share link.",
    # metric names (the registry's labels; translated catalogues override them)
    "metric.csat": "CSAT",
    "metric.ces": "CES",
    "metric.nps": "NPS",
    "metric.churn_rate": "Customer churn rate",
    "metric.clv": "Customer lifetime value",
    "metric.crc": "Customer retention cost",
    "metric.renewal_rate": "Renewal rate",
    "metric.mrr": "MRR",
    "metric.ticket_reopens": "Ticket reopens",
    "metric.esat": "ESAT",
    "metric.frt": "First response time",
    "metric.aht": "Average handle time",
    "metric.fcr": "First contact resolution",
    "scorecard.reopen_rate": "{rate} of solved tickets",
    "scorecard.mrr_per_customer": "{amount} per customer",
    "scorecard.pending": "{n} pending",
    "scorecard.p_value": "p = {p}",
    "scorecard.no_test": "no significance test for this metric",
    "scorecard.definition_help": "{description}\n\nReading: {reading}",
    "scorecard.source_help": "Supplied by: {source}",
    "scorecard.section_scorecard": "Scorecard metrics",
    "scorecard.section_support": "Support metrics",
    "scorecard.goal_none": "Goal {target}: {reason}",
    # generic
    "common.none": "—",
}

CATALOGUES: dict[str, Mapping[str, str]] = {
    "en": EN,
    # Translations land here, e.g. "it": IT, loaded from cxkpi/locales/it.toml; until then English.
}

_locale: contextvars.ContextVar[str] = contextvars.ContextVar("cxkpi_locale", default=DEFAULT_LOCALE)


def set_locale(locale: str) -> None:
    """Choose the locale for this thread/session run (unknown locales fall back to English)."""
    _locale.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def get_locale() -> str:
    return _locale.get()


class _Keep(dict):
    # str.format_map helper: leave unknown placeholders as they are instead of raising KeyError.
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def t(key_or_text: str, /, **kwargs: object) -> str:
    """The text for ``key_or_text`` in the current locale, with ``{name}`` placeholders filled."""
    loc = _locale.get()
    text = CATALOGUES.get(loc, EN).get(key_or_text) or EN.get(key_or_text) or key_or_text
    return text.format_map(_Keep(kwargs)) if kwargs else text


def _install_page_catalogues() -> None:
    """Merge the catalogue modules other pages ship (cxkpi/i18n_pages.py) so t() knows every key at import."""
    import contextlib
    import importlib

    for module in ("cxkpi.i18n_pages", "cxkpi.i18n_explain"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


_install_page_catalogues()
