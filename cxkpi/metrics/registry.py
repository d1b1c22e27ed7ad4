"""The registry: every metric declared once, in scorecard order (metrics.md). Pages and the CLI iterate it.

Adding a metric = declare a `Metric` (see base.py) in a module here, add it to ORDER, write its test.
"""

from __future__ import annotations

from cxkpi.metrics.base import Metric
from cxkpi.metrics.customers import CHURN, CLV, CRC, MRR, RENEWAL
from cxkpi.metrics.surveys import CES, CSAT, ESAT, NPS
from cxkpi.metrics.tickets import AHT, FCR, FRT, REOPENS

# The ten scorecard metrics, then the support metrics beside them.
ORDER: tuple[Metric, ...] = (CSAT, CES, NPS, CHURN, CLV, CRC, RENEWAL, MRR, REOPENS, ESAT, FRT, AHT, FCR)
REGISTRY: dict[str, Metric] = {m.key: m for m in ORDER}
SCORECARD_KEYS: tuple[str, ...] = tuple(m.key for m in ORDER[:10])
SUPPORT_KEYS: tuple[str, ...] = tuple(m.key for m in ORDER[10:])


def get(key: str) -> Metric:
    try:
        return REGISTRY[key]
    except KeyError:
        raise KeyError(f"unknown metric {key!r}; known: {', '.join(REGISTRY)}") from None
