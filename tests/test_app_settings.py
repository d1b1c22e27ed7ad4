"""The Settings page: metric options, currency, time zone, benchmarks saved through cxkpi.settings; goals
added and deleted through cxkpi.goals; saved options reach the numbers."""

from __future__ import annotations

import pytest

from cxkpi import goals, settings
from cxkpi.store import make_engine
from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception  # noqa: F401
from tests.pagehelpers import SMALL_MARCH, bare_store, small_store  # noqa: F401


@pytest.fixture
def eng(demo_store):  # noqa: F811
    e = make_engine(f"duckdb:///{demo_store}")
    yield e
    e.dispose()


def open_settings(app, **q):  # noqa: F811
    at = app(**q)
    at.run()
    at.switch_page("pages/settings.py").run()
    no_exception(at)
    return at


def submit(at, label: str) -> None:
    [button] = [b for b in at.button if b.label == label]
    button.click().run()


def save(at) -> None:
    """Save settings: the form's button, then the confirmation it asks for."""
    submit(at, "Save settings")
    at.button(key="settings_save_yes").click().run()


def test_settings_page_shows_its_heading(app):  # noqa: F811
    at = open_settings(app)
    assert [t.value for t in at.title] == ["Settings"]


def test_saving_options_currency_timezone_and_benchmarks(app, eng):  # noqa: F811
    at = open_settings(app)
    at.radio(key="s_csat_mode").set_value("mean")
    at.radio(key="s_frt_stat").set_value("mean")
    at.selectbox(key="s_currency").set_value("EUR")
    at.selectbox(key="s_timezone").set_value("Europe/Rome")
    at.multiselect(key="s_benchmarks").set_value(["csat.excellent", "csat.good", "csat.poor"])
    save(at)
    no_exception(at)
    assert any("Settings saved" in s.value for s in at.success), ([e.value for e in at.error], [x.type for x in at.get("form_submit_button")])
    s = settings.get_settings(eng)
    assert s.metric_options["csat.mode"] == "mean" and s.metric_options["frt.stat"] == "mean"
    assert s.currency == "EUR" and s.timezone == "Europe/Rome"
    assert s.benchmarks == ["csat.excellent", "csat.good", "csat.poor"]
    # the current view follows the new defaults, and so does a new session without URL options
    assert at.query_params["csat"] == "mean" and at.query_params["frt"] == "mean"
    fresh = app()
    fresh.run()
    assert fresh.session_state["cx_view"].csat_mode == "mean"
    # the money tiles now read in euros: the saved currency reaches the engine through the cache key
    tiles = {m.label: m.value for m in fresh.metric}
    assert tiles["MRR"].startswith("€")


def test_saving_settings_asks_first_and_cancel_keeps_them(app, eng):  # noqa: F811
    at = open_settings(app)
    at.selectbox(key="s_currency").set_value("EUR")
    submit(at, "Save settings")
    assert "Save these settings?" in " ".join(w.value for w in at.warning)
    assert settings.get_settings(eng).currency is None  # asked, not saved yet
    at.button(key="settings_save_no").click().run()
    assert not at.warning and settings.get_settings(eng).currency is None  # cancelled: nothing saved
    submit(at, "Save settings")
    at.button(key="settings_save_yes").click().run()
    assert settings.get_settings(eng).currency == "EUR"


def test_the_scale_override_editor_is_shown_and_saving_unchanged_keeps_no_override(app, eng):  # noqa: F811
    # (AppTest cannot type into st.data_editor; the row -> option conversion is checked below)
    at = open_settings(app)
    assert at.get("arrow_data_frame") or at.get("data_editor"), "the survey scale editor is missing"
    save(at)
    assert settings.get_settings(eng).metric_options.get("survey.scales") == {}


def test_scale_rows_round_trip_to_the_engines_option_format():
    import importlib.util

    import pandas as pd

    from tests.apphelpers import ROOT

    spec = importlib.util.spec_from_file_location("settings_page_helpers", ROOT / "pages" / "settings.py")
    src = (ROOT / "pages" / "settings.py").read_text().split("\nwith common.page(")[0]  # helpers only, no page body
    ns: dict = {}
    exec(compile(src, str(spec.origin), "exec"), ns)
    rows = ns["scale_rows"]({"Widget": {"min": 1, "max": 5, "reversed": True}, "Old": "1-7"}, ["Widget", "NPS survey"])
    assert rows.to_dict("records")[0]["survey"] == "NPS survey"
    edited = rows.copy()
    assert ns["scales_from"](edited) == {
        "Old": {"min": 1.0, "max": 7.0, "reversed": False},
        "Widget": {"min": 1.0, "max": 5.0, "reversed": True},
    }
    bad = pd.DataFrame([{"survey": "X", "min": 5, "max": 1, "reversed": False}])
    with pytest.raises(ValueError, match="scale min must be below scale max"):
        ns["scales_from"](bad)


def test_goals_are_added_and_deleted(app, eng):  # noqa: F811
    at = open_settings(app)
    at.selectbox(key="g_metric").set_value("nps")
    at.radio(key="g_kind").set_value("absolute")
    at.number_input(key="g_value").set_value(5.0)
    at.text_input(key="g_label").input("NPS +5")
    submit(at, "Add goal")
    no_exception(at)
    [g] = goals.list_goals(eng)
    assert (g.metric, g.kind, g.value, g.label) == ("nps", "absolute", 5.0, "NPS +5")
    assert any("Goal added" in s.value for s in at.success)
    at.button(key=f"del_{g.goal_id}").click().run()
    no_exception(at)
    assert goals.list_goals(eng) == []


def test_a_goal_shows_progress_on_the_scorecard(app, eng):  # noqa: F811
    goals.add_goal(eng, "csat", "2026-01-01", "2026-03-31", "absolute", 5, label="CSAT +5")
    at = app(period="custom", **{"from": "2026-07-01", "to": "2026-09-30"})
    at.run()
    no_exception(at)
    bars = at.get("progress")
    assert len(bars) == 1
    assert "Goal" in bars[0].proto.text and "of the way" in bars[0].proto.text


def test_the_workspace_language_drives_number_formats(app, eng):  # noqa: F811
    # Italian has no catalogue yet (texts stay English) but numbers follow the locale: 1.234,5 and 12,3 %
    s = settings.get_settings(eng)
    import dataclasses

    settings.save_settings(eng, dataclasses.replace(s, language="it"))
    at = app(period="custom", **{"from": "2026-07-01", "to": "2026-09-30"})
    at.run()
    no_exception(at)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["CSAT"].endswith("\xa0%") and "," in tiles["CSAT"]  # e.g. "86,9 %"
    assert "." in tiles["MRR"] and tiles["MRR"].endswith("€") is False  # grouping with dots, still USD


def test_saved_options_give_the_figures_worked_out_by_hand(small_store):  # noqa: F811
    """tests/pagehelpers.small_rows, March 2025: the Settings page's saved definitions reach the tiles."""
    at = open_settings(new_app, **SMALL_MARCH)
    at.radio(key="s_csat_mode").set_value("mean")
    at.radio(key="s_frt_stat").set_value("mean")
    at.number_input(key="s_margin").set_value(50.0)
    save(at)
    no_exception(at)
    fresh = new_app(**SMALL_MARCH)
    fresh.run()
    no_exception(fresh)
    tiles = {m.label: m.value for m in fresh.metric}
    assert tiles["CSAT"] == "72.0\u00a0%"  # mean: (5 + 5 + 4 + 3 + 1) / (5 × 5) × 100 = 18 / 25 = 72.0 %
    assert tiles["First response time"] == "2.0\u00a0h"  # mean of 30, 90, 240 min = 360 / 3 = 120 min
    assert tiles["Customer lifetime value"] == "$450"  # ARPA 100 × 50 % margin × 9 months
