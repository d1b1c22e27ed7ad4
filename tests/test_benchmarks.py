"""Benchmarks: CSAT bands at their edges, the ACSI line labelled for what it is, every benchmark sourced."""

from __future__ import annotations

import pytest

from cxkpi.benchmarks import BENCHMARK_IDS, BENCHMARKS, band_for, benchmarks_for


@pytest.mark.parametrize(
    ("value", "band", "colour"),
    [
        (100.0, "excellent", "good"),
        (80.0, "excellent", "good"),  # ≥ 80 is excellent: the edge belongs to the upper band
        (79.99, "good", "warning"),
        (60.0, "good", "warning"),  # 60–80 includes 60
        (59.9, "poor", "bad"),
        (0.0, "poor", "bad"),
    ],
)
def test_csat_bands(value: float, band: str, colour: str) -> None:
    got = band_for("csat", value)
    assert got is not None and (got.name, got.colour) == (band, colour)


def test_no_band_for_a_missing_value_or_a_metric_without_bands() -> None:
    assert band_for("csat", None) is None
    assert band_for("csat", float("nan")) is None
    assert band_for("nps", 50.0) is None  # the contract gives NPS no bands; we do not invent any


def test_acsi_line_is_74_4_and_says_it_is_not_a_top_2_box_share() -> None:
    (line,) = [b for b in benchmarks_for("csat") if b.kind == "line"]
    assert line.value == 74.4
    assert line.label == "US average customer satisfaction (ACSI national index, 0–100 score — not a top-2-box share)"
    assert "ACSI" in line.source
    assert band_for("csat", line.value).name == "good"  # 74.4 sits in the good band


def test_every_benchmark_has_a_source_a_label_and_a_consistent_shape() -> None:
    assert len(set(BENCHMARK_IDS)) == len(BENCHMARKS)
    assert all(b.source and b.label for b in BENCHMARKS)
    # Three CSAT bands and the one ACSI line: nothing of another kind.
    bands = [b for b in BENCHMARKS if b.kind == "band"]
    lines = [b for b in BENCHMARKS if b.kind == "line"]
    assert (len(bands), len(lines)) == (3, 1) and len(bands) + len(lines) == len(BENCHMARKS)
    assert all(b.value is None and (b.low is not None or b.high is not None) for b in bands)
    assert all(b.value is not None and b.low is None and b.high is None for b in lines)


def test_bands_of_a_metric_do_not_overlap_and_leave_no_gap() -> None:
    bands = sorted((b for b in benchmarks_for("csat") if b.kind == "band"), key=lambda b: b.low or -1e9)
    assert bands[0].low is None and bands[-1].high is None
    for lower, upper in zip(bands, bands[1:], strict=False):
        assert lower.high == upper.low


def test_shown_list_selects_benchmarks() -> None:
    assert [b.id for b in benchmarks_for("csat", shown=["csat.acsi_us"])] == ["csat.acsi_us"]
    assert benchmarks_for("csat", shown=[]) == []
