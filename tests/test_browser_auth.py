"""Sign-in, roles and share links in a real server and Debian's chromium.

Single sign-on against a real OpenID Connect provider on loopback (oidc-provider-mock); local mode with an
editor password; share links refused (tampered, expired, revoked), pinned after a newer upload, live; the
PDF of a pinned link, its text checked and its print image saved under artifacts/screenshots.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.apphelpers import TODAY
from tests.browser import SCREENSHOTS, Server, free_port, get_browser, start_server, wait_ready

EDITOR_PASSWORD = "a-long-editor-password"


def sidebar(page) -> str:
    return page.locator('[data-testid="stSidebar"]').inner_text()


def menu(page) -> list[str]:
    # each entry reads "<icon name>\n\n<title>": keep the title
    return [x.strip().split("\n")[-1] for x in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


def headings(page) -> list[str]:
    return [h.strip() for h in page.locator("h1").all_inner_texts()]


def csat_tile(page) -> str:
    """The CSAT tile's value, e.g. '90.5 %' (no-break space made plain)."""
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="CSAT").first
    return tile.locator('[data-testid="stMetricValue"]').inner_text().replace("\xa0", " ").strip()


def open_page(page, url: str, heading: str | None = None) -> None:
    page.goto(url)
    wait_ready(page, heading)


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from oidc_provider_mock import User, run_server_in_thread

    users = [
        User(sub="cfo", claims={"email": "cfo@example.com", "groups": ["board"]}),
        User(sub="ana", claims={"email": "ana@example.com", "groups": ["cs-leads"]}),
    ]
    with run_server_in_thread(port=0, user_claims=users) as idp:
        port = free_port()
        secrets = tmp_path_factory.mktemp("sso") / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "test-cookie-secret-0123456789"\n'
            'client_id = "cxkpi"\nclient_secret = "any"\n'
            f'server_metadata_url = "http://127.0.0.1:{idp.server_port}/.well-known/openid-configuration"\n'
            '[roles]\neditors = ["group:cs-leads"]\nviewers = ["@example.com"]\n'
        )
        server = start_server(port=port, args=("--secrets.files", str(secrets)), env={"CXKPI_SERVE": "team"})
        yield server
        server.stop()


def sso_sign_in(server: Server, sub: str):
    ctx = get_browser().new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    open_page(page, server.url)
    assert "This dashboard needs you to sign in." in page.inner_text("body")
    assert not menu(page)  # nothing but the sign-in button before signing in
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    wait_ready(page, "Scorecard")
    return ctx, page


def test_single_sign_on_viewer_and_editor_see_what_each_may(sso_server: Server) -> None:
    ctx, page = sso_sign_in(sso_server, "cfo")
    try:
        assert "Signed in as cfo@example.com · viewer" in sidebar(page)
        assert "Report" in menu(page) and "Data" not in menu(page) and "Settings" not in menu(page)
        # typing the editor pages' URLs: the page's code never runs (Streamlit shows the main page)
        for path in ("data", "settings", "shares"):
            open_page(page, f"{sso_server.url}/{path}")
            page.wait_for_timeout(500)
            assert headings(page)[:1] != [
                {"data": "Data", "settings": "Settings", "shares": "Shared links"}[path]
            ]
            assert "Load files" not in page.inner_text("body")
    finally:
        ctx.close()
    ctx, page = sso_sign_in(sso_server, "ana")
    try:
        assert "Signed in as ana@example.com · editor" in sidebar(page)
        assert {"Data", "Settings", "Shared links", "Report"} <= set(menu(page))
        open_page(page, f"{sso_server.url}/data", "Data")
        assert headings(page)[-1] == "Data"
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def team_server(pg_server_url: str) -> Iterator[tuple[Server, str]]:
    """Team mode without a provider, on PostgreSQL (the test writes to the store while the server runs)."""

    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    name = "cxkpi_browser_auth"
    with admin.connect() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    url = pg_server_url.rsplit("/", 1)[0] + f"/{name}"
    server = start_server(
        store_url=url, env={"CXKPI_SERVE": "team", "CXKPI_EDITOR_PASSWORD": EDITOR_PASSWORD}
    )
    yield server, url
    server.stop()
    with admin.connect() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_local_mode_viewer_then_editor_password(team_server: tuple[Server, str]) -> None:
    server, _ = team_server
    ctx = get_browser().new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    try:
        open_page(page, server.url, "Scorecard")
        assert "Signed in as guest · viewer" in sidebar(page)
        assert "Data" not in menu(page) and "Settings" not in menu(page)
        open_page(page, f"{server.url}/settings")
        page.wait_for_timeout(500)
        assert "Settings" not in headings(page)
        open_page(page, server.url, "Scorecard")  # leave Streamlit's "page not found" dialog behind
        page.get_by_text("Editor sign-in").click()
        page.get_by_role("textbox", name="Name").fill("editor")
        page.get_by_role("textbox", name="Password").fill("wrong password")
        page.get_by_role("button", name="Sign in").click()
        # the refusal comes with the rerun the click starts: wait for it, not for a page that may not have left "ready"
        page.get_by_text("That name and password do not match.").wait_for(timeout=60_000)
        assert "Signed in as guest · viewer" in sidebar(page)
        page.get_by_role("textbox", name="Password").fill(EDITOR_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_text("Signed in as editor · editor").wait_for(timeout=60_000)
        assert "Data" in menu(page)
        page.locator('[data-testid="stSidebarNav"] a', has_text="Data").click()
        wait_ready(page, "Data")
    finally:
        ctx.close()


CSAT_LOW = "response_id,kind,score,scale_min,scale_max,submitted_at\n" + "".join(
    f"LOW{i},csat,1,1,5,2026-10-{1 + i % 28:02d} 12:00:00\n" for i in range(100)
)


@pytest.mark.timeout(900)  # one story on one store: refused links, pinned, a new upload, live, two PDFs
def test_links_refused_pinned_live_and_the_pdf(team_server: tuple[Server, str]) -> None:
    from pypdf import PdfReader

    from cxkpi.access import EDITOR, Actor, acting_as
    from cxkpi.access import shares as sh
    from cxkpi.ingest.api import ingest_file
    from cxkpi.report import build_snapshot
    from cxkpi.report.pdf import render_pdf
    from cxkpi.store import make_engine
    from cxkpi.store.schema import shares

    server, url = team_server
    ctx = get_browser().new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    open_page(page, server.url, "Scorecard")  # the server's first start loads the demo
    eng = make_engine(url)
    try:
        with acting_as(Actor("ana", EDITOR, "password")):
            snap = build_snapshot(eng, {"period": "last_month"}, TODAY)  # October 2026
            # the demo's October CSAT: 362 of 400 answers at 4–5 = 90.5 %
            assert (snap["scorecard"]["csat"]["numerator"], snap["scorecard"]["csat"]["n"]) == (362, 400)
            pinned, pinned_token = sh.create_share(eng, "report", snap["query"], sh.PINNED, snap["data_version"],
                                                   snapshot=snap)  # fmt: skip
            _, live_token = sh.create_share(
                eng, "report", {"period": "last_month"}, sh.LIVE, snap["data_version"]
            )
            revoked, revoked_token = sh.create_share(eng, "report", {}, sh.LIVE, "x")
            sh.revoke_share(eng, revoked.share_id)
            old, old_token = sh.create_share(eng, "report", {}, sh.LIVE, "x", expires_in=dt.timedelta(days=1))
        with eng.begin() as conn:  # the day-long link, a day and a second later
            conn.execute(sa.update(shares).where(shares.c.share_id == old.share_id)
                         .values(expires_at=dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)))  # fmt: skip
        tampered = pinned_token[:-3] + ("abc" if not pinned_token.endswith("abc") else "xyz")
        for token, why in ((tampered, "signature does not match"), (old_token, "The link has expired."),
                           (revoked_token, "revoked by the person who shared it")):  # fmt: skip
            open_page(page, f"{server.url}/?share={token}", "This link cannot be opened")
            body = page.inner_text("body")
            assert why in body and "CSAT" not in body and not menu(page)
        # pinned, before any new data: the figures and no "newer data" banner
        open_page(page, f"{server.url}/?share={pinned_token}", "Report")
        body = page.inner_text("body")
        assert csat_tile(page) == "90.5 %" and "figures as sent" in body and "Newer data" not in body
        assert "Opened from a shared link · viewer" in body and not menu(page)
        # a newer upload: 100 answers of 1 in October → CSAT 362 of 500 = 72.4 %
        with acting_as(Actor("ana", EDITOR, "password")):
            ingest_file(eng, io.BytesIO(CSAT_LOW.encode()).getvalue(), "late-october.csv")
        page2 = ctx.new_page()
        open_page(page2, f"{server.url}/?share={pinned_token}", "Report")
        body = page2.inner_text("body")
        assert csat_tile(page2) == "90.5 %" and "Newer data has arrived" in body
        page2.get_by_text("See the latest figures").click()
        page2.wait_for_function("document.body.innerText.includes('72.4')", timeout=120_000)
        wait_ready(page2)
        assert csat_tile(page2) == "72.4 %"  # the tiles now show today's data
        open_page(page2, f"{server.url}/?share={live_token}", "Report")
        body = page2.inner_text("body")
        assert csat_tile(page2) == "72.4 %" and "Always the latest" in body
        # the PDF of the pinned link: the figures as sent, the period and the data version, as text
        image = SCREENSHOTS / "report-pinned-print.png"
        pdf = render_pdf(f"{server.url}/?share={pinned_token}", "A4", screenshot=image)
        text = unicodedata.normalize(
            "NFKC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        )
        assert "90.5 %" in text and "Oct 2026" in text and snap["data_version"] in text
        assert "72.4" not in text
        assert Path(image).stat().st_size > 10_000
        letter = render_pdf(f"{server.url}/?share={pinned_token}", "Letter")
        box = PdfReader(io.BytesIO(letter)).pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # 8.5 × 11 in at 72 pt
        a4 = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
        # 210 × 297 mm at 72 pt an inch = 595.3 × 841.9 pt; chromium rounds the page box up to whole points
        assert abs(float(a4.width) - 595.3) <= 1 and abs(float(a4.height) - 841.9) <= 1.2
    finally:
        ctx.close()
        eng.dispose()
