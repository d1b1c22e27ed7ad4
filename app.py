"""cxkpi dashboard entry point: page config, one shared store, navigation, global sidebar controls.

Run with `make run` (or `streamlit run app.py`). The store URL comes from $CXKPI_DB
(default duckdb:///data/cxkpi.duckdb). Pages live in pages/ and only call the library and draw.
"""

from __future__ import annotations

import streamlit as st

from cxkpi.i18n import set_locale, t
from pages import common

st.set_page_config(page_title="cxkpi", page_icon=":material/insights:", layout="wide")
# the menu's titles in this viewer's language (each run starts in a fresh context: choose it before t())
set_locale(common.session_language())

PAGES = [
    st.Page("pages/scorecard.py", title=t("nav.scorecard"), icon=":material/dashboard:", default=True),
    st.Page("pages/trends.py", title=t("nav.trends"), icon=":material/show_chart:", url_path="trends"),
    st.Page("pages/support.py", title=t("nav.support"), icon=":material/support_agent:", url_path="support"),
    st.Page("pages/voice.py", title=t("nav.voice"), icon=":material/forum:", url_path="voice"),
    st.Page("pages/revenue.py", title=t("nav.revenue"), icon=":material/payments:", url_path="revenue"),
    st.Page("pages/data.py", title=t("nav.data"), icon=":material/database:", url_path="data"),
    st.Page("pages/settings.py", title=t("nav.settings"), icon=":material/settings:", url_path="settings"),
    st.Page("pages/explain.py", title=t("nav.explain"), icon=":material/calculate:", url_path="explain"),
]

# Each page draws its own sidebar controls and header through pages.common.page(), so a page reached
# by the menu, a shared link or AppTest (which reruns only the page script) draws the same.
st.navigation(PAGES).run()
