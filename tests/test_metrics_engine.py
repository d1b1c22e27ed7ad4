"""The engine as a whole: registry contract, options isolation, explain rows adding up, time zones,
trends, comparisons, and the number of statements a scorecard costs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from cxkpi.metrics import (
    REGISTRY,
    SCORECARD_KEYS,
    Filters,
    Options,
    Period,
    buckets,
    compare,
    compute,
    explain,
    previous_period,
    same_period_last_year,
    scorecard,
    trend,
)
from cxkpi.metrics.engine import SETTING_TIMEZONE
from tests.metric_fixtures import (
    account,
    cost,
    load,
    period,
    renewal,
    response,
    responses_many,
    set_setting,
    ticket,
)
from tests.test_metrics_customers import ACCOUNTS, SUBS
from tests.test_metrics_tickets import TICKETS

MARCH = period("2025-03-01", "2025-03-31")


def workspace() -> list:
    return [
        ACCOUNTS, SUBS, TICKETS,
        responses_many("c", "csat", [5, 4, 4, 3, 2, 1, 5, 4], (1, 5), "2025-03-05", survey="Q", account_id="A"),
        responses_many("z", "csat", [1, 0, 1], (0, 1), "2025-03-06", survey="Zendesk", account_id="C"),
        responses_many("e", "ces", [7, 6, 2], (1, 7), "2025-03-06", account_id="B"),
        responses_many("n", "nps", [10, 9, 7, 3, 0], (0, 10), "2025-03-07", account_id="D"),
        responses_many("s", "esat", [5, 4, 2], (1, 5), "2025-03-08"),
        cost("k1", "2025-03-02", 400), cost("k2", "2025-03-20", 100),
        renewal("R1", "A", "2025-03-10", "renewed"), renewal("R2", "C", "2025-03-20", "churned"),
        renewal("R3", "B", "2025-03-25", "open"),
    ]  # fmt: skip


@pytest.fixture
def full(engine: sa.Engine) -> sa.Engine:
    load(engine, *workspace())
    return engine


def test_registry_declares_13_metrics_in_scorecard_order() -> None:
    assert list(REGISTRY) == ["csat", "ces", "nps", "churn_rate", "clv", "crc", "renewal_rate", "mrr",
                              "ticket_reopens", "esat", "frt", "aht", "fcr"]  # fmt: skip
    assert len(SCORECARD_KEYS) == 10
    for m in REGISTRY.values():
        assert (
            m.label
            and m.description
            and m.source
            and m.unit in {"%", "points", "currency", "count", "hours", "minutes"}
        )
        assert isinstance(m.higher_is_better, bool)


def test_scorecard_is_three_statements_whatever_the_metric_count(full: sa.Engine) -> None:
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        statements.append(statement)

    sa.event.listen(full, "before_cursor_execute", count)
    try:
        res = scorecard(full, MARCH)
    finally:
        sa.event.remove(full, "before_cursor_execute", count)
    # settings, workspace facts (basis, currency), then every metric in one SELECT
    assert len(statements) == 3
    assert all(r.value is not None for r in res.values()), {
        k: r.reason for k, r in res.items() if r.value is None
    }


def test_switching_csat_mode_changes_csat_only(full: sa.Engine) -> None:
    top = scorecard(full, MARCH)
    mean = scorecard(full, MARCH, options={"csat.mode": "mean"})
    assert top["csat"].value != mean["csat"].value
    others = [k for k in REGISTRY if k != "csat"]
    assert {k: top[k] for k in others} == {k: mean[k] for k in others}


# FRT's default statistic is a median: it has no numerator to add up (tested on its own below).
EXPLAIN_CASES = [(k, {}) for k in REGISTRY if k != "frt"] + [
    ("csat", {"csat.mode": "mean"}),
    ("frt", {"frt.stat": "mean"}),
    ("churn_rate", {"churn_rate.basis": "revenue"}),
    ("churn_rate", {"churn_rate.include_in_period": True}),
    ("fcr", {"fcr.null_reopens": "exclude"}),
]


@pytest.mark.parametrize(
    ("key", "opts"),
    EXPLAIN_CASES,
    ids=[f"{k}-{'-'.join(map(str, o.values())) or 'default'}" for k, o in EXPLAIN_CASES],
)
def test_explain_rows_add_up_to_the_metric(full: sa.Engine, key: str, opts: dict) -> None:
    r = compute(full, key, MARCH, options=opts)
    ex = explain(full, key, MARCH, options=opts)
    assert r.value is not None, r.reason
    assert "load_id" in ex.numerator_rows.columns or "load_ids" in ex.numerator_rows.columns
    assert ex.denominator_total() == pytest.approx(r.denominator)
    assert r.numerator is not None
    assert ex.numerator_total() == pytest.approx(r.numerator)
    assert ex.method


def test_explain_rows_of_the_median_frt_have_the_median_in_the_middle(full: sa.Engine) -> None:
    r = compute(full, "frt", MARCH)
    ex = explain(full, "frt", MARCH)
    assert r.value is not None, r.reason
    assert r.numerator is None  # a median has no numerator
    assert ex.denominator_total() == pytest.approx(r.denominator)
    assert ex.numerator_rows["hours_to_first_reply"].median() == pytest.approx(r.value)
    assert ex.method


def test_explain_under_a_blocking_filter_says_why(full: sa.Engine) -> None:
    ex = explain(full, "esat", MARCH, Filters(segment="SMB"))
    assert ex.reason and ex.numerator_rows.empty


def test_segment_filter_applies_to_tickets_by_linked_account(engine: sa.Engine) -> None:
    load(
        engine,
        account("A", segment="SMB"),
        account("B", segment="Enterprise", email="it@b.example", domain="b.example"),
        ticket("1", "2025-03-02 09:00", reply_minutes=60, account_id="A"),
        ticket("2", "2025-03-02 09:00", reply_minutes=180, email="jo@b.example"),  # linked by domain
        ticket("3", "2025-03-02 09:00", reply_minutes=600),  # unlinked
    )
    assert compute(engine, "frt", MARCH).value == pytest.approx(3.0)  # median 1 3 10
    assert compute(engine, "frt", MARCH, Filters(segment="enterprise")).value == pytest.approx(3.0)
    assert compute(engine, "frt", MARCH, Filters(segment="SMB")).value == pytest.approx(1.0)
    r = compute(engine, "frt", MARCH, Filters(region="EMEA"))
    assert r.value is None and "matching the filters" in r.reason


def test_workspace_time_zone_shifts_the_period_boundaries(engine: sa.Engine) -> None:
    # New York: 1 March 00:00 EST = 05:00 UTC; 1 April 00:00 EDT = 04:00 UTC
    load(
        engine,
        ticket("feb-in-ny", "2025-03-01 03:00", reply_minutes=60),  # 28 Feb 22:00 in New York
        ticket("march", "2025-03-15 12:00", reply_minutes=120),
        ticket("march-in-ny", "2025-04-01 02:00", reply_minutes=240),  # 31 Mar 22:00 in New York
    )
    utc = compute(engine, "frt", MARCH)
    assert utc.n == 2 and utc.value == pytest.approx((1 + 2) / 2)
    ny = compute(engine, "frt", MARCH, options={"timezone": "America/New_York"})
    assert ny.n == 2 and ny.value == pytest.approx((2 + 4) / 2)
    set_setting(engine, SETTING_TIMEZONE, "America/New_York")  # the saved workspace zone applies by default
    assert compute(engine, "frt", MARCH).value == pytest.approx(3.0)
    assert compute(engine, "frt", MARCH, options={"timezone": "UTC"}).value == pytest.approx(1.5)


def test_period_bounds_in_a_zone() -> None:
    s, e = MARCH.utc_bounds("Europe/Berlin")
    assert s == dt.datetime(2025, 2, 28, 23, 0) and e == dt.datetime(2025, 3, 31, 22, 0)  # CET then CEST


def test_trend_by_month_week_quarter(full: sa.Engine) -> None:
    pts = trend(full, "mrr", dt.date(2025, 1, 1), dt.date(2025, 3, 31), by="month")
    assert [(p.start.month, p.end.day) for p in pts] == [(1, 31), (2, 28), (3, 31)]
    assert pts[-1].result.value == pytest.approx(compute(full, "mrr", MARCH).value)
    weeks = buckets(dt.date(2025, 3, 1), dt.date(2025, 3, 31), "week")
    assert weeks[0] == Period(dt.date(2025, 3, 1), dt.date(2025, 3, 2))  # Saturday–Sunday, clipped
    assert weeks[1].start == dt.date(2025, 3, 3) and weeks[-1].end == dt.date(2025, 3, 31)
    qs = buckets(dt.date(2025, 2, 15), dt.date(2025, 7, 1), "quarter")
    assert [(q.start, q.end) for q in qs] == [
        (dt.date(2025, 2, 15), dt.date(2025, 3, 31)), (dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        (dt.date(2025, 7, 1), dt.date(2025, 7, 1))]  # fmt: skip


def test_a_survey_trend_is_one_group_by_and_an_empty_week_stays_a_gap(engine: sa.Engine) -> None:
    set_setting(engine, SETTING_TIMEZONE, "Europe/Berlin")  # week bounds are local midnights, not UTC ones
    load(
        engine,
        responses_many("a", "csat", [5, 4, 1], (1, 5), "2025-03-04 10:00"),  # week of 3 Mar: 2 of 3
        responses_many("b", "csat", [5, 1, 1, 1], (1, 5), "2025-03-12 10:00"),  # week of 10 Mar: 1 of 4
        # 23:30 UTC on Sunday 23 Mar is 00:30 on Monday 24 Mar in Berlin: the last week's, not the third's
        responses_many("c", "csat", [4], (1, 5), "2025-03-23 23:30"),
    )
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    pts = trend(engine, "csat", dt.date(2025, 3, 3), dt.date(2025, 3, 30), by="week")
    assert [p.start.day for p in pts] == [3, 10, 17, 24]
    assert [p.result.value for p in pts[:2]] == [pytest.approx(100 * 2 / 3), pytest.approx(100 * 1 / 4)]
    assert (pts[0].result.n, pts[1].result.n, pts[3].result.n) == (3, 4, 1)
    assert pts[2].result.value is None and "no CSAT responses" in (pts[2].result.reason or "")
    assert pts[3].result.value == 100.0  # 1 of 1 (a 4 on 1–5 is top-2-box)
    # GROUP BY bucket, or by the bucket of the answers counted per scale (csat_answers.bucket)
    grouped = [s for s in statements if re.search(r"GROUP BY (\w+\.)?bucket\b", s)]
    assert len(grouped) == 1  # the three weeks with answers from one statement; the empty one as a block


def test_previous_and_last_year_periods() -> None:
    assert previous_period(MARCH) == period("2025-02-01", "2025-02-28")
    assert previous_period(period("2025-01-01", "2025-03-31")) == period("2024-10-01", "2024-12-31")
    assert previous_period(period("2025-03-10", "2025-03-16")) == period("2025-03-03", "2025-03-09")
    assert same_period_last_year(period("2024-02-01", "2024-02-29")) == period("2023-02-01", "2023-02-28")


def test_compare_survey_proportions_with_a_z_test(engine: sa.Engine) -> None:
    load(
        engine,
        *responses_many("f", "csat", [5] * 20 + [1] * 80, (1, 5), "2025-02-10"),  # Feb 20 %
        *responses_many("m", "csat", [5] * 60 + [1] * 40, (1, 5), "2025-03-10"),  # Mar 60 %
        *responses_many("n", "nps", [10] * 6 + [0] * 4, (0, 10), "2025-03-10"),
        *responses_many("o", "nps", [10] * 5 + [0] * 5, (0, 10), "2025-02-10"),
    )
    cur, prev = compute(engine, "csat", MARCH), compute(engine, "csat", previous_period(MARCH))
    ch = compare(cur, prev)
    assert ch.delta == pytest.approx(40.0) and ch.relative == pytest.approx(2.0)
    # pooled p = 80/200 = 0.4; se = √(0.4 × 0.6 × (2/100)) = 0.06928; z = 0.4 / 0.06928 = 5.77
    assert ch.test == "two-proportion z-test" and ch.significant is True and ch.p_value < 1e-6
    nps = compare(compute(engine, "nps", MARCH), compute(engine, "nps", previous_period(MARCH)))
    assert nps.delta == pytest.approx(20.0) and nps.significant is False  # n = 10 each: not significant
    none = compare(compute(engine, "mrr", MARCH), compute(engine, "mrr", previous_period(MARCH)))
    assert none.delta is None and none.significant is None


def test_compare_has_no_test_for_non_survey_metrics(full: sa.Engine) -> None:
    ch = compare(compute(full, "mrr", MARCH), compute(full, "mrr", previous_period(MARCH)))
    assert ch.delta is not None and ch.significant is None and ch.p_value is None


def test_options_reject_unknown_names_and_bad_values() -> None:
    with pytest.raises(ValueError, match="unknown option"):
        Options({"csat.mood": "mean"})
    with pytest.raises(ValueError, match="top2box"):
        Options({"csat.mode": "median"})
    with pytest.raises(ValueError, match="time zone"):
        Options({"timezone": "Mars/Olympus"})
    with pytest.raises(ValueError, match="between 0 and 100"):
        Options({"clv.margin": "150"})
    assert Options({"clv.margin": "80%"}).get("clv.margin") == 80.0
    assert Options({"churn_rate.include_in_period": "yes"}).get("churn_rate.include_in_period") is True
    assert Options().for_metric("frt") == {"frt.stat": "median"}


def test_saved_metric_options_apply_and_a_bad_one_is_skipped(full: sa.Engine) -> None:
    set_setting(full, "metric_options", {"csat.mode": "mean", "frt.stat": "fastest", "gone.option": 1})
    r = compute(full, "csat", MARCH)
    assert r.options == {"csat.mode": "mean"}
    assert compute(full, "frt", MARCH).options == {"frt.stat": "median"}  # the bad value is ignored
    assert compute(full, "csat", MARCH, options={"csat.mode": "top2box"}).options == {"csat.mode": "top2box"}


def test_unanswered_scores_do_not_count(engine: sa.Engine) -> None:
    load(
        engine,
        response("a", "csat", None, (1, 5), "2025-03-02"),
        response("b", "csat", 5, (1, 5), "2025-03-02"),
    )
    assert compute(engine, "csat", MARCH).n == 1


@pytest.mark.parametrize("key", list(REGISTRY))
def test_every_metric_on_an_empty_store_is_not_available_with_a_reason(engine: sa.Engine, key: str) -> None:
    r = compute(engine, key, MARCH)
    assert r.value is None and r.reason, "never a zero for missing data"
    assert r.unit == ("USD" if REGISTRY[key].unit == "currency" else REGISTRY[key].unit)
    assert r.definition and r.label == REGISTRY[key].label
    ex = explain(engine, key, MARCH)
    assert ex.numerator_rows.empty and ex.denominator_rows.empty
    assert "load_id" in ex.columns or "load_ids" in ex.columns
