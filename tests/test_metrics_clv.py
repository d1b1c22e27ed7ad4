"""CLV to metrics.md: churn pooled over a trailing window of at least six calendar months, lifespan capped
(option, default 60 months), small sample under 5 churned, margin not set → 100 % with a note.

Every instant is UTC; a subscription is active at t when started_at ≤ t and (ended_at empty or > t).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cxkpi.method import method_card
from cxkpi.metrics import compute, trend
from tests.metric_fixtures import day, load, period, sub

MARCH = period("2025-03-01", "2025-03-31")

# Eight customers of the churn tests (tests/test_metrics_customers.py), the part that matters here:
#   A G K from 1 Jan 2025, B from Jun 2024, C 15 Jan → 20 Mar, D1 1 Feb → 10 Mar + D2 from 25 Mar,
#   E 5 → 25 Mar, H1 1 Jan → 15 Mar and H2 from 15 Mar (an upgrade), I 2024 → 1 Mar 00:00, J Dec 2024 → 1 Apr
BILLING = [
    sub("A", "A", 100, "2025-01-01"),
    sub("B", "B", 150, "2024-06-01"),
    sub("C", "C", 100, "2025-01-15", "2025-03-20"),
    sub("D1", "D", 50, "2025-02-01", "2025-03-10"),
    sub("D2", "D", 50, "2025-03-25"),
    sub("E", "E", 70, "2025-03-05", "2025-03-25"),
    sub("G", "G", 20, "2025-01-01"),
    sub("H1", "H", 40, "2025-01-01", "2025-03-15 00:00"),
    sub("H2", "H", 90, "2025-03-15 00:00"),
    sub("I", "I", 500, "2024-01-01", "2025-03-01 00:00"),
    sub("J", "J", 30, "2024-12-01", "2025-04-01 00:00"),
    sub("K", "K", 30, "2025-01-01"),
]


@pytest.fixture
def billing(engine: sa.Engine) -> sa.Engine:
    load(engine, BILLING)
    return engine


def test_partial_last_month_ends_the_window_at_the_period_end(billing: sa.Engine) -> None:
    r = compute(billing, "clv", period("2025-03-01", "2025-03-15"))
    # Window Oct 2024 – 15 Mar 2025; each month: active at its start, lost by its end (March: by 16 Mar 00:00)
    #   Oct B I = 2 / 0   Nov B I = 2 / 0   Dec B I J = 3 / 0   Jan A B G H I J K = 7 / 0
    #   Feb A B C D G H I J K = 9 / I = 1   Mar A B C D G H J K = 8 / D (D1 ended 10 Mar, D2 from 25 Mar) = 1
    #   (C ends 20 Mar and J 1 Apr: after this period's end, so not lost in it; H upgraded: not churn)
    # monthly churn = 2 / 31 → lifespan 15.5 months
    # ARPA at 16 Mar 00:00: A 100 + B 150 + C 100 + E 70 + G 20 + H2 90 + J 30 + K 30 = 590 over 8 customers
    assert (r.extra["churned"], r.extra["active_at_month_starts"]) == (2, 31)
    assert (r.extra["window_from"], r.extra["window_to"]) == ("2024-10-01", "2025-03-15")
    assert r.value == pytest.approx(590 / 8 * 31 / 2)  # 1,143.13 USD
    assert r.extra["cap_applied"] is False and r.extra["lifespan_months"] == pytest.approx(15.5)
    assert r.small_sample is True  # 2 churned < 5


def test_cap_applied_and_not_applied(billing: sa.Engine) -> None:
    # March: window Oct – Mar, churned 0+0+0+0+1 (I) +2 (C, J) = 3 of 2+2+3+7+9+8 = 31 → lifespan 31/3 = 10.33
    # ARPA at 1 Apr 00:00: A 100 + B 150 + D2 50 + G 20 + H2 90 + K 30 = 440 over 6 customers
    free = compute(billing, "clv", MARCH)
    assert free.value == pytest.approx(440 / 6 * 31 / 3)  # 757.78: 10.33 < 60, the default cap
    assert free.extra["cap_applied"] is False and free.extra["lifespan_cap"] == 60.0
    capped = compute(billing, "clv", MARCH, options={"clv.lifespan_cap": 10})
    assert capped.value == pytest.approx(440 / 6 * 10)  # 733.33: lifespan cut from 10.33 to 10
    assert capped.extra["cap_applied"] is True
    assert capped.extra["lifespan_uncapped_months"] == pytest.approx(31 / 3)
    no_cap = compute(billing, "clv", MARCH, options={"clv.lifespan_cap": 0})
    assert no_cap.value == pytest.approx(free.value) and no_cap.extra["lifespan_cap"] is None
    for off in (
        None,
        "none",
        "",
    ):  # the option's other spellings of "no cap" (--option clv.lifespan_cap=none)
        assert compute(billing, "clv", MARCH, options={"clv.lifespan_cap": off}).value == pytest.approx(
            free.value
        )


def test_default_cap_of_sixty_months(engine: sa.Engine) -> None:
    # 13 customers of 100 a month since 2024; one leaves on 10 Mar 2025.
    # Window Oct – Mar: 13 active at each of 6 month starts = 78, churned 1 → lifespan 78 > 60 → 60
    load(
        engine,
        [sub(f"S{i}", f"A{i}", 100, "2024-01-01", "2025-03-10" if i == 0 else None) for i in range(13)],
    )
    r = compute(engine, "clv", MARCH)
    assert r.extra["lifespan_uncapped_months"] == pytest.approx(78.0)
    assert r.value == pytest.approx(1200 / 12 * 60)  # ARPA 100 × 60 = 6,000, not 7,800
    assert r.extra["cap_applied"] is True and r.small_sample is True


def test_five_churned_is_not_a_small_sample(engine: sa.Engine) -> None:
    # 10 customers since 2024, 5 leave in March: 10 × 6 month starts = 60, churned 5 → lifespan 12
    load(
        engine, [sub(f"S{i}", f"A{i}", 100, "2024-01-01", "2025-03-10" if i < 5 else None) for i in range(10)]
    )
    r = compute(engine, "clv", MARCH)
    assert r.value == pytest.approx(500 / 5 * 12)  # ARPA 100 × 12 = 1,200
    assert r.extra["churned"] == 5 and r.small_sample is False


def test_no_churn_in_the_window_is_not_available(billing: sa.Engine) -> None:
    # December 2024: window Jul – Dec 2024, B and I (and J from 1 Dec) stay
    r = compute(billing, "clv", period("2024-12-01", "2024-12-31"))
    assert r.value is None and "no churn observed" in r.reason
    assert r.extra["churned"] == 0 and r.extra["active_at_month_starts"] == 2 + 2 + 2 + 2 + 2 + 3


def test_margin_not_set_is_said(billing: sa.Engine) -> None:
    assumed = compute(billing, "clv", MARCH)
    assert (
        assumed.extra["margin_assumed"] is True and assumed.extra["note"] == "margin not set — 100 % assumed"
    )
    assert assumed.to_json()["margin_assumed"] is True
    assert "not set" in assumed.definition
    set_ = compute(billing, "clv", MARCH, options={"clv.margin": 80})
    assert set_.extra["margin_assumed"] is False and "note" not in set_.extra
    assert set_.value == pytest.approx(440 / 6 * 0.8 * 31 / 3)


def test_a_trend_bucket_uses_its_own_window(billing: sa.Engine) -> None:
    points = trend(billing, "clv", day("2025-02-01"), day("2025-03-31"))
    # February: window Sep 2024 – Feb 2025: Sep B I 2, Oct 2, Nov 2, Dec 3, Jan 7, Feb 9 → 25, churned I = 1
    # ARPA at 1 Mar 00:00: A 100 B 150 C 100 D1 50 G 20 H1 40 J 30 K 30 = 520 over 8 → 520/8 × 25
    feb, mar = points[0].result, points[1].result
    assert (feb.extra["window_from"], feb.extra["churned"], feb.extra["active_at_month_starts"]) == (
        "2024-09-01",
        1,
        25,
    )
    assert feb.value == pytest.approx(520 / 8 * 25)
    assert mar.value == pytest.approx(compute(billing, "clv", MARCH).value)


def test_method_card_names_window_churned_cap_and_margin(billing: sa.Engine) -> None:
    card = method_card(billing, "clv", MARCH, options={"clv.lifespan_cap": 10})
    text = "\n".join(card.notes)
    assert "2024-10-01 – 2025-03-31" in text and "6 calendar months" in text
    assert "3 customers churned" in text and "small sample" in text  # 3 < 5
    assert "capped at 10 months" in text
    assert "margin not set — 100 % assumed" in text
