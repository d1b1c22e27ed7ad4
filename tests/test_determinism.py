"""The same store and view print the same `cxkpi scorecard --format json` bytes on every run and on both
backends (docs/metrics.md, "Deterministic figures": exact DECIMAL sums, 12 significant digits on output)."""

from __future__ import annotations

import datetime as dt

import pytest

from cxkpi.cli import main
from cxkpi.demo import load_demo
from cxkpi.store import make_engine

END_MONTH = dt.date(2026, 10, 1)  # a fixed demo, so the views below stay inside its 24 months
VIEWS = [
    ["--from", "2026-10-01", "--to", "2026-10-31"],  # the demo's default view: last month
    ["--from", "2026-07-01", "--to", "2026-09-30", "--segment", "segment=Enterprise"],
    ["--from", "2026-10-01", "--to", "2026-10-31", "--segment", "channel=chat"],
]


def _json(url: str, view: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["scorecard", *view, "--db", url, "--format", "json"]) == 0
    return capsys.readouterr().out


@pytest.mark.postgres
def test_scorecard_json_is_byte_identical_across_runs_and_backends(
    duckdb_url: str, pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs: dict[str, list[str]] = {}
    for url in (duckdb_url, pg_url):
        engine = make_engine(url)
        load_demo(engine, END_MONTH)
        engine.dispose()
        outputs[url] = ["".join(_json(url, v, capsys) for v in VIEWS) for _ in range(2)]
    duck, pg = outputs[duckdb_url], outputs[pg_url]
    assert '"clv"' in duck[0] and '"value": null' in duck[0]  # a full scorecard, with a blocked metric
    assert duck[0] == duck[1], "two DuckDB runs differ"
    assert pg[0] == pg[1], "two PostgreSQL runs differ"
    assert duck[0] == pg[0], "DuckDB and PostgreSQL differ"
