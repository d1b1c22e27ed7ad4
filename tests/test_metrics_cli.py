"""`cxkpi scorecard / trend / explain` through cxkpi.cli.main, as cli.md prints them."""

from __future__ import annotations

import csv
import io
import json

import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.metrics import REGISTRY
from tests.metric_fixtures import account, load, responses_many, sub, ticket

KEYS = ["csat", "ces", "nps", "churn_rate", "clv", "crc", "renewal_rate", "mrr", "ticket_reopens", "esat", "frt",
        "aht", "fcr"]  # fmt: skip
UNITS = {"csat": "%", "ces": "%", "nps": "points", "churn_rate": "%", "clv": "EUR", "crc": "EUR", "renewal_rate": "%",
         "mrr": "EUR", "ticket_reopens": "count", "esat": "%", "frt": "hours", "aht": "minutes", "fcr": "%"}  # fmt: skip


def _store(engine: sa.Engine) -> None:
    load(
        engine,
        account("A1", segment="SMB"),
        account("A2", segment="Enterprise"),
        sub("S1", "A1", 100, "2025-01-01", currency="eur"),
        sub("S2", "A2", 1200, "2025-01-01", interval="year", currency="EUR"),
        *responses_many("c", "csat", [5, 4, 1], (1, 5), "2025-03-03"),
        ticket("T1", "2025-03-02 09:00", solved="2025-03-02 12:00", reply_minutes=30, reopens=1, replies=1),
        ticket("T2", "2025-03-02 09:00", solved="2025-03-03 12:00", reply_minutes=90, reopens=0, replies=2),
        ticket("T3", "2025-03-04 09:00"),  # no reply, not solved
    )


def test_scorecard_json_has_all_13_keys_with_units(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    _store(engine)
    rc = main(["scorecard", "--from", "2025-03-01", "--to", "2025-03-31", "--db", str(engine.url.render_as_string(hide_password=False)), "--format", "json"])
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == {"from": "2025-03-01", "to": "2025-03-31"}
    assert list(out["metrics"]) == KEYS == list(REGISTRY)
    for key, unit in UNITS.items():
        assert out["metrics"][key]["unit"] == unit, key
    m = out["metrics"]
    # CSAT 2 of 3 = 66.67 %, unrounded
    assert m["csat"]["value"] == pytest.approx(200 / 3) and m["csat"]["n"] == 3
    assert m["csat"]["definition"].startswith("top-2-box")
    assert {"ci_low", "ci_high"} <= set(m["csat"])
    # MRR 100 + 1200/12 = 200 EUR; per customer 100
    assert m["mrr"]["value"] == pytest.approx(200.0) and m["mrr"]["per_customer"] == pytest.approx(100.0)
    # reopens: 1 of 2 solved → value 1, rate 50
    assert m["ticket_reopens"]["value"] == 1 and m["ticket_reopens"]["rate"] == pytest.approx(50.0)
    # FRT median of 0.5 h and 1.5 h = 1.0 h
    assert m["frt"]["value"] == pytest.approx(1.0)
    # unavailable: value null plus a reason
    assert m["aht"]["value"] is None and "handle-time" in m["aht"]["reason"]
    assert m["esat"]["value"] is None and m["esat"]["reason"]


def test_scorecard_option_and_segment_flags(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    _store(engine)
    url = engine.url.render_as_string(hide_password=False)
    main(["scorecard", "--from", "2025-03-01", "--to", "2025-03-31", "--db", url, "--format", "json",
          "--option", "csat.mode=mean", "--segment", "segment=SMB"])  # fmt: skip
    m = json.loads(capsys.readouterr().out)["metrics"]
    assert m["csat"]["options"] == {"csat.mode": "mean"}
    assert m["mrr"]["value"] == pytest.approx(100.0)  # only A1 is SMB
    assert m["crc"]["value"] is None


def test_scorecard_rejects_an_unknown_option(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = engine.url.render_as_string(hide_password=False)
    rc = main(["scorecard", "--from", "2025-03-01", "--to", "2025-03-31", "--db", url, "--option", "csat.mood=x"])
    assert rc == 2 and "unknown option" in capsys.readouterr().err


def test_scorecard_table_and_csv(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    _store(engine)
    url = engine.url.render_as_string(hide_password=False)
    main(["scorecard", "--from", "2025-03-01", "--to", "2025-03-31", "--db", url])
    text = capsys.readouterr().out
    assert "CSAT" in text and "66.7 %" in text and "200.00 EUR" in text and "not available" in text
    main(["scorecard", "--from", "2025-03-01", "--to", "2025-03-31", "--db", url, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["metric"] for r in rows] == KEYS


def test_trend_json_points(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    _store(engine)
    url = engine.url.render_as_string(hide_password=False)
    main(["trend", "mrr", "--from", "2025-01-01", "--to", "2025-03-31", "--by", "month", "--db", url, "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert out["metric"] == "mrr" and out["by"] == "month"
    assert [(p["from"], p["to"]) for p in out["points"]] == [
        ("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-02-28"), ("2025-03-01", "2025-03-31")]  # fmt: skip
    assert [p["value"] for p in out["points"]] == pytest.approx([200.0, 200.0, 200.0])
    assert all("n" in p for p in out["points"])


def test_explain_csv_is_formula_safe(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    load(engine, *responses_many("=HYPERLINK(", "csat", [5, 1], (1, 5), "2025-03-03", survey="@evil"))
    url = engine.url.render_as_string(hide_password=False)
    rc = main(["explain", "csat", "--from", "2025-03-01", "--to", "2025-03-31", "--db", url, "--format", "csv"])
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["part"] for r in rows] == ["numerator", "denominator", "denominator"]
    assert all(r["response_id"].startswith("'=") and r["survey"] == "'@evil" for r in rows)
    assert all(r["load_id"] == "1" for r in rows)


def test_explain_json(engine: sa.Engine, capsys: pytest.CaptureFixture[str]) -> None:
    _store(engine)
    url = engine.url.render_as_string(hide_password=False)
    main(["explain", "mrr", "--from", "2025-03-01", "--to", "2025-03-31", "--db", url, "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert out["numerator"]["total"] == pytest.approx(200.0) and len(out["numerator"]["rows"]) == 2
    assert out["denominator"]["total"] == 2
