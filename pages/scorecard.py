"""Scorecard page: the thirteen metrics of the selected period as tiles."""

import streamlit as st

from cxkpi.i18n import t
from pages import common

st.title(t("nav.scorecard"))
common.counts_section()
