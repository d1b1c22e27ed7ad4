"""AppTest helpers: the app against a temporary DuckDB store (CXKPI_DB), empty or holding the demo.

The demo workspace is built once per session into a template file and copied per test, so each test
gets its own store without paying for the load again.

The clock holds still: the demo ends in DEMO_END and the pages believe today is TODAY, so "last month"
is October 2026 and a fixed window such as Q3 2026 stays inside the demo's 24 months whenever the
suite runs.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TIMEOUT = 120
DEMO_END = dt.date(2026, 10, 1)  # the demo's last month: November 2024 … October 2026
TODAY = dt.date(2026, 11, 15)  # "today" for the pages: last month = October 2026, last quarter = Q3 2026


def freeze_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages' today() and the demo's default end month, fixed (AppTest runs the app in this process)."""
    from cxkpi import demo
    from pages import common

    monkeypatch.setattr(common, "today", lambda: TODAY)
    monkeypatch.setattr(demo, "default_end_month", lambda today=None: DEMO_END)


def new_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    return at


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from cxkpi.demo import load_demo
    from cxkpi.store import checkpoint, make_engine

    path = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
    eng = make_engine(f"duckdb:///{path}")
    load_demo(eng, DEMO_END)
    checkpoint(eng)
    eng.dispose()
    return path


@pytest.fixture
def demo_store(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CXKPI_DB points at a private copy of the demo store."""
    path = tmp_path / "store.duckdb"
    shutil.copy(demo_template, path)
    freeze_today(monkeypatch)
    monkeypatch.setenv("CXKPI_DB", f"duckdb:///{path}")
    return path


@pytest.fixture
def empty_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """CXKPI_DB points at a fresh store that will be filled with the demo on first start."""
    path = tmp_path / "empty.duckdb"
    freeze_today(monkeypatch)  # the demo loaded on first start ends in DEMO_END too
    monkeypatch.setenv("CXKPI_DB", f"duckdb:///{path}")
    return path


@pytest.fixture
def app(demo_store: Path) -> Iterator[Callable[..., AppTest]]:
    """A factory: app(**query_params) -> an AppTest on the demo store (not yet run)."""
    yield new_app


def texts(at: AppTest) -> str:
    """Every markdown/caption/info/warning text on the page, joined, for `in` assertions."""
    parts = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader", "header"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    return "\n".join(parts)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
