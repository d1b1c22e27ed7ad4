"""Trends page: one metric over time."""


from pages import common

with common.page("trends"):
    common.counts_section()
