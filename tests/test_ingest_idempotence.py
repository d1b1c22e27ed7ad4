"""Never double-count: repeats are no-ops, overlapping exports upsert, removals restore exactly."""

from __future__ import annotations

import csv
import io

from cxkpi.cli import main
from cxkpi.ingest.api import ingest_file, remove_load
from cxkpi.store.schema import CANONICAL, HISTORY
from tests.test_ingest_fixtures import query, snapshot

CONTENT = list(CANONICAL.values())
STORE = [*CANONICAL.values(), *HISTORY.values()]


def _zendesk(sample_exports):
    rows = list(csv.reader(io.StringIO((sample_exports / "zendesk_tickets.csv").read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def _csv(header, rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue().encode()


def _slices(sample_exports):
    """A = tickets 10400–10444, B = 10438–10447 with 10442 solved and rated Good in B (changed)."""
    header, rows = _zendesk(sample_exports)
    col = {h: i for i, h in enumerate(header)}
    a = [list(r) for r in rows[:45]]
    b = [list(r) for r in rows[38:]]
    changed = next(r for r in b if r[col["Id"]] == "10442")
    changed[col["Status"]] = "Solved"
    changed[col["Solved at"]] = "2025-11-28 10:00:00"
    changed[col["Satisfaction Score"]] = "Good"
    union = a[:38] + b
    return _csv(header, a), _csv(header, b), _csv(header, union)


def test_same_file_twice_is_a_no_op(engine, sample_exports):
    first = ingest_file(engine, sample_exports / "zendesk_tickets.csv")
    before = snapshot(engine)
    again = ingest_file(engine, sample_exports / "zendesk_tickets.csv")
    assert again.already_loaded and again.load_id == first.load_id
    assert snapshot(engine) == before  # every table, loads included


def test_overlapping_exports_equal_one_load_of_the_union(engine, sample_exports):
    a, b, union = _slices(sample_exports)
    ra = ingest_file(engine, a, "zendesk_jan_nov.csv")
    rb = ingest_file(engine, b, "zendesk_oct_dec.csv")
    # B: 10 tickets, 7 overlap (10438–10444), one of them changed; 3 new.
    assert rb.counts["tickets"] == {"added": 3, "updated": 1, "unchanged": 6}
    # B's ratings: 10439–10441 Good as before (unchanged), 10442 newly Good (added); 10445–47 unrated.
    assert rb.counts["responses"] == {"added": 1, "updated": 0, "unchanged": 3}
    assert query(engine, "SELECT status, reopens FROM tickets WHERE ticket_id = '10442'") == [("solved", 0)]
    two_loads = snapshot(engine, CONTENT, skip=("load_id",))
    remove_load(engine, rb.load_id)
    remove_load(engine, ra.load_id)
    assert query(engine, "SELECT count(*) FROM tickets") == [(0,)]
    ingest_file(engine, union, "zendesk_union.csv")
    assert snapshot(engine, CONTENT, skip=("load_id",)) == two_loads


def test_removing_a_load_restores_the_state_before_it(engine, sample_exports):
    a, b, _ = _slices(sample_exports)
    ingest_file(engine, a, "a.csv")
    ingest_file(engine, sample_exports / "hubspot_companies.csv")
    before = snapshot(engine, STORE)
    rb = ingest_file(engine, b, "b.csv")
    assert snapshot(engine, STORE) != before
    remove_load(engine, rb.load_id)
    assert snapshot(engine, STORE) == before
    assert query(engine, "SELECT status FROM tickets WHERE ticket_id = '10442'") == [("open",)]


def test_removing_a_middle_load_of_a_chain(engine, sample_exports):
    """A writes 10442 open, B solves it, C re-opens it as pending: removing B keeps C's version; removing C
    then brings back A's version, as if B and C had never been loaded."""
    header, rows = _zendesk(sample_exports)
    col = {h: i for i, h in enumerate(header)}
    base = [list(r) for r in rows]

    def version(status, solved):
        out = [list(r) for r in base]
        r = next(r for r in out if r[col["Id"]] == "10442")
        r[col["Status"]], r[col["Solved at"]] = status, solved
        return _csv(header, out)

    ra = ingest_file(engine, version("Open", ""), "a.csv")
    only_a = snapshot(engine, STORE)
    rb = ingest_file(engine, version("Solved", "2025-11-28 10:00:00"), "b.csv")
    rc = ingest_file(engine, version("Pending", ""), "c.csv")
    assert rb.counts["tickets"]["updated"] == 1 and rc.counts["tickets"]["updated"] == 1
    remove_load(engine, rb.load_id)
    assert query(engine, "SELECT status FROM tickets WHERE ticket_id = '10442'") == [("pending",)]
    remove_load(engine, rc.load_id)
    assert snapshot(engine, STORE) == only_a
    remove_load(engine, ra.load_id)
    assert all(not rows for rows in snapshot(engine, STORE).values())


def test_cli_loads_and_remove(store_url, sample_exports, capsys):
    f = str(sample_exports / "salesforce_renewals.csv")
    assert main(["ingest", f, "--db", store_url]) == 0
    assert "renewals: 25 added, 0 updated, 0 unchanged" in capsys.readouterr().out
    assert main(["ingest", f, "--db", store_url]) == 0
    assert "already loaded (load 1), nothing changed" in capsys.readouterr().out
    assert main(["loads", "--db", store_url]) == 0
    assert "salesforce_opportunities" in capsys.readouterr().out
    assert main(["remove", "1", "--db", store_url]) == 0
    assert "load 1 removed — renewals: 25 removed" in capsys.readouterr().out
    assert main(["remove", "1", "--db", store_url]) == 1
    # A removed load's file may be loaded again.
    assert main(["ingest", f, "--db", store_url]) == 0
    assert "renewals: 25 added" in capsys.readouterr().out
