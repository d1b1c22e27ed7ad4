"""Display formatting: one style for numbers, money, percentages, changes and dates; locale-aware."""

from __future__ import annotations

import datetime as dt

import pytest

from cxkpi import formatting as f


@pytest.mark.parametrize(
    "got,want",
    [
        (f.number(1234.5), "1,234.5"),
        (f.number(1234.56, 1), "1,234.6"),
        (f.count(30082), "30,082"),
        (f.percent(84), "84.0\xa0%"),
        (f.percent(90.69767), "90.7\xa0%"),
        (f.points(5, 0), "+5\xa0pts"),
        (f.points(-3.25, 1), "−3.2\xa0pts"),  # round-half-even on the binary value 3.25 -> 3.2
        (f.points(0.01, 1), "±0.0\xa0pts"),
        (f.money(12450), "$12,450"),
        (f.money(1164028.395), "$1,164,028"),
        (f.signed_money(-1200.4), "−$1,200"),
        (f.signed_money(350), "+$350"),
        (f.hours(1.6661), "1.7\xa0h"),
        (f.minutes(12.18), "12.2\xa0min"),
        (f.value(None, "%"), "Not available"),
        (f.value(32, "count"), "32"),
        (f.value(-12.4, "points"), "-12"),
        (f.delta(1.9, "%"), "+1.9\xa0pts"),
        (f.delta(-4, "points"), "−4\xa0pts"),
        (f.delta(0.3, "hours"), "+0.3\xa0h"),
        (f.delta(250, "currency", "EUR"), "+€250"),
    ],
)
def test_english_style(got, want):
    assert got == want


def test_units_never_wrap_away_from_their_number():
    # "84.0 %" with a no-break space: the spec's style, and a tile never shows "84.0" / "%" on two lines
    assert f.percent(84).replace("\xa0", " ") == "84.0 %"
    assert f.points(5, 0).replace("\xa0", " ") == "+5 pts"


def test_money_follows_the_locale():
    assert f.money(12450, "EUR", locale="it") == "12.450\xa0€"
    assert f.number(1234.5, locale="it") == "1.234,5"


def test_dates_and_periods():
    assert f.date(dt.date(2026, 10, 1)) == "Oct 1, 2026"
    assert f.period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)) == "Oct 2026"  # a whole month
    assert f.period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == "Jul 1\u2009–\u2009Sep 30, 2026"
    assert f.bucket_label(dt.date(2026, 7, 1), "quarter") == "Q3 2026"
    assert f.bucket_label(dt.date(2026, 7, 1), "month") == "Jul 2026"
