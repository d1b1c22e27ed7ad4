"""Write mapped rows into the store: one transaction per file, upsert by natural key, history kept.

Before a row is overwritten its old version is copied to ``<table>_history`` with replaced_by_load = the
new load, so removing that load restores it. A re-sent identical row is counted as unchanged; it still
passes to the newer load (the old version goes to history as well), so that removing either of two
overlapping exports leaves the rows the other one carries.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cxkpi.store.bulk import bulk_insert
from cxkpi.store.engine import checkpoint
from cxkpi.store.link import relink
from cxkpi.store.loads import next_load_id, record_load
from cxkpi.store.schema import CANONICAL, HISTORY, NATURAL_KEYS, REMOVED, loads

COMPARE_SKIP = ("load_id", "linked_account_id")


class RepeatedKeys(Exception):
    """The same key twice in one file, found when the file is loaded in chunks."""

    def __init__(self, table: str, count: int, keys: list[str]) -> None:
        super().__init__(
            f"{count} row(s) repeat a {table} key written earlier in the same file: {', '.join(keys)}"
        )
        self.table, self.count, self.keys = table, count, keys


@dataclass
class TableCounts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def rows(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass
class LoadResult:
    load_id: int | None
    already_loaded: bool
    counts: dict[str, TableCounts] = field(default_factory=dict)
    seconds: float = 0.0
    previous_load_id: int | None = None


def active_load_with(conn: sa.Connection, sha256: str) -> int | None:
    return conn.execute(
        sa.select(sa.func.min(loads.c.load_id)).where(loads.c.sha256 == sha256, loads.c.status == "active")
    ).scalar()


def store_frame(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """The exact values a row will have in the store (types as the schema), for inserting and comparing."""
    t = CANONICAL[table]
    out: dict[str, pd.Series] = {}
    for c in t.columns:
        if c.name not in df.columns:
            out[c.name] = pd.Series([None] * len(df), index=df.index, dtype=object)
            continue
        s = df[c.name]
        typ = c.type
        if isinstance(typ, sa.Integer):
            out[c.name] = pd.to_numeric(s, errors="coerce").round().astype("Int64")
        elif isinstance(typ, sa.Float):
            out[c.name] = pd.to_numeric(s, errors="coerce").astype("float64")
        elif isinstance(typ, sa.Boolean):
            out[c.name] = s.astype("boolean")
        elif isinstance(typ, sa.DateTime):
            ts = pd.to_datetime(s, errors="coerce")
            if getattr(ts.dt, "tz", None) is not None:
                ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
            out[c.name] = ts.astype("datetime64[us]")
        elif isinstance(typ, sa.Date):
            out[c.name] = pd.to_datetime(s, errors="coerce").astype("datetime64[us]").dt.normalize()
        else:
            # text, None for missing (vectorized: str() per cell was a tenth of the load)
            out[c.name] = s.astype("string").astype(object).where(s.notna(), None)
    return pd.DataFrame(out, index=df.index)


def _same(dialect: str, col: sa.Column, a: str, b: str) -> str:
    """SQL: the stored value equals the incoming one (NULLs equal; floats to 9 decimals, as re-exports
    round-trip through text)."""
    x, y = f'{a}."{col.name}"', f'{b}."{col.name}"'
    if isinstance(col.type, sa.Float):
        if dialect == "postgresql":
            x, y = f"round(CAST({x} AS numeric), 9)", f"round(CAST({y} AS numeric), 9)"
        else:
            x, y = f"round({x}, 9)", f"round({y}, 9)"
    return f"{x} IS NOT DISTINCT FROM {y}"


def write_table(conn: sa.Connection, table: str, rows: pd.DataFrame, load_id: int) -> TableCounts:
    """Upsert `rows` (canonical columns incl. system) into `table` under `load_id`, keeping history.

    The rows go to a staging table first; everything after is set-based SQL joined on the natural key,
    so the cost follows the size of the file, not of the store (no stored key is fetched into Python).
    """
    t = CANONICAL[table]
    new = store_frame(table, rows.assign(load_id=load_id))
    counts = TableCounts()
    if new.empty:
        return counts
    stage = f"_stage_{table}_{uuid.uuid4().hex[:12]}"
    conn.execute(sa.text(f'CREATE TEMPORARY TABLE "{stage}" AS SELECT * FROM "{t.name}" WHERE 1 = 0'))
    try:
        stage_t = sa.Table(stage, sa.MetaData(), *[sa.Column(c.name, c.type) for c in t.columns])
        bulk_insert(conn, stage_t, new)
        counts = upsert_staged(conn, table, stage, load_id, len(new))
    finally:
        conn.execute(sa.text(f'DROP TABLE IF EXISTS "{stage}"'))
    return counts


def upsert_staged(conn: sa.Connection, table: str, stage: str, load_id: int, n_rows: int) -> TableCounts:
    """Upsert the `n_rows` rows of staging table `stage` (the store's columns and types, load_id set) into
    `table`: existing keys matched by a join, their old versions kept in history. Shared by write_table
    and the SQL load of large files (cxkpi.ingest.sqlload), which types its rows in the database."""
    t, h = CANONICAL[table], HISTORY[table]
    dialect = conn.dialect.name
    cols = [c.name for c in t.columns]
    counts = TableCounts()
    on = " AND ".join(f'o."{k}" = s."{k}"' for k in NATURAL_KEYS[table])
    same = " AND ".join(_same(dialect, c, "o", "s") for c in t.columns if c.name not in COMPARE_SKIP)
    matched, unchanged, again = conn.execute(
        sa.text(
            f"SELECT count(*), coalesce(sum(CASE WHEN {same} THEN 1 ELSE 0 END), 0), "
            f"coalesce(sum(CASE WHEN o.load_id = {int(load_id)} THEN 1 ELSE 0 END), 0) "
            f'FROM "{stage}" s JOIN "{t.name}" o ON {on}'
        )
    ).one()
    if again:  # a key this same load already wrote (an earlier chunk of one large file)
        ids = conn.execute(
            sa.text(
                f'SELECT s."{NATURAL_KEYS[table][-1]}" FROM "{stage}" s JOIN "{t.name}" o ON {on} '
                f"WHERE o.load_id = {int(load_id)} LIMIT 5"
            )
        ).scalars()
        raise RepeatedKeys(table, int(again), [str(x) for x in ids])
    counts.added = n_rows - int(matched)
    counts.unchanged = int(unchanged)
    counts.updated = int(matched) - int(unchanged)
    col_sql = ", ".join(f'"{c}"' for c in cols)
    old_sql = ", ".join(f'o."{c}"' for c in cols)
    if matched:
        # Every existing version this load touches goes to history (identical ones too: see module doc).
        conn.execute(
            sa.text(
                f'INSERT INTO "{h.name}" ({col_sql}, replaced_by_load) '
                f"SELECT {old_sql}, :load_id "
                f'FROM "{t.name}" o WHERE EXISTS (SELECT 1 FROM "{stage}" s WHERE {on})'
            ),
            {"load_id": load_id},
        )
        conn.execute(sa.text(f'DELETE FROM "{t.name}" o WHERE EXISTS (SELECT 1 FROM "{stage}" s WHERE {on})'))
    conn.execute(sa.text(f'INSERT INTO "{t.name}" ({col_sql}) SELECT {col_sql} FROM "{stage}"'))
    return counts


def load_tables(
    engine: sa.Engine,
    tables: dict[str, pd.DataFrame] | Iterable[dict[str, pd.DataFrame]],
    *,
    system: str,
    file_name: str,
    sha256: str,
    source: str,
    mapping: dict[str, Any] | None = None,
    warnings: list | None = None,
    is_demo: bool = False,
) -> LoadResult:
    """One transaction: skip a file already loaded (same sha256, active), else write every table, record the
    load, relink accounts. A failure rolls everything back.

    `tables` may also be an iterable of such dicts (the chunks of one large file, read while loading): each
    chunk is upserted as it comes, a key repeated in a later chunk raises RepeatedKeys, and any exception
    the iterable raises rolls the whole file back."""
    chunks = [tables] if isinstance(tables, dict) else tables
    start = time.perf_counter()
    with engine.begin() as conn:
        prev = active_load_with(conn, sha256)
        if prev is not None:
            return LoadResult(None, True, previous_load_id=prev, seconds=time.perf_counter() - start)
        load_id = next_load_id(conn)
        counts: dict[str, TableCounts] = {}
        for chunk in chunks:
            for table, df in chunk.items():
                cols = [
                    c
                    for c in df.columns
                    if c in CANONICAL[table].c and c not in ("load_id", "linked_account_id")
                ]
                rows = df[cols].assign(system=system)
                c = write_table(conn, table, rows, load_id)
                total_c = counts.setdefault(table, TableCounts())
                total_c.added += c.added
                total_c.updated += c.updated
                total_c.unchanged += c.unchanged
        total = sum(c.rows for c in counts.values())
        meta = dict(mapping or {})
        meta["counts"] = {t: vars(c) for t, c in counts.items()}
        record_load(
            conn,
            load_id=load_id,
            file_name=file_name,
            sha256=sha256,
            source=source,
            table_name="+".join(counts) or "-",
            rows=total,
            rows_added=sum(c.added for c in counts.values()),
            rows_updated=sum(c.updated for c in counts.values()),
            is_demo=is_demo,
            mapping=meta,
            warnings=warnings or [],
        )
        # Only the rows this load wrote (and, for an accounts load, rows it can newly link): a 100 k-row
        # load into a 10 M-row store must not rewrite every link.
        relink(conn, load_id, accounts_loaded="accounts" in counts)
    checkpoint(engine)
    return LoadResult(load_id, False, counts, time.perf_counter() - start)


def _key_match(a: sa.Table | sa.Alias, b: sa.Table | sa.Alias, table: str) -> sa.ColumnElement[bool]:
    return sa.and_(*[a.c[k] == b.c[k] for k in NATURAL_KEYS[table]])


def remove_load(engine: sa.Engine, load_id: int) -> dict[str, int]:
    """Undo one load: delete its rows, restore the versions it replaced, keep later loads' rows.

    Chains: when a later load M replaced this load's version of a row, that row stays M's, and the version
    this load had replaced is re-pointed to M, so removing M later restores it. Returns rows removed and
    restored per table.
    """
    summary: dict[str, int] = {}
    with engine.begin() as conn:
        row = conn.execute(sa.select(loads.c.status).where(loads.c.load_id == load_id)).first()
        if row is None:
            raise LookupError(f"no load {load_id}; `cxkpi loads` lists them")
        if row[0] != "active":
            raise LookupError(f"load {load_id} is already removed")
        for table in CANONICAL:
            t, h = CANONICAL[table], HISTORY[table]
            cols = [c.name for c in t.columns]
            mine = h.alias("mine")  # this load's own versions that a later load replaced
            later_replaced = sa.exists(
                sa.select(1).select_from(mine).where(mine.c.load_id == load_id, _key_match(mine, h, table))
            )
            # Counted up front: drivers disagree on rowcount for INSERT … SELECT (PostgreSQL gives -1).
            removed = conn.execute(
                sa.select(sa.func.count()).select_from(t).where(t.c.load_id == load_id)
            ).scalar()
            back = sa.and_(h.c.replaced_by_load == load_id, ~later_replaced)
            restored = conn.execute(sa.select(sa.func.count()).select_from(h).where(back)).scalar()
            # Every version this load wrote (current or since replaced) is kept aside in `<table>_removed`,
            # so that a restore brings exactly these rows back (cxkpi.ingest.restore).
            kept = REMOVED[table]
            conn.execute(sa.delete(kept).where(kept.c.load_id == load_id))
            conn.execute(
                sa.insert(kept).from_select(
                    cols, sa.select(*[t.c[c] for c in cols]).where(t.c.load_id == load_id)
                )
            )
            conn.execute(
                sa.insert(kept).from_select(
                    cols, sa.select(*[h.c[c] for c in cols]).where(h.c.load_id == load_id)
                )
            )
            conn.execute(sa.delete(t).where(t.c.load_id == load_id))
            # Versions this load replaced whose replacement was still current: back into the table.
            conn.execute(sa.insert(t).from_select(cols, sa.select(*[h.c[c] for c in cols]).where(back)))
            conn.execute(sa.delete(h).where(h.c.replaced_by_load == load_id, ~later_replaced))
            # Versions this load replaced, whose replacement was itself replaced later: hand them on.
            nxt = sa.select(mine.c.replaced_by_load).where(
                mine.c.load_id == load_id, _key_match(mine, h, table)
            )
            conn.execute(
                sa.update(h)
                .where(h.c.replaced_by_load == load_id, later_replaced)
                .values(replaced_by_load=nxt.scalar_subquery())
            )
            conn.execute(sa.delete(h).where(h.c.load_id == load_id))
            if removed or restored:
                summary[table] = removed
                summary[f"{table}_restored"] = restored
        conn.execute(sa.update(loads).where(loads.c.load_id == load_id).values(status="removed"))
        relink(conn)
    checkpoint(engine)
    return summary
