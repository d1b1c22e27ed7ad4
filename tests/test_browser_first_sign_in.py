"""In a real browser: on a freshly started team-mode server, the editor signs in with ONE click of Sign in.

Regression: a fresh server's very first run goes through Streamlit's pages/-folder wrapper, which gives the
widgets app.py draws (the sidebar's password form) other ids than every later run. The name and password
typed into the form of that first page were dropped on Sign in — the form came back empty, with neither an
error nor a sign-in — so a test that opened one page and signed in once waited forever. pages/auth.py now
reruns that first run in the app's own navigation before drawing the form.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from tests.browser import VIEWPORTS, Server, exceptions, get_browser, start_server, wait_ready

pytestmark = pytest.mark.browser

EDITOR_PASSWORD = "an-editor-password-for-this-test"


@pytest.fixture(scope="module")
def fresh_team_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    url = f"duckdb:///{tmp_path_factory.mktemp('first-sign-in') / 'store.duckdb'}"
    eng = make_engine(url)
    with eng.begin() as conn:  # no demo to build on first start: the page comes up quickly
        conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
    eng.dispose()
    # its own server: the bug lived only in the first run a server process ever makes
    server = start_server(
        store_url=url, env={"CXKPI_SERVE": "team", "CXKPI_EDITOR_PASSWORD": EDITOR_PASSWORD}
    )
    try:
        yield server
    finally:
        server.stop()


def test_the_first_page_of_a_fresh_team_server_signs_an_editor_in_with_one_click(fresh_team_server):
    ctx = get_browser().new_context(viewport=VIEWPORTS["desktop"], device_scale_factor=1)
    page = ctx.new_page()
    try:
        page.goto(fresh_team_server.url)  # the server's first request
        wait_ready(page, "Scorecard")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "Signed in as guest · viewer" in sidebar.inner_text()
        page.get_by_text("Editor sign-in").click()
        page.get_by_role("textbox", name="Name").fill("editor")
        page.get_by_role("textbox", name="Password").fill(EDITOR_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as editor · editor").wait_for(timeout=60_000)
        wait_ready(page)
        menu = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert any(m.strip().endswith("Data") for m in menu), menu
        assert exceptions(page) == []
    finally:
        ctx.close()
