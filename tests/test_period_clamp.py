"""Periods from links are clamped to years that mean something, and a trend has a bounded number of buckets."""

from __future__ import annotations

import datetime as dt

from cxkpi.metrics.engine import buckets
from cxkpi.safety import MAX_BUCKETS, bucket_count, clamp_buckets, clamp_period

D = dt.date


def test_a_period_in_year_1_or_9999_is_clamped_with_a_message() -> None:
    s, e, msg = clamp_period(D(1, 1, 1), D(9999, 12, 31))
    assert (s, e) == (D(2000, 1, 1), D(2100, 12, 31))
    assert msg is not None and "0001-01-01" in msg and "2000–2100" in msg


def test_an_ordinary_period_is_untouched_and_reversed_ends_are_put_in_order() -> None:
    assert clamp_period(D(2025, 3, 1), D(2025, 3, 31)) == (D(2025, 3, 1), D(2025, 3, 31), None)
    assert clamp_period(D(2025, 3, 31), D(2025, 3, 1)) == (D(2025, 3, 1), D(2025, 3, 31), None)


def test_bucket_count_agrees_with_the_metric_engines_buckets() -> None:
    # 2025-01-01 is a Wednesday: weeks start Mon 2024-12-30, … the last one holding 2025-03-31 (a Monday)
    # (2025-03-31 - 2024-12-30) = 91 days -> 91 // 7 + 1 = 14 weeks
    assert bucket_count(D(2025, 1, 1), D(2025, 3, 31), "week") == 14
    assert bucket_count(D(2025, 1, 15), D(2026, 2, 1), "month") == 14  # Jan 2025 … Feb 2026
    assert bucket_count(D(2025, 2, 1), D(2026, 1, 1), "quarter") == 5  # Q1 2025 … Q1 2026
    for by in ("week", "month", "quarter"):
        assert bucket_count(D(2023, 5, 17), D(2025, 8, 3), by) == len(
            buckets(D(2023, 5, 17), D(2025, 8, 3), by)
        )


def test_1900_to_2100_by_week_is_cut_to_the_latest_522_weeks() -> None:
    s, e, _ = clamp_period(D(1900, 1, 1), D(2100, 12, 31))
    start, msg = clamp_buckets(s, e, "week")
    # 2100-12-31 is a Friday, so its week starts Monday 2100-12-27; 521 weeks = 3647 days before it.
    # 2091-01-01 … 2101-01-01 is 3652 days (two leap years, 2092 and 2096; 2100 is not), so
    # 2091-01-01 … 2100-12-27 is 3652 - 5 = 3647 days: the first of the 522 weeks starts 2091-01-01.
    assert start == D(2091, 1, 1)
    assert len(buckets(start, e, "week")) == MAX_BUCKETS["week"] == 522
    assert msg is not None and "522" in msg


def test_months_and_quarters_are_cut_from_the_start() -> None:
    start, msg = clamp_buckets(D(2000, 1, 1), D(2100, 12, 31), "month")
    # 480 months ending December 2100: from January 2061 (2100 - 2061 + 1 = 40 years * 12)
    assert start == D(2061, 1, 1) and msg is not None
    assert len(buckets(start, D(2100, 12, 31), "month")) == 480
    start, msg = clamp_buckets(D(2000, 1, 1), D(2100, 12, 31), "quarter")
    # 404 quarters in 2000–2100 > 400: the latest 400 start at Q1 2001 (100 years * 4)
    assert start == D(2001, 1, 1) and msg is not None
    assert clamp_buckets(D(2025, 1, 1), D(2025, 12, 31), "month") == (D(2025, 1, 1), None)


def test_cli_trend_over_years_1_to_9999_by_week_says_what_it_shows(tmp_path) -> None:
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "cxkpi", "trend", "csat", "--from", "0001-01-01", "--to", "9999-12-31", "--by", "week",
         "--db", str(tmp_path / "empty.duckdb"), "--format", "json"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    notes = out.stderr.strip().splitlines()
    assert len(notes) == 2 and "2000–2100" in notes[0] and "at most 522 points" in notes[1], notes
    points = json.loads(out.stdout)["points"]
    # the latest 522 weeks up to 2100-12-31: from Monday 2091-01-01 (worked out in the test above)
    assert len(points) == 522 and points[0]["from"] == "2091-01-01" and points[-1]["to"] == "2100-12-31"
