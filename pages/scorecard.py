"""Scorecard page: the thirteen metrics of the selected period as tiles."""


from pages import common

common.page_header("nav.scorecard")
common.counts_section()
