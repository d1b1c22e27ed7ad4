"""Rows a CS lead can use (the Explain page's survey download) and the scorecard table, on both backends."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from cxkpi.metrics import MetricResult, explain
from cxkpi.report_rows import readable_survey_rows, scorecard_table, to_csv
from tests.metric_fixtures import account, load, period


def answer(rid: str, score: float, lo: float, hi: float, at: str, respondent: str, account_id: str | None = None,
           survey: str = "Post-ticket CSAT") -> tuple[str, dict]:  # fmt: skip
    return "responses", dict(
        response_id=rid, kind="csat", score=score, scale_min=lo, scale_max=hi, submitted_at=dt.datetime.fromisoformat(at),
        survey=survey, account_id=account_id, respondent=respondent, channel="chat",
    )  # fmt: skip


def test_survey_rows_carry_customer_email_segment_and_answers_as_given(engine: sa.Engine) -> None:
    load(
        engine,
        account("A1", name="Acme Labs", segment="SMB", email="billing@acme.example"),
        answer("R1", 5.0, 1, 5, "2026-10-02 09:30", "ana@acme.example", "A1"),
        answer("R2", 2.0, 1, 5, "2026-10-03 10:00", "Bob Stone"),
        answer("R3", 1.0, 0, 1, "2026-10-04 11:15", "cy@acme.example", "A1", survey="Zendesk rating"),
    )
    ex = explain(engine, "csat", period("2026-10-01", "2026-10-31"))
    # top-2-box: 5 on 1–5 and Good on Good/Bad are positive, 2 is not -> 2 of 3
    assert sorted(ex.numerator_rows["response_id"]) == ["R1", "R3"]
    rows = readable_survey_rows(engine, ex.denominator_rows, ex.numerator_rows["response_id"])
    rows = rows.sort_values("Response id").reset_index(drop=True)
    assert list(rows.columns) == [
        "Submitted", "Customer", "E-mail", "Segment", "Survey", "Score", "Scale", "Positive", "Reversed scale",
        "Channel", "Comment", "Response id",
    ]  # fmt: skip
    assert rows.to_dict("records") == [
        {"Submitted": "2026-10-02 09:30", "Customer": "Acme Labs", "E-mail": "ana@acme.example", "Segment": "SMB",
         "Survey": "Post-ticket CSAT", "Score": "5", "Scale": "1–5", "Positive": "yes", "Reversed scale": "no",
         "Channel": "chat", "Comment": "", "Response id": "R1"},
        # no account: the respondent's name is the customer, no e-mail or segment to show
        {"Submitted": "2026-10-03 10:00", "Customer": "Bob Stone", "E-mail": "", "Segment": "",
         "Survey": "Post-ticket CSAT", "Score": "2", "Scale": "1–5", "Positive": "no", "Reversed scale": "no",
         "Channel": "chat", "Comment": "", "Response id": "R2"},
        # a two-way rating reads Good/Bad, not 1.0
        {"Submitted": "2026-10-04 11:15", "Customer": "Acme Labs", "E-mail": "cy@acme.example", "Segment": "SMB",
         "Survey": "Zendesk rating", "Score": "Good", "Scale": "0–1", "Positive": "yes", "Reversed scale": "no",
         "Channel": "chat", "Comment": "", "Response id": "R3"},
    ]  # fmt: skip


def test_nps_rows_say_what_each_answer_counts_as(engine: sa.Engine) -> None:
    load(
        engine,
        account("A1", name="Acme Labs", segment="Enterprise"),
        (
            "responses",
            dict(
                response_id="N1",
                kind="nps",
                score=10.0,
                scale_min=0,
                scale_max=10,
                survey="NPS",
                submitted_at=dt.datetime(2026, 10, 5),
                account_id="A1",
                respondent="ana@acme.example",
                comment='=HYPERLINK("x")',
            ),
        ),  # fmt: skip
        (
            "responses",
            dict(
                response_id="N2",
                kind="nps",
                score=6.0,
                scale_min=0,
                scale_max=10,
                survey="NPS",
                submitted_at=dt.datetime(2026, 10, 6),
                account_id="A1",
                respondent="ana@acme.example",
                comment=None,
            ),
        ),  # fmt: skip
    )
    ex = explain(engine, "nps", period("2026-10-01", "2026-10-31"))
    rows = readable_survey_rows(engine, ex.denominator_rows).sort_values("Response id")
    assert list(rows["Score"]) == ["10", "6"]
    assert list(rows["Counts as"]) == ["promoter", "detractor"]
    text = to_csv(rows).decode()
    # a comment that a spreadsheet would run as a formula is quoted away
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_scorecard_table_keeps_a_blocked_metric_without_value() -> None:
    blocked = MetricResult(
        key="mrr", label="MRR", value=None, unit="USD",
        reason="a channel filter does not apply to subscriptions (they carry no channel; channel=chat)",
        extra={"filters_not_applied": ["channel"]},
    )  # fmt: skip
    # CSAT 45 positive of 50 answers: 45 / 50 × 100 = 90 %
    csat = MetricResult(key="csat", label="CSAT", value=90.0, unit="%", n=50)
    df = scorecard_table({"csat": csat, "mrr": blocked}, dt.date(2026, 10, 1), dt.date(2026, 10, 31),
                         {"channel": "chat"})  # fmt: skip
    assert to_csv(df).decode().splitlines() == [
        "Metric,Value,Unit,n,Period,Filters,Note",
        "CSAT,90.0,%,50,2026-10-01 – 2026-10-31,channel = chat,",
        "MRR,,USD,,2026-10-01 – 2026-10-31,channel = chat,not available: a channel filter does not apply to "
        "subscriptions (they carry no channel; channel=chat)",
    ]
