"""Helpers for the Support / Voice / Revenue / Data AppTests: a store with no demo data, and expected values
computed straight from the library for the period the page shows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.view import preset_range


@pytest.fixture
def bare_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CXKPI_DB points at an empty store whose demo was cleared, so first start does not load it."""
    from cxkpi.store import make_engine
    from cxkpi.store.schema import settings

    path = tmp_path / "bare.duckdb"
    eng = make_engine(f"duckdb:///{path}")
    with eng.begin() as conn:
        conn.execute(sa.insert(settings).values(key="app.demo_cleared", value=json.dumps(True)))
    eng.dispose()
    monkeypatch.setenv("CXKPI_DB", f"duckdb:///{path}")
    return path


def last_month() -> tuple[dt.date, dt.date]:
    """The default period of a new session (workspace time zone UTC in the demo)."""
    return preset_range("last_month", dt.datetime.now(dt.UTC).date())


def metrics_by_label(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
