"""English catalogue entries of the "How this number is computed" page (pages/explain.py) and cxkpi.method.

Merged into cxkpi.i18n.EN on import, like cxkpi/i18n_pages.py (existing keys win). cxkpi.method imports it,
so the keys exist wherever a method card is built.
"""

from __future__ import annotations

EXPLAIN_EN: dict[str, str] = {
    "nav.explain": "How this number is computed",
    "explain.intro": "The definition, the options in force, and every row behind the number.",
    "explain.metric": "Metric",
    "explain.no_metrics": "The metric engine is not installed yet, so there is nothing to explain.",
    "explain.definition": "Definition",
    "explain.reading": "Reading in force: {reading}",
    "explain.options": "Options in force",
    "explain.scope": "Period and filters",
    "explain.period": "Period: {period}",
    "explain.filters": "Filters: {filters}",
    "explain.no_filters": "Filters: none (all customers)",
    "explain.filters_not_applied": "Not applied to this metric: {filters}",
    "explain.calculation": "The calculation",
    "explain.numerator": "Numerator",
    "explain.denominator": "Denominator",
    "explain.value": "Value",
    "explain.median": "Median (no numerator)",
    "explain.equation": "{numerator} ÷ {denominator}{factor} = {value}",
    "explain.times_100": " × 100",
    "explain.median_of": "Median of {n} values = {value}",
    "explain.value_is_numerator": "Value = the numerator: {numerator}",
    "explain.denominator_base": "The denominator ({denominator}) is the base of the per-customer or rate figure.",
    "explain.no_equation": "The value is not a plain ratio of these two; see the method below.",
    "explain.n": "n = {n}",
    "explain.interval": "95 % interval: {low} – {high}",
    "explain.no_interval": "No interval for this metric.",
    "explain.method": "Method: {method}",
    "explain.sources": "Sources and loads",
    "explain.no_loads": "No load fed these rows.",
    "explain.load_line": "Load #{load_id}: **{file}** ({source}, {table}), loaded {loaded_at}",
    "explain.load_removed": " — removed",
    "explain.not_available": "{metric} is not available: {reason}",
    "explain.needs_export": "Needs: {source}",
    "explain.go_to_data": "Import on the Data page",
    "explain.rows_heading": "The rows behind it",
    "explain.rows_tab_numerator": "Numerator rows ({n})",
    "explain.rows_tab_denominator": "Denominator rows ({n})",
    "explain.rows_filter": "Filter rows",
    "explain.rows_filter_help": "Keep rows where any cell contains this text.",
    "explain.rows_shown": "{shown} of {total} rows shown",
    "explain.rows_empty": "No rows.",
    "explain.download": "Download as CSV",
    "explain.try_heading": "Try another definition",
    "explain.try_none": "This metric has no options to try.",
    "explain.before": "{metric} now",
    "explain.after": "{metric} with this definition",
    "explain.same_definition": "Same definition as now.",
    "explain.other_changed": "Other metrics that change: {metrics}",
    "explain.other_unchanged": "No other metric changes.",
    "explain.save_default": "Save as workspace default",
    "explain.saved": "Saved: the whole dashboard now uses this definition.",
    "explain.save_failed": "Could not save: {error}",
    "explain.no_settings": "The settings module is not installed, so the definition cannot be saved.",
    "explain.yes": "yes",
    "explain.no": "no",
    # option names as widget labels
    "explain.optname.csat.mode": "CSAT definition",
    "explain.optname.frt.stat": "First response time statistic",
    "explain.optname.churn_rate.basis": "Churn basis",
    "explain.optname.churn_rate.include_in_period": "Include customers won and lost inside the period",
    "explain.optname.clv.margin": "Gross margin (%)",
    "explain.optname.fcr.null_reopens": "A blank reopen count reads as",
    "explain.choice.top2box": "Top-2-box",
    "explain.choice.mean": "Mean",
    "explain.choice.median": "Median",
    "explain.choice.logo": "Logo (customers)",
    "explain.choice.revenue": "Revenue (MRR)",
    "explain.choice.no_reopen": "No reopen",
    "explain.choice.exclude": "Excluded",
    # human readings of options (cxkpi.method)
    "explain.scale_of": "{positive} of {scale}",
    "explain.counted_positive": "{scales} counted positive",
    "explain.mean_of": "score ÷ {max} on {scale}",
    "explain.opt.csat_top2": "CSAT mode top-2-box",
    "explain.opt.csat_mean": "CSAT mode mean score ÷ scale maximum",
    "explain.opt.frt_median": "First response time: median hours",
    "explain.opt.frt_mean": "First response time: mean hours",
    "explain.opt.churn_logo": "Churn basis: logo (customers lost ÷ customers at the start)",
    "explain.opt.churn_revenue": "Churn basis: revenue (MRR of customers lost ÷ MRR at the start)",
    "explain.opt.won_lost_in": "Customers won and lost inside the period: counted in both numerator and denominator",
    "explain.opt.won_lost_out": "Customers won and lost inside the period: not counted (reported separately)",
    "explain.opt.margin": "Gross margin {margin} %",
    "explain.opt.fcr_no_reopen": "A blank reopen count reads as no reopen",
    "explain.opt.fcr_exclude": "A blank reopen count leaves the denominator",
    "explain.opt.ces_reversed": "Read as reversed (1 = very easy): {surveys}",
    "explain.opt.ces_none_reversed": "No survey read as reversed beyond the stored flag",
    "explain.opt.nps_groups": "Promoters 9–10, passives 7–8, detractors 0–6 (1–6 on a 1–10 scale)",
    "explain.opt.scale_overrides": "Survey scale overrides: {surveys}",
    "explain.opt.timezone": "Time zone {tz}: periods are whole days there",
}


def install() -> None:
    """Merge these entries into the English catalogue (existing keys win)."""
    from cxkpi.i18n import EN

    for key, text in EXPLAIN_EN.items():
        EN.setdefault(key, text)


install()
