"""Data page: imports (built by the importer owner later), the demo workspace, what the store holds."""

import streamlit as st

from cxkpi.i18n import t
from pages import common

with common.page("data", "page.data.intro"):
    st.subheader(t("demo.section"))
    if common.optional("cxkpi.demo") is None:
        st.info(t("demo.unavailable"), icon=":material/hourglass_empty:")
    elif common.demo_loaded():
        st.write(t("demo.is_loaded"))
        if st.button(t("demo.clear_button"), icon=":material/delete_sweep:", key="clear_demo"):
            common.clear_demo()
            st.success(t("demo.cleared"))
            st.rerun()
    else:
        st.write(t("demo.not_loaded"))
        if st.button(t("demo.load_button"), icon=":material/science:", key="load_demo"):
            with st.spinner(t("demo.load_button")):
                common.load_demo()
            st.rerun()

    common.counts_section()
