"""In a real browser: /explain?metric=csat on the demo store shows the method card and the rows, the CSV download
holds the denominator's rows, and another CSAT definition changes the value. Screenshots at 1280×800 and 390×844."""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import browser
from tests.apphelpers import demo_template  # noqa: F401
from tests.browser import exceptions, screenshot, wait_ready

pytestmark = pytest.mark.browser

HEADING = "How this number is computed"


@pytest.fixture(scope="module")
def explain_server() -> browser.Server:
    return browser.get_server()  # app.py lists the Explain page: the shared server has it


@pytest.fixture
def new_page(explain_server: browser.Server) -> Iterator:
    b = browser.get_browser()
    opened = []

    def make(viewport: str = "desktop"):
        ctx = b.new_context(
            viewport=browser.VIEWPORTS[viewport], device_scale_factor=1, accept_downloads=True
        )
        opened.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in opened:
        with contextlib.suppress(Exception):
            ctx.close()


def metric_value(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return box.first.locator('[data-testid="stMetricValue"]').inner_text().strip()


def open_explain(page, server: browser.Server, query: str = "metric=csat") -> None:
    # a fresh server loads the demo on its first request: open the root first, then the deep link
    page.goto(server.url)
    wait_ready(page, "Scorecard")
    page.goto(f"{server.url}/explain?{query}")
    wait_ready(page, HEADING)
    assert exceptions(page) == []


@pytest.fixture
def q3_csat_answers(demo_template) -> int:  # noqa: F811
    import datetime as dt

    from cxkpi import metrics
    from cxkpi.store import make_engine

    eng = make_engine(f"duckdb:///{demo_template}")
    try:
        q3 = metrics.Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))  # last quarter of TODAY, 15 Nov 2026
        return metrics.compute(eng, "csat", q3).denominator
    finally:
        eng.dispose()


def test_card_rows_download_and_another_definition(new_page, explain_server, q3_csat_answers):
    page = new_page("desktop")
    open_explain(page, explain_server, "metric=csat&period=last_quarter")
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Share of satisfied customers" in body and "counted positive" in body
    assert "The rows behind it" in body and "demo workspace" in body
    denominator = int(metric_value(page, "Denominator").replace(",", ""))
    # the server's demo is the template's (same end month): the engine's count of Q3 2026 CSAT answers
    assert denominator == q3_csat_answers
    screenshot(page, "explain-desktop")

    # the denominator tab's two CSVs (readable first, then raw) each hold a header and exactly its rows
    page.get_by_role("tab", name="Denominator rows").click()
    buttons = page.locator('[data-testid="stDownloadButton"] button').filter(visible=True)
    files = []
    for i in range(2):
        with page.expect_download(timeout=30_000) as info:
            buttons.nth(i).click()
        files.append(list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8")))))
    readable, raw = files
    assert readable[0][:2] == ["Submitted", "Customer"] and len(readable) - 1 == denominator
    assert raw[0][:2] == ["response_id", "system"] and "load_id" in raw[0] and "load_file" in raw[0]
    assert len(raw) - 1 == denominator

    # another CSAT definition: mean instead of top-2-box
    before = metric_value(page, "CSAT with this definition")
    page.locator('[class*="st-key-x_opt_csat"] label').filter(has_text="Mean").first.click()
    page.wait_for_function(
        """([label, old]) => [...document.querySelectorAll('[data-testid=stMetric]')].some(
             m => m.innerText.includes(label) && !m.innerText.includes(old))""",
        arg=["CSAT with this definition", before],
        timeout=60_000,
    )
    wait_ready(page)
    after = metric_value(page, "CSAT with this definition")
    assert after != before and metric_value(page, "CSAT now") == before
    assert "No other metric changes." in page.locator('[data-testid="stMain"]').inner_text()


def test_phone_layout(new_page, explain_server):
    page = new_page("phone")
    open_explain(page, explain_server, "metric=csat&period=last_quarter")
    assert page.get_by_role("heading", name=HEADING).first.is_visible()
    # nothing wider than the phone's screen (a cut-off table or equation would scroll the page sideways)
    width = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
    assert width <= 390
    screenshot(page, "explain-phone")
