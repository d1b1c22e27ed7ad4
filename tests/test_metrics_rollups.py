"""Daily rollups (cxkpi.metrics.rollups): the app's figures read from per-day rows are the fact tables' figures.

Hand-computed values on small rows whose local day differs from their UTC day, the same figures both ways in
zones whose clocks change (Santiago changes at midnight), under options and filters, and a new load
replacing the kept build. tests/test_metrics_equivalence.py runs the whole demo and the sample exports
through the rollups too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.demo import load_demo
from cxkpi.metrics import Filters, Period, scorecard, scorecards, trend, trends
from cxkpi.metrics.rollups import ensure
from cxkpi.store.schema import rollup_builds, rollup_frt, rollup_ticket_days
from tests.metric_fixtures import account, load, responses_many, ticket

APRIL = Period(dt.date(2025, 4, 1), dt.date(2025, 4, 30))
BERLIN = {"timezone": "Europe/Berlin"}
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _edge_rows() -> list:
    # Berlin is UTC+2 in April and March's last day: 22:30 UTC on 31 March is 00:30 on 1 April there
    return [
        account("A", segment="Enterprise"),
        account("B", segment="SMB"),
        ticket(
            "t1",
            "2025-03-31 22:30",
            reply_minutes=30,
            solved="2025-04-02 10:00",
            reopens=1,
            replies=1,
            handle=10,
            account_id="A",
        ),  # fmt: skip
        ticket(
            "t2",
            "2025-04-10 08:00",
            reply_minutes=90,
            solved="2025-04-30 21:59",
            reopens=0,
            replies=1,
            handle=20,
            channel="chat",
            account_id="B",
        ),  # fmt: skip
        # created 30 April 22:30 UTC = 1 May 00:30 in Berlin: May's there, April's in UTC
        ticket(
            "t3",
            "2025-04-30 22:30",
            reply_minutes=600,
            solved="2025-04-30 23:00",
            reopens=None,
            replies=3,
            handle=40,
            account_id="A",
        ),  # fmt: skip
        *responses_many("c", "csat", [5, 2], (1, 5), "2025-03-31 22:15", account_id="A"),  # 1 April in Berlin
        *responses_many(
            "d", "csat", [4, 4, 1], (1, 5), "2025-04-30 22:15", account_id="B"
        ),  # 1 May in Berlin
    ]


def test_a_local_day_decides_the_period_as_the_fact_tables_do(engine: sa.Engine) -> None:
    load(engine, _edge_rows())
    card = scorecard(engine, APRIL, options=BERLIN, rollups=True)
    # Berlin's April: created t1 (30 min), t2 (90 min); t3 was created on 1 May there
    assert card["frt"].n == 2 and card["frt"].value == pytest.approx((0.5 + 1.5) / 2)
    # solved in April there: t1 (2 Apr) and t2 (30 Apr 23:59); t3 was solved at 01:00 on 1 May
    assert card["ticket_reopens"].value == 1 and card["ticket_reopens"].n == 2  # t1 reopened, of 2 known
    assert card["aht"].value == pytest.approx((10 + 20) / 2)
    assert card["fcr"].value == pytest.approx(100 * 1 / 2)  # t2: one reply, no reopen; t1 was reopened
    # answers: c1, c2 on 1 April there (5 is top-2-box, 2 is not); the d answers are May's
    assert (card["csat"].numerator, card["csat"].n) == (1, 2)
    utc = scorecard(engine, APRIL, options={"timezone": "UTC"}, rollups=True)
    # in UTC, t1 and c1–c2 are March's and t3, d1–d3 April's: FRT (1.5 + 10) / 2, CSAT 2 of 3
    assert utc["frt"].n == 2 and utc["frt"].value == pytest.approx((1.5 + 10) / 2)
    assert (utc["csat"].numerator, utc["csat"].n) == (2, 3)
    # a segment filter reads a build that keeps the linked account's segment apart
    smb = scorecard(engine, APRIL, Filters(segment="smb"), options=BERLIN, rollups=True)
    assert smb["frt"].n == 1 and smb["frt"].value == pytest.approx(1.5)
    assert smb["csat"].value is None  # B's answers are May's in Berlin
    for got, plain in ((card, scorecard(engine, APRIL, options=BERLIN)), (smb, scorecard(engine, APRIL,
                       Filters(segment="smb"), options=BERLIN))):  # fmt: skip
        assert {k: r.to_json() for k, r in got.items()} == {k: r.to_json() for k, r in plain.items()}


def test_the_demo_gives_the_same_figures_in_zones_whose_clocks_change(engine: sa.Engine) -> None:
    # Santiago moves its clocks at midnight (6 April and 7 September 2025: the day starts at 23:00 or 01:00);
    # one demo load for both zones (each zone is a build of its own: the stamp holds the zone)
    load_demo(engine, dt.date(2025, 10, 1))
    months = [
        Period(dt.date(2025, 4, 1), dt.date(2025, 4, 30)),
        Period(dt.date(2025, 9, 1), dt.date(2025, 9, 30)),
    ]
    weeks = dt.date(2025, 3, 31), dt.date(2025, 4, 13)
    for zone in ("Europe/Berlin", "America/Santiago"):
        opts = {"timezone": zone}
        fast, plain = (
            scorecards(engine, months, options=opts, rollups=True),
            scorecards(engine, months, options=opts),
        )
        assert [{k: r.to_json() for k, r in c.items()} for c in fast] == [
            {k: r.to_json() for k, r in c.items()} for c in plain
        ], zone
        assert fast[0]["csat"].n and fast[0]["frt"].n  # real figures, not two empty cards
        for key in ("frt", "csat", "fcr"):
            a = trend(engine, key, *weeks, by="week", options=opts, rollups=True)
            b = trend(engine, key, *weeks, by="week", options=opts)
            assert [p.result.to_json() for p in a] == [p.result.to_json() for p in b], (zone, key)


def test_options_and_filters_read_through_the_rollups(engine: sa.Engine) -> None:
    load_demo(engine, dt.date(2026, 10, 1))
    month = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    options = {"fcr.null_reopens": "exclude", "frt.stat": "mean", "csat.mode": "mean",
               "survey.scales": {"Post-ticket CSAT": "1-5"}}  # fmt: skip
    for filters in (Filters(), Filters(channel="chat", region="EMEA"), Filters(survey="Post-ticket CSAT")):
        fast = scorecard(engine, month, filters, options, rollups=True)
        plain = scorecard(engine, month, filters, options)
        assert {k: r.to_json() for k, r in fast.items()} == {k: r.to_json() for k, r in plain.items()}
    window = dt.date(2026, 5, 1), dt.date(2026, 10, 31)
    keys = ["csat", "frt", "fcr", "aht", "ticket_reopens", "nps"]
    fast_t = trends(engine, keys, *window, "month", Filters(channel="email"), options, rollups=True)
    plain_t = trends(engine, keys, *window, "month", Filters(channel="email"), options)
    for key in keys:
        assert [p.result.to_json() for p in fast_t[key]] == [p.result.to_json() for p in plain_t[key]], key


def test_a_new_load_replaces_the_kept_build(engine: sa.Engine, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    zendesk = str(FIXTURES / "zendesk_tickets.csv")
    assert main(["ingest", zendesk, "--db", url]) == 0
    year = Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    first = scorecard(engine, year, rollups=True)
    with engine.connect() as conn:
        stamps = set(conn.execute(sa.select(rollup_builds.c.stamp)).scalars())
        kept = conn.execute(sa.select(sa.func.count()).select_from(rollup_frt)).scalar()
    assert (
        len(stamps) == 1
        and kept
        == first["frt"].extra["created"]
        - first["frt"].extra["no_reply"]
        - (first["frt"].extra["negative_excluded"])
    )  # one kept value per replied ticket of the year (the fixture's tickets all fall in 2025)
    others = sorted(str(p) for p in FIXTURES.glob("*.csv") if p.name != "zendesk_tickets.csv")
    assert main(["ingest", *others, "--db", url]) == 0
    second = scorecard(engine, year, rollups=True)
    assert {k: r.to_json() for k, r in second.items()} == {
        k: r.to_json() for k, r in scorecard(engine, year).items()
    }
    with engine.connect() as conn:
        now = set(conn.execute(sa.select(rollup_builds.c.stamp)).scalars())
        old_rows = conn.execute(
            sa.select(sa.func.count())
            .select_from(rollup_ticket_days)
            .where(rollup_ticket_days.c.stamp.in_(stamps))
        ).scalar()
    assert len(now) == 1 and now != stamps and old_rows == 0  # the old data version's rows are gone
    assert ensure(engine, "UTC", Filters()) is not None  # kept: asking again builds nothing new
    with engine.connect() as conn:
        builds = set(conn.execute(sa.select(rollup_builds.c.dims)).scalars())
    assert builds == {
        "frt:",
        "tickets:",
        "answers:channel",
    }  # FRT's values, the tickets' and the answers' days


def test_a_channel_filter_matching_two_spellings_takes_the_median_of_both(engine: sa.Engine) -> None:
    # "Chat" and " chat" are one channel to the filter but two groups in the rollups: under the filter, a month
    # of one spelling takes that spelling's median, a month of both the median of all its values
    load(
        engine,
        ticket("a1", "2025-04-02 09:00", reply_minutes=60, channel="Chat"),
        ticket("a2", "2025-04-03 09:00", reply_minutes=180, channel="Chat"),
        ticket("b1", "2025-05-02 09:00", reply_minutes=60, channel="Chat"),
        ticket("b2", "2025-05-03 09:00", reply_minutes=120, channel=" chat"),
        ticket("b3", "2025-05-04 09:00", reply_minutes=600, channel=" chat"),
        ticket("c1", "2025-05-05 09:00", reply_minutes=30, channel="email"),  # not chat
    )
    chat = Filters(channel="chat")
    fast = trend(engine, "frt", dt.date(2025, 4, 1), dt.date(2025, 5, 31), "month", chat, rollups=True)
    assert fast[0].result.value == pytest.approx((1 + 3) / 2)  # April: 1 h and 3 h, one spelling
    assert fast[1].result.value == pytest.approx(2.0)  # May: 1, 2 and 10 h over both spellings
    assert set(fast[1].result.extra["by_channel"]) == {"Chat", " chat"}
    plain = trend(engine, "frt", dt.date(2025, 4, 1), dt.date(2025, 5, 31), "month", chat)
    assert [p.result.to_json() for p in fast] == [p.result.to_json() for p in plain]
