"""A survey metric with no answers in the period but some before it: value stays None, `latest` carries the
most recent calendar month's value with its own period and n; never used for changes or goals."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.goals import Goal, goal_progress
from cxkpi.metrics import Filters, compare, compute, scorecard
from cxkpi.metrics.types import LatestValue
from tests.metric_fixtures import day, load, period, responses_many

OCT = period("2026-10-01", "2026-10-31")


@pytest.fixture
def quarterly(engine: sa.Engine) -> sa.Engine:
    load(
        engine,
        # NPS in July: promoters 10 9 9 = 3, detractors 3 = 1 of 5 → (3 − 1) / 5 = +40
        *responses_many("jul", "nps", [10, 9, 9, 7, 3], (0, 10), "2026-07-20", channel="email"),
        # NPS in September: promoters 10 = 1, detractors 6 0 = 2 of 4 → (1 − 2) / 4 = −25
        *responses_many("sep", "nps", [10, 8, 6, 0], (0, 10), "2026-09-12", channel="email"),
        # CSAT in October only (the period has data for CSAT)
        *responses_many("oct", "csat", [5, 4, 2], (1, 5), "2026-10-05"),
        # NPS in December, after the period: not a "latest" for October
        *responses_many("dec", "nps", [10, 10], (0, 10), "2026-12-01"),
    )
    return engine


def test_latest_month_with_answers_is_carried(quarterly: sa.Engine) -> None:
    r = compute(quarterly, "nps", OCT)
    assert r.value is None
    assert r.latest == LatestValue(-25.0, day("2026-09-01"), day("2026-09-30"), 4)
    assert r.reason == "No NPS answers in Oct 2026 — latest Sep 2026, n = 4"
    assert "Load" not in r.reason
    j = r.to_json()
    assert j["value"] is None and j["latest"] == {
        "value": -25.0,
        "from": "2026-09-01",
        "to": "2026-09-30",
        "n": 4,
    }
    assert compute(quarterly, "csat", OCT).latest is None  # CSAT has its own October value: 2 of 3


def test_latest_in_the_scorecard_json(quarterly: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = quarterly.url.render_as_string(hide_password=False)
    assert (
        main(["scorecard", "--from", "2026-08-01", "--to", "2026-08-31", "--db", url, "--format", "json"])
        == 0
    )
    m = json.loads(capsys.readouterr().out)["metrics"]
    # August: the latest month before it with NPS is July, +40 of 5 answers
    assert m["nps"]["latest"] == {"value": 40.0, "from": "2026-07-01", "to": "2026-07-31", "n": 5}
    # the workspace has CSAT, but only from October: no latest, and no advice to load an export
    assert m["csat"]["reason"] == "No CSAT answers in Aug 2026" and "latest" not in m["csat"]


def test_no_such_data_at_all_asks_for_the_export(engine: sa.Engine) -> None:
    load(engine, *responses_many("c", "csat", [5], (1, 5), "2026-09-01"))
    r = compute(engine, "nps", OCT)
    assert r.latest is None and "Load a survey export" in r.reason


def test_answers_only_outside_the_filter_say_so(quarterly: sa.Engine) -> None:
    r = compute(quarterly, "nps", OCT, Filters(channel="chat"))
    assert r.value is None and r.latest is None
    assert r.reason == "No NPS answers match the filters (channel=chat)"
    # under a filter that keeps the September answers, the latest is theirs
    r = compute(quarterly, "nps", OCT, Filters(channel="email"))
    assert r.latest is not None and r.latest.value == pytest.approx(-25.0)
    assert (
        r.reason == "No NPS answers in Oct 2026 matching the filters (channel=email) — latest Sep 2026, n = 4"
    )


def test_partial_month_before_the_period_is_clipped(quarterly: sa.Engine) -> None:
    # period 20–30 Sep: the September answers (12 Sep) are before it, in the same calendar month → 1–19 Sep
    r = compute(quarterly, "nps", period("2026-09-20", "2026-09-30"))
    assert r.latest == LatestValue(-25.0, day("2026-09-01"), day("2026-09-19"), 4)


def test_latest_is_never_a_change_or_goal_progress(quarterly: sa.Engine) -> None:
    now = scorecard(quarterly, OCT, keys=["nps"])["nps"]
    before = compute(quarterly, "nps", period("2026-07-01", "2026-07-31"))  # +40
    assert now.latest is not None and before.value == pytest.approx(40.0)
    change = compare(now, before)
    assert (change.delta, change.relative, change.significant) == (None, None, None)
    goal = Goal("g", "nps", day("2026-07-01"), day("2026-07-31"), "absolute", 5.0)
    gp = goal_progress(quarterly, goal, OCT, lambda e, k, p: compute(e, k, p))
    assert gp.baseline == pytest.approx(40.0) and gp.current is None and gp.progress is None
    assert gp.reason.startswith("current value not available: No NPS answers in Oct 2026")


def test_answers_without_a_usable_scale_ask_for_the_scale_not_an_export(engine: sa.Engine) -> None:
    load(engine, *responses_many("x", "csat", [5, 4], None, "2026-09-03", survey="Legacy"))  # no scale stored
    r = compute(engine, "csat", OCT)
    assert r.latest is None and "Load" not in r.reason
    assert r.reason == (
        "No CSAT answers in Oct 2026; the workspace's CSAT answers have no usable scale (set it with the "
        "survey.scales option)"
    )
