"""A real `streamlit run app.py` server and Debian's chromium driven by Playwright, for browser tests.

One server and one browser per test session (a module-level singleton, because fixtures imported into
several test modules would otherwise start one server per module). The server runs on a free port against
a temporary DuckDB store (CXKPI_DB), so it loads the demo workspace on first start exactly as a new user
sees it, with the clock fixed as in AppTest (tests/apphelpers.TODAY, DEMO_END). Its output goes to a log
file, never a PIPE: a long-lived server blocks on a full pipe.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.apphelpers import DEMO_END, TODAY

ROOT = Path(__file__).resolve().parents[1]
FROZEN_CLOCK = Path(__file__).resolve().parent / "frozen_clock"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}

# url path -> the heading each page shows (English catalogue).
PAGES = {
    "": "Scorecard",
    "trends": "Trends",
    "support": "Support",
    "voice": "Voice of customer",
    "revenue": "Revenue & retention",
    "data": "Data",
    "settings": "Settings",
    "explain": "How this number is computed",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path
    workdir: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, n: int = 4000) -> str:
        try:
            return self.log.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def start_server(timeout: float = 60.0, store_url: str | None = None, port: int | None = None,
                 args: tuple[str, ...] = (), env: dict[str, str] | None = None) -> Server:  # fmt: skip
    """A real `streamlit run app.py` on a free port; its own new store unless `store_url` is given.
    `args` go to `streamlit run` (e.g. --secrets.files), `env` adds variables (e.g. CXKPI_SERVE)."""
    workdir = Path(tempfile.mkdtemp(prefix="cxkpi-browser-"))
    port = port or free_port()
    log = workdir / "streamlit.log"
    env = {
        **os.environ,
        "CXKPI_DB": store_url or f"duckdb:///{workdir / 'store.duckdb'}",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        # the clock holds still (tests/frozen_clock/sitecustomize.py): the same today and demo as AppTest
        "PYTHONPATH": os.pathsep.join(filter(None, [str(FROZEN_CLOCK), os.environ.get("PYTHONPATH")])),
        "CXKPI_TEST_TODAY": TODAY.isoformat(),
        "CXKPI_TEST_DEMO_END": DEMO_END.isoformat(),
        **(env or {}),
    }
    cmd = [
        str(Path(sys.executable).parent / "streamlit"),
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        *args,
    ]
    with open(log, "wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    server = Server(url=f"http://127.0.0.1:{port}", proc=proc, log=log, workdir=workdir)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(server.url + "/_stcore/health", timeout=2) as r:
            if r.status == 200:
                return server
        time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"streamlit did not answer within {timeout}s:\n{server.log_tail()}")


_server: Server | None = None
_playwright = None
_browser = None


def _shutdown() -> None:
    global _server, _browser, _playwright
    if _browser is not None:
        with contextlib.suppress(Exception):
            _browser.close()
    if _playwright is not None:
        with contextlib.suppress(Exception):
            _playwright.stop()
    if _server is not None:
        _server.stop()
    _server = _browser = _playwright = None


atexit.register(_shutdown)


def get_server() -> Server:
    global _server
    if _server is None:
        _server = start_server()
    return _server


def get_browser():
    global _playwright, _browser
    if _browser is None:
        if not Path(CHROMIUM).exists():
            pytest.fail(f"{CHROMIUM} is missing: run `make setup-system` (Debian package chromium)")
        from playwright.sync_api import sync_playwright

        _playwright = sync_playwright().start()
        _browser = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    return _browser


@pytest.fixture(scope="session")
def server() -> Server:
    return get_server()


@pytest.fixture
def page_factory(server: Server) -> Iterator:
    """Open a new browser page at a viewport; closed after the test."""
    browser = get_browser()
    opened = []

    def make(viewport: str = "desktop"):
        ctx = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
        opened.append(ctx)
        return ctx.new_page()

    yield make
    for ctx in opened:
        ctx.close()


def wait_ready(page, heading: str | None = None, timeout: float = 120_000) -> None:
    """Wait until the script finished and (optionally) the page heading is visible."""
    if heading is not None:
        try:
            page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=timeout)
        except Exception:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / "FAILED-wait.png"))
            raise
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    # Plotly and dataframes draw a moment after the script ends.
    # (a dataframe inside a closed expander stays hidden, so only wait for it to exist)
    for sel, state in (('[data-testid="stPlotlyChart"]', "visible"), ('[data-testid="stDataFrame"]', "attached")):
        if page.locator(sel).count():
            page.locator(sel).first.wait_for(state=state, timeout=timeout)
    if page.locator(".js-plotly-plot").count() < page.locator('[data-testid="stPlotlyChart"]').count():
        page.wait_for_timeout(500)
    page.wait_for_timeout(300)


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.locator('[data-testid="stException"]').all()]


def screenshot(page, name: str) -> Path:
    """The whole page: Streamlit scrolls inside its main container, so grow the viewport to fit it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 6000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path
