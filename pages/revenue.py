"""Revenue page: heading, what the store holds, and an empty state until its charts land."""

import streamlit as st

from cxkpi.i18n import t
from pages import common

with common.page("revenue", "page.revenue.intro"):
    st.info(t("page.coming_soon"), icon=":material/construction:")
    common.counts_section()
