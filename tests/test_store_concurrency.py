"""Many users on one store: concurrent imports, reads during an import, a DuckDB file held by another process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.ingest import api
from cxkpi.store import StoreBusy, import_running, make_engine, row_counts
from cxkpi.store.engine import busy_message
from cxkpi.store.schema import CANONICAL, loads

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]
# Three different files, as three people would upload them, and what each holds (counted in the files):
FILES = {
    # 49 lines - header = 48 tickets; 34 of them carry a Good/Bad satisfaction score
    "zendesk_tickets.csv": {"tickets": 49 - 1, "responses": 34},
    # 41 lines - header = 40 tickets; 32 carry a satisfaction rating (the 23rd field)
    "freshdesk_tickets.csv": {"tickets": 41 - 1, "responses": 32},
    # 43 lines - 3 header lines = 40 respondents, each answering Q1 (CSAT) and Q3 (NPS): 40 * 2
    "qualtrics_csat.csv": {"responses": 40 * 2},
}


def _load_rows(conn: sa.Connection, table: str, load_id: int) -> int:
    t = CANONICAL[table]
    return conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.load_id == load_id)).scalar()


def test_three_imports_at_the_same_moment_while_others_read(engine: sa.Engine) -> None:
    start = threading.Barrier(3 + 4)
    reports: dict[str, api.LoadReport] = {}
    errors: list[BaseException] = []
    reads = [0]
    done = threading.Event()

    def upload(name: str) -> None:
        try:
            data = (FIXTURES / name).read_bytes()
            start.wait()
            reports[name] = api.ingest_file(engine, data, name)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    def browse() -> None:
        try:
            start.wait()
            while not done.is_set():
                with engine.connect() as conn:
                    row_counts(conn)
                reads[0] += 1
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    uploads = [threading.Thread(target=upload, args=(n,)) for n in FILES]
    readers = [threading.Thread(target=browse) for _ in range(4)]
    for th in uploads + readers:
        th.start()
    for th in uploads:
        th.join(120)
    done.set()
    for th in readers:
        th.join(30)

    assert errors == []
    assert reads[0] >= 4  # every reader got through at least once
    # Each uploader is told the truth: its own load id, its rows added, and those rows are there once.
    assert sorted(r.load_id for r in reports.values()) == [1, 2, 3]
    with engine.connect() as conn:
        for name, expected in FILES.items():
            rep = reports[name]
            assert not rep.rejected and not rep.already_loaded, name
            assert rep.rows_added == sum(expected.values()), name
            for table, n in expected.items():
                assert _load_rows(conn, table, rep.load_id) == n, (name, table)
        assert conn.execute(sa.select(sa.func.count()).select_from(loads)).scalar() == 3
        counts = row_counts(conn)
    assert counts["tickets"] == 48 + 40
    assert counts["responses"] == 34 + 32 + 80


def test_reads_go_on_while_an_import_holds_the_write_turn(engine: sa.Engine) -> None:
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with engine.begin() as conn:
            conn.execute(sa.delete(CANONICAL["tickets"]))
            inside.set()
            release.wait(30)

    th = threading.Thread(target=writer)
    th.start()
    try:
        assert inside.wait(30)
        assert import_running(engine)
        with engine.connect() as conn:  # not blocked by the open write transaction
            assert row_counts(conn)["tickets"] == 0
    finally:
        release.set()
        th.join(30)
    assert not import_running(engine)


def test_one_engine_per_store_per_process(duckdb_url: str) -> None:
    a = make_engine(duckdb_url)
    b = make_engine(duckdb_url.replace("duckdb:///", ""))  # the bare path people type
    assert a is b
    a.dispose()


def test_busy_message_is_one_line_naming_the_holder_and_what_to_do() -> None:
    err = (
        'IO Error: Could not set lock on file "data/cxkpi.duckdb": Conflicting lock is held in '
        "/usr/bin/python3.11 (PID 999999999) by user ana. See also https://duckdb.org/docs/connect/concurrency"
    )
    msg = busy_message("duckdb:///data/cxkpi.duckdb", err)
    assert "\n" not in msg
    assert "data/cxkpi.duckdb" in msg and "process 999999999 (python3.11)" in msg
    assert "stop that process" in msg and "Data page" in msg and "PostgreSQL" in msg


HOLDER = textwrap.dedent(
    """
    import sys, time
    from cxkpi.store import make_engine
    engine = make_engine(sys.argv[1], read_only=sys.argv[2] == "ro")
    with engine.connect() as conn:
        pass
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


def _hold(path: Path, mode: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "holding"
    return proc


def _seed(db: Path) -> None:
    # in this process, then closed: the file is free for the holder (a CLI run would cost a Python start-up)
    eng = make_engine(str(db))
    assert not api.ingest_file(eng, FIXTURES / "zendesk_tickets.csv").rejected
    eng.dispose()


def _cxkpi_here(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """The CLI in this process (what `cxkpi …` runs), its exit status and stderr: the file's lock is per process,
    so a refusal here is the refusal a separate `cxkpi` would get."""
    from cxkpi.cli import main

    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.err or out.out


def test_cli_on_a_file_another_process_writes_prints_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "shared.duckdb"
    _seed(db)
    holder = _hold(db, "rw")  # what the dashboard does
    try:
        for args in (["scorecard", "--from", "2025-01-01", "--to", "2025-01-31"], ["ingest", str(FIXTURES / "freshdesk_tickets.csv")]):  # fmt: skip
            code, err = _cxkpi_here(capsys, *args, "--db", str(db))
            assert code == 3, err
            lines = err.strip().splitlines()
            assert len(lines) == 1, err
            assert f"in use by process {holder.pid}" in lines[0] and "--db postgresql" in lines[0]
            assert "Traceback" not in err
    finally:
        holder.communicate("\n", timeout=30)
    # Once the holder is gone, the same import works and nothing was half-written meanwhile.
    # (a process of its own: this one keeps the read-only handle its refused scorecard asked for)
    again = _cxkpi_bg("ingest", str(FIXTURES / "freshdesk_tickets.csv"), "--db", str(db))
    assert again.wait(120) == 0, again.communicate()
    eng = make_engine(str(db))
    with eng.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(loads)).scalar() == 2
    eng.dispose()


def test_read_only_commands_share_the_file_with_another_reader(tmp_path: Path) -> None:
    db = tmp_path / "shared.duckdb"
    _seed(db)
    holder = _hold(db, "ro")
    try:
        # Separate processes (a read-only and a read-write open of one file cannot share this process), together.
        reader = _cxkpi_bg("loads", "--db", str(db), "--format", "json")
        writer = _cxkpi_bg("ingest", str(FIXTURES / "freshdesk_tickets.csv"), "--db", str(db))
        (out, err), (_, werr) = reader.communicate(timeout=120), writer.communicate(timeout=120)
        assert reader.returncode == 0, err
        assert "zendesk_tickets.csv" in out
        # a write still needs the file to itself: the one-line message, not a traceback
        assert writer.returncode == 3 and len(werr.strip().splitlines()) == 1, werr
    finally:
        holder.communicate("\n", timeout=30)


def _cxkpi_bg(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cxkpi", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def test_read_only_engine_refuses_writes_with_a_message(tmp_path: Path) -> None:
    db = tmp_path / "ro.duckdb"
    make_engine(str(db)).dispose()
    ro = make_engine(str(db), read_only=True)
    with pytest.raises(StoreBusy, match="only reads"), ro.begin():
        pass
    ro.dispose()


@pytest.mark.postgres
def test_three_processes_import_into_postgresql_at_once(pg_url: str) -> None:
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cxkpi",
                "ingest",
                str(FIXTURES / name),
                "--db",
                pg_url,
                "--format",
                "json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=os.environ.copy(),
        )  # fmt: skip
        for name in FILES
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [o[1] for o in outs]
    eng = make_engine(pg_url)
    with eng.connect() as conn:
        got = conn.execute(sa.select(loads.c.file_name, loads.c.load_id, loads.c.rows)).all()
        assert sorted(r.load_id for r in got) == [1, 2, 3]
        for file_name, load_id, rows in got:
            assert rows == sum(FILES[file_name].values()), file_name
            for table, n in FILES[file_name].items():
                assert _load_rows(conn, table, load_id) == n, (file_name, table)
    eng.dispose()


def test_a_serving_process_checkpoints_after_the_request_not_in_it(tmp_path: Path) -> None:
    from cxkpi.store import checkpoint
    from cxkpi.store.schema import settings

    db = tmp_path / "served.duckdb"
    eng = make_engine(str(db), background_checkpoints=True)
    with eng.begin() as conn:
        conn.execute(sa.insert(settings).values(key="k", value="1"))
    wal = Path(f"{db}.wal")
    assert wal.exists() and wal.stat().st_size > 0  # the write sits in the log until a checkpoint
    checkpoint(eng)  # what a load does at its end: scheduled, not run in the caller's request
    timer = eng._cxkpi_state._timer
    assert timer is not None and timer.is_alive()
    timer.join(30)
    assert not wal.exists() or wal.stat().st_size == 0  # flushed into the file by the background thread
    eng.dispose()
