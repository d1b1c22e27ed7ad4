"""In a real browser, every page shows its heading without an exception, on a desktop and a phone."""

from __future__ import annotations

import pytest

from tests.browser import PAGES, exceptions, page_factory, screenshot, server, wait_ready  # noqa: F401

pytestmark = pytest.mark.browser


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

    if page.locator(".st-key-demo_banner").count() == 0:
        pytest.fail("no demo label on first start (is cxkpi.demo installed?)\n" + server.log_tail())
    assert "Demo data" in page.locator(".st-key-demo_banner").inner_text()
    assert t("demo.clear_hint") in page.locator(".st-key-demo_banner").inner_text()
