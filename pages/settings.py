"""Settings page: metric options, goals, currency, time zone, benchmarks."""

import streamlit as st

from cxkpi.i18n import t
from pages import common

st.title(t("nav.settings"))
common.counts_section()
