"""Goals: a metric, a baseline period and a target (relative "+10 %" or absolute "+5 points"), and progress.

Progress = (current − baseline) / (target − baseline) (metrics.md). The metric engine is passed in as a
callable so this module does not depend on the registry.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import sqlalchemy as sa

from cxkpi.access import guarded
from cxkpi.store.schema import goals

GoalKind = Literal["relative", "absolute"]
KINDS: tuple[str, ...] = ("relative", "absolute")


@dataclass(frozen=True)
class Goal:
    goal_id: str
    metric: str
    baseline_from: dt.date
    baseline_to: dt.date
    kind: GoalKind
    value: float  # relative: percent of the baseline (+10 → +10 %); absolute: units of the metric (+5 points)
    label: str | None = None
    created_at: dt.datetime | None = None

    @property
    def title(self) -> str:
        """The label, or one made from the target in the current language: "CSAT +10 %", "NPS +5"."""
        if self.label:
            return self.label
        from cxkpi.i18n import t  # the metric's name as the pages show it (a key without one shows as stored)

        name = t(f"metric.{self.metric}")
        name = self.metric if name == f"metric.{self.metric}" else name
        return f"{name} {self.value:+g}{' %' if self.kind == 'relative' else ''}"


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    baseline: float | None
    target: float | None
    current: float | None
    progress: float | None  # 0 = at the baseline, 1 = target reached; may be < 0 or > 1
    reason: str | None = None  # why progress is None


def _as_date(d: dt.date | str) -> dt.date:
    if isinstance(d, dt.datetime):
        return d.date()
    return d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))


@guarded("add a goal")
def add_goal(
    engine: sa.Engine,
    metric: str,
    baseline_from: dt.date | str,
    baseline_to: dt.date | str,
    kind: GoalKind,
    value: float,
    label: str | None = None,
) -> str:
    """Store a goal and return its id."""
    start, end = _as_date(baseline_from), _as_date(baseline_to)
    if not metric or not metric.strip():
        raise ValueError("a goal needs a metric")
    if end < start:
        raise ValueError(f"baseline ends ({end}) before it starts ({start})")
    if kind not in KINDS:
        raise ValueError(f"target kind must be one of {', '.join(KINDS)}, not {kind!r}")
    value = float(value)
    if not math.isfinite(value) or value == 0:
        raise ValueError("the target change must be a finite, non-zero number")
    goal_id = uuid.uuid4().hex[:12]
    with engine.begin() as conn:
        conn.execute(
            sa.insert(goals).values(
                goal_id=goal_id,
                metric=metric.strip(),
                baseline_from=start,
                baseline_to=end,
                target_kind=kind,
                target_value=value,
                label=label.strip() if label and label.strip() else None,
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
        )
    return goal_id


def _goal(row: Any) -> Goal:
    return Goal(
        goal_id=row.goal_id,
        metric=row.metric,
        baseline_from=_as_date(row.baseline_from),
        baseline_to=_as_date(row.baseline_to),
        kind=row.target_kind,
        value=float(row.target_value),
        label=row.label,
        created_at=row.created_at,
    )


def list_goals(engine: sa.Engine, metric: str | None = None) -> list[Goal]:
    """Every stored goal (or one metric's), oldest first."""
    q = sa.select(goals).order_by(goals.c.created_at, goals.c.goal_id)
    if metric is not None:
        q = q.where(goals.c.metric == metric)
    with engine.connect() as conn:
        return [_goal(r) for r in conn.execute(q)]


def get_goal(engine: sa.Engine, goal_id: str) -> Goal | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(goals).where(goals.c.goal_id == goal_id)).first()
    return _goal(row) if row is not None else None


@guarded("delete a goal")
def delete_goal(engine: sa.Engine, goal_id: str) -> bool:
    """Remove a goal; True when there was one with that id."""
    with engine.begin() as conn:
        return conn.execute(sa.delete(goals).where(goals.c.goal_id == goal_id)).rowcount > 0


def target_value(goal: Goal, baseline_value: float | None) -> float | None:
    """relative: baseline × (1 + v/100) ("+10 % CSAT": 72 → 79.2); absolute: baseline + v ("+5 NPS": 30 → 35).

    For a negative baseline (NPS −20) a relative target moves by |baseline| × v/100 in the direction of v
    (+10 % → −18), since −20 × 1.1 = −22 would make "+10 %" a target below the baseline.
    """
    if baseline_value is None or not math.isfinite(baseline_value):
        return None
    if goal.kind == "relative":
        return baseline_value + abs(baseline_value) * goal.value / 100.0
    return baseline_value + goal.value


def progress(goal: Goal, baseline_value: float | None, current_value: float | None) -> float | None:
    """(current − baseline) / (target − baseline); None when baseline or current is missing or target == baseline."""
    target = target_value(goal, baseline_value)
    if target is None or current_value is None or not math.isfinite(current_value):
        return None
    assert baseline_value is not None  # target_value returned a number
    if target == baseline_value:  # a relative goal on a zero baseline: no distance to cover
        return None
    return (current_value - baseline_value) / (target - baseline_value)


def _period_like(current_period: Any, start: dt.date, end: dt.date) -> Any:
    # Build the baseline period with the same type as the current one (the engine's Period, or a tuple).
    if isinstance(current_period, tuple):
        return (start, end)
    return type(current_period)(start, end)


def goal_progress(
    engine: sa.Engine,
    goal: Goal,
    current_period: Any,
    compute: Callable[[sa.Engine, str, Any], Any],
    make_period: Callable[[dt.date, dt.date], Any] | None = None,
) -> GoalProgress:
    """Compute the goal's metric over its baseline period and `current_period`, and the progress between.

    `compute(engine, key, period)` returns an object with `.value` (None when not available), e.g.
    `lambda e, k, p: cxkpi.metrics.compute(e, k, p, filters)`. The baseline period is built with
    `make_period(from, to)`, by default the same type as `current_period`.
    """
    make = make_period or (lambda s, e: _period_like(current_period, s, e))
    base_res = compute(engine, goal.metric, make(goal.baseline_from, goal.baseline_to))
    cur_res = compute(engine, goal.metric, current_period)
    baseline = getattr(base_res, "value", None)
    current = getattr(cur_res, "value", None)
    target = target_value(goal, baseline)
    p = progress(goal, baseline, current)
    reason = None
    if baseline is None:
        reason = "baseline not available" + _because(base_res)
    elif current is None:
        reason = "current value not available" + _because(cur_res)
    elif p is None:
        reason = "the target equals the baseline"
    return GoalProgress(
        goal=goal, baseline=baseline, target=target, current=current, progress=p, reason=reason
    )


def _because(result: Any) -> str:
    why = getattr(result, "reason", None)
    return f": {why}" if why else ""
