"""Trends page: one metric over time."""


from pages import common

common.page_header("nav.trends")
common.counts_section()
