"""cxkpi dashboard entry point: page config, one shared store, navigation, global sidebar controls.

Run with `make run` (or `streamlit run app.py`). The store URL comes from $CXKPI_DB
(default duckdb:///data/cxkpi.duckdb). Pages live in pages/ and only call the library and draw.
"""

from __future__ import annotations

import streamlit as st

import cxkpi.access.texts  # noqa: F401  (English texts of sign-in, links and the report)
from cxkpi.access import SYSTEM, Actor, acting_as, set_default_hook
from cxkpi.i18n import set_locale, t
from pages import auth, common

st.set_page_config(page_title="cxkpi", page_icon=":material/insights:", layout="wide")

# A page run that forgot to set its actor acts as an anonymous viewer (it cannot write); code outside page
# runs (the test process, the command line) keeps the machine user.
set_default_hook(auth.default_actor)


def pages_for(who: Actor) -> list[st.Page]:
    """A viewer's menu leaves out Data, Settings and Shared links: a page not in it cannot be reached by URL."""
    pages = [
        st.Page("pages/scorecard.py", title=t("nav.scorecard"), icon=":material/dashboard:", default=True),
        st.Page("pages/trends.py", title=t("nav.trends"), icon=":material/show_chart:", url_path="trends"),
        st.Page(
            "pages/support.py", title=t("nav.support"), icon=":material/support_agent:", url_path="support"
        ),
        st.Page("pages/voice.py", title=t("nav.voice"), icon=":material/forum:", url_path="voice"),
        st.Page("pages/revenue.py", title=t("nav.revenue"), icon=":material/payments:", url_path="revenue"),
        st.Page("pages/explain.py", title=t("nav.explain"), icon=":material/calculate:", url_path="explain"),
        REPORT,
    ]
    if who.can_edit:
        pages += [
            st.Page("pages/data.py", title=t("nav.data"), icon=":material/database:", url_path="data"),
            st.Page(
                "pages/settings.py", title=t("nav.settings"), icon=":material/settings:", url_path="settings"
            ),
            st.Page("pages/shares.py", title=t("nav.shares"), icon=":material/share:", url_path="shares"),
        ]
    return pages


def only(draw, title: str) -> None:
    """One plain page and nothing else (a refused link, sign-in first, no access). Through st.navigation, so
    Streamlit never falls back to listing the pages/ folder."""
    st.navigation([st.Page(draw, title=title, url_path="signin", default=True)], position="hidden").run()
    st.stop()


# One run's scope (pages.common.one_run): the data version, settings and goals are read once per run,
# by this script and the page it runs alike.
with common.one_run():
    # the menu's titles in this viewer's language (each run starts in a fresh context: choose it before t())
    set_locale(common.session_language())
    REPORT = st.Page("pages/report.py", title=t("nav.report"), icon=":material/print:", url_path="report")
    with acting_as(SYSTEM):  # the first-start demo load is the system's doing, whoever visits first
        common.startup()
    refused = auth.open_link_from_url(common.engine())
    if refused:

        def refused_link() -> None:
            auth.refused_page(refused)

        only(refused_link, t("share.refused.title"))
    who = auth.current()
    if who is auth.NOBODY:
        email = auth.signed_in_email()

        def no_access() -> None:
            auth.no_access_page(email)

        only(no_access if email else auth.sign_in_page, "cxkpi")
    auth.sidebar_identity(who)
    if auth.link_session():
        # a shared link or a print pass shows its one view: the report, nothing else
        st.navigation([st.Page("pages/report.py", title=t("nav.report"), icon=":material/print:", url_path="report",
                               default=True)], position="hidden").run()  # fmt: skip
    else:
        # Each page draws its own sidebar controls and header through pages.common.page(), so a page reached
        # by the menu, a shared link or AppTest (which reruns only the page script) draws the same.
        st.navigation(pages_for(who)).run()
# The server's long-lived objects out of the full collection Streamlit runs after each script run.
common.freeze_long_lived()
