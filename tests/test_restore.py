"""Restoring a removed load brings back exactly its rows, on DuckDB and PostgreSQL (`cxkpi restore`)."""

from __future__ import annotations

import hashlib

import pytest

from cxkpi.access import EDITOR, VIEWER, Actor, acting_as
from cxkpi.access.audit import list_entries
from cxkpi.cli import main
from cxkpi.ingest.api import ingest_file, remove_load
from cxkpi.ingest.restore import CannotRestore, restore_load
from cxkpi.store.schema import CANONICAL, HISTORY, REMOVED
from tests.test_ingest_fixtures import query, snapshot
from tests.test_ingest_idempotence import _csv, _slices, _zendesk

STORE = [*CANONICAL.values(), *HISTORY.values()]
ANA = Actor("ana@example.com", EDITOR, "single sign-on")
BOB = Actor("bob@example.com", VIEWER, "single sign-on")


def checksum(engine) -> str:
    """One SHA-256 over every row of every table and history twin: equal checksums = equal stores."""
    return hashlib.sha256(repr(snapshot(engine, STORE)).encode()).hexdigest()


def test_remove_then_restore_gives_back_the_same_tables(engine, sample_exports):
    a, b, _ = _slices(sample_exports)
    ingest_file(engine, a, "a.csv")
    ingest_file(engine, sample_exports / "hubspot_companies.csv")
    rb = ingest_file(engine, b, "b.csv")
    with_b = checksum(engine)
    remove_load(engine, rb.load_id)
    assert checksum(engine) != with_b
    # B's 10 tickets (10438–10447) are kept aside while it is removed.
    assert query(engine, f"SELECT count(*) FROM tickets_removed WHERE load_id = {rb.load_id}") == [(10,)]
    assert restore_load(engine, rb.load_id)["tickets"] == 10
    assert checksum(engine) == with_b
    assert query(engine, "SELECT status FROM tickets WHERE ticket_id = '10442'") == [("solved",)]
    assert all(query(engine, f"SELECT count(*) FROM {t.name}") == [(0,)] for t in REMOVED.values())
    assert query(engine, f"SELECT status FROM loads WHERE load_id = {rb.load_id}") == [("active",)]


def test_restoring_a_middle_load_of_a_chain(engine, sample_exports):
    """A writes 10442 open, B solves it, C sets it pending. Removing B and restoring it gives back the
    three-load store; removing C afterwards shows B's version (solved), as if nothing had happened."""
    header, rows = _zendesk(sample_exports)
    col = {h: i for i, h in enumerate(header)}

    def version(status, solved):
        out = [list(r) for r in rows]
        r = next(r for r in out if r[col["Id"]] == "10442")
        r[col["Status"]], r[col["Solved at"]] = status, solved
        return _csv(header, out)

    ingest_file(engine, version("Open", ""), "a.csv")
    rb = ingest_file(engine, version("Solved", "2025-11-28 10:00:00"), "b.csv")
    rc = ingest_file(engine, version("Pending", ""), "c.csv")
    three = checksum(engine)
    remove_load(engine, rb.load_id)
    restore_load(engine, rb.load_id)
    assert checksum(engine) == three
    remove_load(engine, rc.load_id)
    assert query(engine, "SELECT status FROM tickets WHERE ticket_id = '10442'") == [("solved",)]


def test_a_load_loaded_after_the_removal_keeps_winning(engine, sample_exports):
    """A (10442 open), B (solved) removed, then D (pending) loaded; restoring B keeps D's version current
    and puts B's between A's and D's: removing D afterwards shows B's (solved), not A's (open)."""
    header, rows = _zendesk(sample_exports)
    col = {h: i for i, h in enumerate(header)}

    def version(status, solved):
        out = [list(r) for r in rows]
        r = next(r for r in out if r[col["Id"]] == "10442")
        r[col["Status"]], r[col["Solved at"]] = status, solved
        return _csv(header, out)

    ingest_file(engine, version("Open", ""), "a.csv")
    rb = ingest_file(engine, version("Solved", "2025-11-28 10:00:00"), "b.csv")
    remove_load(engine, rb.load_id)
    rd = ingest_file(engine, version("Pending", ""), "d.csv")
    restore_load(engine, rb.load_id)
    assert query(engine, "SELECT status FROM tickets WHERE ticket_id = '10442'") == [("pending",)]
    # 10442's history: A's open version replaced by B, B's solved version replaced by D.
    assert query(
        engine,
        "SELECT load_id, status, replaced_by_load FROM tickets_history WHERE ticket_id = '10442' ORDER BY load_id",
    ) == [(1, "open", rb.load_id), (rb.load_id, "solved", rd.load_id)]
    remove_load(engine, rd.load_id)
    assert query(engine, "SELECT status FROM tickets WHERE ticket_id = '10442'") == [("solved",)]


def test_the_same_file_loaded_again_is_not_counted_twice(engine, sample_exports):
    """Chosen rule: while the same file (same SHA-256) is active again as another load, restoring is
    refused and nothing changes; removing that other load makes the restore possible again."""
    f = sample_exports / "salesforce_renewals.csv"
    first = ingest_file(engine, f)
    remove_load(engine, first.load_id)
    again = ingest_file(engine, f)
    before = checksum(engine)
    with pytest.raises(CannotRestore, match=f"loaded again as load {again.load_id}"):
        restore_load(engine, first.load_id)
    assert checksum(engine) == before
    assert query(engine, "SELECT count(*) FROM renewals") == [(25,)]  # 25 rows, not 50
    remove_load(engine, again.load_id)
    restore_load(engine, first.load_id)
    assert query(engine, "SELECT count(*) FROM renewals") == [(25,)]


def test_only_an_editor_restores_and_it_is_audited(engine, sample_exports):
    with acting_as(ANA):
        rep = ingest_file(engine, sample_exports / "salesforce_renewals.csv")
        remove_load(engine, rep.load_id)
    removed = checksum(engine)
    with acting_as(BOB), pytest.raises(PermissionError, match="bob@example.com is a viewer"):
        restore_load(engine, rep.load_id)
    assert checksum(engine) == removed
    with acting_as(ANA):
        restore_load(engine, rep.load_id)
    last = list_entries(engine)[0]
    assert (last["actor"], last["action"], last["detail"]) == ("ana@example.com", "restore a load", "1")


def test_cli_restore(store_url, sample_exports, capsys):
    f = str(sample_exports / "salesforce_renewals.csv")
    assert main(["ingest", f, "--db", store_url]) == 0
    assert main(["restore", "1", "--db", store_url]) == 1
    assert "load 1 is not removed" in capsys.readouterr().out
    assert main(["remove", "1", "--db", store_url]) == 0
    capsys.readouterr()
    assert main(["restore", "1", "--db", store_url]) == 0
    assert "load 1 restored — renewals: 25 row(s)" in capsys.readouterr().out
