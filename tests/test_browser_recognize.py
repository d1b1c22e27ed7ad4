"""In a real browser, exports of tools cxkpi has no declaration for, on the Data page of a store without demo
data: a Chinese survey (GBK, `1、`-numbered questions, label answers, a 0–10 recommend question) and an Italian
survey each load with one click and give the CSAT and NPS computed here by hand; a report-style XLSX with a
title and filter block above its header loads; an unfamiliar (French) ticket export shows its proposed reading
in plain words with the evidence before anything is loaded.

One server for the module, served like `make run` (local mode: the person at the machine is an editor, no
sign-in). Two pages of one browser context: the Data page stays open (its uploads kept), and a Scorecard page
is reloaded to read the figures after a load. The exports are generated here; every answer is in the lists
below, so the expected figures can be checked by eye. They are dated October 2026: the pages' frozen today
is 15 November 2026, so the Scorecard's default period (last month) holds them all.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from tests.browser import (
    SCREENSHOTS,
    VIEWPORTS,
    Server,
    exceptions,
    get_browser,
    screenshot,
    start_server,
    wait_ready,
)

pytestmark = pytest.mark.browser

# (satisfaction 1–5, recommend 0–10) per respondent.
CHINESE_ANSWERS = [(5, 10), (4, 9), (3, 7), (2, 3), (1, 0), (5, 8), (4, 6), (5, 10), (4, 9), (2, 10)]
ITALIAN_ANSWERS = [(5, 9), (4, 10), (2, 4), (5, 8), (3, 6), (4, 9), (1, 2), (5, 10)]
CHINESE_LABELS = {5: "非常满意", 4: "满意", 3: "一般", 2: "不满意", 1: "非常不满意"}
ITALIAN_LABELS = {5: "Molto soddisfatto", 4: "Soddisfatto", 3: "Né soddisfatto né insoddisfatto",
                  2: "Insoddisfatto", 1: "Molto insoddisfatto"}  # fmt: skip
# (ticket, created, solved, channel, reopens, agent replies); a totals row follows in the report.
REPORT_TICKETS = [
    ("X-1", "2026-10-02 10:00", "2026-10-03 10:00", "Email", 0, 2),
    ("X-2", "2026-10-04 10:00", "2026-10-04 12:00", "Chat", 1, 3),
    ("X-3", "2026-10-09 10:00", "2026-10-10 10:00", "Email", 2, 4),
    ("X-4", "2026-10-12 10:00", "2026-10-13 10:00", "Phone", 0, 1),
]
FRENCH_TICKETS = [
    ("FR-1", "Société Martin", "2026-10-05 09:00", "2026-10-05 11:00", "E-mail", "00:35", 0),
    ("FR-2", "Dupont SA", "2026-10-06 14:00", "2026-10-07 10:00", "Téléphone", "01:10", 1),
    ("FR-3", "Atelier Petit", "2026-10-08 08:30", "", "Chat", "00:05", 0),
]


def wenjuanxing_export() -> bytes:
    """Shaped like a Wenjuanxing download: GBK, CRLF, numbered question headers, label answers."""
    lines = [
        "序号,提交答卷时间,来源,1、您对我们客服的服务满意吗？,2、您向朋友或同事推荐我们的可能性有多大？,3、您还有什么建议？"
    ]
    for i, (csat, nps) in enumerate(CHINESE_ANSWERS, 1):
        comment = "回复很快" if i % 3 == 0 else ""
        lines.append(f"{i},2026/10/{i + 2} 10:{i:02d}:00,手机提交,{CHINESE_LABELS[csat]},{nps},{comment}")
    return ("\r\n".join(lines) + "\r\n").encode("gbk")


def italian_export() -> bytes:
    """An Italian survey tool's CSV: semicolons, day-first dates, Italian question texts and labels."""
    lines = ["ID risposta;Data invio;Indirizzo email;Quanto è soddisfatto del nostro servizio di assistenza?;"
             "Quanto è probabile che consigli la nostra azienda a un amico o collega?"]  # fmt: skip
    for i, (csat, nps) in enumerate(ITALIAN_ANSWERS, 1):
        lines.append(
            f"R{i};{i + 5:02d}/10/2026 11:{i:02d};cliente{i}@esempio.it;{ITALIAN_LABELS[csat]};{nps}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def report_xlsx() -> bytes:
    """A formatted ticket report: a title and a filter line above the header, a totals row below the data."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ticket report — October 2026"])
    ws.append(["Filter: all channels, all agents"])
    ws.append([])
    ws.append(["Ticket ID", "Created", "Solved", "Channel", "Reopens", "Replies"])
    for row in REPORT_TICKETS:
        ws.append(list(row))
    ws.append(
        ["Total", None, None, None, sum(r[4] for r in REPORT_TICKETS), sum(r[5] for r in REPORT_TICKETS)]
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def french_tickets() -> bytes:
    """A help desk cxkpi has no declaration for, with French headers."""
    lines = ["N° de ticket;Client;Date de création;Date de résolution;Canal;Première réponse;Réouvertures"]
    lines += [";".join(str(x) for x in row) for row in FRENCH_TICKETS]
    return ("\n".join(lines) + "\n").encode("utf-8")


FILES = {  # the cards follow this order: the French one first, so its picture needs no long page
    "tickets_fr.csv": french_tickets(),
    "wjx_survey.csv": wenjuanxing_export(),
    "sondaggio_soddisfazione.csv": italian_export(),
    "ticket_report.xlsx": report_xlsx(),
}


@pytest.fixture(scope="module")
def bare_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    folder = tmp_path_factory.mktemp("browser-recognize")
    url = f"duckdb:///{folder / 'store.duckdb'}"
    eng = make_engine(url)
    with eng.begin() as conn:  # the marker the app leaves when a user clears the demo: no demo rows mixed in
        conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
    eng.dispose()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    # Local mode, as `make run` serves: a request from 127.0.0.1 is the person at the machine, an editor.
    server = start_server(store_url=url)
    try:
        yield server, folder
    finally:
        server.stop()


def _card(page, name: str):
    return page.locator(f".st-key-data_card_{hashlib.sha256(FILES[name]).hexdigest()[:12]}")


def _accept(page, name: str) -> str:
    """One click on the proposal's load button; the load report line the page then shows."""
    sha = hashlib.sha256(FILES[name]).hexdigest()[:12]
    page.locator(f".st-key-data_accept_{sha} button").click()
    report = page.get_by_text(f"{name} loaded as load #", exact=False).first
    report.wait_for(timeout=90_000)
    wait_ready(page)
    return report.inner_text()


def _picture(page, locator, name: str) -> None:
    """One element, whole: Streamlit scrolls inside its main container, so the viewport grows to the page first."""
    size = page.viewport_size
    height = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 6000))})
    page.wait_for_timeout(300)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.set_viewport_size(size)
    page.wait_for_timeout(300)


def _tile(page, key: str) -> tuple[str, str]:
    """A Scorecard tile's value and its caption line (n, interval, …), spaces normalised."""
    tile = page.locator(f".st-key-tile_{key}")
    value = tile.locator('[data-testid="stMetricValue"]').inner_text()
    caption = " ".join(c.inner_text() for c in tile.locator('[data-testid="stCaptionContainer"]').all())
    return value.replace("\u00a0", " ").strip(), caption.replace("\u00a0", " ")


def test_exports_of_unknown_tools_load_with_one_click_and_give_the_hand_computed_figures(bare_server):
    server, folder = bare_server
    ctx = get_browser().new_context(viewport=VIEWPORTS["desktop"], device_scale_factor=1)
    try:
        page = ctx.new_page()
        page.goto(server.url)
        wait_ready(page, "Scorecard")
        assert page.locator(".st-key-demo_banner").count() == 0, "the store should hold no demo data"
        # The person at the machine is an editor: Data is in the menu, no sign-in on the way.
        page.locator('[data-testid="stSidebarNav"] a', has_text="Data").click()
        wait_ready(page, "Data")
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [str(folder / n) for n in FILES]
        )
        # none is a tool cxkpi knows: all four wait for their one click, none is "ready" for Load all
        page.get_by_text("4 file(s) · 0 ready to load").wait_for(timeout=120_000)
        wait_ready(page)
        assert exceptions(page) == []

        # The French ticket export: its reading in plain words, each decision with its evidence, before loading.
        french = _card(page, "tickets_fr.csv")
        text = french.inner_text()
        assert "not recognized as a tool cxkpi knows — it proposes a reading below" in text
        assert "How cxkpi reads this file" in text and "A support tickets export." in text
        for line in (
            "'N° de ticket' → ticket number: header 'ticket'; values like FR-1, FR-2",
            "'Date de création' → creation time: header 'date de création'; values like 2026-10-05 09:00, "
            "2026-10-06 14:00 read as dates (YYYY-MM-DD HH:MM)",
            "'Première réponse' → first response time: header 'première réponse'; values like 00:35, 01:10 read "
            "as durations (hh:mm)",
            "'Réouvertures' → reopen count: header 'réouvertures'; values like 0, 1 read as whole numbers 0–1",
        ):
            assert line in text, text
        assert "Load with this reading" in text and "Recognized as" not in text
        # the surveys are read as surveys: each question's kind and scale, never a form asking for scale_min
        chinese = _card(page, "wjx_survey.csv").inner_text()
        assert "'1、您对我们客服的服务满意吗？' → survey question, customer satisfaction (CSAT)" in chinese, (
            chinese
        )
        assert "'2、您向朋友或同事推荐我们的可能性有多大？' → scale: 0–10 (NPS is 0–10)" in chinese, chinese
        italian = _card(page, "sondaggio_soddisfazione.csv").inner_text()
        assert ("'Quanto è soddisfatto del nostro servizio di assistenza?' → survey question, customer "
                "satisfaction (CSAT)") in italian, italian  # fmt: skip
        assert "→ survey question, likely to recommend (NPS)" in italian, italian
        assert "scale_min" not in chinese + italian
        report = _card(page, "ticket_report.xlsx").inner_text()
        assert (
            "header found under a 2-line title block: Ticket report — October 2026 / Filter: all channels"
            in report
        )
        assert "1 totals row(s) at the end left out" in report
        _picture(page, french, "data-proposal-desktop")
        # The proposal on a phone: nothing wider than the screen, and a picture of it.
        page.set_viewport_size(VIEWPORTS["phone"])
        page.wait_for_timeout(800)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, overflow
        _picture(page, french, "data-proposal-phone")
        page.set_viewport_size(VIEWPORTS["desktop"])

        # The Chinese survey: one click. 10 respondents × 2 score questions = 20 answers.
        assert "20 rows added" in _accept(page, "wjx_survey.csv")
        assert page.get_by_text("The reading is kept", exact=False).first.is_visible()
        scorecard = ctx.new_page()
        scorecard.goto(server.url)
        wait_ready(scorecard, "Scorecard")
        # CSAT (top-2-box on 1–5): answers 5 4 3 2 1 5 4 5 4 2 → 4s and 5s: 5, 4, 5, 4, 5, 4 = 6 of 10 = 60.0 %.
        # NPS on 0–10: 10 9 7 3 0 8 6 10 9 10 → promoters (9–10) 10, 9, 10, 9, 10 = 5; detractors (0–6) 3, 0, 6 = 3;
        # passives 7, 8. (5 − 3) / 10 × 100 = 20.
        csat, csat_caption = _tile(scorecard, "csat")
        nps, nps_caption = _tile(scorecard, "nps")
        assert (csat, nps) == ("60.0 %", "20"), (csat, nps)
        assert "n = 10" in csat_caption and "n = 10" in nps_caption, (csat_caption, nps_caption)
        assert exceptions(scorecard) == []

        # The Italian survey: one click. 8 respondents × 2 questions = 16 answers.
        assert "16 rows added" in _accept(page, "sondaggio_soddisfazione.csv")
        # The report-style XLSX: one click. 4 tickets; the totals row was never a data row.
        assert "4 rows added" in _accept(page, "ticket_report.xlsx")
        assert exceptions(page) == []
        # Nothing of the French export was loaded: its card still offers its reading.
        assert "Load with this reading" in _card(page, "tickets_fr.csv").inner_text()
        screenshot(page, "data-after-one-click-loads-desktop")

        scorecard.reload()
        wait_ready(scorecard, "Scorecard")
        # CSAT, both surveys: Italian 5 4 2 5 3 4 1 5 → 4s and 5s: 5, 4, 5, 4, 5 = 5 of 8;
        # with the Chinese 6 of 10: (6 + 5) / (10 + 8) = 11 / 18 = 61.11 % → 61.1 %.
        # NPS: Italian 9 10 4 8 6 9 2 10 → promoters 9, 10, 9, 10 = 4; detractors 4, 6, 2 = 3;
        # with the Chinese 5 and 3: (5 + 4 − 3 − 3) / 18 × 100 = 3 / 18 × 100 = 16.67 → 17.
        csat, csat_caption = _tile(scorecard, "csat")
        nps, nps_caption = _tile(scorecard, "nps")
        assert (csat, nps) == ("61.1 %", "17"), (csat, nps)
        assert "n = 18" in csat_caption and "n = 18" in nps_caption, (csat_caption, nps_caption)
        # Reopens: the 4 report tickets all solved in October; reopened ≥ 1×: X-2 (1), X-3 (2) → 2,
        # 2 / 4 = 50.0 % of solved tickets (the French FR-2, reopened once, was not loaded).
        reopens, reopens_caption = _tile(scorecard, "ticket_reopens")
        assert reopens == "2" and "50.0 % of solved tickets" in reopens_caption, (reopens, reopens_caption)
        # First contact resolution: one agent reply and no reopen → X-4 only: 1 / 4 = 25.0 %.
        assert _tile(scorecard, "fcr")[0] == "25.0 %"
        assert exceptions(scorecard) == []
        screenshot(scorecard, "scorecard-after-recognized-loads-desktop")
    finally:
        ctx.close()
