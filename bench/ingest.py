"""Ingest speed and memory, as ratios against DuckDB's own `read_csv` of the same file, in one run.

    .venv/bin/python bench/ingest.py                       # the sizes of issue 15 (long: see --help)
    .venv/bin/python bench/ingest.py --rows 100000 --big-mb 100 --store-rows 1000000 --bomb-mb 1000

Every case runs in its own process, so its peak memory (ru_maxrss from wait4) is its own:
1. throughput: cxkpi ingests an N-row Zendesk-shaped CSV into an empty store vs `CREATE TABLE AS SELECT *
   FROM read_csv(..., all_varchar = true)` of the same file (CPU seconds of the whole process; goal ≥ 0.6×,
   i.e. raw/ours);
2. peak memory for a large export (goal < 2 GB) next to raw DuckDB's, and for a decompression bomb
   (a small ZIP inflating to --bomb-mb MB) offered to the importer;
3. re-load of the same file vs its fresh load (goal < 5 %);
4. a 100 k-row load into a store already holding --store-rows tickets vs the same load into an empty store
   (goal ≤ 1.5×).
Each row says which path loaded the file: by SQL (cxkpi.ingest.sqlload, large UTF-8 CSVs on DuckDB), in
chunks (its fall-back), or whole file (small files). The figures are printed; --write replaces the ingest
section of bench/results.md with them (the other sections stay).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "zendesk_tickets.csv"
sys.path.insert(0, str(ROOT))


# --- data -----------------------------------------------------------------------------------------


def zendesk_csv(path: Path, n: int, first_id: int = 1_000_000) -> int:
    """n tickets in Zendesk's export shape: the fixture's rows repeated with new ids and every timestamp
    shifted per row (a million distinct dates, as in a real export). Returns the file size."""
    with FIXTURE.open(encoding="utf-8-sig", newline="") as fh:
        base = list(csv.reader(fh))
    header, body = base[0], base[1:]
    idx = {h: i for i, h in enumerate(header)}
    stamps = [
        idx[c] for c in ("Created at", "Updated at", "Assigned at", "Initially assigned at", "Solved at")
    ]
    epoch = dt.datetime(1970, 1, 1)
    # Each base row's stamps as seconds, parsed once; a row i adds (i * 37) s modulo ~15 months.
    secs = [
        {c: int((dt.datetime.fromisoformat(r[c]) - epoch).total_seconds()) for c in stamps if r[c]}
        for r in body
    ]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(header)
        for i in range(n):
            k = i % len(body)
            row = list(body[k])
            row[idx["Id"]] = str(first_id + i)
            shift = (i * 37) % 40_000_000
            for c, v in secs[k].items():
                row[c] = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(v + shift))
            w.writerow(row)
    return path.stat().st_size


def csv_of_size(path: Path, megabytes: int) -> int:
    """A Zendesk-shaped CSV of about `megabytes` MB (rows sized from a 10 000-row sample)."""
    sample = path.with_suffix(".sample.csv")
    size = zendesk_csv(sample, 10_000)
    sample.unlink()
    return zendesk_csv(path, int(megabytes * 1_000_000 / size * 10_000))


def bomb_zip(path: Path, megabytes: int) -> int:
    """A ZIP holding export.csv: a Zendesk header, then `megabytes` MB of one repeated row."""
    header = FIXTURE.read_bytes().split(b"\n", 2)
    row = header[1] + b"\n"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("export.csv", "w") as fh,
    ):
        fh.write(header[0] + b"\n")
        block = row * max(1, (1 << 20) // len(row))
        written = 0
        while written < megabytes * 1_000_000:
            fh.write(block)
            written += len(block)
    return path.stat().st_size


def store_with_tickets(url: str, n: int) -> None:
    """A migrated store holding n tickets of another system, made in SQL (an import of 10 M rows through
    cxkpi would dominate the run)."""
    from cxkpi.store import make_engine

    e = make_engine(url)
    e.dispose()
    import duckdb

    con = duckdb.connect(url.removeprefix("duckdb:///"))
    con.execute(f"""
        INSERT INTO tickets (system, ticket_id, created_at, solved_at, status, channel, first_reply_minutes,
                             reopens, agent_replies, load_id, account_id, email, linked_account_id)
        SELECT 'zendesk', 'z' || i, TIMESTAMP '2020-01-01' + to_seconds(i * 7),
               TIMESTAMP '2020-01-02' + to_seconds(i * 7), 'solved', 'email', 30.0, 0, 1, 0,
               'acc' || (i % 5000), 'user' || i || '@example.com', 'acc' || (i % 5000)
        FROM range({n}) t(i)""")
    con.execute("CHECKPOINT")
    con.close()


# --- one case per process -------------------------------------------------------------------------


def child(case: str, args: list[str]) -> dict:
    """Run one measured case in this process and return its timings (CPU and wall of the measured part)."""
    out: dict = {}
    if case == "raw":
        import duckdb

        csv_path, db = args
        c0, w0 = time.process_time(), time.perf_counter()
        con = duckdb.connect(db)
        con.execute("SET threads = 2")
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}', all_varchar = true)")
        con.close()
        out = {"cpu": time.process_time() - c0, "wall": time.perf_counter() - w0}
    elif case in ("ingest", "reload"):
        from cxkpi.ingest.api import ingest_file
        from cxkpi.store import make_engine

        csv_path, url = args
        e = make_engine(url)
        # "reload": a store that already holds this file
        c0, w0 = time.process_time(), time.perf_counter()
        rep = ingest_file(e, Path(csv_path))
        with e.connect() as conn:  # which path loaded it: SQL (cxkpi.ingest.sqlload) or Python
            meta = conn.exec_driver_sql("SELECT mapping FROM loads ORDER BY load_id DESC LIMIT 1").scalar()
        read = json.loads(meta or "{}").get("read", {})
        out = {
            "path": "SQL" if read.get("sql") else "chunks" if read.get("chunked") else "whole file",
            "cpu": time.process_time() - c0,
            "wall": time.perf_counter() - w0,
            "rejected": rep.rejected,
            "already_loaded": rep.already_loaded,
            "added": rep.rows_added,
            "errors": [p.text() for p in rep.problems if p.severity == "error"][:3],
        }
        e.dispose()
    elif case == "bomb":
        from cxkpi.ingest.api import preview

        (zip_path,) = args
        c0, w0 = time.process_time(), time.perf_counter()
        p = preview(Path(zip_path).read_bytes(), "export.zip")
        out = {
            "cpu": time.process_time() - c0,
            "wall": time.perf_counter() - w0,
            "message": p.problems[0].text() if p.problems else "(no message)",
        }
    return out


def run_child(case: str, *args: str | Path) -> dict:
    """The case in a fresh interpreter; adds its peak resident memory (bytes) and total CPU seconds."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", case, *map(str, args)], stdout=subprocess.PIPE, text=True
    )
    out_text = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{case} failed ({proc.returncode}): {out_text[-2000:]}")
    res = json.loads(out_text.strip().splitlines()[-1])
    res["maxrss"] = usage.ru_maxrss * 1024  # kB on Linux
    res["proc_cpu"] = usage.ru_utime + usage.ru_stime
    return res


# --- the run --------------------------------------------------------------------------------------


def gb(n: float) -> str:
    return f"{n / 1e9:.2f} GB"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="tickets in the throughput case (1 M)")
    ap.add_argument("--big-mb", type=int, default=1000, help="size of the large export, MB (1 GB)")
    ap.add_argument("--bomb-mb", type=int, default=1000, help="what the bomb ZIP inflates to, MB (1 GB)")
    ap.add_argument(
        "--store-rows", type=int, default=10_000_000, help="tickets already in the big store (10 M)"
    )
    ap.add_argument("--load-rows", type=int, default=100_000, help="rows loaded into the big store (100 k)")
    ap.add_argument("--write", action="store_true", help="write bench/results.md with this run's figures")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child[0], a.child[1:])))
        return 0

    lines: list[str] = []

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory(prefix="cxkpi-bench-") as d:
        tmp = Path(d)
        # 1. throughput at --rows
        src = tmp / "zendesk.csv"
        size = zendesk_csv(src, a.rows)
        raw = run_child("raw", src, tmp / "raw.duckdb")
        ours = run_child("ingest", src, f"duckdb:///{tmp / 'ours.duckdb'}")
        assert not ours["rejected"], ours["errors"]
        say(
            f"| ingest {a.rows:,} Zendesk rows ({size / 1e6:.0f} MB, by {ours['path']}), CPU s | {ours['proc_cpu']:.1f} | "
            f"{raw['proc_cpu']:.1f} | throughput {raw['proc_cpu'] / ours['proc_cpu']:.2f}× raw (goal ≥ 0.6×) |"
        )
        say(f"| same, wall s | {ours['wall']:.1f} | {raw['wall']:.1f} | {raw['wall'] / ours['wall']:.2f}× |")
        say(
            f"| same, peak memory | {gb(ours['maxrss'])} | {gb(raw['maxrss'])} | "
            f"{ours['maxrss'] / raw['maxrss']:.1f}× raw |"
        )
        # 3. re-load of the same file
        re = run_child("reload", src, f"duckdb:///{tmp / 'ours.duckdb'}")
        assert re["already_loaded"], re
        say(
            f"| re-load of the same file, wall s | {re['wall']:.2f} | fresh load {ours['wall']:.1f} | "
            f"{100 * re['wall'] / ours['wall']:.1f} % of a fresh load (goal < 5 %) |"
        )
        for f in tmp.glob("*.duckdb*"):
            f.unlink()
        # 4. a 100 k-row load into a big store vs into an empty one
        small = tmp / "load.csv"
        zendesk_csv(small, a.load_rows, first_id=50_000_000)
        empty = run_child("ingest", small, f"duckdb:///{tmp / 'empty.duckdb'}")
        big_url = f"duckdb:///{tmp / 'big.duckdb'}"
        store_with_tickets(big_url, a.store_rows)
        big = run_child("ingest", small, big_url)
        say(
            f"| {a.load_rows:,} rows (by {big['path']}) into a {a.store_rows:,}-ticket store, wall s | {big['wall']:.2f} | "
            f"into an empty store {empty['wall']:.2f} | {big['wall'] / empty['wall']:.2f}× (goal ≤ 1.5×) |"
        )
        for f in tmp.glob("*.duckdb*"):
            f.unlink()
        src.unlink()
        # 2. peak memory: a large export (the throughput file itself when it is about that size), and a bomb
        if a.big_mb * 1_000_000 > size * 1.1:
            large = tmp / "large.csv"
            size = csv_of_size(large, a.big_mb)
            raw = run_child("raw", large, tmp / "raw_large.duckdb")
            ours = run_child("ingest", large, f"duckdb:///{tmp / 'large.duckdb'}")
            large.unlink()
        say(
            f"| peak memory, {size / 1e6:,.0f} MB export (by {ours['path']}) | {gb(ours['maxrss'])} | "
            f"{gb(raw['maxrss'])} | {ours['maxrss'] / raw['maxrss']:.1f}× raw (goal < 2 GB) |"
        )
        say(
            f"| same, CPU s | {ours['proc_cpu']:.1f} | {raw['proc_cpu']:.1f} | "
            f"throughput {raw['proc_cpu'] / ours['proc_cpu']:.2f}× raw |"
        )
        bomb = tmp / "bomb.zip"
        bsize = bomb_zip(bomb, a.bomb_mb)
        b = run_child("bomb", bomb)
        say(
            f"| peak memory, {bsize / 1e6:.1f} MB ZIP inflating to {a.bomb_mb:,} MB | {gb(b['maxrss'])} | – | "
            f"refused in {b['wall']:.1f} s: {b['message'][:90]}… |"
        )
    if a.write:
        write_results(a, lines)
    return 0


def write_results(a: argparse.Namespace, rows: list[str]) -> None:
    """Replace the ingest section of bench/results.md (up to the next top-level heading); other sections stay."""
    cpu = os.cpu_count()
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    text = (
        "# Ingest benchmark: last run\n\n"
        f"Machine: {cpu} cores, {mem:.0f} GiB RAM, {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}; shared with other work while it ran, so wall times are noisy.\n"
        f"Command: `.venv/bin/python bench/ingest.py --rows {a.rows} --big-mb {a.big_mb} --bomb-mb {a.bomb_mb} "
        f"--store-rows {a.store_rows} --load-rows {a.load_rows} --write`\n\n"
        "Baseline: DuckDB's own `CREATE TABLE AS SELECT * FROM read_csv(file, all_varchar = true)` of the same file "
        "(no typing, no validation, no history), each case in its own process (peak memory = its ru_maxrss).\n\n"
        "| case | cxkpi | baseline | ratio |\n|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    path = ROOT / "bench" / "results.md"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start = old.find("# Ingest benchmark")
    if start < 0:
        path.write_text(text + ("\n" + old if old else ""), encoding="utf-8")
        return
    nxt = old.find("\n# ", start + 1)
    path.write_text(old[:start] + text + ("\n" + old[nxt + 1 :] if nxt >= 0 else ""), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
