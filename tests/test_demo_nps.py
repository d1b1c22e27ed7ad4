"""The demo's monthly transactional NPS: every month of the demo has an NPS, so the default view
(last month) shows one; comments vary; the added survey leaves the rest of the demo as it was."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from cxkpi.demo import CSAT_COMMENTS, MONTHS, TNPS_COMMENTS, build_demo

END = dt.date(2026, 10, 1)
TNPS = "Transactional NPS (after support)"


@pytest.fixture(scope="module")
def demo() -> dict[str, pd.DataFrame]:
    return build_demo(END)


def test_every_demo_month_has_transactional_nps_answers(demo: dict[str, pd.DataFrame]) -> None:
    r = demo["responses"]
    tnps = r[r["survey"] == TNPS]
    months = sorted(set(tnps["submitted_at"].dt.strftime("%Y-%m")))
    # 24 months ending 2026-10: 2024-11 … 2026-10
    assert months == [
        f"{y}-{m:02d}" for y, m in [(2024 + (10 + i) // 12, (10 + i) % 12 + 1) for i in range(MONTHS)]
    ]
    assert set(tnps["kind"]) == {"nps"}
    assert set(tnps["scale_min"]) == {0.0} and set(tnps["scale_max"]) == {10.0}
    # asked after a ticket: every answer names its ticket and carries that ticket's channel
    assert tnps["ticket_id"].notna().all()
    tickets = demo["tickets"].set_index("ticket_id")["channel"]
    assert (tnps["channel"].to_numpy() == tickets.loc[tnps["ticket_id"]].to_numpy()).all()


def test_last_month_nps_is_promoters_minus_detractors_of_its_answers(demo: dict[str, pd.DataFrame]) -> None:
    r = demo["responses"]
    oct_ = r[(r["kind"] == "nps") & (r["submitted_at"] >= "2026-10-01") & (r["submitted_at"] < "2026-11-01")]
    # October is not a wave month of the quarterly relationship survey (waves: Dec, Mar, Jun, Sep),
    # so October's NPS answers are the transactional ones only.
    assert set(oct_["survey"]) == {TNPS}
    promoters, detractors, n = int((oct_["score"] >= 9).sum()), int((oct_["score"] <= 6).sum()), len(oct_)
    # The engine's figure on the same demo (checked with `cxkpi trend nps` on a demo store ending 2026-10):
    # 148 answers, NPS +34.5 -> promoters − detractors = 0.345 × 148 ≈ 51.
    assert n == 148
    assert promoters - detractors == 51
    assert round(100 * (promoters - detractors) / n, 1) == 34.5


def test_comment_texts_vary(demo: dict[str, pd.DataFrame]) -> None:
    r = demo["responses"]
    tnps = set(r.loc[r["survey"] == TNPS, "comment"].dropna())
    assert tnps == {c for texts in TNPS_COMMENTS.values() for c in texts}
    csat = set(r.loc[r["kind"] == "csat", "comment"].dropna())
    assert csat == {c for texts in CSAT_COMMENTS.values() for c in texts}


def test_the_added_survey_leaves_the_other_tables_unchanged(demo: dict[str, pd.DataFrame]) -> None:
    """The transactional NPS draws from its own random stream: tickets and accounts are what they were
    before it was added (30 000 target tickets give 29 791 for this end month and seed)."""
    assert len(demo["tickets"]) == 29_791
    assert len(demo["accounts"]) == 400
