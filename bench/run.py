"""Speed, measured as ratios against baselines run in the same process on the same data.

    make bench            (or: .venv/bin/python bench/run.py [--rows N])

The ingest goals of issue 15 (throughput vs DuckDB read_csv, peak memory, re-load, a load into a large
store) are measured by bench/ingest.py; bench/results.md holds its last run.

1. Ingest: a Zendesk-shaped CSV of N tickets through `cxkpi ingest` (sniff, detect, parse, validate,
   upsert with history) vs raw DuckDB `CREATE TABLE AS SELECT * FROM read_csv(...)` (no validation) and
   vs pandas `read_csv` stored into DuckDB (no validation, no upsert).
2. Scorecard: all 13 metrics for one quarter through cxkpi (SQL in DuckDB) vs a pandas path that pulls
   the rows and computes four of them (CSAT, NPS, FRT median, reopens) in memory.
3. Data-quality report over the demo vs the floor of one count(*) per table.
4. Demo workspace load vs raw DuckDB inserting the same frames.
Numbers are wall-clock seconds on this machine; the ratios are what to compare across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cxkpi.demo import build_demo, load_demo  # noqa: E402
from cxkpi.ingest.api import ingest_file  # noqa: E402
from cxkpi.metrics import Period, scorecard  # noqa: E402
from cxkpi.quality import report  # noqa: E402
from cxkpi.store import make_engine  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "zendesk_tickets.csv"
END = dt.date(2025, 12, 1)


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def zendesk_csv(path: Path, n: int) -> None:
    """N tickets in Zendesk's export shape, made by repeating the fixture's rows with new ids."""
    base = pd.read_csv(FIXTURE, dtype=str, keep_default_na=False)
    reps = -(-n // len(base))
    df = pd.concat([base] * reps, ignore_index=True).iloc[:n].copy()
    df["Id"] = [str(100000 + i) for i in range(n)]
    df["Summation column"] = "1"
    df.to_csv(path, index=False)


def bench_ingest(tmp: Path, n: int) -> list[tuple[str, float, float]]:
    csv = tmp / f"zendesk_{n}.csv"
    zendesk_csv(csv, n)
    rows = []

    def cxkpi_ingest() -> None:
        e = make_engine(f"duckdb:///{tmp / f'ingest_{time.perf_counter_ns()}.duckdb'}")
        rep = ingest_file(e, csv)
        assert not rep.rejected if hasattr(rep, "rejected") else True
        e.dispose()

    def raw_duckdb() -> None:
        con = duckdb.connect(str(tmp / f"raw_{time.perf_counter_ns()}.duckdb"))
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv}', all_varchar=true)")
        con.close()

    def pandas_path() -> None:
        # pandas parses, DuckDB stores the frame (to_sql through the dialect is row by row: far slower)
        df = pd.read_csv(csv, dtype=str)
        con = duckdb.connect(str(tmp / f"pd_{time.perf_counter_ns()}.duckdb"))
        con.register("f", df)
        con.execute("CREATE TABLE t AS SELECT * FROM f")
        con.close()

    ours = best_of(cxkpi_ingest, 2)
    raw = best_of(raw_duckdb, 2)
    pdt = best_of(pandas_path, 2)
    rows.append((f"ingest {n:,} Zendesk tickets", ours, raw))
    rows.append((f"ingest {n:,} Zendesk tickets (vs pandas read_csv into DuckDB)", ours, pdt))
    return rows


def bench_scorecard(tmp: Path) -> list[tuple[str, float, float]]:
    e = make_engine(f"duckdb:///{tmp / 'demo.duckdb'}")
    load_demo(e, END)
    period = Period(dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    start, end = dt.datetime(2025, 7, 1), dt.datetime(2025, 10, 1)

    def ours() -> None:
        res = scorecard(e, period)
        assert len(res) == 13

    def pandas_path() -> None:
        with e.connect() as c:
            tk = pd.read_sql(sa.text("SELECT * FROM tickets"), c)
            rs = pd.read_sql(sa.text("SELECT * FROM responses"), c)
        created = tk[(tk.created_at >= start) & (tk.created_at < end)]
        solved = tk[(tk.solved_at >= start) & (tk.solved_at < end)]
        r = rs[(rs.submitted_at >= start) & (rs.submitted_at < end)]
        csat = r[r.kind == "csat"]
        nps = r[r.kind == "nps"]
        _ = (csat.score >= 4).mean() * 100
        _ = ((nps.score >= 9).mean() - (nps.score <= 6).mean()) * 100
        _ = statistics.median(created.first_reply_minutes.dropna() / 60)
        _ = (solved.reopens >= 1).sum()

    def raw_counts() -> None:
        # the floor for any whole-store check: one count(*) per table in raw DuckDB
        with e.connect() as c:
            for t in ("accounts", "subscriptions", "renewals", "tickets", "responses", "costs"):
                c.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()

    rows = [
        ("scorecard, 13 metrics, one quarter of the demo (vs pandas path, 4 metrics)", best_of(ours), best_of(pandas_path)),
        ("data-quality report over the demo (vs one count(*) per table)", best_of(lambda: report(e)), best_of(raw_counts)),
    ]
    e.dispose()
    return rows


def bench_demo(tmp: Path) -> list[tuple[str, float, float]]:
    frames = build_demo(END)

    def ours() -> None:
        e = make_engine(f"duckdb:///{tmp / f'demo_{time.perf_counter_ns()}.duckdb'}")
        load_demo(e, END)
        e.dispose()

    def raw() -> None:
        con = duckdb.connect(str(tmp / f'rawdemo_{time.perf_counter_ns()}.duckdb'))
        for name, df in frames.items():
            con.register("f", df)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM f")
            con.unregister("f")
        con.close()

    return [("demo workspace load (vs raw DuckDB CREATE TABLE AS from the same frames)", best_of(ours, 2), best_of(raw, 2))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000, help="tickets in the ingest benchmark")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cxkpi-bench-") as d:
        tmp = Path(d)
        results = bench_ingest(tmp, args.rows) + bench_scorecard(tmp) + bench_demo(tmp)
    width = max(len(r[0]) for r in results)
    print(f"{'benchmark'.ljust(width)}  {'cxkpi s':>9}  {'baseline s':>10}  {'ratio':>7}")
    for name, ours, base in results:
        print(f"{name.ljust(width)}  {ours:9.3f}  {base:10.3f}  {ours / base:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
