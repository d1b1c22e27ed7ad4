"""Rewritten metric queries give the figures the engine gave before, to the last digit, on both backends.

The figures were captured once (tests/data/metrics_equivalence.json) from the engine as it was before the
performance work of issue 11: scorecards for a month, a quarter and a year, the month under each filter
(segment, channel, survey), the previous period, and monthly and weekly trends of every metric — on the
fixed-end demo (November 2024 … October 2026) and on the sample exports in tests/fixtures. Every later
rewrite (grouped trends, one pass per table) must print the same JSON figures on DuckDB and PostgreSQL.

Only the prose (label, definition, reason, source) is left out, so a reworded sentence is not a changed
figure. To capture again after a deliberate change of a definition:

    python -m tests.test_metrics_equivalence   # rewrites tests/data/metrics_equivalence.json from DuckDB
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.demo import load_demo
from cxkpi.metrics import REGISTRY, Filters, Period, scorecard, scorecards, trend
from cxkpi.store import make_engine

GOLDEN = Path(__file__).resolve().parent / "data" / "metrics_equivalence.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_END = dt.date(2026, 10, 1)  # the demo's last month is October 2026, as in tests/apphelpers.py
PROSE = {"label", "definition", "reason", "source"}


def _p(start: str, end: str) -> Period:
    return Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end))


# (name, period, filters) — a month, the month before, a quarter, a year, and the month under each filter
DEMO_VIEWS: list[tuple[str, Period, dict[str, str]]] = [
    ("month", _p("2026-10-01", "2026-10-31"), {}),
    ("previous month", _p("2026-09-01", "2026-09-30"), {}),
    ("quarter", _p("2026-07-01", "2026-09-30"), {}),
    ("year", _p("2025-11-01", "2026-10-31"), {}),
    ("month, segment", _p("2026-10-01", "2026-10-31"), {"segment": "Enterprise"}),
    ("month, channel", _p("2026-10-01", "2026-10-31"), {"channel": "chat"}),
    ("month, survey", _p("2026-10-01", "2026-10-31"), {"survey": "Post-ticket CSAT"}),
    ("quarter, segment", _p("2026-07-01", "2026-09-30"), {"segment": "SMB"}),
]
# (name, period, options): the churn and CLV readings the one-pass subscription query computes differently
DEMO_OPTION_VIEWS: list[tuple[str, Period, dict[str, Any]]] = [
    ("month, revenue churn", _p("2026-10-01", "2026-10-31"), {"churn_rate.basis": "revenue"}),
    ("quarter, won and lost", _p("2026-07-01", "2026-09-30"), {"churn_rate.include_in_period": True}),
    ("year, revenue churn", _p("2025-11-01", "2026-10-31"), {"churn_rate.basis": "revenue"}),
]
# (name, start, end, by, filters): the sparklines' monthly trend and a weekly one, every metric
DEMO_TRENDS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("monthly", "2026-05-01", "2026-10-31", "month", {}),
    ("weekly", "2026-09-14", "2026-10-25", "week", {}),
    ("monthly, segment", "2026-08-01", "2026-10-31", "month", {"segment": "Mid-market"}),
]
# added with the one-pass rewrites (captured from the engine before them): the Scorecard's twelve-month
# sparklines, quarters, a year as one bucket, a part-month range, and the channel and survey filters
DEMO_MORE_TRENDS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("sparklines", "2025-11-01", "2026-10-31", "month", {}),
    ("quarterly", "2024-11-01", "2026-10-31", "quarter", {}),
    ("a year by quarter", "2025-11-01", "2026-10-31", "quarter", {}),
    ("monthly, part months", "2026-06-10", "2026-10-20", "month", {}),
    ("monthly, channel", "2026-08-01", "2026-10-31", "month", {"channel": "chat"}),
    ("monthly, survey", "2026-08-01", "2026-10-31", "month", {"survey": "Post-ticket CSAT"}),
    ("quarterly, region", "2025-11-01", "2026-10-31", "quarter", {"region": "EMEA"}),
]
FIXTURE_VIEWS: list[tuple[str, Period, dict[str, str]]] = [
    ("year", _p("2025-01-01", "2025-12-31"), {}),
    ("quarter", _p("2025-01-01", "2025-03-31"), {}),
    ("month", _p("2025-03-01", "2025-03-31"), {}),
    ("year, survey", _p("2025-01-01", "2025-12-31"), {"survey": "Zendesk satisfaction"}),
    ("year, channel", _p("2025-01-01", "2025-12-31"), {"channel": "email"}),
    ("year, segment", _p("2025-01-01", "2025-12-31"), {"segment": "Enterprise"}),
]
FIXTURE_TRENDS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("monthly", "2025-01-01", "2025-12-31", "month", {}),
    ("weekly", "2025-02-03", "2025-03-30", "week", {}),
]
FIXTURE_MORE_TRENDS: list[tuple[str, str, str, str, dict[str, str]]] = [
    ("quarterly", "2025-01-01", "2025-12-31", "quarter", {}),
    ("monthly, segment", "2025-01-01", "2025-12-31", "month", {"segment": "Enterprise"}),
    ("monthly, channel", "2025-01-01", "2025-06-30", "month", {"channel": "email"}),
]


def _figures(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in PROSE}


def capture(
    engine: sa.Engine, views: list, trends: list, option_views: list = (), rollups: bool = False
) -> dict[str, Any]:
    """The figures of every view and trend, as JSON-ready dicts (to_json: 12 significant digits);
    `rollups`: read through the daily rollups (cxkpi.metrics.rollups), as the app does."""
    out: dict[str, Any] = {"scorecards": {}, "trends": {}}
    for name, period, filters in views:
        res = scorecard(engine, period, Filters(**filters), rollups=rollups)
        out["scorecards"][name] = {k: _figures(r.to_json()) for k, r in res.items()}
    for name, period, options in option_views:
        res = scorecard(engine, period, options=options, rollups=rollups)
        out["scorecards"][name] = {k: _figures(r.to_json()) for k, r in res.items()}
    for name, start, end, by, filters in trends:
        s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        out["trends"][name] = {
            key: [
                {"from": p.start.isoformat(), "to": p.end.isoformat(), **_figures(p.result.to_json())}
                for p in trend(engine, key, s, e, by, Filters(**filters), rollups=rollups)
            ]
            for key in REGISTRY
        }
    return json.loads(json.dumps(out))  # the JSON round trip the golden file went through


def load_fixtures(engine: sa.Engine) -> None:
    files = sorted(str(p) for p in FIXTURES.glob("*.csv"))
    assert main(["ingest", *files, "--db", engine.url.render_as_string(hide_password=False)]) == 0


def _golden(which: str) -> dict[str, Any]:
    return json.loads(GOLDEN.read_text(encoding="utf-8"))[which]


def _assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    # view by view and metric by metric, so a failure names the figure that moved
    assert set(got["scorecards"]) == set(want["scorecards"])
    for view, metrics in want["scorecards"].items():
        for key, figures in metrics.items():
            assert got["scorecards"][view][key] == figures, f"scorecard {view!r}, {key}"
    for name, metrics in want["trends"].items():
        for key, points in metrics.items():
            assert got["trends"][name][key] == points, f"trend {name!r}, {key}"


def test_golden_figures_are_real_figures() -> None:
    # the capture holds numbers, not a file of empty results: October 2026 CSAT on the demo, and the
    # fixture README's Zendesk satisfaction 26 Good of 34 rated = 76.47 %
    demo, fx = _golden("demo"), _golden("fixtures")
    csat = demo["scorecards"]["month"]["csat"]
    assert csat["value"] is not None and csat["n"] > 100
    zd = fx["scorecards"]["year, survey"]["csat"]
    assert (zd["numerator"], zd["n"]) == (26, 34) and zd["value"] == pytest.approx(100 * 26 / 34)
    assert len(demo["trends"]["weekly"]["frt"]) == 6  # 14 Sep … 25 Oct 2026: six ISO weeks


@pytest.mark.parametrize("rollups", [False, True], ids=["fact tables", "daily rollups"])
def test_demo_figures_are_unchanged(engine: sa.Engine, rollups: bool) -> None:
    load_demo(engine, DEMO_END)
    got = capture(engine, DEMO_VIEWS, DEMO_TRENDS + DEMO_MORE_TRENDS, DEMO_OPTION_VIEWS, rollups)
    _assert_same(got, _golden("demo"))


def test_a_view_and_its_comparison_in_one_statement_give_the_same_figures(engine: sa.Engine) -> None:
    # scorecards([October, September]) reads the tables once for both periods; each card must be the golden
    # scorecard of its own period, under no filter and under a segment filter
    load_demo(engine, DEMO_END)
    want = _golden("demo")["scorecards"]
    month, previous = DEMO_VIEWS[0][1], DEMO_VIEWS[1][1]
    both = scorecards(engine, [month, previous])
    assert {k: _figures(r.to_json()) for k, r in both[0].items()} == want["month"]
    assert {k: _figures(r.to_json()) for k, r in both[1].items()} == want["previous month"]
    quarter, seg = DEMO_VIEWS[7][1], Filters(**DEMO_VIEWS[7][2])
    pair = scorecards(engine, [quarter, previous], seg)
    assert {k: _figures(r.to_json()) for k, r in pair[0].items()} == want["quarter, segment"]
    alone = scorecard(engine, previous, seg)  # September under the segment filter, computed on its own
    assert {k: r.to_json() for k, r in pair[1].items()} == {k: r.to_json() for k, r in alone.items()}


@pytest.mark.parametrize("rollups", [False, True], ids=["fact tables", "daily rollups"])
def test_sample_export_figures_are_unchanged(engine: sa.Engine, rollups: bool) -> None:
    load_fixtures(engine)
    got = capture(engine, FIXTURE_VIEWS, FIXTURE_TRENDS + FIXTURE_MORE_TRENDS, rollups=rollups)
    _assert_same(got, _golden("fixtures"))


def _write_golden() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        demo = make_engine(f"duckdb:///{Path(tmp) / 'demo.duckdb'}")
        load_demo(demo, DEMO_END)
        fx = make_engine(f"duckdb:///{Path(tmp) / 'fixtures.duckdb'}")
        load_fixtures(fx)
        out = {
            "demo": capture(demo, DEMO_VIEWS, DEMO_TRENDS + DEMO_MORE_TRENDS, DEMO_OPTION_VIEWS),
            "fixtures": capture(fx, FIXTURE_VIEWS, FIXTURE_TRENDS + FIXTURE_MORE_TRENDS),
        }
        demo.dispose()
        fx.dispose()
    GOLDEN.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN.name}", file=sys.stderr)


if __name__ == "__main__":
    _write_golden()
