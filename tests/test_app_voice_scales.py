"""Voice of customer charts that do not mix scales: a Good/Bad rating and 1–5 answers are compared as shares of
positive answers, never on one score axis; a month's NPS bar from a handful of answers is faded and shows n."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from cxkpi.access import acting_as, machine_actor
from cxkpi.voice import mixed_scales, positive_by_survey
from tests.apphelpers import freeze_today, new_app, no_exception
from tests.metric_fixtures import load, responses_many

EDITOR = {"is_logged_in": True, "email": "lead@example.com", "name": "Lead", "groups": ["cs-leads"]}


@pytest.fixture
def mixed_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """October 2026: a 1–5 CSAT survey (5, 4, 2) and a Good/Bad rating (Good, Bad, Good, Good);
    NPS: 40 answers in September, 4 in October."""
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    path = tmp_path / "voice.duckdb"
    with acting_as(machine_actor()):
        eng = make_engine(f"duckdb:///{path}")
        with eng.begin() as conn:
            conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
        load(
            eng,
            responses_many("P", "csat", [5, 4, 2], (1, 5), "2026-10-05 10:00", survey="Post-ticket CSAT"),
            responses_many("Z", "csat", [1, 0, 1, 1], (0, 1), "2026-10-06 10:00", survey="Zendesk rating"),
            responses_many(
                "S", "nps", [10] * 20 + [8] * 10 + [3] * 10, (0, 10), "2026-09-10 10:00", survey="NPS"
            ),
            responses_many("O", "nps", [10, 9, 6, 7], (0, 10), "2026-10-10 10:00", survey="NPS"),
        )
        eng.dispose()
    monkeypatch.setenv("CXKPI_EDITORS", "group:cs-leads")
    freeze_today(monkeypatch)
    monkeypatch.setenv("CXKPI_DB", f"duckdb:///{path}")
    return path


def voice(**query: str) -> AppTest:
    at = new_app(**query)
    at.user = EDITOR  # type: ignore[assignment]
    at.switch_page("pages/voice.py").run()
    no_exception(at)
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def test_positive_share_per_survey_from_the_distribution() -> None:
    dist = pd.DataFrame({
        "survey": ["Post-ticket CSAT"] * 3 + ["Zendesk rating"] * 2,
        "scale_min": [1.0, 1.0, 1.0, 0.0, 0.0], "scale_max": [5.0, 5.0, 5.0, 1.0, 1.0],
        "score": [2.0, 4.0, 5.0, 0.0, 1.0], "positive": [False, True, True, False, True],
        "responses": [1, 1, 1, 1, 3],
    })  # fmt: skip
    assert mixed_scales(dist)
    per = positive_by_survey(dist)
    # 4 and 5 of 1–5: 2 of 3 answers; Good: 3 of 4 answers
    assert per[["survey", "responses", "positive"]].values.tolist() == [
        ["Post-ticket CSAT", 3, 2],
        ["Zendesk rating", 4, 3],
    ]
    assert per["share_positive"].round(2).tolist() == [66.67, 75.0]
    assert not mixed_scales(dist[dist["survey"] == "Post-ticket CSAT"])


def test_a_good_bad_rating_and_a_1_to_5_survey_are_drawn_as_positive_shares(mixed_store) -> None:
    at = voice(period="custom", **{"from": "2026-10-01", "to": "2026-10-31"})
    csat = [f for f in figures(at) if "Share of positive answers" in f["layout"]["title"]["text"]]
    assert len(csat) == 1
    bar = csat[0]["data"][0]
    assert bar["x"] == ["Post-ticket CSAT (1–5)", "Zendesk rating (0–1)"]
    # 2 of 3 and 3 of 4 positive: 66.7 % and 75 %; no score axis shared by 0–1 and 1–5
    assert [round(y, 1) for y in bar["y"]] == [66.7, 75.0]
    assert [s.replace("\xa0", " ") for s in bar["text"]] == ["67 % · n=3", "75 % · n=4"]
    assert "score" not in json.dumps(csat[0]["layout"].get("xaxis", {})).lower()


def test_monthly_nps_bars_from_few_answers_are_faded_and_show_n(mixed_store) -> None:
    at = voice(period="custom", **{"from": "2026-10-01", "to": "2026-10-31"})
    nps = [
        f
        for f in figures(at)
        if any(tr.get("type") == "scatter" and tr.get("mode") == "text" for tr in f["data"])
    ]
    assert len(nps) == 1
    data = nps[0]["data"]
    months = data[0]["x"]
    sep, oct_ = months.index("Sep 2026"), months.index("Oct 2026")
    opacity = data[0]["marker"]["opacity"]
    # September: 40 answers (full colour); October: 4 answers, under 30 (faded)
    assert (opacity[sep], opacity[oct_]) == (1.0, 0.35)
    labels = next(tr for tr in data if tr.get("mode") == "text")["text"]
    assert (labels[sep], labels[oct_]) == ("n=40", "n=4")
    # October's NPS: promoters 10, 9 (2) − detractors 6 (1) of 4 = +25
    assert [tr for tr in data if tr.get("mode") == "lines+markers"][0]["y"][oct_] == pytest.approx(25.0)
