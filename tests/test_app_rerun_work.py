"""The Scorecard page does each thing once per rerun (issue 11), counted on a real DuckDB store.

Every statement the app sends is counted with a SQLAlchemy event listener, and the library entry points
(metrics.scorecard(s), metrics.trends, goals.list_goals, store.data_version) are wrapped to count calls:
- a first run reads the data version once and the goals once, computes the two scorecards (the period
  and its comparison) in one scorecards call and all 13 sparklines in one trends call;
- a rerun with nothing changed sends no statement to a fact table and builds no figure;
- a filter change computes the new view once: no fact-table statement runs twice with the same
  parameters, apart from the workspace facts each library call reads first;
- a changed workspace setting (a new data version) is computed again.
"""

from __future__ import annotations

import collections
import re
from collections.abc import Iterator

import plotly.graph_objects as go
import pytest
import sqlalchemy as sa

import cxkpi.goals as goals
import cxkpi.metrics as metrics
import cxkpi.store as store
from tests.apphelpers import app, demo_store, demo_template, no_exception  # noqa: F401

CUSTOM_Q3 = {"period": "custom", "from": "2026-07-01", "to": "2026-09-30"}
FACT_TABLES = ("tickets", "responses", "subscriptions", "accounts", "renewals", "costs", "payments")
FACT = re.compile(r"\b(FROM|JOIN)\s+(" + "|".join(FACT_TABLES) + r")\b", re.IGNORECASE)
# metrics.make_context's first read in every library call: which facts the workspace has (basis, currency)
WORKSPACE_FACTS = "SELECT EXISTS (SELECT subscriptions.subscription_id"


class Work:
    """Statements and library calls since the last `take()`."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, str]] = []
        self.calls: collections.Counter[str] = collections.Counter()
        self.figures = 0

    def take(self) -> Work:
        done = Work()
        done.statements, done.calls, done.figures = self.statements, self.calls, self.figures
        self.statements, self.calls, self.figures = [], collections.Counter(), 0
        return done

    def fact_statements(self) -> list[tuple[str, str]]:
        return [s for s in self.statements if FACT.search(s[0])]


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> Iterator[Work]:
    w = Work()

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        w.statements.append((statement, repr(parameters)))

    sa.event.listen(sa.Engine, "before_cursor_execute", on_execute)

    def counted(module, name: str) -> None:
        real = getattr(module, name)

        def wrapper(*a, **k):
            w.calls[name] += 1
            return real(*a, **k)

        monkeypatch.setattr(module, name, wrapper)

    counted(metrics, "scorecard")
    counted(metrics, "scorecards")
    counted(metrics, "trends")
    counted(metrics, "trend")
    counted(goals, "list_goals")
    counted(store, "data_version")

    class CountedFigure(go.Figure):
        def __init__(self, *a, **k) -> None:
            w.figures += 1
            super().__init__(*a, **k)

    monkeypatch.setattr(go, "Figure", CountedFigure)
    yield w
    sa.event.remove(sa.Engine, "before_cursor_execute", on_execute)


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_first_run_rerun_and_filter_change_do_each_thing_once(app, work):  # noqa: F811
    at = app(**CUSTOM_Q3)
    at.run()
    no_exception(at)
    first = work.take()
    assert len(at.metric) == 13
    # the period (Q3 2026) and its comparison (Q2 2026): one scorecards call; the 13 sparklines: one trends call
    assert first.calls["scorecards"] == 1 and first.calls["scorecard"] == 0
    assert first.calls["trends"] == 1
    assert first.calls["trend"] == 0
    # read once for the whole run, not once per tile (the page has 13 tiles)
    assert first.calls["data_version"] == 1
    assert first.calls["list_goals"] == 1
    # 13 sparklines, two traces each (the line and its last point), one figure each
    assert first.figures == 13
    assert first.fact_statements(), "the first run computes the metrics"

    at.run()  # nothing changed
    no_exception(at)
    rerun = work.take()
    assert rerun.fact_statements() == []
    assert (
        rerun.calls["scorecard"]
        == rerun.calls["scorecards"]
        == rerun.calls["trends"]
        == rerun.calls["trend"]
        == 0
    )
    assert rerun.calls["data_version"] == 1 and rerun.calls["list_goals"] == 1
    assert rerun.figures == 0  # the built figures are reused
    # what is left is the run's own small reads: the data version, the settings, the goals
    assert len(rerun.statements) <= 5, rerun.statements

    before = tiles(at)
    at.sidebar.selectbox(key="w_channel").set_value("chat").run()
    no_exception(at)
    change = work.take()
    assert tiles(at) != before
    assert change.calls["scorecards"] == 1 and change.calls["scorecard"] == 0 and change.calls["trends"] == 1
    assert change.calls["data_version"] == 1 and change.calls["list_goals"] == 1
    facts = change.fact_statements()
    workspace_reads = [s for s in facts if s[0].startswith(WORKSPACE_FACTS)]
    others = collections.Counter(s for s in facts if not s[0].startswith(WORKSPACE_FACTS))
    # one workspace reading per library call (1 scorecards + 1 trends call), every other statement once
    assert len(workspace_reads) == 2
    assert [s for s, n in others.items() if n > 1] == []
    assert "Computing…" not in [c.value for c in at.caption]  # the light placeholder was replaced

    at.sidebar.selectbox(key="w_channel").set_value("").run()  # back to a view computed before
    no_exception(at)
    back = work.take()
    assert tiles(at) == before
    assert back.fact_statements() == [] and back.figures == 0


def test_a_new_data_version_is_computed_again(app, demo_store, work):  # noqa: F811
    at = app(**CUSTOM_Q3)
    at.run()
    work.take()
    # a saved workspace setting is part of the data version (time zone, currency and margin change numbers)
    eng = store.make_engine(f"duckdb:///{demo_store}")
    with eng.begin() as conn:
        conn.execute(sa.insert(store.schema.settings).values(key="app.note", value='"x"'))
    at.run()
    no_exception(at)
    again = work.take()
    assert again.calls["scorecards"] == 1 and again.calls["trends"] == 1
    assert again.figures == 13


def test_kept_results_are_copies_and_figures_the_same_objects() -> None:
    from pages.common import Kept

    kept = Kept(2)
    computed = []

    def compute() -> dict:
        computed.append(1)
        return {"csat": [1, 2]}

    a = kept.get(("a",), compute)
    a["csat"].append(3)  # a page changing its copy
    assert kept.get(("a",), compute) == {"csat": [1, 2]}
    assert len(computed) == 1
    fig = go.Figure()
    assert kept.get(("f",), lambda: fig, copy=False) is fig
    assert kept.get(("f",), lambda: go.Figure(), copy=False) is fig
    kept.get(("b",), compute)  # a third key: the least recently used one ("a") is dropped
    assert ("a",) not in kept and ("f",) in kept and ("b",) in kept


def test_a_statement_is_compiled_once_and_reused_with_new_parameters(engine: sa.Engine) -> None:
    """duckdb_engine turns SQLAlchemy's compiled cache off; the store's engines turn it back on (both backends)."""
    from sqlalchemy.engine.default import CACHE_HIT, CACHE_MISS

    tbl = store.schema.settings
    query = sa.select(tbl.c.value).where(tbl.c.key == sa.bindparam("k"))
    with engine.connect() as conn:
        first = conn.execute(query, {"k": "a"}).context.cache_hit
        second = conn.execute(query, {"k": "b"}).context.cache_hit  # same shape, another value
    assert first in (CACHE_MISS, CACHE_HIT)  # a fixture may have run it already
    assert second == CACHE_HIT  # not NO_DIALECT_SUPPORT, duckdb_engine's own setting
