"""In a real browser: upload a Zendesk and a Qualtrics export through the Data page into a store without demo
data, load them, and read on the Scorecard the CSAT that `cxkpi scorecard --format json` prints for the same
period on the same store. Screenshots of the Data page with its previews, at 1280×800 and 390×844."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser import (
    ROOT,
    VIEWPORTS,
    Server,
    exceptions,
    get_browser,
    screenshot,
    start_server,
    wait_ready,
)
from tests.conftest import SAMPLE_EXPORTS

pytestmark = pytest.mark.browser

FILES = ("zendesk_tickets.csv", "qualtrics_csat.csv")
FROM, TO = "2025-01-01", "2025-12-31"  # the fixtures' year


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    path = tmp_path_factory.mktemp("browser-data") / "store.duckdb"
    url = f"duckdb:///{path}"
    eng = make_engine(url)
    with eng.begin() as conn:  # the marker the app leaves when a user clears the demo
        conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
    eng.dispose()
    server = start_server(store_url=url)  # a store whose demo was cleared, so none is loaded
    try:
        yield server, url
    finally:
        server.stop()


def _page(viewport: str):
    ctx = get_browser().new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
    return ctx, ctx.new_page()


def _cli_scorecard(url: str) -> dict:
    out = subprocess.run(
        [str(Path(sys.executable).parent / "cxkpi"), "scorecard", "--from", FROM, "--to", TO, "--db", url,
         "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(out.stdout)


def test_upload_load_and_read_the_same_csat_as_the_cli(bare_server):
    server, url = bare_server
    ctx, page = _page("desktop")
    try:
        # the app's root first: a fresh server must see app.py's navigation before any deep link
        page.goto(server.url)
        wait_ready(page, "Scorecard")
        assert page.locator(".st-key-demo_banner").count() == 0, "the store should hold no demo data"
        page.goto(f"{server.url}/data")
        wait_ready(page, "Data")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [str(SAMPLE_EXPORTS / f) for f in FILES])
        page.get_by_text("2 file(s) · 2 ready to load").wait_for(timeout=60_000)
        wait_ready(page)
        for name in FILES:
            assert page.get_by_text(name, exact=False).first.is_visible()
        assert page.get_by_text("Recognized as Zendesk", exact=False).first.is_visible()
        assert page.get_by_text("Recognized as Qualtrics", exact=False).first.is_visible()
        assert exceptions(page) == []
        screenshot(page, "data-preview-desktop")
        page.get_by_role("button", name="Load all ready (2)").click()
        page.get_by_text("qualtrics_csat.csv loaded as load #", exact=False).wait_for(timeout=60_000)
        page.get_by_text("zendesk_tickets.csv loaded as load #", exact=False).wait_for(timeout=60_000)
        wait_ready(page)
        assert exceptions(page) == []

        page.goto(f"{server.url}/?period=custom&from={FROM}&to={TO}")
        wait_ready(page, "Scorecard")
        tile = page.locator('.st-key-tile_csat [data-testid="stMetricValue"]')
        tile.wait_for(timeout=60_000)
        shown = tile.inner_text().replace("\u00a0", " ").strip()
        screenshot(page, "scorecard-after-upload-desktop")
    finally:
        ctx.close()
    server.stop()  # DuckDB admits one writing process: let the CLI open the same file
    cli = _cli_scorecard(url)["metrics"]["csat"]
    from cxkpi import formatting as fmt

    # Zendesk: 26 Good of 34 rated (8 Bad); Qualtrics: 16 fives + 12 fours = 28 of 40 at 4–5 (tests/fixtures/README.md)
    # → (26 + 28) / (34 + 40) = 54 / 74 = 72.97 % → 73.0 %
    assert (cli["numerator"], cli["n"]) == (54, 74), cli
    assert shown == "73.0 %" == fmt.percent(cli["value"]).replace("\u00a0", " "), (shown, cli)


@pytest.mark.parametrize("viewport", ["phone"])
def test_data_page_previews_fit_a_phone(viewport, tmp_path):
    """The preview cards on a 390 px screen (a separate store, so the desktop test's loads do not matter)."""
    from tests.browser import get_server

    server = get_server()  # the shared demo server: uploading only previews, nothing is loaded
    ctx, page = _page(viewport)
    try:
        page.goto(server.url)
        wait_ready(page, "Scorecard")
        page.goto(f"{server.url}/data")
        wait_ready(page, "Data")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [str(SAMPLE_EXPORTS / f) for f in FILES])
        page.get_by_text("ready to load", exact=False).first.wait_for(timeout=60_000)
        wait_ready(page)
        assert exceptions(page) == []
        # nothing wider than the screen: no horizontal scrolling of the page itself
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, overflow
        # both preview cards are there, stacked on the narrow screen
        assert page.get_by_text("Recognized as Zendesk", exact=False).first.is_visible()
        assert page.get_by_text("Recognized as Qualtrics", exact=False).first.is_visible()
        screenshot(page, f"data-preview-{viewport}")
    finally:
        ctx.close()
