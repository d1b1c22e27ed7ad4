"""Trends page: one metric over time."""

import streamlit as st

from cxkpi.i18n import t
from pages import common

st.title(t("nav.trends"))
common.counts_section()
