"""Scorecard and trend speed on a large store, against one hand-written DuckDB query, in one run.

    .venv/bin/python bench/scorecard.py                    # 10 M tickets (issue 11's size; long to build)
    .venv/bin/python bench/scorecard.py --tickets 1000000  # a smaller store, same shapes

The store is written straight into the canonical tables with DuckDB SQL (no ingest): two years of
tickets over four channels with first replies, reopens, handle times and agent replies; survey answers
(CSAT 1–5, CES 1–7, NPS 0–10, ESAT 1–5) at a fifth of the tickets; an account per 50 tickets with
segments, regions and plans; subscriptions with monthly / quarterly / yearly intervals, seats, discounts,
trials, a second currency and cancellations; renewals and monthly costs. Every value comes from hash(i),
so a size always gives the same store.

Measured (best of --repeat, one process, warm file cache), as wall-clock seconds and as CPU seconds of
the process (all DuckDB threads; on a shared machine CPU is the steadier figure):
1. cxkpi scorecard (all 13 metrics) for the last month and for the last year vs one hand-written DuckDB
   statement computing the same aggregates (one scan per table, conditional aggregates);
2. the month with its comparison month (`scorecards`, one statement) vs the hand query run for each;
3. a weekly CSAT trend over the two years through cxkpi vs one hand-written GROUP BY week;
4. the Scorecard's sparklines: every metric's monthly trend over the last twelve months (`trends`), and
   each subscription / renewal / FRT trend alone (no hand query: absolute seconds).
5. the same through the daily rollups (`rollups=True`, what the app reads: cxkpi.metrics.rollups), after
   timing their build from nothing — paid once per data version by the first view after a load.
The ratio is cxkpi / hand query; bench/results.md keeps the last run's figures. `--library DIR` times the
cxkpi package found in DIR instead of this checkout's (e.g. an exported older commit, for "before").
With --postgres the same store is copied into a PostgreSQL server started for the run (the test suite's
helper) and cxkpi's three cases are timed there too (no hand query: it is DuckDB SQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import inspect
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
if "--library" in sys.argv:  # must win over this checkout before cxkpi is imported
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--library") + 1]).resolve()))


from cxkpi import metrics  # noqa: E402
from cxkpi.metrics import REGISTRY, Period, scorecard, trend  # noqa: E402
from cxkpi.store import make_engine  # noqa: E402

END = dt.date(2026, 10, 31)  # the store's last day: two years, November 2024 … October 2026
START = dt.date(2024, 11, 1)
MONTH = Period(dt.date(2026, 10, 1), END)
PREVIOUS = Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30))
YEAR = Period(dt.date(2025, 11, 1), END)
SECONDS = (dt.datetime.combine(END, dt.time()) - dt.datetime.combine(START, dt.time())).days * 86_400 + 86_399


def _h(i: str, salt: int, mod: int) -> str:
    """A deterministic pseudo-random integer in [0, mod) from row number `i` (DuckDB's hash)."""
    return f"CAST(hash({i}, {salt}) % {mod} AS BIGINT)"


def build_sql(tickets: int) -> list[str]:
    """INSERT … SELECT statements filling the canonical tables for `tickets` tickets."""
    n_acc = max(tickets // 50, 10)
    n_resp = tickets // 5
    t0 = f"TIMESTAMP '{START} 00:00:00'"
    at = lambda i, salt: f"({t0} + to_seconds({_h(i, salt, SECONDS)}))"  # noqa: E731
    acc = lambda i: f"'A' || ({_h(i, 91, n_acc)})"  # noqa: E731
    return [
        "INSERT INTO loads VALUES (1, 'bench store', 'bench', 'bench', 'tickets', 0, 0, 0, "
        "TIMESTAMP '2026-11-01 00:00:00', NULL, 'active', false, NULL, NULL)",
        # accounts: created up to a year before the window, one in eight churned inside it
        f"""INSERT INTO accounts SELECT 'A' || i, 'Company ' || i, 'admin@c' || i || '.example', 'c' || i || '.example',
            ['SMB', 'Mid-market', 'Enterprise'][1 + {_h("i", 1, 3)}],
            ['NA', 'EMEA', 'APAC', 'LATAM'][1 + {_h("i", 2, 4)}],
            ['Starter', 'Growth', 'Enterprise'][1 + {_h("i", 3, 3)}], 'Owner ' || {_h("i", 4, 12)},
            {t0} - to_seconds({_h("i", 5, 365 * 86_400)}),
            CASE WHEN {_h("i", 6, 8)} = 0 THEN {at("i", 7)} END,
            CASE WHEN {_h("i", 6, 8)} = 0 THEN ['price', 'moved to competitor', 'no longer needed'][1 + {_h("i", 8, 3)}] END,
            1, 'bench' FROM range({n_acc}) t(i)""",
        # subscriptions: one per account (seats × price per interval), every fifth account a second add-on
        f"""INSERT INTO subscriptions SELECT 'S' || i, a, NULL, NULL, a,
            p, CASE p WHEN 'Starter' THEN 19.0 WHEN 'Growth' THEN 49.0 ELSE 89.0 END
               * CASE iv WHEN 'year' THEN 10 WHEN 'quarter' THEN 3 ELSE 1 END,
            CASE WHEN {_h("i", 11, 20)} = 0 THEN 'EUR' ELSE 'USD' END, iv, 1,
            1 + {_h("i", 12, 120)}, [0.0, 0.0, 0.1, 0.2][1 + {_h("i", 13, 4)}],
            CASE WHEN {_h("i", 14, 40)} = 0 THEN 'trialing' WHEN ch IS NULL THEN 'active' ELSE 'canceled' END,
            cr - to_seconds({_h("i", 15, 30 * 86_400)}), ch, CASE WHEN ch IS NOT NULL THEN 'price' END, 1, 'bench'
          FROM (SELECT i, ac.account_id a, ac.plan p, ac.created_at cr, ac.churned_at ch,
                       ['month', 'month', 'month', 'year', 'year', 'quarter'][1 + {_h("i", 10, 6)}] iv
                FROM range({n_acc + n_acc // 5}) t(i) JOIN accounts ac ON ac.account_id = 'A' || (i % {n_acc}))""",
        # tickets: first reply after minutes to a day, 8 % reopened, handle time 3–90 min
        f"""INSERT INTO tickets SELECT 'T' || i, a, 'u' || {_h("i", 21, 9)} || '@' || a || '.example', NULL, a,
            ['email', 'chat', 'phone', 'web'][1 + {_h("i", 22, 4)}], c,
            CASE WHEN fr IS NOT NULL THEN c + to_seconds(CAST(fr * 60 AS BIGINT)) END, fr,
            CASE WHEN {_h("i", 24, 20)} > 0 THEN c + to_seconds(3600 + {_h("i", 25, 5 * 86_400)}) END,
            CASE WHEN {_h("i", 24, 20)} > 0 THEN 'solved' ELSE 'open' END,
            CASE WHEN {_h("i", 26, 100)} < 8 THEN 1 + {_h("i", 27, 3)} ELSE 0 END,
            1 + {_h("i", 28, 6)}, 3 + {_h("i", 29, 8700)} / 100.0, NULL,
            'Subject ' || {_h("i", 30, 50)}, 'Agent ' || {_h("i", 31, 40)}, 1, 'bench'
          FROM (SELECT i, {acc("i")} a, {at("i", 20)} c,
                       CASE WHEN {_h("i", 23, 50)} > 0 THEN {_h("i", 32, 144_000)} / 100.0 END fr
                FROM range({tickets}) t(i))""",
        # survey answers: CSAT 55 %, CES 20 %, NPS 20 %, ESAT 5 %, each on its scale
        f"""INSERT INTO responses SELECT 'R' || i, a, NULL, NULL, a,
            CASE k WHEN 'csat' THEN 'Post-ticket CSAT' WHEN 'ces' THEN 'Support effort (CES)'
                   WHEN 'nps' THEN 'Relationship NPS' ELSE 'Quarterly employee pulse' END,
            k, lo + {_h("i", 41, 1000)} % (hi - lo + 1), lo, hi, false, {at("i", 42)}, NULL, NULL,
            ['email', 'chat', 'phone', 'web'][1 + {_h("i", 43, 4)}], 'T' || {_h("i", 44, tickets)}, 1, 'bench'
          FROM (SELECT i, {acc("i")} a, k,
                       CASE k WHEN 'nps' THEN 0 ELSE 1 END lo,
                       CASE k WHEN 'ces' THEN 7 WHEN 'nps' THEN 10 ELSE 5 END hi
                FROM (SELECT i, CASE WHEN {_h("i", 40, 100)} < 55 THEN 'csat' WHEN {_h("i", 40, 100)} < 75 THEN 'ces'
                                     WHEN {_h("i", 40, 100)} < 95 THEN 'nps' ELSE 'esat' END k
                      FROM range({n_resp}) t(i)))""",
        # renewals: one a year per account, due inside the window
        f"""INSERT INTO renewals SELECT 'N' || i, 'A' || (i % {n_acc}), NULL, NULL, 'A' || (i % {n_acc}),
            DATE '{START}' + CAST({_h("i", 51, 730)} AS INTEGER),
            ['renewed', 'renewed', 'renewed', 'renewed', 'churned', 'open'][1 + {_h("i", 52, 6)}],
            1000.0 + {_h("i", 53, 50000)}, 'USD', 1, 'bench' FROM range({2 * n_acc}) t(i)""",
        f"""INSERT INTO costs SELECT 'K' || m || '-' || k, DATE '{START}' + INTERVAL (m) MONTH,
            ['CSM salaries', 'Customer marketing', 'Success tooling', 'Onboarding services'][k + 1],
            {n_acc} * (2.0 + k), 'USD', 1, 'bench' FROM range(24) a(m), range(4) b(k)""",
    ]


def hand_scorecard(start: str, end: str) -> str:
    """One DuckDB statement computing the scorecard's aggregates by hand: each table scanned once."""
    s, e = f"TIMESTAMP '{start}'", f"TIMESTAMP '{end}'"
    return f"""
    WITH t AS (SELECT
        count(*) FILTER (WHERE created_at >= {s} AND created_at < {e}) created,
        median(first_reply_minutes) FILTER (WHERE created_at >= {s} AND created_at < {e}) frt,
        avg(handle_minutes) FILTER (WHERE solved_at >= {s} AND solved_at < {e}) aht,
        count(*) FILTER (WHERE solved_at >= {s} AND solved_at < {e}) solved,
        count(*) FILTER (WHERE solved_at >= {s} AND solved_at < {e} AND reopens > 0) reopened,
        count(*) FILTER (WHERE solved_at >= {s} AND solved_at < {e} AND reopens = 0 AND agent_replies <= 1) fcr
      FROM tickets),
    r AS (SELECT
        count(*) FILTER (WHERE kind = 'csat' AND score >= scale_max - 1) csat_top, count(*) FILTER (WHERE kind = 'csat') csat_n,
        count(*) FILTER (WHERE kind = 'ces' AND score >= 5) ces_top, count(*) FILTER (WHERE kind = 'ces') ces_n,
        count(*) FILTER (WHERE kind = 'nps' AND score >= 9) prom, count(*) FILTER (WHERE kind = 'nps' AND score <= 6) det,
        count(*) FILTER (WHERE kind = 'nps') nps_n,
        count(*) FILTER (WHERE kind = 'esat' AND score >= 4) esat_top, count(*) FILTER (WHERE kind = 'esat') esat_n
      FROM responses WHERE submitted_at >= {s} AND submitted_at < {e}),
    su AS (SELECT
        count(DISTINCT linked_account_id) FILTER (WHERE started_at <= {s} AND (ended_at IS NULL OR ended_at > {s})) active_start,
        count(DISTINCT linked_account_id) FILTER (WHERE started_at <= {e} AND (ended_at IS NULL OR ended_at > {e})) active_end,
        sum(CASE WHEN status = 'trialing' THEN 0 ELSE amount * quantity * (1 - discount)
                 / CASE interval WHEN 'year' THEN 12 WHEN 'quarter' THEN 3 ELSE 1 END END)
            FILTER (WHERE currency = 'USD' AND started_at <= {e} AND (ended_at IS NULL OR ended_at > {e})) mrr
      FROM subscriptions),
    n AS (SELECT count(*) FILTER (WHERE outcome = 'renewed') renewed, count(*) FILTER (WHERE outcome IN ('renewed', 'churned')) due
      FROM renewals WHERE due_date >= DATE '{start[:10]}' AND due_date < DATE '{end[:10]}'),
    k AS (SELECT sum(amount) cost FROM costs WHERE date >= DATE '{start[:10]}' AND date < DATE '{end[:10]}')
    SELECT * FROM t, r, su, n, k"""


HAND_WEEKLY = f"""
    SELECT date_trunc('week', submitted_at) wk, count(*) FILTER (WHERE score >= scale_max - 1) top, count(*) n
    FROM responses WHERE kind = 'csat' AND submitted_at >= TIMESTAMP '{START}' AND submitted_at < TIMESTAMP '{END + dt.timedelta(days=1)}'
    GROUP BY 1 ORDER BY 1"""


def best_of(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The fastest of `repeat` runs: (wall seconds, CPU seconds of this process)."""
    times = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(times)


def build(url: str, tickets: int) -> float:
    engine = make_engine(url)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for stmt in build_sql(tickets):
            conn.exec_driver_sql(stmt)
    with engine.connect() as conn:
        conn.exec_driver_sql("CHECKPOINT")
    return time.perf_counter() - t0


def _kw(rollups: bool) -> dict[str, bool]:
    """`rollups=True` for the library calls when asked (a library from before the rollups takes none)."""
    return {"rollups": True} if rollups else {}


def measure(
    url: str, repeat: int, rollups: bool = False
) -> list[tuple[str, tuple[float, float], tuple[float, float]]]:
    engine = make_engine(url)
    kw = _kw(rollups)

    def hand(sql: str) -> Callable[[], object]:
        def run() -> object:
            with engine.connect() as conn:
                return conn.exec_driver_sql(sql).all()

        return run

    end_excl = lambda p: f"{p.end + dt.timedelta(days=1)} 00:00:00"  # noqa: E731
    rows = []
    for name, p in (("scorecard, a month", MONTH), ("scorecard, a year", YEAR)):
        ours = best_of(lambda p=p: scorecard(engine, p, **kw), repeat)
        theirs = best_of(hand(hand_scorecard(f"{p.start} 00:00:00", end_excl(p))), repeat)
        rows.append((name, ours, theirs))
    both_hand = [hand(hand_scorecard(f"{p.start} 00:00:00", end_excl(p))) for p in (MONTH, PREVIOUS)]
    rows.append(
        (
            "scorecard, a month + its previous month",
            best_of(lambda: _with_comparison(engine, **kw), repeat),
            best_of(lambda: [run() for run in both_hand], repeat),
        )
    )
    ours = best_of(lambda: trend(engine, "csat", START, END, by="week", **kw), repeat)
    rows.append(("weekly CSAT trend, two years (105 weeks)", ours, best_of(hand(HAND_WEEKLY), repeat)))
    return rows


def _with_comparison(engine: object, **kw: bool) -> object:
    """A view and its comparison period: one call where the library has `scorecards`, else two."""
    if hasattr(metrics, "scorecards"):
        return metrics.scorecards(engine, [MONTH, PREVIOUS], **kw)
    return [scorecard(engine, MONTH), scorecard(engine, PREVIOUS)]


SPARK_FROM = dt.date(2025, 11, 1)  # the sparklines: the twelve months ending with the view's month
ALONE = ("churn_rate", "clv", "mrr", "crc", "renewal_rate", "frt")


def measure_trends(url: str, repeat: int, rollups: bool = False) -> list[tuple[str, tuple[float, float]]]:
    """The sparklines of all 13 metrics, then the trends this issue rewrote one by one (12 months each)."""
    engine = make_engine(url)
    keys = list(REGISTRY)
    kw = _kw(rollups)

    def sparklines() -> object:
        if hasattr(metrics, "trends"):
            return metrics.trends(engine, keys, SPARK_FROM, END, **kw)
        return [trend(engine, k, SPARK_FROM, END) for k in keys]

    rows = [("sparklines: 13 metrics × 12 months", best_of(sparklines, repeat))]
    for key in ALONE:
        rows.append(
            (
                f"{key} trend, 12 months",
                best_of(lambda k=key: trend(engine, k, SPARK_FROM, END, **kw), repeat),
            )
        )
    return rows


def copy_to_postgres(duck_url: str) -> tuple[str, object]:
    """A fresh PostgreSQL server holding the DuckDB store's canonical tables (CSV through COPY)."""
    from cxkpi.store.schema import CANONICAL, loads
    from tests.pgserver import PgServer

    server = PgServer()
    pg_url = server.start().rsplit("/", 1)[0] + "/postgres"
    pg = make_engine(pg_url)
    duck = make_engine(duck_url)
    with tempfile.TemporaryDirectory() as tmp:
        for table in [loads.name, *CANONICAL]:
            csv_path = Path(tmp) / f"{table}.csv"
            with duck.connect() as conn:
                conn.exec_driver_sql(f"COPY {table} TO '{csv_path}' (FORMAT csv, HEADER false)")
            raw = pg.raw_connection()
            try:
                with (
                    raw.driver_connection.cursor() as cur,
                    open(csv_path, "rb") as f,
                    cur.copy(f"COPY {table} FROM STDIN WITH (FORMAT csv)") as cp,
                ):
                    while chunk := f.read(1 << 20):
                        cp.write(chunk)
                raw.driver_connection.commit()
            finally:
                raw.close()
    with pg.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return pg_url, server


def measure_cxkpi(url: str, repeat: int, rollups: bool = False) -> list[tuple[str, tuple[float, float]]]:
    """cxkpi alone (for PostgreSQL, where the DuckDB hand query does not run)."""
    engine = make_engine(url)
    kw = _kw(rollups)
    rows = [build_rollups(engine)] if rollups else []
    return rows + [
        ("scorecard, a month", best_of(lambda: scorecard(engine, MONTH, **kw), repeat)),
        ("scorecard, a year", best_of(lambda: scorecard(engine, YEAR, **kw), repeat)),
        (
            "weekly CSAT trend, two years (105 weeks)",
            best_of(lambda: trend(engine, "csat", START, END, by="week", **kw), repeat),
        ),
    ]


def build_rollups(engine: object) -> tuple[str, tuple[float, float]]:
    """The daily rollups built from nothing (what the first view after a load pays once), timed."""
    from cxkpi.metrics.rollups import ensure
    from cxkpi.store.schema import ROLLUPS

    with engine.begin() as conn:  # type: ignore[attr-defined]
        for table in ROLLUPS:
            conn.execute(table.delete())
    t0, c0 = time.perf_counter(), time.process_time()
    assert ensure(engine, "UTC", metrics.Filters()) is not None  # type: ignore[arg-type]
    return "daily rollups built (once per data version)", (time.perf_counter() - t0, time.process_time() - c0)


def machine() -> str:
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores (shared), {mem:.0f} GiB, Python {platform.python_version()}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--tickets", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--store", help="a DuckDB file to build (kept) or reuse; default: a temporary one")
    ap.add_argument(
        "--postgres", action="store_true", help="also time cxkpi on PostgreSQL (same store, copied)"
    )
    ap.add_argument(
        "--library", help="a directory holding the cxkpi package to time (default: this checkout)"
    )
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    path = Path(args.store) if args.store else Path(tmp.name) / "bench.duckdb"
    url = f"duckdb:///{path}"
    if not path.exists():
        secs = build(url, args.tickets)
        print(
            f"built {args.tickets:,} tickets, {args.tickets // 5:,} answers, {args.tickets // 50:,} accounts in {secs:.1f} s"
        )
    print(machine(), flush=True)
    print(
        f"{'case':45} {'cxkpi s':>9} {'hand s':>9} {'ratio':>7} {'cxkpi cpu':>10} {'hand cpu':>9} {'ratio':>7}"
    )
    for name, (ours, ours_cpu), (theirs, theirs_cpu) in measure(url, args.repeat):
        print(
            f"{name:45} {ours:9.3f} {theirs:9.3f} {ours / theirs:7.1f}"
            f" {ours_cpu:10.3f} {theirs_cpu:9.3f} {ours_cpu / max(theirs_cpu, 1e-3):7.1f}",
            flush=True,
        )
    print(f"{'case, no hand query':45} {'cxkpi s':>9} {'cxkpi cpu':>10}")
    for name, (wall, cpu) in measure_trends(url, args.repeat):
        print(f"{name:45} {wall:9.3f} {cpu:10.3f}", flush=True)
    if "rollups" in inspect.signature(scorecard).parameters:
        # the app's reading: the same figures from the daily rollups, built once per data version
        name, (wall, cpu) = build_rollups(make_engine(url))
        print(f"{name:45} {wall:9.3f} {cpu:10.3f}", flush=True)
        print(
            f"{'case, daily rollups (the app)':45} {'cxkpi s':>9} {'hand s':>9} {'ratio':>7} {'cxkpi cpu':>10} {'hand cpu':>9} {'ratio':>7}"
        )
        for name, (ours, ours_cpu), (theirs, theirs_cpu) in measure(url, args.repeat, rollups=True):
            print(
                f"{name:45} {ours:9.3f} {theirs:9.3f} {ours / theirs:7.1f}"
                f" {ours_cpu:10.3f} {theirs_cpu:9.3f} {ours_cpu / max(theirs_cpu, 1e-3):7.1f}",
                flush=True,
            )
        for name, (wall, cpu) in measure_trends(url, args.repeat, rollups=True):
            print(f"{name + ', rollups':45} {wall:9.3f} {cpu:10.3f}", flush=True)
    if args.postgres:
        pg_url, server = copy_to_postgres(url)
        try:
            print(f"{'case, PostgreSQL':45} {'cxkpi s':>9} {'cxkpi cpu':>10}")
            for rollups in (False, True):
                for name, (wall, cpu) in measure_cxkpi(pg_url, args.repeat, rollups):
                    name += ", rollups" if rollups else ""
                    print(
                        f"{name:45} {wall:9.3f} {cpu:10.3f}  (CPU of this process only: the server's is not counted)",
                        flush=True,
                    )
        finally:
            server.stop()  # type: ignore[attr-defined]
    tmp.cleanup()


if __name__ == "__main__":
    main()
