"""Churn rate, CLV, retention cost, renewal rate and MRR on a dozen subscriptions counted by eye.

Period: March 2025 in UTC → start S = 2025-03-01 00:00, end E = 2025-04-01 00:00 (24:00 of 31 March).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cxkpi.metrics import Filters, compute, explain, scorecard
from tests.metric_fixtures import account, cost, load, payment, period, renewal, sub

MARCH = period("2025-03-01", "2025-03-31")

# monthly amount of each subscription, normalised (metrics.md MRR):
#   A  month 100                                   = 100
#   B  year 1200 × 2 seats × (1 − 0.25) ÷ 12       = 150
#   C  quarter 300 ÷ 3                             = 100   (ends 20 Mar → churned)
#   D1 month 50, ends 10 Mar; D2 month 50 from 25 Mar (reactivated → not churned)
#   E  month 70, 5 → 25 Mar                        won and lost inside March
#   F  month 80, trialing from 20 Mar              = 0 (a trial adds 0 but is active)
#   G  week 10 every 2 weeks: 10 × 52 ÷ 12 ÷ 2     = 21.666…
#   H1 month 40 → 15 Mar 00:00, H2 month 90 from 15 Mar 00:00: an upgrade, not churn
#   I  month 500, ended exactly at S               not active at S
#   J  month 30, ended exactly at E (00:00 1 Apr)  active at S, not at E → churned
#   K  day 1: 1 × 365 ÷ 12                         = 30.416…
SUBS = [
    sub("A", "A", 100, "2025-01-01"),
    sub("B", "B", 1200, "2024-06-01", interval="year", quantity=2, discount=0.25),
    sub("C", "C", 300, "2025-01-15", "2025-03-20", interval="quarter"),
    sub("D1", "D", 50, "2025-02-01", "2025-03-10"),
    sub("D2", "D", 50, "2025-03-25"),
    sub("E", "E", 70, "2025-03-05", "2025-03-25"),
    sub("F", "F", 80, "2025-03-20", status="trialing"),
    sub("G", "G", 10, "2025-01-01", interval="week", interval_count=2),
    sub("H1", "H", 40, "2025-01-01", "2025-03-15 00:00"),
    sub("H2", "H", 90, "2025-03-15 00:00"),
    sub("I", "I", 500, "2024-01-01", "2025-03-01 00:00"),
    sub("J", "J", 30, "2024-12-01", "2025-04-01 00:00"),
    sub("K", "K", 1, "2025-01-01", interval="day"),
]
ACCOUNTS = [account(k, segment="Enterprise" if k in "AB" else "SMB") for k in "ABCDEFGHIJK"]
MRR_END = 100 + 150 + 50 + 0 + 10 * 52 / 12 / 2 + 90 + 365 / 12  # A B D2 F G H2 K = 442.083…
MRR_START = 100 + 150 + 100 + 50 + 10 * 52 / 12 / 2 + 40 + 30 + 365 / 12  # A B C D1 G H1 J K = 522.083…


@pytest.fixture
def billing(engine: sa.Engine) -> sa.Engine:
    load(engine, ACCOUNTS, SUBS)
    return engine


def test_mrr_normalises_intervals_quantity_discount_and_trials(billing: sa.Engine) -> None:
    r = compute(billing, "mrr", MARCH)
    assert r.value == pytest.approx(MRR_END)
    assert r.unit == "USD"
    # active at E: A B D F G H K = 7 customers (F in trial still counts as active)
    assert r.n == 7 and r.extra["per_customer"] == pytest.approx(MRR_END / 7)
    assert r.extra["trials"] == 1


def test_churn_active_at_rule(billing: sa.Engine) -> None:
    r = compute(billing, "churn_rate", MARCH)
    # active at S: A B C D G H J K = 8; not active at E: C (ended 20 Mar) and J (ended at E exactly) = 2
    # D reactivated before the end and H upgraded: not churn. E was won and lost inside: reported apart.
    assert r.value == pytest.approx(100 * 2 / 8)  # 25 %
    assert (r.numerator, r.denominator) == (2, 8)
    assert r.extra["won_and_lost"] == 1


def test_churn_include_in_period_counts_won_and_lost(billing: sa.Engine) -> None:
    r = compute(billing, "churn_rate", MARCH, options={"churn_rate.include_in_period": "true"})
    assert r.value == pytest.approx(100 * 3 / 9)  # (2 + E) / (8 + E)


def test_churn_revenue_basis(billing: sa.Engine) -> None:
    r = compute(billing, "churn_rate", MARCH, options={"churn_rate.basis": "revenue"})
    # lost MRR at S: C 100 + J 30 = 130 of MRR at S 522.083…
    assert r.value == pytest.approx(100 * 130 / MRR_START)


def test_clv_from_arpa_margin_and_a_six_month_trailing_window(billing: sa.Engine) -> None:
    r = compute(billing, "clv", MARCH)
    arpa = MRR_END / 7  # 63.15
    # March touches one month, so the window reaches back to Oct 2024 (six calendar months):
    #   Oct: active at 1 Oct B I = 2, lost 0     Nov: B I = 2, lost 0     Dec: B I J = 3, lost 0
    #   Jan: A B G H I J K = 7, lost 0           Feb: 9, lost I = 1       Mar: 8, lost C J = 2
    # monthly churn = (0+0+0+0+1+2) / (2+2+3+7+9+8) = 3 / 31 → lifespan 31/3 = 10.33 months (under the cap)
    assert (r.extra["churned"], r.extra["active_at_month_starts"]) == (3, 31)
    assert r.extra["lifespan_months"] == pytest.approx(31 / 3)
    assert r.value == pytest.approx(arpa * 1.0 * 31 / 3)  # 652.60 USD
    r80 = compute(billing, "clv", MARCH, options={"clv.margin": 80})
    assert r80.value == pytest.approx(arpa * 0.8 * 31 / 3)


def test_clv_window_covers_every_month_a_long_period_touches(billing: sa.Engine) -> None:
    # Sep 2024 – Mar 2025 touches seven months, more than six: the window is those seven
    # Sep: B I = 2, lost 0, then as above: (0+0+0+0+0+1+2) / (2+2+2+3+7+9+8) = 3 / 33
    r = compute(billing, "clv", period("2024-09-01", "2025-03-31"))
    assert (r.extra["window_from"], r.extra["window_months"]) == ("2024-09-01", 7)
    assert (r.extra["churned"], r.extra["active_at_month_starts"]) == (3, 33)
    assert r.value == pytest.approx(MRR_END / 7 * 33 / 3)


def test_clv_not_available_without_churn(billing: sa.Engine) -> None:
    # December 2024: window Jul – Dec 2024, only B I (and J from 1 Dec) active, nobody lost
    r = compute(billing, "clv", period("2024-12-01", "2024-12-31"))
    assert r.value is None and "no churn observed" in r.reason


def test_segment_filter_keeps_subscriptions_of_that_segment(billing: sa.Engine) -> None:
    ent = Filters(segment="Enterprise")
    assert compute(billing, "mrr", MARCH, ent).value == pytest.approx(250.0)  # A 100 + B 150
    assert compute(billing, "churn_rate", MARCH, ent).value == pytest.approx(0.0)  # 0 of 2, a real 0
    smb = compute(billing, "churn_rate", MARCH, Filters(segment="SMB"))
    assert (smb.numerator, smb.denominator) == (2, 6)


def test_crc_costs_in_period_over_customers_active_any_time(engine: sa.Engine) -> None:
    load(engine, ACCOUNTS, SUBS,
         cost("c1", "2025-03-01", 500), cost("c2", "2025-03-31", 300),
         cost("c3", "2025-04-01", 1000), cost("c4", "2025-02-28", 1000))  # fmt: skip
    r = compute(engine, "crc", MARCH)
    # costs dated 1–31 March: 500 + 300 = 800; customers active at any time in March:
    # A B C D E F G H J K = 10 (I ended exactly at S)
    assert r.value == pytest.approx(800 / 10)
    assert r.unit == "USD"
    blocked = compute(engine, "crc", MARCH, Filters(segment="SMB"))
    assert blocked.value is None and "segment=SMB" in blocked.reason


def test_renewal_rate_with_pending(engine: sa.Engine) -> None:
    load(
        engine,
        renewal("R1", "A", "2025-03-01", "renewed"),
        renewal("R2", "B", "2025-03-15", "Renewed"),
        renewal("R3", "C", "2025-03-20", "churned"),
        renewal("R4", "D", "2025-03-21", "open"),
        renewal("R5", "E", "2025-03-31", "renewed"),  # last day counts (date-only, inclusive)
        renewal("R6", "F", "2025-04-01", "renewed"),  # next month
    )
    r = compute(engine, "renewal_rate", MARCH)
    assert r.value == pytest.approx(100 * 3 / 4)  # renewed 3 ÷ decided 4
    assert r.extra["pending"] == 1


def test_renewal_all_pending_is_not_available(engine: sa.Engine) -> None:
    load(engine, renewal("R1", "A", "2025-03-10", "open"))
    r = compute(engine, "renewal_rate", MARCH)
    assert r.value is None and "pending" in r.reason and r.extra["pending"] == 1


def test_accounts_basis_and_payments_clv_without_subscriptions(engine: sa.Engine) -> None:
    load(
        engine,
        account("A1", created="2024-01-01"),
        account("A2", created="2024-01-01", churned="2025-03-15"),
        account("A3", created="2025-03-02", churned="2025-03-20"),  # won and lost inside
        account("A4", created="2025-02-01"),
        payment("p1", "A1", 300, "2025-03-03"),
        payment("p2", "A4", 100, "2025-03-04"),
        payment("p3", "A2", 50, "2025-03-05"),
        payment("p4", "A1", 999, "2025-03-06", status="failed"),
        payment("p5", "A3", 0, "2025-03-07"),
    )
    churn = compute(engine, "churn_rate", MARCH)
    assert churn.value == pytest.approx(100 * 1 / 3)  # A2 of A1 A2 A4
    assert churn.extra["won_and_lost"] == 1 and churn.extra["basis"] == "accounts"
    clv = compute(engine, "clv", MARCH)
    # ARPA = (300 + 100 + 50) ÷ 3 paying ÷ 1 month = 150. Window Oct 2024 – Mar 2025, active at month starts:
    # Oct–Jan A1 A2 = 2 each, Feb and Mar A1 A2 A4 = 3 each → 2+2+2+2+3+3 = 14; lost: A2 in March = 1
    # → lifespan 14 months → CLV 150 × 14 = 2100
    assert clv.value == pytest.approx(2100.0)
    ex = explain(engine, "clv", MARCH)  # the payments behind ARPA: 3 paid rows, 3 paying customers
    assert ex.numerator_total() == pytest.approx(clv.numerator) == pytest.approx(450.0)
    assert ex.denominator_total() == clv.denominator == 3
    ex = explain(engine, "churn_rate", MARCH)
    assert list(ex.numerator_rows["customer"]) == ["A2"] and len(ex.denominator_rows) == 3
    assert compute(engine, "mrr", MARCH).value is None  # MRR needs subscriptions


def test_money_metrics_without_data_are_not_available(engine: sa.Engine) -> None:
    res = scorecard(engine, MARCH, keys=["churn_rate", "clv", "crc", "renewal_rate", "mrr"])
    for key, r in res.items():
        assert r.value is None and r.reason, key
    assert "Stripe" in res["mrr"].reason and "Salesforce" in res["renewal_rate"].reason
