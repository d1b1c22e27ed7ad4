"""The dashboard on a DuckDB file another process holds: a plain "store is busy" page, not a driver error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.apphelpers import freeze_today, new_app

ROOT = Path(__file__).resolve().parents[1]
HOLDER = (
    "import sys\nfrom cxkpi.store import make_engine\nengine = make_engine(sys.argv[1])\n"
    "with engine.connect():\n    pass\nprint('holding', flush=True)\nsys.stdin.readline()\n"
)


def test_a_store_held_by_a_command_line_import_shows_the_busy_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        freeze_today(monkeypatch)
        monkeypatch.setenv("CXKPI_DB", f"duckdb:///{path}")
        at = new_app()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert [t.value for t in at.title] == ["The store is busy"]
        text = " ".join(m.value for m in at.markdown)
        assert "stop the other program" in text and "PostgreSQL" in text
        assert f"process {holder.pid}" in " ".join(c.value for c in at.caption)
    finally:
        holder.communicate("\n", timeout=30)
