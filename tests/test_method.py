"""cxkpi.method: the method card equals the metric, lists the loads that fed its rows, exports safe CSV, and
another definition changes only its own metric. Hand-computed fixtures, on DuckDB and PostgreSQL."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import sqlalchemy as sa

from cxkpi.method import compare_definitions, filter_rows, method_card, rows_csv, with_load_files
from cxkpi.metrics import compute
from cxkpi.store.loads import record_load
from tests.metric_fixtures import load, period, response, responses_many, ticket

MARCH = period("2025-03-01", "2025-03-31")


def _record(engine: sa.Engine, load_id: int, file_name: str, source: str, table: str) -> None:
    with engine.begin() as conn:
        record_load(conn, load_id=load_id, file_name=file_name, sha256=f"sha{load_id}", source=source,
                    table_name=table, rows=1)  # fmt: skip


@pytest.fixture
def store(engine: sa.Engine) -> sa.Engine:
    # load 1: CSAT on 1–5, scores 5 4 3 2  -> positive (4–5): 2
    load(engine, responses_many("a", "csat", [5, 4, 3, 2], (1, 5), "2025-03-10"), load_id=1)
    # load 2: CSAT on 0–10, scores 10 6     -> positive (9–10): 1
    load(engine, responses_many("b", "csat", [10, 6], (0, 10), "2025-03-11"), load_id=2)
    # load 3: tickets created in March, first reply after 60, 120, 360 minutes (1 h, 2 h, 6 h)
    load(
        engine,
        ticket(
            "T1",
            "2025-03-02 09:00",
            reply_minutes=60,
            solved="2025-03-02 12:00",
            reopens=0,
            replies=1,
            handle=10,
        ),
        ticket(
            "T2",
            "2025-03-03 09:00",
            reply_minutes=120,
            solved="2025-03-04 12:00",
            reopens=1,
            replies=2,
            handle=20,
        ),
        ticket(
            "T3",
            "2025-03-05 09:00",
            reply_minutes=360,
            solved="2025-03-06 12:00",
            reopens=0,
            replies=1,
            handle=30,
        ),
        load_id=3,
    )
    # load 4: an NPS answer in March and a CSAT answer in February (outside the period)
    load(engine, response("n1", "nps", 9, (0, 10), "2025-03-12"), response("feb", "csat", 5, (1, 5), "2025-02-10"),
         load_id=4)  # fmt: skip
    _record(engine, 1, "qualtrics_march.csv", "qualtrics_responses", "responses")
    _record(engine, 2, "delighted_march.csv", "delighted_responses", "responses")
    _record(engine, 3, "zendesk_tickets.csv", "zendesk_tickets", "tickets")
    _record(engine, 4, "other_surveys.csv", "canonical_responses", "responses")
    return engine


def test_card_numerator_and_denominator_are_the_metrics(store: sa.Engine) -> None:
    card = method_card(store, "csat", MARCH)
    r = compute(store, "csat", MARCH)
    # top-2-box: (2 of 1–5 + 1 of 0–10) positive ÷ 6 responses = 3 ÷ 6 = 50 %
    assert (card.numerator, card.denominator, card.n) == (3, 6, 6)
    assert (card.numerator, card.denominator, card.value) == (r.numerator, r.denominator, r.value)
    assert card.value == pytest.approx(50.0)
    assert card.factor == 100.0
    assert card.interval is not None and card.interval[0] < 50.0 < card.interval[1]
    assert len(card.explanation.numerator_rows) == 3 and len(card.explanation.denominator_rows) == 6
    assert card.definition.startswith("Share of satisfied customers")
    texts = " | ".join(o.text for o in card.options)
    assert "4–5 of 1–5" in texts and "9–10 of 0–10" in texts and "counted positive" in texts


def test_card_in_mean_mode(store: sa.Engine) -> None:
    card = method_card(store, "csat", MARCH, options={"csat.mode": "mean"})
    # Σ score ÷ scale max = 5/5 + 4/5 + 3/5 + 2/5 + 10/10 + 6/10 = 1 + .8 + .6 + .4 + 1 + .6 = 4.4; ÷ 6 × 100
    assert card.numerator == pytest.approx(4.4)
    assert card.denominator == 6
    assert card.value == pytest.approx(4.4 / 6 * 100)
    assert card.numerator_unit == "number"
    assert "mean" in " ".join(o.text for o in card.options)


def test_loads_listed_are_the_ones_that_fed_the_rows(store: sa.Engine) -> None:
    card = method_card(store, "csat", MARCH)
    # loads 1 and 2 hold March CSAT; load 4's CSAT answer is from February, so it fed nothing here
    assert [(x.load_id, x.file_name, x.source) for x in card.loads] == [
        (1, "qualtrics_march.csv", "qualtrics_responses"),
        (2, "delighted_march.csv", "delighted_responses"),
    ]
    assert all(x.loaded_at is not None for x in card.loads)
    frt = method_card(store, "frt", MARCH)
    assert [x.file_name for x in frt.loads] == ["zendesk_tickets.csv"]
    rows = with_load_files(card.explanation.denominator_rows, card.loads)
    assert set(zip(rows["load_id"], rows["load_file"], strict=True)) == {
        (1, "qualtrics_march.csv"), (2, "delighted_march.csv"),
    }  # fmt: skip


def test_frt_median_card_has_no_numerator_but_lists_the_values(store: sa.Engine) -> None:
    card = method_card(store, "frt", MARCH)
    # median of 1 h, 2 h, 6 h = 2 h; mean would be (1 + 2 + 6) ÷ 3 = 3 h
    assert card.value == pytest.approx(2.0)
    assert card.numerator is None and card.denominator == 3 and card.factor is None
    assert card.explanation.numerator_rows["hours_to_first_reply"].median() == pytest.approx(2.0)
    mean = method_card(store, "frt", MARCH, options={"frt.stat": "mean"})
    assert (mean.numerator, mean.denominator, mean.value) == (pytest.approx(9.0), 3, pytest.approx(3.0))
    assert mean.factor == 1.0


def test_not_available_card_names_the_reason_and_the_export(store: sa.Engine) -> None:
    card = method_card(store, "renewal_rate", MARCH)
    assert not card.available
    assert "no renewals due in the period" in card.reason
    assert card.source.startswith("Load a renewals export")


def test_rows_csv_neutralises_formulas() -> None:
    df = pd.DataFrame(
        {"comment": ["=SUM(A1)", "+1", "-2", "@cmd", "\tx", "\rx", "fine"], "score": [-5, 1, 2, 3, 4, 5, 6]}
    )
    text = rows_csv(df).decode("utf-8")
    back = pd.read_csv(io.StringIO(text), keep_default_na=False)
    assert list(back.columns) == ["comment", "score"]
    assert list(back["comment"]) == ["'=SUM(A1)", "'+1", "'-2", "'@cmd", "'\tx", "'\rx", "fine"]
    assert list(back["score"]) == [-5, 1, 2, 3, 4, 5, 6]  # numbers are not text: a negative stays a number
    assert '\n"\'=SUM(A1)",-5' in text


def test_filter_rows_keeps_rows_containing_the_text() -> None:
    df = pd.DataFrame({"survey": ["Onboarding", "Support", "onboarding v2"], "score": [5, 4, 3]})
    assert list(filter_rows(df, "ONBOARD")["score"]) == [5, 3]
    assert len(filter_rows(df, "")) == 3


def test_switching_csat_mode_changes_csat_only(store: sa.Engine) -> None:
    before, after, changed = compare_definitions(store, "csat", MARCH, None, {"csat.mode": "top2box"},
                                                 {"csat.mode": "mean"})  # fmt: skip
    assert before.value == pytest.approx(50.0)  # 3 ÷ 6 × 100
    assert after.value == pytest.approx(4.4 / 6 * 100)  # 73.3
    assert changed == ["csat"]


def test_switching_frt_to_mean_changes_frt_only(store: sa.Engine) -> None:
    before, after, changed = compare_definitions(store, "frt", MARCH, None, {}, {"frt.stat": "mean"})
    assert (before.value, after.value) == (pytest.approx(2.0), pytest.approx(3.0))  # median 2 h, mean 9 ÷ 3
    assert changed == ["frt"]


def test_the_same_definition_changes_nothing(store: sa.Engine) -> None:
    before, after, changed = compare_definitions(store, "csat", MARCH, None, {}, {"csat.mode": "top2box"})
    assert before.value == after.value and changed == []
