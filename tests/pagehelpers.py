"""Helpers for the Support / Voice / Revenue / Data AppTests: a store with no demo data, and expected values
computed straight from the library for the period the page shows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.view import preset_range
from tests.apphelpers import TODAY, freeze_today


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
    freeze_today(monkeypatch)
    monkeypatch.setenv("CXKPI_DB", f"duckdb:///{path}")
    return path


def last_month() -> tuple[dt.date, dt.date]:
    """The default period of a new session: the month before the pages' fixed TODAY (October 2026)."""
    return preset_range("last_month", TODAY)


def metrics_by_label(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


# --- a small workspace whose figures are worked out by hand in the page tests ------------------------
# March 2025; every figure below follows from these rows and metrics.md:
#   MRR at 31 Mar = S1 100/month + S2 1,200/year ÷ 12 = 100 + 100 = 200 (S3 ended on 15 Mar)
#   churn = A3 lost of A1, A2, A3 active on 1 Mar = 1 / 3 = 33.3 %
#   renewal rate = 2 renewed / (2 renewed + 1 churned) = 66.7 % (R4 is open: pending, not counted)
#   FRT median of 30, 90, 240 min = 90 min = 1.5 h; mean (30 + 90 + 240) / 3 = 120 min = 2.0 h
#   FCR = T1 only (one reply, no reopen) of 3 solved = 33.3 %
#   reopened = T3 = 1 of 3 solved (33.3 %)
#   CSAT 5, 5, 4, 3, 1 → 3 of 5 at 4–5 = 60.0 %; mean (5 + 5 + 4 + 3 + 1) / (5 × 5) = 18 / 25 = 72.0 %
#   NPS 10, 10, 9, 7, 2 → 3 promoters − 1 detractor = 2 / 5 = 40
#   CLV = ARPA (200 MRR / 2 customers = 100) × 100 % margin × lifespan 9 months = 900: the six-month window
#   Oct 2024 – Mar 2025 holds 3 customers at the start of Jan, Feb and Mar (none before) = 9 customer-months
#   with 1 churned → 1/9 a month → 9 months
SMALL_MARCH = {"period": "custom", "from": "2025-03-01", "to": "2025-03-31"}
# five of the ten answers carry a comment; three mention "slow", two were scored 1–2 (C5: 1 of 1–5, N5: 2 of 0–10)
SMALL_COMMENTS = {
    "C1": "Quick and friendly",
    "C4": "Slow reply, but solved",
    "C5": "Too slow, the issue came back",
    "N1": "Great support team",
    "N5": "Slow support and a buggy release",
}


def small_rows() -> list:
    from tests.metric_fixtures import account, renewal, response, sub, ticket

    rows = [
        account("A1", name="Alder Bakery", segment="SMB", created="2025-01-01"),
        account("A2", name="Birch Logistics", segment="Enterprise", created="2025-01-01"),
        account("A3", name="Cedar Dental", segment="SMB", created="2025-01-01"),
        sub("S1", "A1", 100, "2025-01-01"),
        sub("S2", "A2", 1200, "2025-01-01", interval="year"),
        sub("S3", "A3", 50, "2025-01-01", "2025-03-15", quantity=2, status="canceled"),
        renewal("R1", "A1", "2025-03-05", "renewed"),
        renewal("R2", "A2", "2025-03-10", "renewed"),
        renewal("R3", "A3", "2025-03-15", "churned"),
        renewal("R4", "A1", "2025-03-28", "open"),
        ticket("T1", "2025-03-03 09:00", reply_minutes=30, solved="2025-03-03 12:00", replies=1, reopens=0,
               account_id="A1"),
        ticket("T2", "2025-03-10 09:00", reply_minutes=90, solved="2025-03-11 09:00", replies=2, reopens=0,
               account_id="A2"),
        ticket("T3", "2025-03-17 09:00", reply_minutes=240, solved="2025-03-18 09:00", replies=1, reopens=1,
               channel="chat", account_id="A3"),
        ticket("T4", "2025-03-24 09:00", account_id="A1"),
        *[response(f"C{i + 1}", "csat", s, (1, 5), f"2025-03-{10 + i:02d} 10:00", account_id="A1")
          for i, s in enumerate([5, 5, 4, 3, 1])],
        *[response(f"N{i + 1}", "nps", s, (0, 10), f"2025-03-{10 + i:02d} 11:00", account_id="A2")
          for i, s in enumerate([10, 10, 9, 7, 2])],
    ]  # fmt: skip
    for table, row in rows:
        if table == "responses":  # every row names the column: one executemany needs the same keys
            row["comment"] = SMALL_COMMENTS.get(row["response_id"])
    return rows


@pytest.fixture
def small_store(bare_store: Path) -> Path:
    """CXKPI_DB points at a store holding only small_rows() (no demo)."""
    from cxkpi.store import make_engine
    from tests.metric_fixtures import load

    eng = make_engine(f"duckdb:///{bare_store}")
    load(eng, small_rows())
    eng.dispose()
    return bare_store
