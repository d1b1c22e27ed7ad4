"""The Settings page under AppTest."""

from __future__ import annotations

from tests.apphelpers import app, demo_store, demo_template, no_exception  # noqa: F401


def test_settings_page_shows_its_heading(app):  # noqa: F811
    at = app()
    at.switch_page("pages/settings.py").run()
    no_exception(at)
    assert [t.value for t in at.title] == ["Settings"]
