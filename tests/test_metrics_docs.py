"""docs/metrics.md carries the registry's reference: a metric or option without documentation fails here."""

from __future__ import annotations

from pathlib import Path

from cxkpi.metrics import GLOBAL_OPTIONS, REGISTRY
from cxkpi.metrics.docs import splice

DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def test_generated_reference_matches_the_registry() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert splice(text) == text, "docs/metrics.md is stale: run .venv/bin/python -m cxkpi.metrics.docs"


def test_every_metric_and_option_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    for m in REGISTRY.values():
        assert f"(`{m.key}`)" in text
        for name in m.options:
            assert f"`{m.key}.{name}`" in text
    for name in GLOBAL_OPTIONS:
        assert f"`{name}`" in text
