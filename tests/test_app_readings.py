"""Scorecard readings a finance lead accepts (issue 14): filters that cannot apply say so on the tiles and in
the table; a period without data shows the latest value of another period, marked as such and never
compared; export advice only when the workspace has no such data; CLV says its margin was assumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cxkpi.access import acting_as, machine_actor
from tests.apphelpers import app, demo_store, demo_template, freeze_today, new_app, no_exception, texts  # noqa: F401
from tests.metric_fixtures import load, responses_many

EDITOR = {"is_logged_in": True, "email": "lead@example.com", "name": "Lead", "groups": ["cs-leads"]}
OCT = {"period": "custom", "from": "2026-10-01", "to": "2026-10-31"}
ACCOUNT_LEVEL = (
    "Customer churn rate",
    "Customer lifetime value",
    "Customer retention cost",
    "Renewal rate",
    "MRR",
)


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXKPI_EDITORS", "group:cs-leads")


def run(**query: str) -> AppTest:
    at = new_app(**query)
    at.user = EDITOR  # type: ignore[assignment]
    at.run()
    no_exception(at)
    return at


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


def plain(text: str) -> str:
    """Formatted figures use no-break spaces before units; compare them as plain spaces."""
    return text.replace("\xa0", " ")


def arrow(m) -> str:
    return type(m.proto).MetricDirection.Name(m.proto.direction)


def colour(m) -> str:
    return type(m.proto).MetricColor.Name(m.proto.color)


def links(at: AppTest) -> list[str]:
    return [p.proto.label for p in at.get("page_link")]


# ----------------------------------------------------------------------------- a channel filter


def test_channel_filter_makes_account_level_tiles_and_table_rows_not_available(app, editor) -> None:  # noqa: F811
    at = run(**OCT, channel="chat")
    for label in ACCOUNT_LEVEL:
        assert metric(at, label).value == "Not available", label
    shown = texts(at)
    assert "A channel filter does not apply to subscriptions (they carry no channel; channel=chat)." in shown
    assert "A channel filter does not apply to renewals (they carry no channel; channel=chat)." in shown
    assert (
        "A channel filter does not apply to retention costs (they carry no channel; channel=chat)." in shown
    )
    # the company-wide MRR of the demo's October ($1,153,112) appears nowhere under the chat title
    assert "1,153,112" not in shown
    # the scorecard table: no value, the reason in the note
    table = at.dataframe[0].value.set_index("Metric")
    for label in ACCOUNT_LEVEL:
        assert table.loc[label, "Value"] == "—", label
        assert table.loc[label, "Note"].startswith("not available: a channel filter does not apply to"), label
        assert table.loc[label, "Filters"] == "channel = chat"
    # a ticket metric keeps its chat figure: 9 of 469 chat tickets solved in October were reopened
    assert table.loc["Ticket reopens", "Value"] == "9"


# ----------------------------------------------------------------------- latest value, export advice


@pytest.fixture
def survey_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, editor) -> Path:
    """NPS answered in September 2026 only; CSAT answered in November 2026 only; no CES at all."""
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    path = tmp_path / "surveys.duckdb"
    with acting_as(machine_actor()):  # the store refuses writes from a viewer
        eng = make_engine(f"duckdb:///{path}")
        with eng.begin() as conn:  # not a fresh store: the first start must not load the demo
            conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
        load(
            eng,
            responses_many("N", "nps", [10, 9, 6, 8], (0, 10), "2026-09-14 10:00", survey="Quarterly NPS"),
            responses_many("C", "csat", [5, 4], (1, 5), "2026-11-03 10:00", survey="Post-ticket CSAT"),
        )
        eng.dispose()
    freeze_today(monkeypatch)
    monkeypatch.setenv("CXKPI_DB", f"duckdb:///{path}")
    return path


def test_a_period_without_answers_shows_the_latest_value_of_its_own_period(survey_store) -> None:
    at = run(**OCT)
    nps = metric(at, "NPS")
    # September: promoters 10, 9 (2), detractors 6 (1), passive 8; n = 4 -> (2 − 1) / 4 × 100 = +25
    assert nps.value == "+25"
    assert nps.delta == "Sep 2026"  # its own period where a change would be
    assert nps.proto.delta_description == "not Oct 2026"
    assert "No answers in Oct 2026 — latest +25, Sep 2026, n = 4" in texts(at)
    # marked as another period: grey, no arrow, so it never reads as a change against September
    assert arrow(nps) == "NONE" and colour(nps) == "GRAY"
    # and the table keeps it out of the Value column
    table = at.dataframe[0].value.set_index("Metric")
    assert table.loc["NPS", "Value"] == "—"
    assert table.loc["NPS", "Note"] == "no data in this period; latest +25 in Sep 2026 (n = 4)"


def test_export_advice_only_when_the_workspace_has_no_such_data(survey_store) -> None:
    at = run(**OCT)
    shown = texts(at)
    # CES: nothing in the workspace -> which export, with the import link
    assert metric(at, "CES").value == "Not available"
    assert "Needs: Load a survey export with a Customer Effort (CES) question" in shown
    # CSAT: answered only in November, after October -> no advice to load what is there
    assert metric(at, "CSAT").value == "Not available"
    assert "Load a survey export with a CSAT question" not in shown
    # NPS has its latest value: no advice either
    assert "Load a survey export with a 0–10" not in shown
    # an advice is never spliced out of the middle of a sentence (CLV's reason named two exports)
    captions = [c.value for c in at.caption]
    assert not [c for c in captions if "  " in c or c.startswith((" ", "."))]
    assert (
        "Needs: Load a billing export with subscriptions (Stripe, Chargebee…) or a CRM accounts export"
        in shown
    )
    # one import link per "Needs:" line, none for CSAT or NPS
    assert links(at).count("Import on the Data page") == shown.count("Needs: Load")


# ------------------------------------------------------------------------------------------ CLV, arrows


def test_clv_tile_says_the_margin_was_assumed_and_links_to_settings(app, editor) -> None:  # noqa: F811
    at = run(**OCT)
    assert metric(at, "Customer lifetime value").value.startswith("$")
    shown = texts(at)
    assert "margin not set — 100 % assumed" in shown
    assert "Set the gross margin in Settings" in links(at)
    # the churn window: May – Oct 2026, six calendar months ending with the period's last month
    assert "churn over May\u2009–\u2009Oct 2026: 29 churned customers" in shown  # Babel's thin spaces


def test_a_change_that_rounds_to_zero_has_no_arrow(app, editor) -> None:  # noqa: F811
    at = run(**OCT)
    renewal = metric(at, "Renewal rate")
    # the demo renews every decided renewal in September and October: 100.0 % − 100.0 % = ±0.0 pts
    assert plain(renewal.value) == "100.0 %" and plain(renewal.delta) == "±0.0 pts"
    assert arrow(renewal) == "NONE" and colour(renewal) == "GRAY"
    # a real rise keeps its arrow: CSAT 88.4 % in September -> 90.5 % in October, +2.1 pts
    csat = metric(at, "CSAT")
    assert plain(csat.delta) == "+2.1 pts" and arrow(csat) == "UP"


def test_no_lone_tile_on_the_scorecards_last_row() -> None:
    from cxkpi.view import tile_rows

    assert tile_rows(10, 3) == [3, 3, 2, 2]  # ten scorecard metrics: four rows, none alone
    assert tile_rows(3, 3) == [3]  # the three support metrics
    assert tile_rows(7, 3) == [3, 2, 2]


def test_the_data_page_shows_the_demo_banner_without_a_link_to_itself(app, editor) -> None:  # noqa: F811
    at = run(**OCT)
    assert "Clear it on the Data page" in links(at)
    at.switch_page("pages/data.py").run()
    no_exception(at)
    assert "Demo data" in texts(at)
    assert "Clear it on the Data page" not in links(at)


def test_scorecard_table_has_readable_headers_and_the_views_figures(app, editor) -> None:  # noqa: F811
    at = run(**OCT)
    table = at.dataframe[0].value
    assert list(table.columns) == ["Metric", "Value", "Unit", "n", "Period", "Filters", "Note"]
    row = table.set_index("Metric").loc["CSAT"]
    # the tile's figure and n: 90.5 % of 400 October answers
    assert (plain(row["Value"]), row["n"], row["Period"], row["Filters"]) == (
        "90.5 %",
        400,
        "2026-10-01 – 2026-10-31",
        "none",
    )


def explain_page(**query: str) -> AppTest:
    at = new_app(**query)
    at.user = EDITOR  # type: ignore[assignment]
    at.switch_page("pages/explain.py").run()
    no_exception(at)
    return at


def test_explain_survey_rows_download_for_a_cs_lead_and_raw(app, editor) -> None:  # noqa: F811
    at = explain_page(**OCT, metric="csat")
    labels = [b.proto.label for b in at.get("download_button")]
    # numerator and denominator tabs: each a readable file and the raw one
    assert labels == ["Download these rows (CSV)", "Raw rows with internal columns (CSV)"] * 2


def test_explain_clv_card_names_window_churned_count_and_assumed_margin(app, editor) -> None:  # noqa: F811
    at = explain_page(**OCT, metric="clv")
    shown = texts(at)
    assert "Churn window: 2026\\-05\\-01 – 2026\\-10\\-31 \\(6 calendar months\\)" in shown
    assert "29 customers churned in the window" in shown
    assert "margin not set — 100 % assumed: set the gross margin in Settings" in shown
    assert "Set the gross margin in Settings" in links(at)


def test_settings_scale_cells_without_an_override_are_empty_not_none(app, editor) -> None:  # noqa: F811
    at = new_app(**OCT)
    at.user = EDITOR  # type: ignore[assignment]
    at.switch_page("pages/settings.py").run()
    no_exception(at)
    scales = at.get("data_editor")[0].value
    # the demo's five surveys, none overridden: numeric columns with blanks (NaN), which the editor shows empty
    assert len(scales) == 5
    assert str(scales["min"].dtype) == "float64" and str(scales["max"].dtype) == "float64"
    assert scales["min"].isna().all() and scales["max"].isna().all()


def test_a_latest_value_never_counts_towards_a_goal(survey_store) -> None:
    from cxkpi.goals import add_goal
    from cxkpi.store import make_engine

    with acting_as(machine_actor()):
        eng = make_engine(f"duckdb:///{survey_store}")
        # +5 NPS points over September's +25: target +30
        add_goal(eng, "nps", "2026-09-01", "2026-09-30", "absolute", 5.0, "NPS +5")
        eng.dispose()
    at = run(**OCT)
    assert metric(at, "NPS").value == "+25"  # September's value, shown as such
    shown = texts(at)
    assert "Goal" not in shown  # no progress drawn from another period's figure
    assert not at.get("progress")
    at = run(period="custom", **{"from": "2026-09-01", "to": "2026-09-30"})
    # in September itself the goal is drawn: (25 − 25) / (30 − 25) = 0 % of the way
    assert [p.proto.text.replace("\xa0", " ") for p in at.get("progress")] == ["Goal 30: 0 % of the way"]


def test_support_cards_hold_their_comparison_and_a_short_reply_reads_in_minutes(app, editor) -> None:  # noqa: F811
    at = new_app(**OCT, channel="chat")
    at.user = EDITOR  # type: ignore[assignment]
    at.switch_page("pages/support.py").run()
    no_exception(at)
    for m in at.metric:
        if m.delta:
            assert m.proto.delta_description == "vs Sep 2026", m.label
    # the comparison is no longer a loose caption under the cards
    assert "vs Sep 2026" not in [c.value for c in at.caption]


def test_custom_from_and_to_stand_one_under_the_other_in_the_sidebar(app, editor) -> None:  # noqa: F811
    at = run(**OCT)
    dates = at.sidebar.date_input
    assert [d.value.isoformat() for d in dates] == ["2026-10-01", "2026-10-31"]
    # not side by side in two sidebar columns, where the dates were cut to "2026-10-…"
    assert len(at.sidebar.columns) == 0


def test_the_demos_default_view_has_every_tile_filled(app, editor) -> None:  # noqa: F811
    at = run()  # the default view: last month, October 2026 with the suite's fixed today
    assert "Oct 2026 · compared with Sep 2026" in texts(at)
    empty = [m.label for m in at.metric if m.value == "Not available"]
    assert empty == []
    assert len(at.metric) == 13
    # NPS from October's monthly transactional survey: 148 answers (tests/test_demo_nps.py works it out)
    assert "n = 148" in [c.value.split(" · ")[0] for c in at.caption]


def test_trends_under_a_channel_filter_says_why_without_an_import_link(app, editor) -> None:  # noqa: F811
    at = new_app(**OCT, channel="chat", metric="mrr")
    at.user = EDITOR  # type: ignore[assignment]
    at.switch_page("pages/trends.py").run()
    no_exception(at)
    assert "A channel filter does not apply to subscriptions (they carry no channel; channel=chat)" in texts(
        at
    )
    assert "Import on the Data page" not in links(at)  # the workspace holds subscriptions


def test_a_viewer_sees_export_advice_without_a_link_to_the_data_page(survey_store, monkeypatch) -> None:
    """A viewer's menu has no Data page, and st.page_link to a page outside the menu fails the page: the
    Scorecard (run through app.py's navigation, as on the server) draws the advice without the link."""
    monkeypatch.setenv("CXKPI_VIEWERS", "@example.com")
    at = new_app(**OCT)
    at.user = {"is_logged_in": True, "email": "cfo@example.com", "groups": ["board"]}  # type: ignore[assignment]
    at.run()
    no_exception(at)
    assert "Signed in as cfo@example.com · viewer" in texts(at)
    assert "Needs: Load a survey export with a Customer Effort (CES) question" in texts(at)
    assert "Import on the Data page" not in links(at)
