"""The view (period preset, comparison, filters, options) round-trips through the URL query string."""

from __future__ import annotations

import datetime as dt

import pytest

from cxkpi.view import View, preset_range

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "preset,start,end",
    [
        ("last_month", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        ("last_quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),  # Nov is in Q4, so Q3
        ("ytd", dt.date(2026, 1, 1), TODAY),
        ("last_12_months", dt.date(2025, 11, 1), dt.date(2026, 10, 31)),  # 12 whole months before November
    ],
)
def test_presets(preset, start, end):
    assert preset_range(preset, TODAY) == (start, end)


def test_presets_at_year_boundaries():
    assert preset_range("last_month", dt.date(2026, 1, 15)) == (dt.date(2025, 12, 1), dt.date(2025, 12, 31))
    assert preset_range("last_quarter", dt.date(2026, 2, 1)) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))


def test_round_trip_through_the_query_string():
    v = View(
        preset="custom", start=dt.date(2026, 1, 1), end=dt.date(2026, 3, 31), compare="yoy",
        segment="Enterprise", channel="email", csat_mode="mean", frt_stat="mean",
        metric="nps", by="quarter", split="region",
    )  # fmt: skip
    q = v.to_query()
    assert q["period"] == "custom" and q["from"] == "2026-01-01" and q["to"] == "2026-03-31"
    assert View.from_query(q) == v
    assert v.period(TODAY) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_defaults_are_short_and_bad_values_fall_back():
    assert View().to_query() == {"period": "last_month", "compare": "prev", "csat": "top2box", "frt": "median"}
    v = View.from_query({"period": "fortnight", "compare": "x", "metric": "nope", "by": "day", "csat": "avg"})
    assert v == View()
    # a custom period without its dates is not a period: back to the default preset
    assert View.from_query({"period": "custom", "from": "2026-01-01"}).preset == "last_month"
    # reversed dates are read in order
    assert View(preset="custom", start=dt.date(2026, 3, 1), end=dt.date(2026, 1, 1)).period(TODAY) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 1),
    )
