"""A large CSV typed, validated and upserted by SQL (cxkpi.ingest.sqlload) loads exactly what the whole-file
pandas path loads; a reading SQL does not express falls back to the chunked path, still exact. DuckDB only:
PostgreSQL stores keep the chunked path."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.ingest import chunked
from cxkpi.ingest.api import ingest_file
from cxkpi.store import make_engine
from cxkpi.store.schema import CANONICAL
from tests.test_ingest_fixtures import snapshot

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load(tmp_path: Path, f: Path, way: str, monkeypatch: pytest.MonkeyPatch) -> tuple[sa.Engine, object, str]:
    """Load `f` into a fresh DuckDB store by 'sql' (large-file path, SQL first) or 'whole' (pandas, whole file).
    Returns the store, the report and how the load was recorded ('sql' or 'python')."""
    monkeypatch.setattr(chunked, "MIN_BYTES", 0 if way == "sql" else 10**12)
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 400)  # a fall-back reads several chunks
    e = make_engine(f"duckdb:///{tmp_path / f'{way}-{f.stem}.duckdb'}")
    rep = ingest_file(e, f)
    with e.connect() as conn:
        meta = conn.execute(sa.text("SELECT mapping FROM loads ORDER BY load_id DESC LIMIT 1")).scalar()
    how = "sql" if meta and json.loads(meta).get("read", {}).get("sql") else "python"
    return e, rep, how


def canonical(engine: sa.Engine) -> dict:
    return snapshot(engine, tables=list(CANONICAL.values()), skip=("load_id",))


def same_as_whole_file(tmp_path: Path, f: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, str]:
    new, rep, how = load(tmp_path, f, "sql", monkeypatch)
    old, whole, _ = load(tmp_path, f, "whole", monkeypatch)
    assert not rep.rejected, [p.text() for p in rep.problems]
    assert not whole.rejected, [p.text() for p in whole.problems]
    assert rep.counts == whole.counts
    assert canonical(new) == canonical(old)  # every canonical table, row by row
    # the warnings name the same rows, columns and values
    assert sorted(
        (p.row or 0, p.column or "", p.value or "", p.message) for p in rep.problems if p.row is not None
    ) == sorted(
        (p.row or 0, p.column or "", p.value or "", p.message) for p in whole.problems if p.row is not None
    )
    new.dispose()
    old.dispose()
    return rep, how


@pytest.mark.parametrize(
    ("name", "way"),
    [
        ("zendesk_tickets.csv", "sql"),  # tickets + the Good/Bad answers as CSAT responses
        ("hubspot_companies.csv", "sql"),  # accounts
        ("freshdesk_tickets.csv", "python"),  # Python hooks (never-answered 0:00:00): chunked path
        ("intercom_conversations.csv", "python"),  # a zone with daylight saving in the header
        ("stripe_subscriptions.csv", "python"),  # subscriptions: validation rules not written in SQL
    ],
)
def test_fixture_loads_the_same_by_sql_or_whole_file(tmp_path, monkeypatch, name, way):
    _, how = same_as_whole_file(tmp_path, FIXTURES / name, monkeypatch)
    assert how == way


def awkward_zendesk(n: int, *, late: dict[int, tuple[str, str]] | None = None) -> bytes:
    """n Zendesk tickets with the awkward values of real exports: empty cells, decimal commas, HH:MM:SS
    durations, Good/Bad/Offered labels, a time zone in the header, negative and out-of-order values."""
    header = [
        "Id",
        "Requester email",
        "Organization",
        "Via",
        "Created at (GMT+1)",
        "Solved at (GMT+1)",
        "Status",
        "Reopens",
        "Replies",
        "First reply time in minutes",
        "Total time spent (sec)",
        "Satisfaction Score",
        "Subject",
    ]
    rows = [header]
    for i in range(n):
        day, sec = 1 + i % 28, i % 60
        created = f"2025-03-{day:02d} {i % 24:02d}:{i % 60:02d}:{sec:02d}"
        solved = "" if i % 7 == 0 else f"2025-04-{day:02d} 10:00:{sec:02d}"
        first = ["", "12,5", "0:42:30", "3", "1:02:03", "7,25"][i % 6]  # decimal commas and clocks
        rows.append(
            [
                str(800_000 + i),
                f"user{i}@example.com" if i % 5 else "",
                "" if i % 3 else "Acme",
                ["Mail", "Web form", "Chat", "Phone call (incoming)", "API"][i % 5],
                created,
                solved,
                ["Solved", "Closed", "Open"][i % 3],
                str(i % 3),
                "" if i % 11 == 0 else str(i % 4),
                first,
                "" if i % 2 else str(60 * (i % 9)),
                ["Good", "Bad", "Offered", "Not Offered", ""][i % 5],
                f'Ticket {i}, "quoted"',
            ]
        )
    for i, (col, value) in (late or {}).items():
        rows[i + 1][header.index(col)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


def test_awkward_values_load_the_same_by_sql(tmp_path, monkeypatch):
    f = tmp_path / "tickets.csv"
    # 15 000 rows: past the 10 000-row sample that decides the plan. Row 12 002 (data index 12 000): a
    # solve before its creation (a warning, the time cleared); index 12 001: a negative first reply
    # (warning, cleared); index 12 003: a ticket with no id (left out with a warning).
    f.write_bytes(
        awkward_zendesk(
            15_000,
            late={
                12_000: ("Solved at (GMT+1)", "2025-02-01 00:00:00"),
                12_001: ("First reply time in minutes", "-5"),
                12_003: ("Id", ""),
            },
        )
    )
    rep, how = same_as_whole_file(tmp_path, f, monkeypatch)
    assert how == "sql"
    # 15 000 rows - 1 without an id; answers: indexes ≡ 0 (Good) or 1 (Bad) mod 5 = 2 × 3 000, the
    # id-less row 12 003 (≡ 3) is not one of them
    assert rep.counts["tickets"]["added"] == 14_999
    assert rep.counts["responses"]["added"] == 6_000
    warned = {(p.row, p.column) for p in rep.problems if p.severity == "warning" and p.row}
    assert {(12_002, "Solved at (GMT+1)"), (12_003, "First reply time in minutes"), (12_005, "Id")} <= warned


def test_sql_types_the_values_as_the_export_means_them(tmp_path, monkeypatch):
    f = tmp_path / "tickets.csv"
    f.write_bytes(awkward_zendesk(6))
    e, rep, how = load(tmp_path, f, "sql", monkeypatch)
    assert how == "sql" and not rep.rejected
    with e.connect() as conn:
        got = conn.execute(
            sa.text(
                "SELECT ticket_id, created_at, first_reply_minutes, handle_minutes, channel, satisfaction "
                "FROM tickets ORDER BY ticket_id"
            )
        ).all()
    e.dispose()
    import datetime as dt

    # created 2025-03-01 00:00:00 at GMT+1 = 2025-02-28 23:00:00 UTC
    assert got[0][1] == dt.datetime(2025, 2, 28, 23, 0, 0)
    # first reply: '' -> none; '12,5' -> 12.5 (a decimal comma); '0:42:30' -> 42 + 30/60 = 42.5 minutes;
    # '1:02:03' -> 60 + 2 + 3/60 = 62.05
    assert [r[2] for r in got[:5]] == [None, 12.5, 42.5, 3.0, pytest.approx(62.05)]
    # handle time: even rows 60 * (i % 9) seconds -> row 2: 120 s = 2.0 minutes; odd rows empty
    assert (got[2][3], got[1][3]) == (2.0, None)
    assert [r[4] for r in got[:5]] == ["email", "web", "chat", "phone", "api"]
    assert [r[5] for r in got[:5]] == ["good", "bad", None, None, None]  # Offered / Not Offered: no answer


def test_a_cell_sql_cannot_type_falls_back_to_the_chunked_path(tmp_path, monkeypatch, caplog):
    f = tmp_path / "tickets.csv"
    # A date written another way after the sample: the whole-file reader reads it, SQL does not try.
    f.write_bytes(awkward_zendesk(12_000, late={11_500: ("Created at (GMT+1)", "March 5, 2025 10:00")}))
    with caplog.at_level(logging.DEBUG, logger="cxkpi.ingest.sqlload"):
        _, how = same_as_whole_file(tmp_path, f, monkeypatch)
    assert how == "python"
    assert any("chunked path" in r.getMessage() and "created_at" in r.getMessage() for r in caplog.records)


def test_an_error_after_the_sample_names_file_row_and_column(tmp_path, monkeypatch):
    f = tmp_path / "tickets.csv"
    f.write_bytes(awkward_zendesk(12_000, late={11_700: ("Reopens", "-2")}))  # data index 11 700 = row 11 702
    e, rep, _ = load(tmp_path, f, "sql", monkeypatch)
    assert rep.rejected
    [err] = [p for p in rep.problems if p.severity == "error"]
    assert (err.file, err.row, err.column, err.value) == ("tickets.csv", 11_702, "Reopens", "-2.0")
    with e.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM tickets")).scalar() == 0
    e.dispose()


def test_a_reload_changes_nothing_and_an_overlapping_export_updates_by_key(tmp_path, monkeypatch):
    f = tmp_path / "tickets.csv"
    f.write_bytes(awkward_zendesk(500))
    e, rep, how = load(tmp_path, f, "sql", monkeypatch)
    assert how == "sql"
    again = ingest_file(e, f)
    assert again.already_loaded and again.load_id == rep.load_id
    g = tmp_path / "tickets2.csv"
    g.write_bytes(awkward_zendesk(600, late={0: ("Subject", "renamed")}))  # 500 known ids, one changed
    rep2 = ingest_file(e, g)
    assert rep2.counts["tickets"] == {"added": 100, "updated": 1, "unchanged": 499}
    with e.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT subject FROM tickets WHERE ticket_id = '800000'")).scalar()
            == "renamed"
        )
        # the replaced versions kept for undo: every ticket the second load touched
        assert conn.execute(sa.text("SELECT count(*) FROM tickets_history")).scalar() == 500
    e.dispose()


def test_a_quote_never_closed_after_the_sample_is_rejected_as_the_python_reader_rejects_it(
    tmp_path, monkeypatch
):
    f = tmp_path / "tickets.csv"
    head, _, tail = awkward_zendesk(12_000).partition(b"\r\n811000,")
    # Data index 11 000 (spreadsheet row 11 002) opens a quote that is never closed: no later subject
    # has a quote to close it, so the cell swallows the remaining 999 rows.
    tail = re.sub(rb'"Ticket (\d+), ""quoted"""', rb"Ticket \1", tail)
    tail = tail.replace(b"Ticket 11000", b'"Ticket 11000', 1)
    f.write_bytes(head + b"\r\n811000," + tail)
    e, rep, _ = load(tmp_path, f, "sql", monkeypatch)
    assert rep.rejected
    [err] = [p for p in rep.problems if p.severity == "error"]
    assert "row 11002" in err.message and "is not closed" in err.message
    with e.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM tickets")).scalar() == 0
    e.dispose()
