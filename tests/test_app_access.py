"""Roles in the app (AppTest, `at.user` always set): what a viewer and an editor see and may do."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from cxkpi import store
from cxkpi.access import EDITOR, Actor, acting_as
from cxkpi.access import shares as sh
from cxkpi.report import build_snapshot
from tests.apphelpers import ROOT, TODAY, app, demo_store, demo_template, new_app, no_exception, texts  # noqa: F401

VIEWER_USER = {"is_logged_in": True, "email": "cfo@example.com", "name": "CFO", "groups": ["board"]}
EDITOR_USER = {"is_logged_in": True, "email": "ana@example.com", "name": "Ana", "groups": ["cs-leads"]}


@pytest.fixture(autouse=True)
def _forget_the_actor() -> None:
    # AppTest runs the script in this process's context: the session's actor must not outlive the test
    yield
    from cxkpi.access.roles import reset_actor

    reset_actor()


@pytest.fixture
def rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXKPI_EDITORS", "group:cs-leads")
    monkeypatch.setenv("CXKPI_VIEWERS", "@example.com")


def signed_in(user: dict, **query: str) -> AppTest:
    at = new_app(**query)
    at.user = user  # type: ignore[assignment]
    return at


def test_viewer_navigation_leaves_out_data_and_settings(app, rules) -> None:  # noqa: F811
    at = signed_in(VIEWER_USER).run()
    no_exception(at)
    assert "Signed in as cfo@example.com · viewer" in texts(at)
    for page in ("pages/data.py", "pages/settings.py", "pages/shares.py"):
        with pytest.raises(Exception):  # noqa: B017  (AppTest refuses a page outside this session's menu)
            at.switch_page(page).run()


def test_editor_reaches_data_and_settings(app, rules) -> None:  # noqa: F811
    at = signed_in(EDITOR_USER).run()
    no_exception(at)
    assert "Signed in as ana@example.com · editor" in texts(at)
    at.switch_page("pages/data.py").run()
    no_exception(at)
    assert [x.value for x in at.title] == ["Data"]


def test_a_data_page_run_on_its_own_stops_for_a_viewer(demo_store, rules) -> None:  # noqa: F811
    at = AppTest.from_file(str(ROOT / "pages" / "data.py"), default_timeout=120)
    at.user = VIEWER_USER  # type: ignore[assignment]
    at.run()
    assert "Only an editor can open this page" in texts(at)
    assert not at.button  # no clear / remove / load button was drawn


def test_signed_in_but_on_no_list_gets_no_access(app, rules) -> None:  # noqa: F811
    at = signed_in({"is_logged_in": True, "email": "someone@elsewhere.io"}).run()
    assert "someone@elsewhere.io is signed in but has no access" in texts(at)
    assert not at.metric


def test_pinned_link_shows_the_figures_as_sent_and_refuses_bad_tokens(app, demo_store) -> None:  # noqa: F811
    eng = store.make_engine(f"duckdb:///{demo_store}")
    with acting_as(Actor("ana", EDITOR, "password")):
        snap = build_snapshot(eng, {"period": "last_month"}, TODAY)
        # a marker value no real computation gives: the page must draw the stored figure, not a new one
        snap["scorecard"]["csat"]["value"] = 12.3
        share, token = sh.create_share(
            eng, "report", snap["query"], sh.PINNED, snap["data_version"], snapshot=snap
        )
    eng.dispose()
    at = signed_in({"is_logged_in": False}, share=token).run()
    no_exception(at)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["CSAT"] == "12.3\xa0%"  # Babel puts a no-break space before %
    assert "figures as sent" in texts(at)
    assert "Opened from a shared link · viewer" in texts(at)
    bad = signed_in({"is_logged_in": False}, share=token[:-2] + "xx").run()
    assert "This link cannot be opened" in texts(bad) and "signature does not match" in texts(bad)
    assert not bad.metric


def test_a_link_carries_its_language_not_the_workspace_one(app, demo_store) -> None:  # noqa: F811
    eng = store.make_engine(f"duckdb:///{demo_store}")
    with acting_as(Actor("ana", EDITOR, "password")):
        snap = build_snapshot(eng, {"period": "last_month"}, TODAY)
        snap["scorecard"]["csat"]["value"] = 12.3
        _, token = sh.create_share(eng, "report", snap["query"], sh.PINNED, snap["data_version"], snapshot=snap,
                                   language="it")  # fmt: skip
    eng.dispose()
    at = signed_in({"is_logged_in": False}, share=token).run()
    no_exception(at)
    # Italian writes a decimal comma: 12,3 %, while the workspace (English) would write 12.3 %
    assert {m.label: m.value for m in at.metric}["CSAT"].replace("\xa0", " ") == "12,3 %"
