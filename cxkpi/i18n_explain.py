"""Catalog keys of the method card (pages/explain.py, cxkpi.method) built at run time, marked for extraction.

Like cxkpi/i18n_pages.py: option names and choices are looked up as ``t(f"explain.optname.{name}")``, so
each is marked here with ``N_()`` to stay in the template. English lives in the ``en`` catalog.
"""

from __future__ import annotations

from cxkpi.i18n import N_

DYNAMIC_KEYS: tuple[str, ...] = (
    N_("explain.choice.exclude"),
    N_("explain.choice.logo"),
    N_("explain.choice.mean"),
    N_("explain.choice.median"),
    N_("explain.choice.no_reopen"),
    N_("explain.choice.revenue"),
    N_("explain.choice.top2box"),
    N_("explain.intro"),
    N_("explain.no"),
    N_("explain.optname.churn_rate.basis"),
    N_("explain.optname.churn_rate.include_in_period"),
    N_("explain.optname.clv.margin"),
    N_("explain.optname.csat.mode"),
    N_("explain.optname.fcr.null_reopens"),
    N_("explain.optname.frt.stat"),
    N_("explain.rows_tab_denominator"),
    N_("explain.rows_tab_numerator"),
    N_("explain.yes"),
)


# Parts of metric readings the engine joins with ", " (cxkpi.i18n.t_reading translates them one by one).
READING_PARTS: tuple[str, ...] = (
    N_("reading.scale"),
    N_("reading.separator"),
    N_("reading.of"),
    N_("reading.scales_pooled"),
    N_("logo churn"),
    N_("revenue churn"),
    N_("incl. won-and-lost"),
    N_("active from subscriptions"),
    N_("active from accounts"),
    N_("one agent reply"),
    N_("no reopen (blank reopens = none)"),
    N_("no reopen (blank reopens excluded)"),
    N_("mean hours"),
    N_("median hours"),
    N_("tickets created in the period"),
    N_("top-2-box"),
    N_("mean score ÷ scale maximum"),
    N_("easy = above the scale midpoint"),
    N_("% promoters (9–10) − % detractors (≤ 6)"),
)
