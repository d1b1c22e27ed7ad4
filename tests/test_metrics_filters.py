"""metrics.md: a filter applies to a metric only when its rows carry that attribute; otherwise the metric is
not available, with the reason, on every surface — never a company-wide figure under a filtered title."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.goals import Goal, goal_progress
from cxkpi.metrics import Filters, compute, explain, trend
from tests.metric_fixtures import account, cost, day, load, period, renewal, responses_many, sub, ticket

MARCH = period("2025-03-01", "2025-03-31")
ACCOUNT_LEVEL = ["churn_rate", "clv", "crc", "renewal_rate", "mrr"]
ROWS = {"churn_rate": "subscriptions", "clv": "subscriptions", "crc": "retention costs",
        "renewal_rate": "renewals", "mrr": "subscriptions"}  # fmt: skip


@pytest.fixture
def store(engine: sa.Engine) -> sa.Engine:
    # Every account-level metric has a value without filters (checked below), so "not available" is the filter's doing
    load(
        engine,
        account("A1", segment="SMB"),
        account("A2", segment="SMB"),
        sub("S1", "A1", 100, "2024-01-01"),
        sub("S2", "A2", 100, "2024-01-01", "2025-03-15"),  # churn, and CLV has churn in its window
        cost("c1", "2025-03-10", 200),
        renewal("R1", "A1", "2025-03-20", "renewed"),
        *responses_many("c", "csat", [5, 4, 1], (1, 5), "2025-03-03", channel="chat"),
        ticket("T1", "2025-03-02 09:00", solved="2025-03-02 12:00", reopens=1, replies=1, channel="chat"),
        ticket("T2", "2025-03-02 09:00", solved="2025-03-02 12:00", reopens=0, replies=1, channel="email"),
    )
    return engine


def _url(engine: sa.Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_unfiltered_every_account_level_metric_has_a_value(store: sa.Engine) -> None:
    # churn 1 of 2 = 50 %; MRR at 1 Apr = S1 100; retention cost 200 ÷ 2 customers active in March = 100
    assert compute(store, "churn_rate", MARCH).value == pytest.approx(50.0)
    assert compute(store, "mrr", MARCH).value == pytest.approx(100.0)
    assert compute(store, "crc", MARCH).value == pytest.approx(100.0)
    assert compute(store, "renewal_rate", MARCH).value == pytest.approx(100.0)
    # CLV: window Oct – Mar, 2 active at each of 6 month starts = 12, churned 1 → lifespan 12; ARPA 100
    assert compute(store, "clv", MARCH).value == pytest.approx(1200.0)


def test_channel_filter_makes_account_level_metrics_not_available_in_json(
    store: sa.Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    rc = main(["scorecard", "--from", "2025-03-01", "--to", "2025-03-31", "--db", _url(store),
               "--segment", "channel=chat", "--format", "json"])  # fmt: skip
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["filters"] == {"channel": "chat"}
    m = out["metrics"]
    for key in ACCOUNT_LEVEL:
        assert m[key]["value"] is None, key
        assert m[key]["reason"].startswith(f"a channel filter does not apply to {ROWS[key]}"), key
        assert m[key]["filters_not_applied"] == ["channel"], key
    # tickets and responses carry a channel: the filter applies. CSAT 2 of 3 chat answers; reopens T1 only
    assert m["csat"]["value"] == pytest.approx(200 / 3)
    assert m["ticket_reopens"]["value"] == 1 and m["ticket_reopens"]["rate"] == pytest.approx(100.0)


def test_channel_filter_in_the_table_and_csv(store: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "scorecard",
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--db",
        _url(store),
        "--segment",
        "channel=chat",
    ]
    assert main([*args, "--format", "csv"]) == 0
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    for key in ACCOUNT_LEVEL:
        assert rows[key]["value"] == "", key
        assert rows[key]["reason"].startswith(f"a channel filter does not apply to {ROWS[key]}"), key
    assert main([*args, "--format", "table"]) == 0
    table = capsys.readouterr().out
    assert "(channel=chat)" in table.splitlines()[0]
    for label in (
        "Customer churn rate",
        "Customer lifetime value",
        "Customer retention cost",
        "Renewal rate",
        "MRR",
    ):
        line = next(x for x in table.splitlines() if x.startswith(label + " "))
        assert "not available" in line and "a channel filter does not apply to" in line, line


def test_channel_filter_in_trends_explain_and_goals(store: sa.Engine) -> None:
    chat = Filters(channel="chat")
    points = trend(store, "mrr", day("2025-02-01"), day("2025-03-31"), filters=chat)
    assert [p.result.value for p in points] == [None, None]
    assert all("a channel filter does not apply to subscriptions" in p.result.reason for p in points)
    ex = explain(store, "churn_rate", MARCH, chat)
    assert ex.numerator_rows.empty and ex.reason.startswith(
        "a channel filter does not apply to subscriptions"
    )
    goal = Goal("g1", "mrr", day("2025-02-01"), day("2025-02-28"), "relative", 10.0)
    gp = goal_progress(store, goal, MARCH, lambda e, k, p: compute(e, k, p, chat))
    assert gp.progress is None and "a channel filter does not apply to subscriptions" in gp.reason


def test_survey_filter_does_not_apply_to_tickets_and_segment_not_to_costs(store: sa.Engine) -> None:
    r = compute(store, "fcr", MARCH, Filters(survey="Survey"))
    assert r.value is None and r.reason.startswith("a survey filter does not apply to tickets")
    r = compute(store, "crc", MARCH, Filters(segment="SMB"))
    assert r.value is None and "carry no customer account" in r.reason and "segment=SMB" in r.reason
    # a segment filter applies to subscriptions: both customers are SMB, so the figure is the whole one
    assert compute(store, "mrr", MARCH, Filters(segment="SMB")).value == pytest.approx(100.0)
