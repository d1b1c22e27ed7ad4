"""The demo workspace: deterministic, loads fast on both backends, replaces itself, clears cleanly, tells its story.

Also the bulk insert it rides on (cxkpi.store.bulk), on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.demo import (
    COST_CATEGORIES,
    DEMO_SYSTEM,
    DEMO_TABLES,
    N_ACCOUNTS,
    build_demo,
    clear_demo,
    default_end_month,
    is_demo_loaded,
    load_demo,
)
from cxkpi.store import make_engine, record_load, row_counts
from cxkpi.store.bulk import bulk_insert
from cxkpi.store.schema import CANONICAL, loads, tickets

END = dt.date(2025, 12, 1)

# The id column and the numeric columns summed in each table's checksum.
CHECKED = {
    "accounts": ("account_id", ()),
    "subscriptions": ("subscription_id", ("amount", "quantity", "discount")),
    "renewals": ("renewal_id", ("amount",)),
    "tickets": ("ticket_id", ("first_reply_minutes", "reopens", "agent_replies", "handle_minutes")),
    "responses": ("response_id", ("score", "scale_max")),
    "costs": ("cost_id", ("amount",)),
}


def checksums(engine: sa.Engine) -> dict[str, tuple]:
    """Per table: row count, sums of a few numeric columns, and an md5 of every id in order (in SQL)."""
    out: dict[str, tuple] = {}
    with engine.connect() as conn:
        for table, (key, nums) in CHECKED.items():
            sums = "".join(f", sum({c})" for c in nums)
            row = conn.execute(
                sa.text(f"SELECT count(*){sums}, md5(string_agg({key}, ',' ORDER BY {key})) FROM {table}")
            ).one()
            out[table] = tuple(round(float(v), 6) if isinstance(v, float) else v for v in row)
    return out


def portable_checksums(engine: sa.Engine) -> dict[str, tuple]:
    """Comparable across backends: ids sorted in Python (PostgreSQL's collation may order text differently)."""
    out: dict[str, tuple] = {}
    with engine.connect() as conn:
        for table, (key, nums) in CHECKED.items():
            ids = sorted(conn.execute(sa.text(f"SELECT {key} FROM {table}")).scalars())
            sums = [
                float(conn.execute(sa.text(f"SELECT coalesce(sum({c}), 0) FROM {table}")).scalar()) for c in nums
            ]
            out[table] = (len(ids), hashlib.md5(",".join(ids).encode()).hexdigest(), *sums)
    return out


def _counts(url: str) -> dict[str, int]:
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return {k: v for k, v in row_counts(conn).items() if k in DEMO_TABLES}
    finally:
        eng.dispose()


# ---------------------------------------------------------------- bulk insert


def test_bulk_insert_round_trips_types_and_leaves_missing_columns_null(engine: sa.Engine) -> None:
    df = pd.DataFrame(
        {
            # deliberately not in table order
            "channel": ["email", None],
            "ticket_id": ["T1", "T2"],
            "created_at": pd.to_datetime(["2025-01-02 03:04:05", "2025-01-03 10:00:00"]),
            # time-zone-aware: stored as naive UTC (12:00+02:00 -> 10:00)
            "solved_at": pd.to_datetime(["2025-01-02T12:00:00+02:00", None], utc=True),
            "reopens": [2.0, float("nan")],  # whole numbers that arrived as floats because of the NaN
            "first_reply_minutes": [1.5, float("nan")],
            "load_id": [99, 99],
            "system": ["unit", "unit"],
        }
    )
    with engine.begin() as conn:
        assert bulk_insert(conn, tickets, df) == 2
    with engine.connect() as conn:
        rows = conn.execute(sa.select(tickets).order_by(tickets.c.ticket_id)).mappings().all()
    assert [r["ticket_id"] for r in rows] == ["T1", "T2"]
    t1, t2 = rows
    assert t1["channel"] == "email" and t2["channel"] is None
    assert t1["created_at"] == dt.datetime(2025, 1, 2, 3, 4, 5)
    assert t1["solved_at"] == dt.datetime(2025, 1, 2, 10, 0, 0) and t2["solved_at"] is None
    assert t1["reopens"] == 2 and t2["reopens"] is None
    assert t1["first_reply_minutes"] == 1.5 and t2["first_reply_minutes"] is None
    # columns the frame did not have are NULL
    assert t1["agent"] is None and t1["account_id"] is None and t1["linked_account_id"] is None
    assert t1["load_id"] == 99 and t1["system"] == "unit"


def test_bulk_insert_rejects_unknown_columns_and_accepts_empty_frames(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        with pytest.raises(ValueError, match="no_such"):
            bulk_insert(conn, tickets, pd.DataFrame({"ticket_id": ["x"], "no_such": [1]}))
        assert bulk_insert(conn, tickets, pd.DataFrame({"ticket_id": []})) == 0


def test_bulk_insert_dates_and_booleans(engine: sa.Engine) -> None:
    costs, responses = CANONICAL["costs"], CANONICAL["responses"]
    with engine.begin() as conn:
        bulk_insert(conn, costs, pd.DataFrame(
            {"cost_id": ["c1"], "date": [dt.date(2025, 2, 28)], "amount": [10.25], "load_id": [1], "system": ["u"]}
        ))
        bulk_insert(conn, responses, pd.DataFrame(
            {"response_id": ["r1", "r2"], "reversed": [True, None], "score": [3, 4], "load_id": 1, "system": "u"}
        ))
    with engine.connect() as conn:
        assert conn.execute(sa.select(costs.c.date, costs.c.amount)).one() == (dt.date(2025, 2, 28), 10.25)
        got = conn.execute(sa.select(responses.c.reversed, responses.c.score).order_by(responses.c.response_id)).all()
    assert [tuple(r) for r in got] == [(True, 3.0), (None, 4.0)]


def test_bulk_insert_30000_demo_tickets(engine: sa.Engine) -> None:
    df = build_demo(END)["tickets"]
    df = df.assign(load_id=1, system="bench")
    assert len(df) == 29_650  # seed 7, end month Dec 2025: the same rows on every run
    with engine.begin() as conn:
        n = bulk_insert(conn, tickets, df)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(tickets)).scalar() == n == len(df)
    # speed is measured in bench/run.py, not asserted here


# ---------------------------------------------------------------- determinism


def test_default_end_month_is_the_last_full_month() -> None:
    assert default_end_month(dt.date(2026, 11, 23)) == dt.date(2026, 10, 1)
    assert default_end_month(dt.date(2026, 1, 1)) == dt.date(2025, 12, 1)


def test_generated_rows_are_byte_identical_for_the_same_end_month() -> None:
    def digest(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
        return {k: hashlib.sha256(v.to_csv(index=False).encode()).hexdigest() for k, v in tables.items()}

    first, second = digest(build_demo(END)), digest(build_demo(END))
    assert first == second
    assert digest(build_demo(END, seed=8)) != first  # the seed matters
    assert digest(build_demo(dt.date(2025, 11, 1))) != first  # and the end month


def test_two_fresh_stores_get_identical_demo(tmp_path: Path) -> None:
    engines = [make_engine(f"duckdb:///{tmp_path / f'store{i}.duckdb'}") for i in (1, 2)]
    try:
        counts = [load_demo(e, END) for e in engines]
        assert counts[0] == counts[1]
        sums = [checksums(e) for e in engines]
        assert sums[0] == sums[1]
        assert {k: v[0] for k, v in sums[0].items()} == counts[0]
    finally:
        for e in engines:
            e.dispose()


# ---------------------------------------------------------------- the command


def test_cli_demo_on_duckdb_file_then_reopened(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"duckdb:///{tmp_path / 'demo-check.duckdb'}"
    assert main(["demo", "--db", url, "--end", "2025-12"]) == 0
    out = capsys.readouterr().out
    assert "2024-01 to 2025-12" in out
    reopened = _counts(url)  # a brand-new engine on the file the command wrote and closed
    for name, n in reopened.items():
        assert f"{name}" in out and f"{n:,}" in out
    assert 350 <= reopened["accounts"] <= 450
    assert 27_000 <= reopened["tickets"] <= 33_000

    # Loading again replaces the demo instead of doubling it.
    assert main(["demo", "--db", url, "--end", "2025-12"]) == 0
    assert "Replaced" in capsys.readouterr().out
    assert _counts(url) == reopened
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            status = conn.execute(sa.select(loads.c.status, sa.func.count()).group_by(loads.c.status)).all()
        assert dict(status) == {"active": len(DEMO_TABLES), "removed": len(DEMO_TABLES)}
    finally:
        eng.dispose()


def test_cli_demo_rejects_a_bad_end_month(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", f"duckdb:///{tmp_path / 'x.duckdb'}", "--end", "12/2025"]) == 2
    assert "YYYY-MM" in capsys.readouterr().out


@pytest.mark.postgres
def test_cli_demo_on_postgres_matches_duckdb(pg_url: str, tmp_path: Path) -> None:
    assert main(["demo", "--db", pg_url, "--end", "2025-12"]) == 0
    duck_url = f"duckdb:///{tmp_path / 'ref.duckdb'}"
    assert main(["demo", "--db", duck_url, "--end", "2025-12"]) == 0
    assert _counts(pg_url) == _counts(duck_url)
    pg, duck = make_engine(pg_url), make_engine(duck_url)
    try:
        a, b = portable_checksums(pg), portable_checksums(duck)
        for table in CHECKED:
            assert a[table][:2] == b[table][:2], table  # counts and ids
            assert all(math.isclose(x, y, rel_tol=1e-9) for x, y in zip(a[table][2:], b[table][2:], strict=True))
    finally:
        pg.dispose()
        duck.dispose()


# ---------------------------------------------------------------- clearing


def test_clear_demo_keeps_what_a_user_loaded(engine: sa.Engine) -> None:
    load_demo(engine, END)
    assert is_demo_loaded(engine)
    with engine.begin() as conn:
        user_load = record_load(
            conn, file_name="zendesk.csv", sha256="0" * 64, source="zendesk_tickets", table_name="tickets", rows=1
        )
        bulk_insert(conn, tickets, pd.DataFrame(
            {"ticket_id": ["Z-1"], "channel": ["email"], "load_id": [user_load], "system": ["zendesk"],
             "created_at": [dt.datetime(2025, 6, 1, 9, 0)]}
        ))
    clear_demo(engine)
    assert not is_demo_loaded(engine)
    with engine.connect() as conn:
        counts = row_counts(conn)
        remaining = conn.execute(sa.select(tickets.c.ticket_id, tickets.c.system, tickets.c.load_id)).all()
        statuses = conn.execute(sa.select(loads.c.is_demo, loads.c.status).order_by(loads.c.load_id)).all()
        demo_rows = sum(
            conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.system == DEMO_SYSTEM)).scalar()
            for t in CANONICAL.values()
        )
    assert [tuple(r) for r in remaining] == [("Z-1", "zendesk", user_load)]
    assert demo_rows == 0
    assert counts["accounts"] == 0 and counts["tickets"] == 1
    # six demo loads, now removed; the user's load still active
    assert [tuple(s) for s in statuses] == [(True, "removed")] * len(DEMO_TABLES) + [(False, "active")]
    clear_demo(engine)  # clearing again is harmless
    with engine.connect() as conn:
        assert row_counts(conn)["tickets"] == 1


# ---------------------------------------------------------------- the story


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    eng = make_engine(f"duckdb:///{tmp_path_factory.mktemp('story') / 'story.duckdb'}")
    load_demo(eng, END)
    yield eng
    eng.dispose()


def test_sizes_and_shape(story: sa.Engine) -> None:
    with story.connect() as conn:
        q = lambda sql: conn.execute(sa.text(sql)).all()  # noqa: E731
        assert q("SELECT count(*) FROM accounts")[0][0] == N_ACCOUNTS == 400
        assert q("SELECT count(*) FROM tickets")[0][0] == 29_650  # seed 7, end month Dec 2025 (deterministic)
        assert {r[0] for r in q("SELECT DISTINCT segment FROM accounts")} == {"SMB", "Mid-market", "Enterprise"}
        assert {r[0] for r in q("SELECT DISTINCT region FROM accounts")} == {"NA", "EMEA", "APAC", "LATAM"}
        assert {r[0] for r in q("SELECT DISTINCT channel FROM tickets")} == {"email", "chat", "phone", "web"}
        assert {r[0] for r in q("SELECT DISTINCT interval FROM subscriptions")} == {"month", "quarter", "year"}
        assert {r[0] for r in q("SELECT DISTINCT outcome FROM renewals")} == {"renewed", "churned", "open"}
        kinds = dict(q("SELECT kind, count(*) FROM responses GROUP BY kind"))
        assert set(kinds) == {"csat", "ces", "nps", "esat"}
        assert q("SELECT min(scale_min), max(scale_max) FROM responses WHERE kind = 'nps'")[0] == (0.0, 10.0)
        assert q("SELECT count(*) FROM responses WHERE kind = 'esat' AND (account_id IS NOT NULL "
                 "OR respondent IS NULL)")[0][0] == 0
        assert {r[0] for r in q("SELECT DISTINCT category FROM costs")} == set(COST_CATEGORIES)  # all 4
        # every row is bookkept as the demo's
        for t in DEMO_TABLES:
            assert q(f"SELECT count(*) FROM {t} WHERE system <> 'demo' OR load_id IS NULL")[0][0] == 0
        # the window: 2024-01-01 up to (not including) 2026-01-01
        lo, hi = q("SELECT min(created_at), max(created_at) FROM tickets")[0]
        assert (lo, hi) == (dt.datetime(2024, 1, 1, 0, 30, 5), dt.datetime(2025, 12, 31, 23, 50, 10))
        # chat answers in minutes, e-mail in hours (medians)
        med = dict(q("SELECT channel, median(first_reply_minutes) FROM tickets GROUP BY channel"))
        assert med["chat"] < 10 and 60 < med["email"] < 24 * 60
        # upgrades modelled as one subscription ending the instant the next starts
        assert q("SELECT count(*) FROM subscriptions a JOIN subscriptions b ON a.account_id = b.account_id "
                 "AND a.ended_at = b.started_at AND a.amount > 0")[0][0] == 95
        # reactivations: a new subscription after a gap of at least 30 days
        assert q("SELECT count(*) FROM subscriptions a JOIN subscriptions b ON a.account_id = b.account_id "
                 "AND b.started_at >= a.ended_at + INTERVAL 30 DAY")[0][0] == 34
        assert q("SELECT count(*) FROM subscriptions WHERE amount = 0")[0][0] == 68  # 14-day trials
        # churned accounts have a reason, others none
        assert q("SELECT count(*) FROM accounts WHERE (churned_at IS NULL) <> (churn_reason IS NULL)")[0][0] == 0
        # every ticket links to its account
        assert q("SELECT count(*) FROM tickets t LEFT JOIN accounts a ON a.account_id = t.linked_account_id "
                 "WHERE a.account_id IS NULL")[0][0] == 0


def test_csat_crosses_80_then_dips_in_the_incident_quarter(story: sa.Engine) -> None:
    with story.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT date_trunc('quarter', submitted_at) AS q, "
            "100.0 * sum(CASE WHEN score >= 4 THEN 1 ELSE 0 END) / count(*) AS share, count(*) AS n "
            "FROM responses WHERE kind = 'csat' GROUP BY 1 ORDER BY 1"
        )).all()
    quarters = [r[0].date() for r in rows]
    share = [r[1] for r in rows]
    assert len(quarters) == 8
    assert [r[2] for r in rows] == [837, 813, 846, 805, 927, 873, 1055, 1119]  # answers per quarter (seed 7)
    assert share[0] < 80  # starts below the line
    crossed = next(i for i, s in enumerate(share) if s >= 80)
    dips = [i for i in range(crossed + 1, len(share)) if share[i] < 80]
    assert dips, share
    # the incident quarter: the calendar quarter holding 2025-04 (eight months before 2025-12)
    assert [quarters[i] for i in dips] == [dt.date(2025, 4, 1)], share
    assert share[-1] >= 80  # and it recovers


def test_accounts_with_reopened_tickets_churn_more_and_score_lower(story: sa.Engine) -> None:
    with story.connect() as conn:
        churn = conn.execute(sa.text(
            "WITH r AS (SELECT linked_account_id AS a, max(CASE WHEN reopens > 0 THEN 1 ELSE 0 END) AS reopened "
            "           FROM tickets GROUP BY 1) "
            "SELECT coalesce(r.reopened, 0) AS reopened, count(*) AS accounts, "
            "       sum(CASE WHEN ac.churned_at IS NOT NULL THEN 1 ELSE 0 END) AS churned "
            "FROM accounts ac LEFT JOIN r ON r.a = ac.account_id GROUP BY 1 ORDER BY 1"
        )).all()
        csat = dict(conn.execute(sa.text(
            "SELECT t.reopens > 0, avg(CASE WHEN r.score >= 4 THEN 1.0 ELSE 0.0 END) "
            "FROM responses r JOIN tickets t ON t.ticket_id = r.ticket_id WHERE r.kind = 'csat' GROUP BY 1"
        )).all())
        nps = dict(conn.execute(sa.text(
            "WITH r AS (SELECT linked_account_id AS a, max(CASE WHEN reopens > 0 THEN 1 ELSE 0 END) AS reopened "
            "           FROM tickets GROUP BY 1) "
            "SELECT coalesce(r.reopened, 0), "
            "       100.0 * (avg(CASE WHEN s.score >= 9 THEN 1.0 ELSE 0 END) - avg(CASE WHEN s.score <= 6 THEN 1.0 ELSE 0 END)) "
            "FROM responses s LEFT JOIN r ON r.a = s.linked_account_id WHERE s.kind = 'nps' GROUP BY 1"
        )).all())
        overall_nps = conn.execute(sa.text(
            "SELECT 100.0 * (avg(CASE WHEN score >= 9 THEN 1.0 ELSE 0 END) - avg(CASE WHEN score <= 6 THEN 1.0 ELSE 0 END)) "
            "FROM responses WHERE kind = 'nps'"
        )).scalar()
    (_, n_clean, ch_clean), (_, n_reopen, ch_reopen) = churn
    assert (n_clean, n_reopen) == (217, 183)  # 217 + 183 = 400 accounts (seed 7)
    assert (ch_clean, ch_reopen) == (39, 65)  # 39 / 217 = 18.0 % vs 65 / 183 = 35.5 % churned
    share_clean, share_reopen = ch_clean / n_clean, ch_reopen / n_reopen
    assert share_reopen > 1.5 * share_clean, (share_reopen, share_clean)
    assert csat[True] < csat[False] - 0.1, csat
    assert nps[1] < nps[0] - 10, nps
    # 1,819 promoters and 711 detractors of 4,140 answers: 100 × (1819 − 711) / 4140 = 26.76…
    assert overall_nps == pytest.approx(100 * (1819 - 711) / 4140)
