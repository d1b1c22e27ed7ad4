"""The report PDF in Simplified Chinese (a link with ``lang=zh_Hans``): the Chinese metric name and the
figures are text in the PDF, and the print view is saved under artifacts/screenshots to be looked at."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from pathlib import Path

from tests.apphelpers import TODAY
from tests.browser import SCREENSHOTS, Server
from tests.test_browser_auth import team_server  # noqa: F401


def test_the_report_pdf_in_simplified_chinese(team_server: tuple[Server, str]) -> None:  # noqa: F811
    from pypdf import PdfReader

    from cxkpi import formatting as fmt
    from cxkpi.access import EDITOR, Actor, acting_as
    from cxkpi.access import shares as sh
    from cxkpi.report import build_snapshot
    from cxkpi.report.pdf import render_pdf
    from cxkpi.store import make_engine
    from tests.browser import get_browser, wait_ready

    server, url = team_server
    ctx = get_browser().new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    page.goto(server.url)  # the server's first start loads the demo
    wait_ready(page, "Scorecard")
    ctx.close()
    eng = make_engine(url)
    try:
        with acting_as(Actor("ana", EDITOR, "password")):
            snap = build_snapshot(eng, {"period": "last_month"}, TODAY)  # October 2026
            # the demo's October CSAT: 362 of 400 answers at 4–5 = 90.5 %
            assert (snap["scorecard"]["csat"]["numerator"], snap["scorecard"]["csat"]["n"]) == (362, 400)
            _, token = sh.create_share(
                eng, "report", snap["query"], sh.PINNED, snap["data_version"], snapshot=snap
            )
        image = SCREENSHOTS / "report-zh-Hans-print.png"
        pdf = render_pdf(f"{server.url}/?share={token}&lang=zh_Hans", "A4", screenshot=image)
        text = unicodedata.normalize(
            "NFKC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        )
        compact = "".join(text.split())  # pypdf puts spaces between CJK glyph runs: "2026 年 10 月"
        assert "客户流失率" in text and "续约率" in text  # the Chinese metric names (churn, renewal rate)
        assert "90.5 %" in text  # CSAT: 362 ÷ 400 × 100
        assert fmt.month(dt.date(2026, 10, 1), "zh_Hans") in compact  # the period, "2026年10月"
        assert snap["data_version"] in text
        assert Path(image).stat().st_size > 10_000
    finally:
        eng.dispose()
