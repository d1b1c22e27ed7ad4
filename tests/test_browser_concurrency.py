"""Many users at once, in a real browser: 20 sessions browse while 3 people load different files through the
Data page at the same moment, and the command line runs against the same DuckDB file meanwhile.

What must hold: no error on any page; every upload's rows are in the store exactly once; each uploader's
"loaded as load #N" names the load that really holds their file; `cxkpi scorecard` and `cxkpi ingest`
against the served file print the one-line "in use" message (DuckDB's one-process rule) instead of a
traceback. The 20 browsing sessions are 20 pages (20 Streamlit sessions) of one small-viewport browser
context, four pages in turn; each is opened as the uploads start and must draw without an error while they run.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser import ROOT, VIEWPORTS, exceptions, get_browser, start_server
from tests.conftest import SAMPLE_EXPORTS

pytestmark = [pytest.mark.browser, pytest.mark.timeout(600)]  # 23 sessions on two cores

# Three different files and what each holds (counted in the files; see tests/test_store_concurrency.py).
UPLOADS = {
    "zendesk_tickets.csv": {"tickets": 48, "responses": 34},
    "freshdesk_tickets.csv": {"tickets": 40, "responses": 32},
    "qualtrics_csat.csv": {"responses": 80},
}
SEED = ("delighted_nps.csv", "stripe_subscriptions.csv")  # something to browse before the uploads
BROWSERS = 20
ROUTES = [("", "Scorecard"), ("trends", "Trends"), ("support", "Support"), ("voice", "Voice of customer")]


def _seeded_store(path: Path) -> str:
    from cxkpi.ingest import api
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    url = f"duckdb:///{path}"
    eng = make_engine(url)
    with eng.begin() as conn:  # no demo: the store holds only what this test loads
        conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
    for name in SEED:
        assert not api.ingest_file(eng, SAMPLE_EXPORTS / name).rejected
    eng.dispose()
    return url


def _cli(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cxkpi", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _drawn(page, heading: str) -> None:
    """The page's heading is up and its script has finished: all a browsing session needs (no chart waits)."""
    page.get_by_role("heading", name=heading, exact=True).first.wait_for(timeout=240_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=240_000)


def test_twenty_sessions_browse_while_three_upload_and_the_cli_is_told_why(tmp_path: Path) -> None:
    url = _seeded_store(tmp_path / "store.duckdb")
    server = start_server(store_url=url, timeout=120)
    # The person at the machine is an editor (local mode). Through IPv6 loopback: the server reports an IPv4
    # client on its dual-stack socket as ::ffff:127.0.0.1, which local mode does not take for loopback.
    base = server.url.replace("127.0.0.1", "[::1]")
    browser = get_browser()
    # Each page is its own Streamlit session (its own websocket); pages of one context share the HTTP cache,
    # so the app's scripts are fetched once, and a small viewport keeps the drawing cheap on two cores.
    uploading = browser.new_context(viewport=VIEWPORTS["desktop"], device_scale_factor=1)
    browsing_ctx = browser.new_context(viewport={"width": 480, "height": 360}, device_scale_factor=1)
    for ctx in (uploading, browsing_ctx):  # 23 sessions on two cores: the server may answer a page late
        ctx.set_default_navigation_timeout(120_000)
    try:
        # Three uploaders, each with a different file previewed and ready (opened together, waited on in turn).
        uploaders = {name: uploading.new_page() for name in UPLOADS}
        for page in uploaders.values():
            page.goto(f"{base}/data", wait_until="commit")
        for name, page in uploaders.items():
            _drawn(page, "Data")
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
                str(SAMPLE_EXPORTS / name)
            )
        for name, page in uploaders.items():
            page.get_by_text("1 file(s) · 1 ready to load").wait_for(timeout=240_000)
            page.wait_for_selector(
                '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=240_000
            )
            print("ready to load:", name, flush=True)
        # Twenty browsing sessions open their pages; the Load buttons are pressed while those pages run.
        browsing = [browsing_ctx.new_page() for _ in range(BROWSERS)]
        for i, page in enumerate(browsing):
            path, _ = ROUTES[i % len(ROUTES)]
            page.goto(f"{base}/{path}", wait_until="commit")
        # The three Load buttons pressed together; the sessions keep browsing and the CLI tries the file.
        for page in uploaders.values():
            page.get_by_role("button", name="Load this file").click(no_wait_after=True)
        cli = [
            _cli("scorecard", "--from", "2025-01-01", "--to", "2025-12-31", "--db", url),
            _cli("ingest", str(SAMPLE_EXPORTS / "typeform_ces.csv"), "--db", url),
        ]

        print("uploads pressed, sessions browsing", flush=True)
        told: dict[str, int] = {}
        for name, page in uploaders.items():
            msg = page.get_by_text(f"{name} loaded as load #", exact=False).first
            msg.wait_for(timeout=300_000)
            told[name] = int(re.search(r"load #(\d+)", msg.inner_text()).group(1))
            assert exceptions(page) == [], name
        for i, page in enumerate(browsing):
            _, heading = ROUTES[i % len(ROUTES)]
            _drawn(page, heading)
            assert exceptions(page) == [], (i, exceptions(page))
            body = page.locator("body").inner_text()
            assert "OperationalError" not in body and "The store is busy" not in body, i
        print("every session drew its page", flush=True)
        outs = [p.communicate(timeout=180) for p in cli]
    finally:
        uploading.close()
        browsing_ctx.close()
        server.stop()

    # The command line, while the dashboard served the file: one line naming the holder, exit status 3.
    for p, (stdout, stderr) in zip(cli, outs, strict=True):
        assert p.returncode == 3, (stdout, stderr)
        lines = stderr.strip().splitlines()
        assert len(lines) == 1 and "in use by process" in lines[0] and "dashboard" in lines[0], stderr

    from cxkpi.store import make_engine
    from cxkpi.store.schema import CANONICAL, loads

    eng = make_engine(url)
    with eng.connect() as conn:
        rows = {r.file_name: r.load_id for r in conn.execute(sa.select(loads.c.file_name, loads.c.load_id))}
        # two seed loads (#1, #2), then the three uploads in whatever order they got their turn (#3–#5)
        assert sorted(rows.values()) == [1, 2, 3, 4, 5]
        assert "typeform_ces.csv" not in rows  # the refused CLI import wrote nothing
        for name, expected in UPLOADS.items():
            assert told[name] == rows[name], (name, told, rows)  # each uploader was told the truth
            for table, n in expected.items():
                t = CANONICAL[table]
                got = conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.load_id == rows[name]))
                assert got.scalar() == n, (name, table)
        # every ticket once: 48 Zendesk + 40 Freshdesk, no duplicate natural keys
        t = CANONICAL["tickets"]
        assert conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() == 48 + 40
        keys = conn.execute(
            sa.select(sa.func.count(sa.distinct(sa.tuple_(t.c.system, t.c.ticket_id))))
        ).scalar()
        assert keys == 48 + 40
    eng.dispose()
