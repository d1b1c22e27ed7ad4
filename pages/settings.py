"""Settings page: metric options, goals, currency, time zone, benchmarks."""


from pages import common

with common.page("settings"):
    common.counts_section()
