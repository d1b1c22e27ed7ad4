"""Ticket reopens, first response time, handle time and first contact resolution (March 2025, UTC)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cxkpi.metrics import Filters, compute
from tests.metric_fixtures import load, period, ticket

MARCH = period("2025-03-01", "2025-03-31")

TICKETS = [
    # id, created, first reply, solved, reopens, agent replies, handle minutes
    ticket("T1", "2025-03-02 09:00", reply_minutes=30, solved="2025-03-02 12:00", reopens=0, replies=1, handle=12,
           channel="chat"),
    ticket("T2", "2025-03-03 09:00", reply_at="2025-03-03 11:00", solved="2025-03-05 09:00", reopens=2, replies=3,
           handle=30, channel="chat"),  # FRT from timestamps: 2 h
    ticket("T3", "2025-03-04 09:00"),  # no reply, not solved
    ticket("T4", "2025-02-27 09:00", reply_minutes=60, solved="2025-03-01 00:00", reopens=0, replies=1, handle=20),
    ticket("T5", "2025-03-30 09:00", reply_minutes=240, solved="2025-04-01 00:00", reopens=0, replies=1, handle=99),
    ticket("T6", "2025-03-31 23:59", reply_minutes=6),  # created on the last minute: counts
    ticket("T7", "2025-04-01 00:00", reply_minutes=1),  # 00:00 the next day: does not
    ticket("T8", "2025-03-10 09:00", reply_minutes=90, solved="2025-03-31 23:59", reopens=1, replies=1),
    ticket("T9", "2025-03-11 09:00", reply_minutes=120, solved="2025-03-12 09:00", reopens=None, replies=1,
           handle=15),  # Freshdesk-style: no reopen count
    ticket("T10", "2025-03-12 09:00", reply_minutes=10, solved="2025-03-13 09:00", reopens=0, replies=None),
]  # fmt: skip


@pytest.fixture
def desk(engine: sa.Engine) -> sa.Engine:
    load(engine, TICKETS)
    return engine


def test_reopens_count_rate_and_events(desk: sa.Engine) -> None:
    r = compute(desk, "ticket_reopens", MARCH)
    # solved 1 Mar 00:00 … 31 Mar 23:59: T1 T2 T4 T8 T9 T10 = 6; reopen count known for 5 (not T9)
    # reopened ≥ 1: T2 (2), T8 (1) → value 2, rate 2 / 5 = 40 %, events 2 + 1 = 3
    assert r.value == 2 and r.unit == "count"
    assert r.extra["rate"] == pytest.approx(40.0)
    assert r.extra["events"] == 3 and r.extra["unknown_reopens"] == 1


def test_frt_median_and_mean_over_tickets_created_in_period(desk: sa.Engine) -> None:
    r = compute(desk, "frt", MARCH)
    # created in March with a reply: T1 0.5, T2 2, T5 4, T6 0.1, T8 1.5, T9 2, T10 1/6 hours (T3 no reply,
    # T4 created in Feb, T7 in April) → sorted 0.1 0.167 0.5 1.5 2 2 4 → median 1.5
    assert r.value == pytest.approx(1.5) and r.unit == "hours" and r.n == 7
    assert r.extra["no_reply"] == 1
    mean = compute(desk, "frt", MARCH, options={"frt.stat": "mean"})
    assert mean.value == pytest.approx((0.5 + 2 + 4 + 0.1 + 1.5 + 2 + 10 / 60) / 7)  # 1.4667


def test_frt_per_channel_filter_and_breakdown(desk: sa.Engine) -> None:
    r = compute(desk, "frt", MARCH, Filters(channel="CHAT"))
    assert r.value == pytest.approx((0.5 + 2) / 2)  # median of T1 0.5 and T2 2
    by = compute(desk, "frt", MARCH).extra["by_channel"]
    assert by["chat"] == {"n": 2, "median": pytest.approx(1.25), "mean": pytest.approx(1.25)}
    # e-mail: T5 4, T6 0.1, T8 1.5, T9 2, T10 1/6 → median 1.5
    assert by["email"]["n"] == 5 and by["email"]["median"] == pytest.approx(1.5)


def test_aht_mean_handle_minutes_over_solved(desk: sa.Engine) -> None:
    r = compute(desk, "aht", MARCH)
    # solved in March with handle time: T1 12, T2 30, T4 20, T9 15 → 77 / 4
    assert r.value == pytest.approx(19.25) and r.unit == "minutes" and r.n == 4


def test_fcr_one_reply_no_reopen_and_blank_reopens(desk: sa.Engine) -> None:
    r = compute(desk, "fcr", MARCH)
    # solved in March with a known reply count: T1 T2 T4 T8 T9 = 5 (T10 blank → out of the denominator)
    # one reply and no reopen: T1, T4, T9 (blank reopens read as none) = 3 → 60 %
    assert r.value == pytest.approx(60.0)
    assert r.extra["reopens_unknown"] == 1
    strict = compute(desk, "fcr", MARCH, options={"fcr.null_reopens": "exclude"})
    assert strict.value == pytest.approx(100 * 2 / 4)  # T9 leaves: T1, T4 of T1 T2 T4 T8


def test_aht_not_available_without_handle_time(engine: sa.Engine) -> None:
    load(engine, ticket("T1", "2025-03-02 09:00", solved="2025-03-02 10:00", reopens=0, replies=1))
    r = compute(engine, "aht", MARCH)
    assert r.value is None and "handle-time" in r.reason and "resolution time" in r.reason


def test_reopens_not_available_when_no_export_counts_them(engine: sa.Engine) -> None:
    load(engine, ticket("T1", "2025-03-02 09:00", solved="2025-03-02 10:00", replies=1, handle=5))
    r = compute(engine, "ticket_reopens", MARCH)
    assert r.value is None and "Freshdesk" in r.reason


def test_frt_not_available_when_no_ticket_got_a_reply(engine: sa.Engine) -> None:
    load(engine, ticket("T1", "2025-03-02 09:00"), ticket("T2", "2025-03-03 09:00"))
    r = compute(engine, "frt", MARCH)
    assert r.value is None and "none of the 2 tickets" in r.reason


def test_channel_filter_is_reported_as_not_applied_where_it_cannot_apply(desk: sa.Engine) -> None:
    from cxkpi.metrics import scorecard

    res = scorecard(desk, MARCH, Filters(channel="chat"))
    assert "filters_not_applied" not in res["fcr"].extra
    assert res["mrr"].extra["filters_not_applied"] == ["channel"]


def test_ticket_metrics_without_tickets(engine: sa.Engine) -> None:
    for key in ("ticket_reopens", "frt", "aht", "fcr"):
        r = compute(engine, key, MARCH)
        assert r.value is None and "Zendesk" in r.reason, key
