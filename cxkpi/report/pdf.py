"""The report as a print-quality PDF: Debian's chromium (never a downloaded browser) prints the Report page.

The printer opens the page like a viewer would, with a short-lived print pass in the URL (it has no login
cookie), waits until Streamlit finished the run and every chart drew, then calls ``page.pdf()``. The
viewport is the printable width, since Plotly charts keep their screen width on paper.
"""

from __future__ import annotations

import os
from pathlib import Path

CHROMIUM = os.environ.get("CXKPI_CHROMIUM", "/usr/bin/chromium")
# paper -> (Playwright format, printable width in CSS px with 12 mm margins at 96 dpi)
PAPERS = {"A4": ("A4", 703), "Letter": ("Letter", 726)}
MARGIN = "12mm"
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'
REPORT_READY = '[data-testid="stMarkdownContainer"] .cx-report-end'


def render_pdf(
    url: str, paper: str = "A4", timeout_s: float = 120.0, screenshot: Path | None = None
) -> bytes:
    """PDF bytes of the page at `url` (a Report page URL carrying `share=` or `print=`).

    Runs in a thread of its own: Playwright's sync API refuses a thread that already drives an event loop
    (or another Playwright), as a test process or a server thread may."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_render, url, paper, timeout_s, screenshot).result()


def _render(url: str, paper: str, timeout_s: float, screenshot: Path | None) -> bytes:
    from playwright.sync_api import sync_playwright

    if paper not in PAPERS:
        raise ValueError(f"paper is one of {', '.join(PAPERS)}, not {paper!r}")
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} is missing: install Debian's chromium package")
    fmt, width = PAPERS[paper]
    ms = timeout_s * 1000
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": width, "height": 1000}, device_scale_factor=2)
            page.goto(url, timeout=ms)
            page.wait_for_selector(REPORT_READY, state="attached", timeout=ms)
            page.wait_for_selector(READY, timeout=ms)
            charts = page.locator('[data-testid="stPlotlyChart"]').count()
            if charts:
                page.wait_for_function(
                    f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}", timeout=ms
                )
            page.wait_for_timeout(400)  # fonts and the last chart's transition
            if screenshot is not None:  # what the paper shows: print styles on, the whole page
                page.emulate_media(media="print")
                page.wait_for_timeout(300)
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
            return page.pdf(
                format=fmt, print_background=True,
                margin={"top": MARGIN, "bottom": MARGIN, "left": MARGIN, "right": MARGIN},
            )  # fmt: skip
        finally:
            browser.close()
