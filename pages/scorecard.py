"""Scorecard page: the thirteen metrics of the selected period as tiles."""


from pages import common

with common.page("scorecard"):
    common.counts_section()
