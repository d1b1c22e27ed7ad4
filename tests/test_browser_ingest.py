"""In a real browser, exports of tools cxkpi does not know: a Chinese survey (GBK, `1、`-numbered questions,
label answers) and an Italian survey each load with one click on the Data page and give the right CSAT and
NPS; an unfamiliar ticket export shows its proposed reading in plain words with the evidence."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.browser import ROOT, VIEWPORTS, Server, exceptions, get_browser, start_server, wait_ready
from tests.test_recognize import ITALIAN_TICKETS, WJX

pytestmark = pytest.mark.browser

ITALIAN_SURVEY = (
    "ID risposta;Data invio;Indirizzo email;Quanto è soddisfatto del nostro servizio di assistenza?;"
    "Quanto è probabile che ci consigli a un amico o collega?\n"
    "R1;03/03/2025 10:00;a@x.example;Molto soddisfatto;9\n"
    "R2;14/03/2025 11:30;b@x.example;Soddisfatto;10\n"
    "R3;18/03/2025 09:15;c@x.example;Insoddisfatto;4\n"
    "R4;21/03/2025 16:45;d@x.example;Molto soddisfatto;8\n"
)
EDITOR_PASSWORD = "an-editor-password-for-this-test"
FILES = {"wjx_survey.csv": WJX.encode("gbk"), "sondaggio.csv": ITALIAN_SURVEY.encode("utf-8"),
         "ticket_it.csv": ITALIAN_TICKETS.encode("utf-8")}


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str, Path]]:
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    folder = tmp_path_factory.mktemp("browser-ingest")
    url = f"duckdb:///{folder / 'store.duckdb'}"
    eng = make_engine(url)
    with eng.begin() as conn:  # a store whose demo was cleared: no demo rows mixed in
        conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
    eng.dispose()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    server = start_server(store_url=url, env={"CXKPI_SERVE": "team", "CXKPI_EDITOR_PASSWORD": EDITOR_PASSWORD})
    try:
        yield server, url, folder
    finally:
        server.stop()


def _scorecard(url: str) -> dict[str, float]:
    out = subprocess.run(
        [str(Path(sys.executable).parent / "cxkpi"), "scorecard", "--from", "2025-03-01", "--to", "2025-03-31",
         "--db", url, "--format", "json"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    return {key: m["value"] for key, m in json.loads(out.stdout)["metrics"].items()}


def test_unknown_surveys_load_with_one_click_and_a_ticket_export_shows_its_reading(bare_server):
    server, url, folder = bare_server
    ctx = get_browser().new_context(viewport=VIEWPORTS["desktop"], device_scale_factor=1)
    page = ctx.new_page()
    try:
        page.goto(server.url)
        wait_ready(page, "Scorecard")
        # Loading is an editor's job: sign in with the local editor password, then open Data from the menu.
        page.get_by_text("Editor sign-in").click()
        page.get_by_role("textbox", name="Name").wait_for(timeout=30_000)
        wait_ready(page)
        page.get_by_role("textbox", name="Name").fill("editor")
        page.get_by_role("textbox", name="Name").press("Tab")
        page.get_by_role("textbox", name="Password").fill(EDITOR_PASSWORD)
        page.get_by_role("textbox", name="Password").press("Tab")
        wait_ready(page)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as editor · editor").wait_for(timeout=60_000)
        page.locator('[data-testid="stSidebarNav"] a', has_text="Data").click()
        wait_ready(page, "Data")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [str(folder / n) for n in FILES])
        page.get_by_text("How cxkpi reads this file").first.wait_for(timeout=90_000)
        wait_ready(page)
        # The ticket export's reading, in plain words with its evidence, and its one question.
        card = page.locator(f".st-key-data_card_{hashlib.sha256(FILES['ticket_it.csv']).hexdigest()[:12]}")
        text = card.inner_text()
        assert "'Tempo di prima risposta' → first response time: header 'tempo di prima risposta'; values like " \
               "00:42, 01:10 read as durations" in text
        assert "Is 'Tempo di gestione' in minutes or seconds?" in text
        # The two surveys: one click each.
        for name in ("wjx_survey.csv", "sondaggio.csv"):
            sha = hashlib.sha256(FILES[name]).hexdigest()[:12]
            survey = page.locator(f".st-key-data_card_{sha}").inner_text()
            assert "survey question, customer satisfaction (CSAT)" in survey, survey
            assert "survey question, likely to recommend (NPS)" in survey, survey
            page.locator(f".st-key-data_accept_{sha} button").click()
            page.get_by_text(f"{name}", exact=False).first.wait_for(timeout=60_000)
            page.get_by_text("The reading is kept").first.wait_for(timeout=90_000)
            wait_ready(page)
        assert exceptions(page) == []
    finally:
        ctx.close()
    got = _scorecard(url)
    # CSAT (top-2-box of 1–5): Chinese 非常满意 5, 满意 4, 不满意 2 -> 2 of 3; Italian Molto soddisfatto 5,
    # Soddisfatto 4, Insoddisfatto 2, Molto soddisfatto 5 -> 3 of 4. Together 5 of 7 = 71.43 %.
    assert round(got["csat"], 2) == round(100 * 5 / 7, 2)
    # NPS: Chinese 10, 7, 3 (1 promoter, 1 detractor); Italian 9, 10, 4, 8 (2 promoters, 1 detractor):
    # (3 − 2) / 7 × 100 = 14.29.
    assert round(got["nps"], 2) == round(100 * (3 - 2) / 7, 2)
