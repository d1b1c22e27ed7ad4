"""Small statistics for survey figures: Wilson intervals, the NPS interval and period-over-period tests.

Everything here works from counts and sums the database already aggregated — never from raw rows.
"""

from __future__ import annotations

import math

# scipy is imported only where a t distribution is needed: the CLI and pages should not pay for it on import.

Z95 = 1.959963984540054  # two-sided 95 %


def _two_sided_p(z: float) -> float:
    """Two-sided p-value of a standard normal z (erfc, so no scipy import)."""
    return math.erfc(abs(z) / math.sqrt(2))


def wilson(k: float, n: float, z: float = Z95) -> tuple[float | None, float | None]:
    """95 % Wilson score interval for k successes out of n, as fractions 0..1."""
    if not n:
        return None, None
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def nps_interval(promoters: float, detractors: float, n: float, z: float = 1.96) -> tuple[float | None, float | None]:
    """metrics.md: NPS ± 1.96 × √((p + d − (p − d)²) / n) × 100, clipped to −100…100."""
    if not n:
        return None, None
    p, d = promoters / n, detractors / n
    score = (p - d) * 100
    half = z * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100
    return max(-100.0, score - half), min(100.0, score + half)


def nps_se(promoters: float, detractors: float, n: float) -> float:
    """Standard error of NPS in points (the same variance as the interval above)."""
    p, d = promoters / n, detractors / n
    return math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n) * 100


def mean_interval(total: float, total_sq: float, n: float, z: float = Z95) -> tuple[float | None, float | None]:
    """Normal interval of a mean from n, Σx and Σx² (used for CSAT in mean mode)."""
    if not n or n < 2:
        return None, None
    mean = total / n
    var = max((total_sq - n * mean * mean) / (n - 1), 0.0)
    half = z * math.sqrt(var / n)
    return mean - half, mean + half


def sample_sd(total: float, total_sq: float, n: float) -> float | None:
    if not n or n < 2:
        return None
    mean = total / n
    return math.sqrt(max((total_sq - n * mean * mean) / (n - 1), 0.0))


def two_proportion_z(k1: float, n1: float, k2: float, n2: float) -> tuple[float, float] | None:
    """Pooled two-proportion z-test; returns (z, two-sided p) or None when it cannot be computed."""
    if not n1 or not n2:
        return None
    pooled = (k1 + k2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return None  # both periods all-positive or all-negative: no variance to test against
    z = (k1 / n1 - k2 / n2) / se
    return z, _two_sided_p(z)


def z_test_from_se(diff: float, se1: float, se2: float) -> tuple[float, float] | None:
    """Large-sample z-test of a difference of two independent estimates (used for NPS)."""
    se = math.sqrt(se1 * se1 + se2 * se2)
    if se == 0:
        return None
    z = diff / se
    return z, _two_sided_p(z)


def welch_t(mean1: float, sd1: float, n1: float, mean2: float, sd2: float, n2: float) -> tuple[float, float] | None:
    """Welch's t-test from summary statistics (CSAT in mean mode)."""
    if n1 < 2 or n2 < 2 or (sd1 == 0 and sd2 == 0):
        return None
    from scipy import stats as _st

    res = _st.ttest_ind_from_stats(mean1, sd1, n1, mean2, sd2, n2, equal_var=False)
    return float(res.statistic), float(res.pvalue)
