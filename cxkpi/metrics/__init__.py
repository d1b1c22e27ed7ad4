"""The metric engine: a registry of declared metrics computed in the database (metrics.md is the contract)."""

from cxkpi.metrics.base import GLOBAL_OPTIONS, Metric, Options, OptionSpec
from cxkpi.metrics.engine import (
    buckets,
    compare,
    compute,
    explain,
    make_context,
    scorecard,
    scorecards,
    trend,
    trends,
    workspace_options,
)
from cxkpi.metrics.registry import ORDER, REGISTRY, SCORECARD_KEYS, SUPPORT_KEYS
from cxkpi.metrics.types import (
    Change,
    Explanation,
    Filters,
    MetricResult,
    Period,
    TrendPoint,
    previous_period,
    same_period_last_year,
)

__all__ = [
    "GLOBAL_OPTIONS",
    "ORDER",
    "REGISTRY",
    "SCORECARD_KEYS",
    "SUPPORT_KEYS",
    "Change",
    "Explanation",
    "Filters",
    "Metric",
    "MetricResult",
    "OptionSpec",
    "Options",
    "Period",
    "TrendPoint",
    "buckets",
    "compare",
    "compute",
    "explain",
    "make_context",
    "previous_period",
    "same_period_last_year",
    "scorecard",
    "trend",
    "scorecards",
    "trends",
    "workspace_options",
]
