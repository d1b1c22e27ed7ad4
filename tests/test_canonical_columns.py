"""A canonical template never drops a column silently: a column cxkpi does not read is named in a warning of the
load report (CLI text and JSON, and the preview the Data page shows); the responses template's `respondent` is
read and links an answer to its account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.ingest.api import preview
from cxkpi.metrics import Filters, compute
from cxkpi.sources.canonical import template_header
from cxkpi.store import CANONICAL
from tests.metric_fixtures import period
from tests.pagehelpers import bare_store  # noqa: F401

LABELS = {"responses": "survey responses", "costs": "retention costs"}  # the others are the table's name
# One valid row per template, plus a column no template has ("Notes from sales").
EXTRA = "Notes from sales"
FILES: dict[str, tuple[str, str]] = {
    "accounts": ("account_id,name,segment", "A1,Acme Corp,SMB"),
    "subscriptions": (
        "subscription_id,account_id,amount,currency,interval,started_at",
        "S1,A1,100,USD,month,2025-01-01",
    ),
    "payments": ("payment_id,account_id,amount,currency,paid_at", "P1,A1,100,USD,2025-01-05"),
    "renewals": ("renewal_id,account_id,due_date,outcome", "R1,A1,2025-06-30,renewed"),
    "tickets": ("ticket_id,account_id,channel,created_at", "T1,A1,email,2025-01-05 10:00"),
    "responses": (
        "response_id,account_id,survey,kind,score,scale_min,scale_max,submitted_at",
        "Q1,A1,Support CSAT,csat,5,1,5,2025-01-05",
    ),
    "costs": ("date,category,amount,currency", "2025-01-01,CSM salaries,5000,USD"),
}


def _csv(tmp_path: Path, table: str, header: str, row: str) -> Path:
    f = tmp_path / f"cxkpi_{table}.csv"
    f.write_text(f"{header}\n{row}\n", encoding="utf-8")
    return f


@pytest.mark.parametrize("table", list(FILES))
def test_an_unused_column_is_named_in_a_warning(table: str, store_url: str, tmp_path: Path, capsys) -> None:
    header, row = FILES[table]
    f = _csv(tmp_path, table, f"{header},{EXTRA}", f"{row},call back in May")
    assert main(["ingest", str(f), "--db", store_url]) == 0
    out = capsys.readouterr().out
    assert f"(cxkpi_{table}) → {table}: 1 added, 0 updated, 0 unchanged; 0 row(s) left out" in out
    assert f"warning: cxkpi_{table}.csv — column(s) '{EXTRA}' not used: the " in out
    assert (
        f"template has no such column, so cxkpi did not load it (its columns: {', '.join(template_header(table))})"
        in out
    )
    # The JSON report carries the same warning, naming the column.
    f2 = _csv(tmp_path, table, f"{header},{EXTRA}", f"{row},second file")
    assert main(["ingest", str(f2), "--db", store_url, "--format", "json"]) == 0
    [rep] = json.loads(capsys.readouterr().out)
    assert [(p["severity"], p["message"]) for p in rep["problems"] if EXTRA in p["message"]] == [
        (
            "warning",
            f"column(s) '{EXTRA}' not used: the {LABELS.get(table, table)} template has no such column, so cxkpi "
            f"did not load it (its columns: {', '.join(template_header(table))}).",
        )
    ]


@pytest.mark.parametrize("table", list(FILES))
def test_a_template_with_only_its_own_columns_has_no_unused_column_warning(table: str) -> None:
    header, row = FILES[table]
    p = preview(f"{header}\n{row}\n".encode(), f"cxkpi_{table}.csv")
    assert p.source == f"cxkpi_{table}"
    assert [w.message for w in p.warnings if "not used" in w.message] == []


def test_preview_names_every_unused_column_once() -> None:
    # Two extra columns and a trailing delimiter (a blank header over blank cells: no column at all).
    p = preview(b"ticket_id,created_at,Priority,Group,\nT1,2025-01-05,high,Tier 1,\n", "tickets.csv")
    assert p.source == "cxkpi_tickets"
    msgs = [w.message for w in p.warnings if "not used" in w.message]
    assert len(msgs) == 1
    assert msgs[0].startswith(
        "column(s) 'Priority', 'Group' not used: the tickets template has no such column"
    )


def test_respondent_email_links_a_response_through_cxkpi_ingest(
    store_url: str, engine: sa.Engine, tmp_path: Path, capsys
) -> None:
    accounts = _csv(
        tmp_path,
        "accounts",
        "account_id,name,email,segment",
        "A1,Acme Corp,alice@acme.example,SMB\nB2,Bob Smith,bob@smith.example,Consumer",
    )
    # No account_id, email or company: only the respondent says who answered.
    responses = _csv(
        tmp_path,
        "responses",
        "response_id,survey,kind,score,scale_min,scale_max,submitted_at,respondent",
        "r1,Support CSAT,csat,5,1,5,2025-03-03,alice@acme.example\n"
        "r2,Support CSAT,csat,2,1,5,2025-03-04,Bob@Smith.example",
    )
    assert main(["ingest", str(accounts), str(responses), "--db", store_url]) == 0
    out = capsys.readouterr().out
    assert "(cxkpi_responses) → responses: 2 added" in out
    assert "not used" not in out  # respondent is read, not dropped
    r = CANONICAL["responses"]
    with engine.connect() as c:
        got = dict(c.execute(sa.select(r.c.response_id, r.c.linked_account_id)).all())
        who = dict(c.execute(sa.select(r.c.response_id, r.c.respondent)).all())
    assert who == {"r1": "alice@acme.example", "r2": "Bob@Smith.example"}
    assert got == {"r1": "A1", "r2": "B2"}  # e-mail match, case-insensitive for r2
    # So a segment filter counts them: SMB has r1 (5 of 1–5, positive) → CSAT 1/1.
    smb = compute(engine, "csat", period("2025-03-01", "2025-03-31"), Filters(segment="SMB"))
    assert (smb.numerator, smb.denominator) == (1, 1)


def test_the_data_page_lists_the_unused_column_as_a_warning(bare_store) -> None:  # noqa: F811
    from tests.apphelpers import new_app, no_exception

    at = new_app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="data_upload").set_value(
        [("tickets.csv", b"ticket_id,created_at,Priority\nT1,2025-01-05 10:00,high\n", "text/csv")]
    ).run()
    no_exception(at)
    tables = [d.value for d in at.dataframe if {"File", "What to do"} <= set(d.value.columns)]
    assert len(tables) == 1
    row = tables[0].iloc[0]
    assert (row["File"], row["Severity"]) == ("tickets.csv", "warning")
    assert row["What to do"].startswith(
        "column(s) 'Priority' not used: the tickets template has no such column"
    )
    # A warning does not block the load.
    load_buttons = [b for b in at.button if b.key and b.key.startswith("data_load")]
    assert len(load_buttons) == 2 and not any(b.disabled for b in load_buttons)  # this file's and "load all"
