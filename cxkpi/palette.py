"""Colours in one place: one colour per metric on every page and chart, band colours, series colours."""

from __future__ import annotations

# One colour per metric key (registry keys), a colour-blind-friendly spread (Okabe–Ito and Tableau-like tones).
METRIC_COLORS: dict[str, str] = {
    "csat": "#0072B2",
    "ces": "#009E73",
    "nps": "#CC79A7",
    "churn_rate": "#D55E00",
    "clv": "#6A3D9A",
    "crc": "#B15928",
    "renewal_rate": "#1B9E77",
    "mrr": "#E69F00",
    "ticket_reopens": "#A6761D",
    "esat": "#56B4E9",
    "frt": "#666666",
    "aht": "#8C564B",
    "fcr": "#17BECF",
}
FALLBACK = "#4C78A8"

# Bands (metrics.md: CSAT >= 80 excellent, 60–80 good, < 60 poor).
BAND_COLORS: dict[str, str] = {"excellent": "#1A7F37", "good": "#9A6700", "poor": "#CF222E"}
BAND_FILLS: dict[str, str] = {
    "excellent": "rgba(26, 127, 55, 0.08)",
    "good": "rgba(154, 103, 0, 0.07)",
    "poor": "rgba(207, 34, 46, 0.07)",
}
# Streamlit's named colours for badges/markdown, per band.
BAND_BADGES: dict[str, str] = {"excellent": "green", "good": "orange", "poor": "red"}

REFERENCE_LINE = "#57606A"  # benchmark/index lines (e.g. ACSI 74.4)
GOAL_LINE = "#8250DF"

# Lines when one metric is split by segment/region/…: distinct from each other, in a fixed order.
SERIES: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#6A3D9A", "#B15928", "#666666", "#17BECF",
)  # fmt: skip


def metric_color(key: str) -> str:
    return METRIC_COLORS.get(key, FALLBACK)


def series_color(i: int) -> str:
    return SERIES[i % len(SERIES)]


def with_alpha(hex_color: str, alpha: float) -> str:
    """'#0072B2', 0.2 -> 'rgba(0, 114, 178, 0.2)' (interval ribbons)."""
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r}, {g}, {b}, {alpha})"
