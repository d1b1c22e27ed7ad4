"""English catalogue entries for the readings a finance lead checks: the latest value of another period,
filters a metric cannot apply, the assumed margin, the scorecard table, readable rows and chart scales.

Merged into cxkpi.i18n's English catalogue on import (existing keys win), like cxkpi/i18n_pages.py.
"""

from __future__ import annotations

READINGS_EN: dict[str, str] = {
    # tiles: the latest value when the period has none
    "tile.no_answers_latest": "No answers in {period} — latest {value}, {latest_period}, n = {n}",
    "tile.no_data_latest": "No data in {period} — latest {value}, {latest_period}",
    "tile.no_data_latest_n": "No data in {period} — latest {value}, {latest_period}, n = {n}",
    "tile.not_this_period": "not {current}",
    "tile.other_period_help": "The most recent month with data, shown because the selected period has none. "
    "It is never compared with another period or counted towards a goal.",
    "tile.has_data_elsewhere": "The workspace holds such data, none of it in {period}.",
    "tile.has_data_filtered": "The workspace holds such data, none of it in {period} under these filters.",
    "tile.filter_blocked": "Not available under this filter",
    "tile.margin_assumed": "margin not set — 100 % assumed",
    "tile.set_margin": "Set the gross margin in Settings",
    "tile.clv_window": "churn over {window}: {churned} churned customers",
    "tile.clv_cap_applied": "lifespan capped at {cap} months",
    # the scorecard as a table
    "scorecard_table.heading": "The scorecard as a table",
    "scorecard_table.col_metric": "Metric",
    "scorecard_table.col_value": "Value",
    "scorecard_table.col_unit": "Unit",
    "scorecard_table.col_n": "n",
    "scorecard_table.col_period": "Period",
    "scorecard_table.col_filters": "Filters",
    "scorecard_table.col_note": "Note",
    "scorecard_table.not_available": "not available",
    "scorecard_table.latest_note": "no data in this period; latest {value} in {latest_period} (n = {n})",
    "scorecard_table.download": "Download the scorecard (CSV)",
    "scorecard_table.no_filters": "none",
    # readable rows (Explain page)
    "rows.download_readable": "Download these rows (CSV)",
    "rows.download_raw": "Raw rows with internal columns (CSV)",
    "rows.readable_help": "Customer, e-mail, segment and the answer as given; the raw file keeps every internal column.",
    "rows.col_submitted": "Submitted",
    "rows.col_customer": "Customer",
    "rows.col_email": "E-mail",
    "rows.col_segment": "Segment",
    "rows.col_survey": "Survey",
    "rows.col_score": "Score",
    "rows.col_scale": "Scale",
    "rows.col_counts_as": "Counts as",
    "rows.col_positive": "Positive",
    "rows.col_reversed": "Reversed scale",
    "rows.col_channel": "Channel",
    "rows.col_comment": "Comment",
    "rows.col_response": "Response id",
    "rows.yes": "yes",
    "rows.no": "no",
    # the CLV card's lifespan cap option
    "explain.optname.clv.lifespan_cap": "Lifespan cap (months)",
    "explain.opt.lifespan_cap": "Lifespan capped at {months} months",
    "explain.opt.no_cap": "Lifespan not capped",
    "explain.clv_basis": "Lifespan from churn",
    # charts
    "voice.small_n": "Months with fewer than {threshold} NPS answers are faded; each bar is labelled with its n.",
    "voice.positive_title": "Share of positive answers per survey (%)",
    "voice.positive_axis": "positive answers (%)",
    "voice.positive_note": "A Good/Bad rating has no 1–5 scores, so every survey is shown as its share of positive "
    "answers (Good, or the top two boxes) with its n.",
}


def install() -> None:
    """Merge these entries into the English catalogue (existing keys win)."""
    from cxkpi.i18n import EN

    for key, text in READINGS_EN.items():
        EN.setdefault(key, text)


install()
