"""Benchmarks as data, each with its source: bands a value falls into and reference lines drawn beside it.

Only what the metric contract (metrics.md) states is here; a benchmark without a source we can name is
left out rather than invented. Add one by appending a `Benchmark` to BENCHMARKS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SEED_ARTICLES = (
    "cxkpi metric contract (metrics.md), taken from the seed articles — Shopify's ten customer-service "
    "metrics, GetFeedback's CSAT/NPS/CES guide, Mopinion's KPI list, a CXM overview"
)
# The figure is the one the contract quotes; the ACSI republishes its national score every quarter.
ACSI = (
    "American Customer Satisfaction Index (ACSI), US national score as quoted in cxkpi's metric contract "
    "(metrics.md); the ACSI updates it quarterly at theacsi.org"
)


@dataclass(frozen=True)
class Benchmark:
    """A band [low, high) a value can fall into, or a reference line at `value`."""

    id: str
    metric: str
    kind: Literal["band", "line"]
    label: str
    source: str
    low: float | None = None  # inclusive; None = no lower limit
    high: float | None = None  # exclusive; None = no upper limit
    value: float | None = None  # lines only
    colour: str | None = None  # a hint for the UI: good / warning / bad / neutral
    note: str = ""

    def contains(self, x: float) -> bool:
        return self.kind == "band" and (self.low is None or x >= self.low) and (self.high is None or x < self.high)


@dataclass(frozen=True)
class Band:
    name: str
    colour: str
    benchmark: Benchmark


BENCHMARKS: tuple[Benchmark, ...] = (
    Benchmark(
        id="csat.excellent",
        metric="csat",
        kind="band",
        label="excellent",
        low=80.0,
        colour="good",
        source=SEED_ARTICLES,
        note="CSAT ≥ 80 %",
    ),
    Benchmark(
        id="csat.good",
        metric="csat",
        kind="band",
        label="good",
        low=60.0,
        high=80.0,
        colour="warning",
        source=SEED_ARTICLES,
        note="60 % ≤ CSAT < 80 %",
    ),
    Benchmark(
        id="csat.poor",
        metric="csat",
        kind="band",
        label="poor",
        high=60.0,
        colour="bad",
        source=SEED_ARTICLES,
        note="CSAT < 60 %",
    ),
    Benchmark(
        id="csat.acsi_us",
        metric="csat",
        kind="line",
        label="US average customer satisfaction (ACSI national index, 0–100 score — not a top-2-box share)",
        value=74.4,
        colour="neutral",
        source=ACSI,
        # Why the note: the ACSI is a weighted 0–100 index, so a top-2-box CSAT of 74 % is not "at the US
        # average" — the line is context, not a like-for-like comparison.
        note="A different measure from cxkpi's CSAT: compare with care.",
    ),
)

BENCHMARK_IDS: tuple[str, ...] = tuple(b.id for b in BENCHMARKS)


def benchmarks_for(metric_key: str, shown: list[str] | tuple[str, ...] | None = None) -> list[Benchmark]:
    """The benchmarks of one metric (optionally only those whose id is in `shown`), bands high to low."""
    out = [b for b in BENCHMARKS if b.metric == metric_key]
    if shown is not None:
        out = [b for b in out if b.id in shown]
    return out


def band_for(metric_key: str, value: float | None) -> Band | None:
    """The band `value` falls into (CSAT 80 → excellent, 79.99 → good, 60 → good, 59.9 → poor), or None."""
    if value is None or value != value:  # None or NaN: a metric that is not available has no band
        return None
    for b in benchmarks_for(metric_key):
        if b.contains(float(value)):
            return Band(name=b.label, colour=b.colour or "neutral", benchmark=b)
    return None
