"""cxkpi.support, cxkpi.voice and cxkpi.renewals — the breakdowns behind the Support, Voice of customer and
Revenue pages — on DuckDB and PostgreSQL, with small hand-computed fixtures (March 2025, UTC)."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from cxkpi import renewals, support, voice
from cxkpi.metrics import Filters, compute
from cxkpi.store.schema import responses as responses_table
from tests.metric_fixtures import account, load, period, renewal, response, sub, ticket

MARCH = period("2025-03-01", "2025-03-31")


def _ticket(*args, company: str | None = None, **kw):
    table, row = ticket(*args, **kw)
    return table, {**row, "company": company}


def _with_company(rows):
    # one executemany takes its columns from the first row: every ticket row carries the company key
    return [(table, {"company": None, **row}) for table, row in rows]


TICKETS = [
    # id, created, reply, solved, reopens, channel, account
    ticket("T1", "2025-03-02 09:00", reply_minutes=6, solved="2025-03-02 12:00", reopens=0, replies=1, channel="chat",
           account_id="A1"),  # 0.1 h
    ticket("T2", "2025-03-03 09:00", reply_minutes=30, solved="2025-03-04 09:00", reopens=2, replies=2, channel="Chat ",
           account_id="A1"),  # 0.5 h; channel compared trimmed and lower-cased
    ticket("T3", "2025-03-05 09:00", reply_at="2025-03-05 11:00", solved="2025-03-06 09:00", reopens=1, replies=1,
           channel="email", account_id="A2"),  # 2 h from timestamps
    ticket("T4", "2025-03-06 09:00", reply_minutes=600, solved="2025-03-08 09:00", reopens=0, replies=1,
           channel="email", account_id="A2"),  # 10 h
    ticket("T5", "2025-03-07 09:00", reply_minutes=3000, solved="2025-03-12 09:00", reopens=None, replies=1,
           channel="email", account_id="A2"),  # 50 h; no reopen count
    _ticket("T6", "2025-02-20 09:00", reply_minutes=60, solved="2025-03-01 10:00", reopens=3, replies=4,
            channel="email", company="Gamma Co"),  # created in Feb (no FRT here), solved in March, unlinked
    ticket("T7", "2025-03-09 09:00", channel="chat", account_id="A1"),  # no reply yet
    ticket("T8", "2025-03-31 23:59", reply_minutes=1, channel="phone", account_id="A2"),  # 1/60 h, last minute
    ticket("T9", "2025-04-01 00:00", reply_minutes=1, channel="phone", account_id="A2"),  # April: out
]  # fmt: skip


@pytest.fixture
def desk(engine: sa.Engine) -> sa.Engine:
    load(engine, account("A1", name="Alpha", segment="SMB"), account("A2", name="Beta", segment="Enterprise"),
         _with_company(TICKETS))
    return engine


def test_frt_distribution_per_channel(desk: sa.Engine) -> None:
    d = support.frt_distribution(desk, MARCH).set_index("channel")
    assert list(d.index) == ["chat", "email", "phone"]
    # chat: T1 0.1, T2 0.5 (T7 has no reply) → median = mean = 0.3; p25 = 0.1 + 0.25 × 0.4 = 0.2
    assert d.loc["chat", "n"] == 2
    assert d.loc["chat", "median"] == pytest.approx(0.3) and d.loc["chat", "mean"] == pytest.approx(0.3)
    assert d.loc["chat", "p25"] == pytest.approx(0.2) and d.loc["chat", "p75"] == pytest.approx(0.4)
    # email: T3 2, T4 10, T5 50 (T6 was created in February) → median 10, mean 62 / 3;
    # p25 at position 0.5 → 2 + 0.5 × 8 = 6; p75 at 1.5 → 10 + 0.5 × 40 = 30; p90 at 1.8 → 10 + 0.8 × 40 = 42
    e = d.loc["email"]
    assert (e["n"], e["min"], e["max"]) == (3, pytest.approx(2.0), pytest.approx(50.0))
    assert e["median"] == pytest.approx(10.0) and e["mean"] == pytest.approx(62 / 3)
    assert (e["p25"], e["p75"], e["p90"]) == (pytest.approx(6.0), pytest.approx(30.0), pytest.approx(42.0))
    assert d.loc["phone", "n"] == 1 and d.loc["phone", "median"] == pytest.approx(1 / 60)
    # the same tickets as the scorecard's FRT: n = 2 + 3 + 1 = 6, per-channel medians agree
    frt = compute(desk, "frt", MARCH)
    assert frt.n == int(d["n"].sum()) == 6
    assert frt.extra["by_channel"]["email"]["median"] == pytest.approx(10.0)


def test_frt_histogram_bins(desk: sa.Engine) -> None:
    h = support.frt_histogram(desk, MARCH)
    got = {(r.channel, r.bin): r.tickets for r in h.itertuples()}
    # edges 0, .25, .5, 1, 2, 4, 8, 24, 48 h: 0.1 → bin 0; 0.5 → bin 2; 2 → bin 4; 10 → bin 6; 50 → bin 8; 1/60 → 0
    assert got == {("chat", 0): 1, ("chat", 2): 1, ("email", 4): 1, ("email", 6): 1, ("email", 8): 1, ("phone", 0): 1}
    assert h.loc[h["channel"] == "chat", "share"].tolist() == [50.0, 50.0]
    assert dict(zip(h["bin"], h["label"], strict=False))[8] == "≥ 48 h"
    assert support.bin_label(0) == "0–15 min" and support.bin_label(3) == "1–2 h" and support.bin_label(2) == "30–60 min"


def test_frt_breakdowns_honour_filters(desk: sa.Engine) -> None:
    smb = support.frt_distribution(desk, MARCH, Filters(segment="smb"))  # A1 only: chat T1, T2
    assert smb["channel"].tolist() == ["chat"] and smb["n"].tolist() == [2]
    email = support.frt_histogram(desk, MARCH, Filters(channel="EMAIL"))
    assert email["channel"].unique().tolist() == ["email"] and int(email["tickets"].sum()) == 3


def test_top_reopened_accounts(desk: sa.Engine) -> None:
    top = support.top_reopened_accounts(desk, MARCH)
    # solved in March with a reopen count: T1 (A1, 0), T2 (A1, 2), T3 (A2, 1), T4 (A2, 0), T6 (Gamma Co, 3);
    # T5 has none. Each has one reopened ticket; events break the tie: Gamma 3, Alpha 2, Beta 1.
    assert top["account"].tolist() == ["Gamma Co", "Alpha", "Beta"]
    assert top["account_id"].tolist()[1:] == ["A1", "A2"], top["account_id"].tolist()
    assert pd.isna(top["account_id"].iloc[0]), top["account_id"].tolist()
    assert top["reopened"].tolist() == [1, 1, 1] and top["events"].tolist() == [3, 2, 1]
    assert top["solved"].tolist() == [1, 2, 2] and top["rate"].tolist() == [100.0, 50.0, 50.0]
    # the reopened tickets add up to the scorecard's reopen count (3 = T2, T3, T6)
    assert int(top["reopened"].sum()) == compute(desk, "ticket_reopens", MARCH).value == 3
    smb = support.top_reopened_accounts(desk, MARCH, Filters(segment="SMB"))
    assert smb["account"].tolist() == ["Alpha"]
    assert support.top_reopened_accounts(desk, MARCH, limit=1)["account"].tolist() == ["Gamma Co"]


# ------------------------------------------------------------------------------------------------ voice

RESPONSES = [
    response("R1", "csat", 5, (1, 5), "2025-03-02 10:00", survey="Post-ticket", account_id="A1", channel="email"),
    response("R2", "csat", 5, (1, 5), "2025-03-03 10:00", survey="Post-ticket", account_id="A2"),
    response("R3", "csat", 4, (1, 5), "2025-03-04 10:00", survey="Post-ticket", account_id="A2"),
    response("R4", "csat", 3, (1, 5), "2025-03-05 10:00", survey="Post-ticket"),
    response("R5", "csat", 1, (1, 5), "2025-03-06 10:00", survey="Post-ticket", account_id="A1"),
    response("R6", "csat", 7, (1, 7), "2025-03-07 10:00", survey="Onboarding", account_id="A1"),
    response("R7", "csat", 6, (1, 7), "2025-03-08 10:00", survey="Onboarding", account_id="A2"),
    response("R8", "csat", 2, (1, 7), "2025-03-09 10:00", survey="Onboarding", account_id="A2"),
    response("R9", "csat", 5, (1, 5), "2025-04-01 00:00", survey="Post-ticket"),  # April: out
    response("N1", "nps", 9, (0, 10), "2025-03-10 10:00", survey="Relationship", account_id="A1"),
    response("C1", "ces", 6, (1, 7), "2025-03-11 10:00", survey="Effort", account_id="A1"),
    response("C2", "ces", 4, (1, 7), "2025-03-12 10:00", survey="Effort", account_id="A2"),
]
COMMENTS = {
    "R1": "Fast & friendly",
    "R5": "100% useless_stuff",
    "R6": "slow reply",
    "R7": "   ",  # blank: not a comment
    "N1": "would recommend, 50%_off was nice",
    "R9": "fast but in April",
}


@pytest.fixture
def surveys(engine: sa.Engine) -> sa.Engine:
    rows = []
    for table, row in RESPONSES:
        rows.append((table, {**row, "comment": COMMENTS.get(row["response_id"])}))
    load(engine, account("A1", name="Alpha", segment="SMB"), account("A2", name="Beta", segment="Enterprise"), rows)
    return engine


def test_score_distribution_per_survey(surveys: sa.Engine) -> None:
    d = voice.score_distribution(surveys, "csat", MARCH)
    got = {(r.survey, r.score): (r.responses, r.positive) for r in d.itertuples()}
    # Post-ticket 1–5: 5, 5, 4, 3, 1 (top-2-box 4–5); Onboarding 1–7: 7, 6, 2 (top-2-box 6–7)
    assert got == {
        ("Onboarding", 2.0): (1, False), ("Onboarding", 6.0): (1, True), ("Onboarding", 7.0): (1, True),
        ("Post-ticket", 1.0): (1, False), ("Post-ticket", 3.0): (1, False), ("Post-ticket", 4.0): (1, True),
        ("Post-ticket", 5.0): (2, True),
    }  # fmt: skip
    post = d[d["survey"] == "Post-ticket"].set_index("score")["share"]
    assert post[5.0] == pytest.approx(40.0) and post[1.0] == pytest.approx(20.0)  # 2 / 5, 1 / 5
    # positives and n agree with the scorecard: (3 + 2) / 8 = 62.5 %
    csat = compute(surveys, "csat", MARCH)
    assert csat.n == int(d["responses"].sum()) == 8
    assert csat.value == pytest.approx(100 * d.loc[d["positive"], "responses"].sum() / 8) == pytest.approx(62.5)
    ces = voice.score_distribution(surveys, "ces", MARCH)  # 1–7: positive above the midpoint 4 → 6 yes, 4 no
    assert dict(zip(ces["score"], ces["positive"], strict=True)) == {4.0: False, 6.0: True}
    smb = voice.score_distribution(surveys, "csat", MARCH, Filters(segment="SMB"))  # A1: R1 5, R5 1, R6 7
    assert int(smb["responses"].sum()) == 3
    with pytest.raises(ValueError):
        voice.score_distribution(surveys, "bogus", MARCH)


def test_comments_newest_first_with_account_names(surveys: sa.Engine) -> None:
    c = voice.comments(surveys, MARCH)
    # non-blank comments submitted in March: N1 (10th), R6 (7th), R5 (6th), R1 (2nd); R7 is blank, R9 April
    assert c["comment"].tolist() == ["would recommend, 50%_off was nice", "slow reply", "100% useless_stuff",
                                     "Fast & friendly"]  # fmt: skip
    assert c["account"].tolist() == ["Alpha"] * 4 and c.attrs["total"] == 4
    assert c["kind"].tolist() == ["nps", "csat", "csat", "csat"]


def test_comment_search_is_a_parameter_with_wildcards_escaped(surveys: sa.Engine) -> None:
    def found(**kw) -> list[str]:
        return voice.comments(surveys, MARCH, **kw)["comment"].tolist()

    assert found(search="FAST") == ["Fast & friendly"]  # case-insensitive
    assert found(search="100%") == ["100% useless_stuff"]  # % is a character, not "anything"
    assert found(search="%_") == ["would recommend, 50%_off was nice"]
    assert found(search="_") == ["would recommend, 50%_off was nice", "100% useless_stuff"]
    assert found(search="'; DROP TABLE responses; --") == []
    with surveys.connect() as conn:  # still there
        assert conn.execute(sa.select(sa.func.count()).select_from(responses_table)).scalar() == len(RESPONSES)


def test_comment_score_kind_and_filters(surveys: sa.Engine) -> None:
    def found(**kw) -> list[str]:
        return voice.comments(surveys, MARCH, **kw)["comment"].tolist()

    assert found(score_min=5) == ["would recommend, 50%_off was nice", "slow reply", "Fast & friendly"]  # 9, 7, 5
    assert found(score_max=1) == ["100% useless_stuff"]
    assert found(kind="NPS") == ["would recommend, 50%_off was nice"]
    assert voice.comments(surveys, MARCH, Filters(channel="email"))["comment"].tolist() == ["Fast & friendly"]
    assert voice.comments(surveys, MARCH, Filters(segment="Enterprise")).empty  # Beta's only comment is blank
    limited = voice.comments(surveys, MARCH, limit=1)
    assert len(limited) == 1 and limited.attrs["total"] == 4


def test_churn_reasons(engine: sa.Engine) -> None:
    load(
        engine,
        account("A1", segment="SMB", churned="2025-03-10"),
        account("A2", segment="Enterprise", churned="2025-03-20"),
        account("A3", segment="SMB", churned="2025-03-15"),
        account("A4", segment="SMB", churned="2025-04-02"),  # April: out
        sub("S1", "A1", 100, "2024-01-01", "2025-03-10"),
        sub("S2", "A2", 100, "2024-01-01", "2025-03-20"),  # ended without a reason (e.g. an upgrade): not listed
        sub("S3", "A3", 100, "2024-01-01", "2025-02-10"),  # February: out
    )
    with engine.begin() as conn:
        from cxkpi.store.schema import accounts, subscriptions

        for aid, reason in (("A1", "Budget cuts"), ("A2", " budget cuts "), ("A4", "Moved")):
            conn.execute(sa.update(accounts).where(accounts.c.account_id == aid).values(churn_reason=reason))
        for sid, reason in (("S1", "Too expensive"), ("S3", "Bugs")):
            conn.execute(sa.update(subscriptions).where(subscriptions.c.subscription_id == sid).values(cancel_reason=reason))
    r = voice.churn_reasons(engine, MARCH)
    rows = [(x.source, x.reason, x.count) for x in r.itertuples()]
    # accounts churned in March: A1 and A2 "budget cuts" (one group, case and spaces ignored), A3 without a reason
    assert rows == [("accounts", "Budget cuts", 2), ("accounts", voice.NO_REASON, 1),
                    ("subscriptions", "Too expensive", 1)]  # fmt: skip
    assert r["share"].tolist() == [pytest.approx(200 / 3), pytest.approx(100 / 3), 100.0]
    smb = voice.churn_reasons(engine, MARCH, Filters(segment="SMB"))  # A1, A3; S1 (A1)
    assert [(x.source, x.reason, x.count) for x in smb.itertuples()] == [
        ("accounts", "Budget cuts", 1), ("accounts", voice.NO_REASON, 1), ("subscriptions", "Too expensive", 1)]
    assert voice.churn_reasons(engine, period("2025-05-01", "2025-05-31")).empty


# --------------------------------------------------------------------------------------------- renewals


def test_renewals_due_and_outcomes(engine: sa.Engine) -> None:
    load(
        engine,
        account("A1", name="Alpha", segment="SMB"),
        account("A2", name="Beta", segment="Enterprise"),
        renewal("R1", "A1", "2025-03-05", "renewed", 1200),
        renewal("R2", "A2", "2025-03-31", "Churned", 800),  # the last day counts; outcome read case-insensitively
        renewal("R3", "A1", "2025-03-15", None),
        renewal("R4", "A2", "2025-03-20", "negotiating"),  # anything else is open = pending
        renewal("R5", "A2", "2025-04-01", "renewed"),  # April: out
    )
    df = renewals.renewals_due(engine, MARCH)
    assert df["renewal_id"].tolist() == ["R1", "R3", "R4", "R2"]  # by due date
    assert df["outcome"].tolist() == ["renewed", "open", "open", "churned"]
    assert df["account"].tolist() == ["Alpha", "Alpha", "Beta", "Beta"]
    assert renewals.outcome_counts(df) == {"renewed": 1, "churned": 1, "open": 2}
    rate = compute(engine, "renewal_rate", MARCH)  # 1 renewed of 2 decided, 2 pending: the same rows
    assert rate.value == pytest.approx(50.0) and rate.extra["pending"] == 2 and rate.extra["due"] == len(df)
    smb = renewals.renewals_due(engine, MARCH, Filters(segment="smb"))
    assert smb["renewal_id"].tolist() == ["R1", "R3"]
    assert renewals.outcome_counts(renewals.renewals_due(engine, period("2025-06-01", "2025-06-30"))) == {
        "renewed": 0, "churned": 0, "open": 0}
