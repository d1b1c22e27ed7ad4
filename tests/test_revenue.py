"""MRR movements and cohorts on a small hand-computed book of customers, on DuckDB and PostgreSQL.

The book (window January–April 2025; boundaries b0 = 1 Jan 00:00, b1 = 1 Feb, b2 = 1 Mar, b3 = 1 Apr,
b4 = 1 May; a subscription counts at b when started_at ≤ b < ended_at):

  A  new in Feb        100/month from 10 Feb                               0    0  100  100  100
  B  expansion in Mar  50/month since 3 Nov 2024, ends 15 Mar 12:00; 80/month
                       starts 15 Mar 12:00 (the same instant: an upgrade)  50   50   50   80   80
  C  contraction Feb   20 × quantity 5 = 100 since 2 Dec 2024 until 20 Feb;
                       20 × quantity 3 = 60 from 20 Feb                     100  100   60   60   60
  D  churn in Mar      annual 1200 ÷ 12 = 100 since 2 Jun 2024, ends 10 Mar   100  100  100    0    0
  E  churn Jan, back   quarterly 270 ÷ 3 = 90 3 Oct 2024–15 Jan; again from
     in Mar            5 Mar (reactivation after a gap)                     90    0    0   90   90
  F  new in Jan        200 × (1 − 0.25 discount) = 150 from 20 Jan          0  150  150  150  150
  G  trial then paid   trial (amount 0) 5 Jan–5 Feb, then 40/month          0    0   40   40   40
  H  new Feb, churn Apr 60/month 15 Feb – 10 Apr                            0    0   60   60    0
                                                              MRR total:  340  400  560  580  520
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest
import sqlalchemy as sa

from cxkpi.metrics import Period, compute
from cxkpi.metrics.revenue import cohort_retention, mrr_movements
from cxkpi.store import CANONICAL, relink

D = dt.datetime
JAN, APR = dt.date(2025, 1, 1), dt.date(2025, 4, 1)


def _sub(sid: str, acc: str, amount: float, start: D, end: D | None = None, **kw: object) -> dict:
    row = dict(
        subscription_id=sid, account_id=acc, email=None, company=None, linked_account_id=None, plan="p",
        amount=amount, currency="USD", interval="month", interval_count=1, quantity=1.0, discount=0.0,
        status="active" if end is None else "canceled", started_at=start, ended_at=end, cancel_reason=None,
        load_id=2, system="stripe",
    )
    row.update(kw)
    return row


BOOK = [
    _sub("a1", "A", 100, D(2025, 2, 10)),
    _sub("b1", "B", 50, D(2024, 11, 3), D(2025, 3, 15, 12)),
    _sub("b2", "B", 80, D(2025, 3, 15, 12)),
    _sub("c1", "C", 20, D(2024, 12, 2), D(2025, 2, 20), quantity=5.0),
    _sub("c2", "C", 20, D(2025, 2, 20), quantity=3.0),
    _sub("d1", "D", 1200, D(2024, 6, 2), D(2025, 3, 10), interval="year"),
    _sub("e1", "E", 270, D(2024, 10, 3), D(2025, 1, 15), interval="quarter"),
    _sub("e2", "E", 270, D(2025, 3, 5), interval="quarter"),
    _sub("f1", "F", 200, D(2025, 1, 20), discount=0.25),
    _sub("g0", "G", 0, D(2025, 1, 5), D(2025, 2, 5), status="trialing"),
    _sub("g1", "G", 40, D(2025, 2, 5)),
    _sub("h1", "H", 60, D(2025, 2, 15), D(2025, 4, 10)),
]


def _load(engine: sa.Engine, subs: list[dict], segments: dict[str, str] | None = None) -> None:
    segments = segments or {}
    ids = sorted({s["account_id"] for s in subs})
    with engine.begin() as c:
        c.execute(
            sa.insert(CANONICAL["accounts"]),
            [
                dict(account_id=a, name=f"Customer {a}", segment=segments.get(a, "enterprise"), region="eu",
                     plan="pro", load_id=1, system="cxkpi")
                for a in ids
            ],
        )
        c.execute(sa.insert(CANONICAL["subscriptions"]), subs)
        relink(c)


@pytest.fixture
def book(engine: sa.Engine) -> sa.Engine:
    _load(engine, BOOK, segments={"F": "smb"})
    return engine


def test_movements_month_by_month(book: sa.Engine) -> None:
    df = mrr_movements(book, JAN, APR)
    assert list(df["month"]) == [dt.date(2025, m, 1) for m in (1, 2, 3, 4)]
    got = df.set_index("month")[
        ["mrr_start", "new", "expansion", "contraction", "churned", "reactivation", "mrr_end"]
    ].round(2)
    expected = pd.DataFrame(
        [
            # Jan: 340 + F new 150 − E churned 90                             = 400
            [340.0, 150.0, 0.0, 0.0, -90.0, 0.0, 400.0],
            # Feb: 400 + A 100 + G 40 + H 60 (new) − C 40 (quantity 5 → 3)    = 560
            [400.0, 200.0, 0.0, -40.0, 0.0, 0.0, 560.0],
            # Mar: 560 + B 30 (50 → 80 upgrade) − D 100 + E 90 (back)        = 580
            [560.0, 0.0, 30.0, 0.0, -100.0, 90.0, 580.0],
            # Apr: 580 − H 60                                                  = 520
            [580.0, 0.0, 0.0, 0.0, -60.0, 0.0, 520.0],
        ],
        columns=got.columns,
        index=got.index,
    )
    pd.testing.assert_frame_equal(got, expected)


def test_movements_sum_to_the_mrr_change_and_months_chain(book: sa.Engine) -> None:
    df = mrr_movements(book, JAN, APR)
    moves = df[["new", "expansion", "contraction", "churned", "reactivation"]].sum(axis=1)
    assert ((df["mrr_start"] + moves - df["mrr_end"]).abs() < 1e-9).all()
    # one month's end is the next month's start: the same instant (24:00 of the last day)
    assert list(df["mrr_end"][:-1]) == list(df["mrr_start"][1:])


def test_an_upgrade_at_the_same_instant_is_expansion_not_churn_and_new(book: sa.Engine) -> None:
    mar = mrr_movements(book, dt.date(2025, 3, 1), dt.date(2025, 3, 31)).iloc[0]
    assert mar["expansion"] == pytest.approx(30.0)  # B: 80 − 50
    assert mar["churned"] == pytest.approx(-100.0)  # only D, not B's old 50
    assert mar["new"] == 0.0  # not B's new 80


def test_customer_counts_logo_churn_revenue_churn_and_nrr(book: sa.Engine) -> None:
    df = mrr_movements(book, JAN, APR).set_index("month")
    # active customers (a trial counts, metrics.md): b0 B C D E = 4; b1 B C D F G(trial) = 5;
    # b2 A B C D F G H = 7; b3 A B C E F G H = 7; b4 A B C E F G = 6
    assert list(df["customers_start"]) == [4, 5, 7, 7]
    assert list(df["customers_end"]) == [5, 7, 7, 6]
    assert list(df["customers_lost"]) == [1, 0, 1, 1]  # E, none, D, H
    jan, feb, mar, apr = (df.loc[dt.date(2025, m, 1)] for m in (1, 2, 3, 4))
    assert jan["logo_churn"] == pytest.approx(1 / 4 * 100)  # 25 %
    assert feb["logo_churn"] == 0.0
    assert mar["logo_churn"] == pytest.approx(1 / 7 * 100)  # 14.29 %
    # gross revenue churn = (churned + contraction) / MRR at start
    assert jan["revenue_churn"] == pytest.approx(90 / 340 * 100)  # 26.47 %
    assert feb["revenue_churn"] == pytest.approx(40 / 400 * 100)  # 10 %
    assert mar["revenue_churn"] == pytest.approx(100 / 560 * 100)  # 17.86 %
    # net revenue churn subtracts expansion: (100 − 30) / 560 = 12.5 %
    assert mar["net_revenue_churn"] == pytest.approx(12.5)
    # NRR = (start + expansion + contraction + churned) / start: (560 + 30 − 100) / 560 = 87.5 %
    assert mar["nrr"] == pytest.approx(87.5)
    assert feb["nrr"] == pytest.approx(90.0)  # (400 − 40) / 400
    assert apr["nrr"] == pytest.approx(520 / 580 * 100)  # 89.66 %


def test_segment_filter_keeps_subscriptions_of_accounts_in_that_segment(book: sa.Engine) -> None:
    df = mrr_movements(book, JAN, dt.date(2025, 2, 28), SimpleNamespace(segment="smb"))
    # only F (smb): 0 → 150 in January, flat in February
    assert list(df["mrr_start"]) == [0.0, 150.0]
    assert list(df["new"]) == [150.0, 0.0]
    assert list(df["mrr_end"]) == [150.0, 150.0]
    assert pd.isna(df["revenue_churn"].iloc[0])  # no MRR at the start: not available, not 0 %
    # a list of values, and a filter object without the attribute at all
    both = mrr_movements(book, JAN, JAN, SimpleNamespace(segment=["SMB ", "enterprise"]))  # case, spaces
    assert both["mrr_end"].iloc[0] == 400.0
    assert mrr_movements(book, JAN, JAN, object())["mrr_end"].iloc[0] == 400.0


def test_month_boundary_is_24_00_of_the_last_day(engine: sa.Engine) -> None:
    # Ending at 1 Mar 00:00 is not active at the end of February (ended_at > t fails) → churned in Feb.
    # Starting at 1 Mar 00:00 *is* active at 24:00 on 28 Feb (started_at ≤ t) → new in February.
    _load(
        engine,
        [
            _sub("x", "X", 10, D(2025, 1, 1), D(2025, 3, 1)),
            _sub("y", "Y", 25, D(2025, 3, 1)),
        ],
    )
    feb = mrr_movements(engine, dt.date(2025, 2, 1), dt.date(2025, 2, 1)).iloc[0]
    assert (feb["mrr_start"], feb["new"], feb["churned"], feb["mrr_end"]) == (10.0, 25.0, -10.0, 25.0)
    mar = mrr_movements(engine, dt.date(2025, 3, 1), dt.date(2025, 3, 1)).iloc[0]
    assert (mar["mrr_start"], mar["new"], mar["churned"]) == (25.0, 0.0, 0.0)


def test_a_customer_won_and_lost_inside_a_month_is_no_movement_but_a_later_return_is_reactivation(
    engine: sa.Engine,
) -> None:
    _load(
        engine,
        [
            _sub("z1", "Z", 30, D(2025, 1, 5), D(2025, 1, 25)),  # never at a month boundary
            _sub("z2", "Z", 45, D(2025, 3, 3)),
            _sub("w1", "W", 12, D(2025, 1, 2), interval="week", interval_count=2),  # 12 × 52 / 12 / 2 = 26
        ],
    )
    df = mrr_movements(engine, JAN, dt.date(2025, 3, 1)).set_index("month")
    assert df.loc[JAN, "new"] == 26.0  # W only; Z came and went inside January
    assert df.loc[dt.date(2025, 3, 1), "reactivation"] == 45.0  # Z had MRR before (in January)
    assert df.loc[dt.date(2025, 3, 1), "new"] == 0.0


def test_unlinked_subscriptions_still_count_and_several_currencies_need_a_choice(engine: sa.Engine) -> None:
    with engine.begin() as c:
        c.execute(
            sa.insert(CANONICAL["subscriptions"]),
            [
                _sub("u1", "nobody-1", 10, D(2024, 12, 1)),
                _sub("u2", None, 20, D(2024, 12, 1), email="solo@example.com"),
                _sub("u3", "nobody-3", 7, D(2024, 12, 1), currency="eur"),
            ],
        )
        relink(c)
    with pytest.raises(ValueError, match="several currencies"):
        mrr_movements(engine, JAN, JAN)
    usd = mrr_movements(engine, JAN, JAN, currency="usd")
    assert usd["mrr_end"].iloc[0] == 30.0 and usd["customers_end"].iloc[0] == 2
    assert usd.attrs["currency"] == "USD"
    assert mrr_movements(engine, JAN, JAN, currency="EUR")["mrr_end"].iloc[0] == 7.0


def test_cohorts_by_logo(book: sa.Engine) -> None:
    df = cohort_retention(book, JAN, APR).set_index("cohort")
    # cohort = first month at whose end the customer had MRR. B, C, D, E started in 2024: not shown.
    # Jan: F.   Feb: A, G (trial in Jan, paying at Feb's end) and H.   Mar, Apr: nobody new.
    assert list(df["customers"]) == [1, 3, 0, 0]
    jan, feb = df.loc[JAN], df.loc[dt.date(2025, 2, 1)]
    assert [jan[k] for k in range(4)] == [100.0, 100.0, 100.0, 100.0]
    # Feb cohort: end Feb 3/3, end Mar 3/3, end Apr 2/3 (H ended 10 Apr), end May is past the window
    assert [feb[k] for k in range(3)] == pytest.approx([100.0, 100.0, 2 / 3 * 100])
    assert pd.isna(feb[3])
    assert df.loc[dt.date(2025, 3, 1)].drop(["customers", "mrr"]).isna().all()


def test_cohorts_by_revenue(book: sa.Engine) -> None:
    df = cohort_retention(book, JAN, APR, basis="revenue").set_index("cohort")
    feb = df.loc[dt.date(2025, 2, 1)]
    assert feb["mrr"] == 200.0  # A 100 + G 40 + H 60 at the end of February
    # end Apr: A 100 + G 40 = 140 of 200 = 70 %
    assert [feb[k] for k in range(3)] == pytest.approx([100.0, 100.0, 70.0])


def test_cohorts_start_before_the_window_are_not_new_in_it(book: sa.Engine) -> None:
    # E first paid on 3 October 2024 (cohort Oct 2024; B is Nov, C Dec, D Jun); its March return does not make it a March cohort
    df = cohort_retention(book, dt.date(2024, 10, 1), dt.date(2025, 3, 1)).set_index("cohort")
    oct_ = df.loc[dt.date(2024, 10, 1)]
    assert oct_["customers"] == 1
    # E at the ends of Oct, Nov, Dec 2024: paying; Jan, Feb 2025: gone; Mar: back → retained again
    assert [oct_[k] for k in range(6)] == [100.0, 100.0, 100.0, 0.0, 0.0, 100.0]
    assert df.loc[dt.date(2025, 3, 1), "customers"] == 0


def test_empty_store_gives_zero_rows_per_month_and_not_available_rates(engine: sa.Engine) -> None:
    df = mrr_movements(engine, JAN, dt.date(2025, 2, 1))
    assert list(df["mrr_start"]) == [0.0, 0.0] and df["revenue_churn"].isna().all()
    assert cohort_retention(engine, JAN, JAN)["customers"].tolist() == [0]


def test_month_boundaries_follow_the_workspace_time_zone(engine: sa.Engine) -> None:
    # Stored timestamps are UTC. A subscription starting 31 Dec 2024 23:30 UTC is already paying at
    # 1 Jan 00:00 UTC, but in Berlin it starts 1 Jan 00:30 local, after January's start (23:00 UTC).
    _load(engine, [_sub("tz", "T", 50, D(2024, 12, 31, 23, 30))])
    utc = mrr_movements(engine, JAN, JAN).iloc[0]
    berlin = mrr_movements(engine, JAN, JAN, timezone="Europe/Berlin").iloc[0]
    assert (utc["mrr_start"], utc["new"]) == (50.0, 0.0)
    assert (berlin["mrr_start"], berlin["new"]) == (0.0, 50.0)


def test_the_bridge_agrees_with_the_scorecard_mrr_and_churn_rate(book: sa.Engine) -> None:
    # One definition of MRR and of "active": the engine's MRR at each month's end is our mrr_end, and its
    # customer churn rate for a one-month period is our logo_churn.
    from cxkpi.metrics.engine import compute
    from cxkpi.metrics.types import Period

    df = mrr_movements(book, JAN, APR)
    for row in df.itertuples():
        month = Period(row.month, (pd.Timestamp(row.month) + pd.offsets.MonthEnd(1)).date())
        assert compute(book, "mrr", month).value == pytest.approx(row.mrr_end), row.month
        assert compute(book, "churn_rate", month).value == pytest.approx(row.logo_churn), row.month


def test_time_zone_and_currency_default_to_the_workspace_settings(engine: sa.Engine) -> None:
    from cxkpi.settings import WorkspaceSettings, save_settings

    _load(engine, [_sub("tz", "T", 50, D(2024, 12, 31, 23, 30)), _sub("eu", "U", 9, D(2024, 12, 1), currency="EUR")])
    save_settings(engine, WorkspaceSettings(timezone="Europe/Berlin", currency="USD"))
    df = mrr_movements(engine, JAN, JAN)  # Berlin months, USD only — as in the previous test
    assert (df["mrr_start"].iloc[0], df["new"].iloc[0]) == (0.0, 50.0)
    assert df.attrs["timezone"] == "Europe/Berlin" and df.attrs["currency"] == "USD"
    assert cohort_retention(engine, JAN, JAN)["customers"].tolist() == [1]  # T, in Berlin's January


def test_a_priced_trial_adds_no_mrr_until_the_paid_plan_starts(engine: sa.Engine) -> None:
    # Stripe exports a trialing subscription with its price; metrics.md: trials add 0 to MRR.
    _load(
        engine,
        [
            _sub("t1", "T", 90, D(2025, 1, 10), status="trialing"),  # price 90, still in trial
            _sub("p1", "P", 40, D(2025, 1, 3)),
        ],
    )
    jan = mrr_movements(engine, JAN, JAN).iloc[0]
    assert (jan["new"], jan["mrr_end"]) == (40.0, 40.0)  # P's 40 only; T's 90 is a trial → 0
    assert jan["customers_end"] == 2  # but a trial makes T an active customer
    mrr = compute(engine, "mrr", Period(JAN, dt.date(2025, 1, 31)))
    assert mrr.value == jan["mrr_end"] == 40.0
