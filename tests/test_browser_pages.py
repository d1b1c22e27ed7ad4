"""In a real browser, every page shows its heading without an exception, on a desktop and a phone."""

from __future__ import annotations

import pytest

from tests.browser import PAGES, exceptions, page_factory, screenshot, server, wait_ready  # noqa: F401

pytestmark = pytest.mark.browser


# The menu of the person at the machine (an editor): analysis pages and the report, then the editor's pages.
NAV = [
    "Scorecard", "Trends", "Support", "Voice of customer", "Revenue & retention", "How this number is computed",
    "Report", "Data", "Settings", "Shared links",
]


def nav_titles(page) -> list[str]:
    return [a.inner_text().split("\n")[-1] for a in page.locator('[data-testid="stSidebarNav"] a').all()]


def test_a_deep_link_as_the_first_request_gets_the_apps_navigation(page_factory, server):  # noqa: F811
    """Regression: with a pages/ folder, a fresh server whose first request was /trends ran the page
    alone in legacy mode (menu of every file in pages/, no wide layout) and stayed that way."""
    page = page_factory("desktop")
    page.goto(f"{server.url}/trends?period=last_quarter")
    wait_ready(page, "Trends")
    assert nav_titles(page) == NAV
    assert "period=last_quarter" in page.url


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_page_shows_its_heading_and_no_exception(page_factory, server, viewport):  # noqa: F811
    page = page_factory(viewport)
    for path, heading in PAGES.items():
        page.goto(f"{server.url}/{path}")
        wait_ready(page, heading)
        assert page.get_by_role("heading", name=heading, exact=True).first.is_visible()
        assert exceptions(page) == [], f"/{path}: {exceptions(page)}"
        screenshot(page, f"{path or 'scorecard'}-{viewport}")


def test_demo_label_is_visible_on_first_start(page_factory, server):  # noqa: F811
    page = page_factory("desktop")
    page.goto(server.url)
    wait_ready(page, "Scorecard")
    from cxkpi.i18n import t

    assert page.locator(".st-key-demo_banner").count() == 1, "no demo label on first start\n" + server.log_tail()
    page.locator(".st-key-demo_banner a").first.wait_for(state="visible", timeout=30_000)
    assert "Demo data" in page.locator(".st-key-demo_banner").inner_text()
    assert t("demo.clear_hint") in page.locator(".st-key-demo_banner").inner_text()


def test_share_link_carries_page_and_view_and_reproduces_it(page_factory, server):  # noqa: F811
    page = page_factory("desktop")
    page.goto(f"{server.url}/trends?period=last_quarter&segment=Enterprise&compare=yoy")
    wait_ready(page, "Trends")
    button = page.locator("button.cx-copy")
    button.wait_for(state="visible")
    assert "Copy share link" in button.inner_text()
    # clicking copies the link (Clipboard API; chromium grants it to the page in this context)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    button.click()
    page.get_by_text("Copied").wait_for(timeout=5000)
    url = button.get_attribute("data-url")
    assert "/trends?" in url and "segment=Enterprise" in url and "period=last_quarter" in url and "compare=yoy" in url
    # opening the link in a fresh page reproduces the view
    other = page_factory("desktop")
    other.goto(url)
    wait_ready(other, "Trends")
    assert "segment=Enterprise" in other.url and "compare=yoy" in other.url
    # the server read the link into the same view: its own share link is the same URL
    other.locator("button.cx-copy").wait_for(state="visible")
    assert other.locator("button.cx-copy").get_attribute("data-url") == url
