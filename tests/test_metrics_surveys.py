"""CSAT, CES, NPS and ESAT on small fixtures counted by eye (March 2025, UTC unless said)."""

from __future__ import annotations

import math

import pytest
import sqlalchemy as sa

from cxkpi.metrics import Filters, compute
from tests.metric_fixtures import account, load, period, response, responses_many

MARCH = period("2025-03-01", "2025-03-31")


def wilson(k: int, n: int) -> tuple[float, float]:
    z = 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def three_csat_surveys() -> list:
    return [
        # 1–5: 5 4 4 3 2 1 5 4 → positive (4–5): 5, 4, 4, 5, 4 = 5 of 8
        *responses_many(
            "a", "csat", [5, 4, 4, 3, 2, 1, 5, 4], (1, 5), "2025-03-05 10:00", survey="Qualtrics CSAT"
        ),
        # 1–7: 7 6 5 2 → positive (6–7): 2 of 4
        *responses_many("b", "csat", [7, 6, 5, 2], (1, 7), "2025-03-06 10:00", survey="Onboarding"),
        # Zendesk Good/Bad as 1/0 on 0–1: Good Good Bad Good → 3 of 4
        *responses_many("z", "csat", [1, 1, 0, 1], (0, 1), "2025-03-07 10:00", survey="Zendesk satisfaction"),
    ]


def test_csat_top2box_pools_surveys_each_on_its_own_scale(engine: sa.Engine) -> None:
    load(engine, three_csat_surveys())
    r = compute(engine, "csat", MARCH)
    # (5 + 2 + 3) / (8 + 4 + 4) = 10 / 16 = 62.5 %
    assert r.value == pytest.approx(62.5)
    assert (r.numerator, r.denominator, r.n) == (10, 16, 16)
    assert r.unit == "%"
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson(10, 16))
    assert r.small_sample is True  # 16 < 30
    assert r.definition.startswith("top-2-box")
    assert "0–1" in r.definition and "1–5" in r.definition and "1–7" in r.definition


def test_csat_mean_mode_divides_by_each_scale_maximum(engine: sa.Engine) -> None:
    load(engine, three_csat_surveys())
    r = compute(engine, "csat", MARCH, options={"csat.mode": "mean"})
    # Σ score / max: 28/5 + 20/7 + 3/1 = 5.6 + 2.857142… + 3 = 11.457142…; ÷ 16 responses × 100
    expected = (28 / 5 + 20 / 7 + 3 / 1) / 16 * 100
    assert r.value == pytest.approx(expected)  # 71.607 %
    assert r.n == 16
    assert r.options == {"csat.mode": "mean"}
    assert r.ci_low < r.value < r.ci_high


def test_csat_two_way_good_bad_alone_and_ten_point_scales(engine: sa.Engine) -> None:
    load(
        engine,
        # 0–10: 10 9 8 → 9–10 positive: 2 of 3; 1–10: 10 8 1 → 1 of 3
        *responses_many("t", "csat", [10, 9, 8], (0, 10), "2025-03-02", survey="Ten"),
        *responses_many("o", "csat", [10, 8, 1], (1, 10), "2025-03-02", survey="OneTen"),
    )
    r = compute(engine, "csat", MARCH)
    assert r.value == pytest.approx(100 * 3 / 6)  # (2 + 1) / 6 = 50 %


def test_csat_survey_and_channel_filters(engine: sa.Engine) -> None:
    load(
        engine,
        *responses_many("a", "csat", [5, 5, 1], (1, 5), "2025-03-05", survey="A", channel="chat"),
        *responses_many("b", "csat", [1, 1], (1, 5), "2025-03-05", survey="B", channel="email"),
    )
    assert compute(engine, "csat", MARCH).value == pytest.approx(100 * 2 / 5)
    assert compute(engine, "csat", MARCH, Filters(survey="A")).value == pytest.approx(100 * 2 / 3)
    assert compute(engine, "csat", MARCH, Filters(channel="Email")).value == pytest.approx(
        0.0
    )  # 0 of 2, a real 0


def test_csat_counts_2359_on_the_last_day_not_midnight_after(engine: sa.Engine) -> None:
    load(
        engine,
        response("in", "csat", 5, (1, 5), "2025-03-31 23:59:59"),
        response("first", "csat", 1, (1, 5), "2025-03-01 00:00:00"),
        response("out", "csat", 5, (1, 5), "2025-04-01 00:00:00"),
        response("before", "csat", 5, (1, 5), "2025-02-28 23:59:59"),
    )
    r = compute(engine, "csat", MARCH)
    assert (r.numerator, r.denominator) == (1, 2)  # 'in' positive, 'first' not; 'out' and 'before' outside


def test_csat_without_any_responses_is_not_available_and_names_the_export(engine: sa.Engine) -> None:
    load(engine, response("nps", "nps", 9, (0, 10), "2025-02-10"))  # an NPS answer is no CSAT data
    r = compute(engine, "csat", MARCH)
    assert r.value is None and r.latest is None
    assert "no CSAT responses" in r.reason and "Qualtrics" in r.reason


def test_csat_unknown_scale_is_excluded_then_set_by_option(engine: sa.Engine) -> None:
    load(engine, *responses_many("u", "csat", [5, 4, 2], None, "2025-03-03", survey="Legacy"))
    r = compute(engine, "csat", MARCH)
    assert r.value is None and "usable scale" in r.reason
    r = compute(engine, "csat", MARCH, options={"survey.scales": {"Legacy": "1-5"}})
    assert r.value == pytest.approx(100 * 2 / 3)  # 5 and 4 positive of 3


def test_ces_positive_by_scale_and_reversed_flag_flips_first(engine: sa.Engine) -> None:
    load(
        engine,
        # 1–7: 5–7 positive → 7 6 5 = 3 of 7
        *responses_many("s", "ces", [7, 6, 5, 4, 3, 2, 1], (1, 7), "2025-03-04", survey="Typeform CES"),
        # reversed 1–5 (1 = very easy): 1 2 3 4 5 → read 5 4 3 2 1 → 4–5 positive = 2 of 5
        *responses_many("r", "ces", [1, 2, 3, 4, 5], (1, 5), "2025-03-04", survey="Widget", reversed=True),
        # 1–10: 6–10 positive → 10 6 = 2 of 4
        *responses_many("t", "ces", [10, 6, 5, 1], (1, 10), "2025-03-04", survey="Ten"),
    )
    r = compute(engine, "ces", MARCH)
    assert r.value == pytest.approx(100 * 7 / 16)  # (3 + 2 + 2) / (7 + 5 + 4) = 43.75 %
    assert (r.ci_low, r.ci_high) == pytest.approx(wilson(7, 16))


def test_ces_reversed_by_option(engine: sa.Engine) -> None:
    load(engine, *responses_many("r", "ces", [1, 1, 5], (1, 5), "2025-03-04", survey="Widget"))
    assert compute(engine, "ces", MARCH).value == pytest.approx(100 * 1 / 3)  # 5 positive
    flipped = compute(engine, "ces", MARCH, options={"ces.reversed_surveys": ["widget"]})
    assert flipped.value == pytest.approx(100 * 2 / 3)  # 1 1 read as 5 5


def test_nps_on_0_10_and_1_10_with_the_metrics_md_interval(engine: sa.Engine) -> None:
    load(
        engine,
        # 0–10: promoters 10 9 9 10 10 = 5, detractors 6 0 5 = 3, passives 8 7
        *responses_many(
            "d", "nps", [10, 9, 9, 8, 7, 6, 0, 10, 10, 5], (0, 10), "2025-03-10", survey="Delighted"
        ),
        # 1–10: promoters 9 10 = 2, detractors 1 6 = 2, passive 7
        *responses_many("s", "nps", [1, 6, 7, 9, 10], (1, 10), "2025-03-11", survey="SurveyMonkey"),
        # a 1–5 answer is not NPS: excluded
        response("x", "nps", 5, (1, 5), "2025-03-11"),
    )
    r = compute(engine, "nps", MARCH)
    p, d, n = 7, 5, 15
    assert r.value == pytest.approx(100 * (p - d) / n)  # 13.33 points
    assert r.unit == "points"
    half = 1.96 * math.sqrt((p / n + d / n - (p / n - d / n) ** 2) / n) * 100  # 44.76
    assert (r.ci_low, r.ci_high) == pytest.approx((r.value - half, r.value + half))
    assert r.extra["promoters"] == 7 and r.extra["passives"] == 3 and r.extra["detractors"] == 5
    assert r.extra["excluded"] == 1


def test_nps_without_stored_scale_reads_0_10(engine: sa.Engine) -> None:
    load(engine, *responses_many("n", "nps", [10, 0], None, "2025-03-10"))
    assert compute(engine, "nps", MARCH).value == pytest.approx(0.0)  # 1 promoter, 1 detractor


def test_esat_4_5_of_5_and_6_10_of_10(engine: sa.Engine) -> None:
    load(
        engine,
        *responses_many("f", "esat", [5, 4, 3, 2], (1, 5), "2025-03-12", survey="Pulse"),  # 2 of 4
        *responses_many("g", "esat", [10, 6, 5], (1, 10), "2025-03-12", survey="eSat10"),  # 2 of 3
    )
    r = compute(engine, "esat", MARCH)
    assert r.value == pytest.approx(100 * 4 / 7)  # 57.14 %


def test_esat_not_available_under_a_segment_filter(engine: sa.Engine) -> None:
    load(engine, account("A1", segment="SMB"), *responses_many("f", "esat", [5, 4], (1, 5), "2025-03-12"))
    r = compute(engine, "esat", MARCH, Filters(segment="SMB"))
    assert r.value is None and "segment=SMB" in r.reason


def test_segment_filter_keeps_responses_linked_to_that_segment(engine: sa.Engine) -> None:
    load(
        engine,
        account("A1", segment="SMB", email="ops@a1.example", domain="a1.example"),
        account("B1", segment="Enterprise"),
        response("1", "csat", 5, (1, 5), "2025-03-03", account_id="A1"),
        response("2", "csat", 1, (1, 5), "2025-03-03", email="someone@a1.example"),  # linked by domain → A1
        response("3", "csat", 5, (1, 5), "2025-03-03", account_id="B1"),
        response("4", "csat", 5, (1, 5), "2025-03-03"),  # unlinked: company-wide only
    )
    assert compute(engine, "csat", MARCH).value == pytest.approx(75.0)  # 3 of 4
    smb = compute(engine, "csat", MARCH, Filters(segment="smb"))
    assert (smb.numerator, smb.denominator) == (1, 2)
