"""Goals: stored on both backends, target and progress arithmetic written out, progress over a compute callable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from cxkpi.goals import (
    Goal,
    add_goal,
    delete_goal,
    get_goal,
    goal_progress,
    list_goals,
    progress,
    target_value,
)


def _g(metric: str, kind: str, value: float) -> Goal:
    return Goal("g", metric, dt.date(2025, 1, 1), dt.date(2025, 3, 31), kind, value)  # type: ignore[arg-type]


def test_relative_csat_goal() -> None:
    g = _g("csat", "relative", 10)  # "+10 % CSAT"
    # target = 72 × (1 + 10/100) = 79.2
    assert target_value(g, 72.0) == pytest.approx(79.2)
    # progress = (75.6 − 72) / (79.2 − 72) = 3.6 / 7.2 = 0.5
    assert progress(g, 72.0, 75.6) == pytest.approx(0.5)


def test_absolute_nps_goal() -> None:
    g = _g("nps", "absolute", 5)  # "+5 NPS points"
    # target = 30 + 5 = 35; progress = (33 − 30) / (35 − 30) = 3 / 5 = 0.6
    assert target_value(g, 30.0) == 35.0
    assert progress(g, 30.0, 33.0) == pytest.approx(0.6)


def test_relative_clv_goal() -> None:
    g = _g("clv", "relative", 20)  # "+20 % CLV"
    # target = 1000 × 1.2 = 1200; progress = (1100 − 1000) / (1200 − 1000) = 100 / 200 = 0.5
    assert target_value(g, 1000.0) == pytest.approx(1200.0)
    assert progress(g, 1000.0, 1100.0) == pytest.approx(0.5)


def test_a_goal_to_lower_a_metric_and_overshooting_and_going_backwards() -> None:
    g = _g("churn_rate", "relative", -25)  # churn 4 % → target 4 × 0.75 = 3 %
    assert target_value(g, 4.0) == pytest.approx(3.0)
    assert progress(g, 4.0, 3.5) == pytest.approx(0.5)  # (3.5 − 4) / (3 − 4)
    assert progress(g, 4.0, 2.0) == pytest.approx(2.0)  # beyond the target
    assert progress(g, 4.0, 5.0) == pytest.approx(-1.0)  # worse than the baseline


def test_relative_goal_on_a_negative_baseline_moves_the_right_way() -> None:
    g = _g("nps", "relative", 10)
    # NPS −20, "+10 %": −20 + |−20| × 0.10 = −18 (not −20 × 1.1 = −22, which would be a lower target)
    assert target_value(g, -20.0) == pytest.approx(-18.0)
    assert progress(g, -20.0, -19.0) == pytest.approx(0.5)


def test_progress_is_none_without_a_baseline_or_when_target_equals_baseline() -> None:
    rel = _g("csat", "relative", 10)
    assert progress(rel, None, 75.0) is None
    assert target_value(rel, None) is None
    assert progress(rel, 0.0, 5.0) is None  # 0 × 1.1 = 0: target == baseline
    assert progress(_g("nps", "absolute", 5), 30.0, None) is None


def test_goals_are_stored_listed_and_deleted(engine: sa.Engine) -> None:
    a = add_goal(engine, "csat", dt.date(2025, 1, 1), dt.date(2025, 3, 31), "relative", 10, label="CSAT +10 %")
    b = add_goal(engine, "nps", "2025-01-01", "2025-03-31", "absolute", 5)
    goals = list_goals(engine)
    assert [g.goal_id for g in goals] == [a, b]
    first = goals[0]
    assert (first.metric, first.baseline_from, first.baseline_to, first.kind, first.value, first.label) == (
        "csat", dt.date(2025, 1, 1), dt.date(2025, 3, 31), "relative", 10.0, "CSAT +10 %",
    )
    assert goals[1].label is None and goals[1].title == "NPS +5"
    assert [g.goal_id for g in list_goals(engine, metric="nps")] == [b]
    assert get_goal(engine, b) == goals[1]
    assert delete_goal(engine, a) is True
    assert delete_goal(engine, a) is False
    assert [g.goal_id for g in list_goals(engine)] == [b]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("csat", "2025-02-01", "2025-01-01", "relative", 10), "before it starts"),
        (("csat", "2025-01-01", "2025-01-31", "percent", 10), "target kind"),
        (("csat", "2025-01-01", "2025-01-31", "absolute", 0), "non-zero"),
        (("", "2025-01-01", "2025-01-31", "absolute", 1), "needs a metric"),
    ],
)
def test_add_goal_rejects_bad_input(engine: sa.Engine, args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        add_goal(engine, *args)
    assert list_goals(engine) == []


@dataclass
class _Result:
    value: float | None
    reason: str | None = None


@dataclass(frozen=True)
class _Period:
    start: dt.date
    end: dt.date


def test_goal_progress_asks_compute_for_the_baseline_and_the_current_period(engine: sa.Engine) -> None:
    gid = add_goal(engine, "csat", "2025-01-01", "2025-03-31", "relative", 10)
    (goal,) = list_goals(engine)
    assert goal.goal_id == gid
    values = {_Period(dt.date(2025, 1, 1), dt.date(2025, 3, 31)): 72.0, _Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30)): 75.6}
    calls: list[tuple[str, _Period]] = []

    def compute(e: sa.Engine, key: str, period: _Period) -> _Result:
        calls.append((key, period))
        return _Result(values[period])

    got = goal_progress(engine, goal, _Period(dt.date(2025, 4, 1), dt.date(2025, 6, 30)), compute)
    # baseline 72 (Q1) → target 79.2; current 75.6 (Q2) → (75.6 − 72) / 7.2 = 0.5
    assert (got.baseline, got.current) == (72.0, 75.6)
    assert got.target == pytest.approx(79.2) and got.progress == pytest.approx(0.5) and got.reason is None
    assert [c[0] for c in calls] == ["csat", "csat"]  # the baseline period was built as a _Period

    # a tuple period works too, and a missing baseline says why
    def missing(e: sa.Engine, key: str, period: object) -> _Result:
        return _Result(None, "no csat responses") if period == (goal.baseline_from, goal.baseline_to) else _Result(75.0)

    none = goal_progress(engine, goal, (dt.date(2025, 4, 1), dt.date(2025, 6, 30)), missing)
    assert none.progress is None and none.target is None
    assert none.reason == "baseline not available: no csat responses"


def test_goal_progress_with_the_metric_engine(engine: sa.Engine) -> None:
    # the real engine's compute(engine, key, period) fits the callable; MRR baseline January, current February
    from cxkpi.metrics.engine import compute
    from cxkpi.metrics.types import Period
    from cxkpi.store import CANONICAL, relink

    base = dict(currency="USD", interval="month", interval_count=1, quantity=1.0, load_id=1, system="stripe")
    with engine.begin() as c:
        c.execute(
            sa.insert(CANONICAL["subscriptions"]),
            [
                dict(subscription_id="s1", account_id="A", amount=100.0, started_at=dt.datetime(2024, 12, 1), **base),
                dict(subscription_id="s2", account_id="B", amount=50.0, started_at=dt.datetime(2025, 2, 10), **base),
            ],
        )
        relink(c)
    gid = add_goal(engine, "mrr", "2025-01-01", "2025-01-31", "relative", 100)  # double MRR
    got = goal_progress(engine, get_goal(engine, gid), Period(dt.date(2025, 2, 1), dt.date(2025, 2, 28)), compute)
    # baseline 100 (end of Jan) → target 200; current 150 (end of Feb) → (150 − 100) / (200 − 100) = 0.5
    assert (got.baseline, got.target, got.current, got.progress) == (100.0, 200.0, 150.0, 0.5)
