"""A large CSV loads in chunks (bounded memory) with exactly the rows and counts of the whole-file path.

On DuckDB a large file first goes to the SQL path (tests/test_ingest_sql.py); these tests switch it off so
that they test the chunks, and one test checks that the SQL path hands a file it cannot type to the chunks."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cxkpi.ingest import chunked
from cxkpi.ingest.api import ingest_file
from cxkpi.store.schema import CANONICAL
from tests.test_ingest_fixtures import snapshot

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "zendesk_tickets.csv"


def zendesk(n: int, change: dict[int, tuple[str, str]] | None = None) -> bytes:
    """n tickets: the fixture's rows repeated with ids 500000…; change = {data row index: (column, value)}."""
    rows = list(csv.reader(io.StringIO(FIXTURE.read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    out = [header]
    for i in range(n):
        r = list(body[i % len(body)])
        r[header.index("Id")] = str(500_000 + i)
        col, val = (change or {}).get(i, (None, None))
        if col:
            r[header.index(col)] = val
        out.append(r)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(out)
    return buf.getvalue().encode()


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(chunked, "MIN_BYTES", 0)
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 400)
    # the chunks themselves (PostgreSQL's path, the SQL path's fall-back): tests/test_ingest_sql.py has the SQL one
    monkeypatch.setattr(chunked, "SQL_PATH", False)


def canonical(engine):
    return snapshot(engine, tables=list(CANONICAL.values()))


def test_chunks_load_what_the_whole_file_loads(engine, small_chunks, tmp_path, monkeypatch):
    f = tmp_path / "zendesk.csv"
    f.write_bytes(zendesk(1000))  # 400 + 400 + 200 rows
    rep = ingest_file(engine, f)
    assert not rep.rejected, [p.text() for p in rep.problems]
    # 1000 tickets; the fixture's rows with a satisfaction rating become survey answers too
    assert rep.counts["tickets"] == {"added": 1000, "updated": 0, "unchanged": 0}
    chunked_rows = canonical(engine)
    monkeypatch.setattr(chunked, "MIN_BYTES", 10**12)  # the whole-file path, into a fresh store
    from cxkpi.store import make_engine

    other = make_engine(f"duckdb:///{tmp_path / 'whole.duckdb'}")
    whole = ingest_file(other, f)
    assert whole.counts == rep.counts
    assert canonical(other) == chunked_rows
    other.dispose()
    again = ingest_file(engine, f)  # checksum first: nothing parsed, nothing written
    assert again.already_loaded and again.load_id == rep.load_id


def test_a_key_repeated_in_a_later_chunk_rejects_the_file(engine, small_chunks, tmp_path):
    f = tmp_path / "zendesk.csv"
    f.write_bytes(zendesk(900, {850: ("Id", "500003")}))  # row 852 repeats the ticket of row 5 (chunk 1)
    before = snapshot(engine)
    rep = ingest_file(engine, f)
    assert rep.rejected and rep.load_id is None
    assert any("500003" in p.text() and "repeat" in p.text() for p in rep.problems)
    assert snapshot(engine) == before


def test_an_error_in_a_later_chunk_names_its_row_and_changes_nothing(engine, small_chunks, tmp_path):
    f = tmp_path / "zendesk.csv"
    # data row index 700 is spreadsheet row 702 (header = row 1)
    f.write_bytes(zendesk(900, {700: ("Reopens", "-3")}))
    before = snapshot(engine)
    rep = ingest_file(engine, f)
    assert rep.rejected
    [err] = [p for p in rep.problems if p.severity == "error"]
    assert (err.row, err.column, err.value) == (702, "Reopens", "-3.0")  # as validate prints it
    assert snapshot(engine) == before


def test_cli_loads_a_large_file_in_chunks_and_goes_on_after_a_bad_one(
    store_url, small_chunks, tmp_path, capsys
):
    from cxkpi.cli import main

    bad = tmp_path / "bad.csv"
    bad.write_bytes(zendesk(500, {450: ("Reopens", "-1")}))
    good = tmp_path / "good.csv"
    good.write_bytes(zendesk(500))
    assert main(["ingest", str(bad), str(good), "--db", store_url]) == 1  # one file rejected
    out = capsys.readouterr().out
    assert "bad.csv: " in out and "REJECTED" in out
    assert "good.csv: " in out and "tickets: 500 added, 0 updated, 0 unchanged" in out


def test_with_the_sql_path_on_an_error_still_comes_from_the_chunks(
    engine, small_chunks, tmp_path, monkeypatch
):
    monkeypatch.setattr(chunked, "SQL_PATH", True)
    f = tmp_path / "zendesk.csv"
    # data row index 600 is spreadsheet row 602: SQL finds a negative count and leaves the file to the chunks
    f.write_bytes(zendesk(900, {600: ("Replies", "-1")}))
    before = snapshot(engine)
    rep = ingest_file(engine, f)
    assert rep.rejected
    [err] = [p for p in rep.problems if p.severity == "error"]
    assert (err.file, err.row, err.column, err.value) == ("zendesk.csv", 602, "Replies", "-1.0")
    assert snapshot(engine) == before
