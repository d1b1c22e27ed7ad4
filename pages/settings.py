"""Settings page: metric options, goals, currency, time zone, benchmarks."""


from pages import common

common.page_header("nav.settings")
common.counts_section()
