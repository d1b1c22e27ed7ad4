"""Write mapped rows into the store: one transaction per file, upsert by natural key, history kept.

Before a row is overwritten its old version is copied to ``<table>_history`` with replaced_by_load = the
new load, so removing that load restores it. A re-sent identical row is counted as unchanged; it still
passes to the newer load (the old version goes to history as well), so that removing either of two
overlapping exports leaves the rows the other one carries.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cxkpi.store.bulk import bulk_insert
from cxkpi.store.engine import checkpoint
from cxkpi.store.link import relink
from cxkpi.store.loads import next_load_id, record_load
from cxkpi.store.schema import CANONICAL, HISTORY, NATURAL_KEYS, loads

CHUNK = 2000  # keys per IN (...) list: well under every driver's parameter limit
COMPARE_SKIP = ("load_id", "linked_account_id")


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
            out[c.name] = s.astype(object).where(s.notna(), None).map(lambda v: v if v is None else str(v))
    return pd.DataFrame(out, index=df.index)


def _comparable(table: str, df: pd.DataFrame) -> list[tuple]:
    """Row tuples of the content columns, with None for every kind of missing value."""
    cols = [c.name for c in CANONICAL[table].columns if c.name not in COMPARE_SKIP]
    arrays = []
    for name in cols:
        s = df[name]
        if s.dtype.kind == "f":
            arr = [None if v != v else round(float(v), 9) for v in s.to_numpy()]
        elif s.dtype.kind == "M":
            arr = [None if v is None else v for v in s.to_numpy(dtype="datetime64[us]").tolist()]
        else:
            arr = s.astype(object).where(s.notna(), None).tolist()
            arr = [int(v) if isinstance(v, np.integer) else v for v in arr]
        arrays.append(arr)
    return list(zip(*arrays, strict=True)) if arrays else []


def _key_tuples(table: str, df: pd.DataFrame) -> list[tuple]:
    return list(zip(*[df[k].tolist() for k in NATURAL_KEYS[table]], strict=True))


def _where_keys(t: sa.Table, table: str, keys: list[tuple]) -> sa.ColumnElement[bool]:
    kc = NATURAL_KEYS[table]
    last = kc[-1]
    if len(kc) == 1:
        return t.c[last].in_([k[0] for k in keys])
    # (system, id): one system per load in practice; group by the leading parts anyway.
    conds = []
    for prefix, group in itertools.groupby(sorted(keys), key=lambda k: k[:-1]):
        conds.append(sa.and_(*[t.c[c] == v for c, v in zip(kc[:-1], prefix, strict=True)],
                             t.c[last].in_([k[-1] for k in group])))
    return sa.or_(*conds)


def _existing(conn: sa.Connection, table: str, keys: list[tuple]) -> pd.DataFrame:
    t = CANONICAL[table]
    kc = NATURAL_KEYS[table]
    # Keys only first (cheap, one query per system): most loads are mostly new rows, and only rows that
    # exist are worth fetching whole.
    present: set[tuple] = set()
    for prefix in {k[:-1] for k in keys}:
        q = sa.select(*[t.c[c] for c in kc]).where(*[t.c[c] == v for c, v in zip(kc[:-1], prefix, strict=True)])
        present.update(tuple(r) for r in conn.execute(q))
    keys = [k for k in keys if k in present]
    if keys and 2 * len(keys) >= len(present):
        # Most of what is stored comes back (overlapping exports): one scan beats many IN lists.
        want = set(keys)
        prefixes = {k[:-1] for k in keys}
        conds = [sa.and_(*[t.c[c] == v for c, v in zip(kc[:-1], pre, strict=True)]) for pre in prefixes]
        df = pd.read_sql(sa.select(t).where(sa.or_(*conds)) if kc[:-1] else sa.select(t), conn)
        hit = [k in want for k in zip(*[df[c].tolist() for c in kc], strict=True)] if len(df) else []
        return store_frame(table, df[hit].reset_index(drop=True) if len(df) else df)
    parts = []
    for i in range(0, len(keys), CHUNK):
        chunk = keys[i:i + CHUNK]
        parts.append(pd.read_sql(sa.select(t).where(_where_keys(t, table, chunk)), conn))
    if not parts:
        return store_frame(table, pd.DataFrame(columns=[c.name for c in t.columns]))
    return store_frame(table, pd.concat(parts, ignore_index=True))


def write_table(conn: sa.Connection, table: str, rows: pd.DataFrame, load_id: int) -> TableCounts:
    """Upsert `rows` (canonical columns incl. system) into `table` under `load_id`, keeping history."""
    t, h = CANONICAL[table], HISTORY[table]
    new = store_frame(table, rows.assign(load_id=load_id))
    keys = _key_tuples(table, new)
    old = _existing(conn, table, keys)
    counts = TableCounts()
    if old.empty:
        bulk_insert(conn, t, new)
        counts.added = len(new)
        return counts
    old_by_key = dict(zip(_key_tuples(table, old), _comparable(table, old), strict=True))
    new_cmp = _comparable(table, new)
    for k, row in zip(keys, new_cmp, strict=True):
        prev = old_by_key.get(k)
        if prev is None:
            counts.added += 1
        elif prev == row:
            counts.unchanged += 1
        else:
            counts.updated += 1
    # Every existing version this load touches goes to history (identical ones too: see module doc).
    hist = old.assign(replaced_by_load=load_id)
    bulk_insert(conn, h, hist[[c.name for c in h.columns]])
    old_keys = list(old_by_key)
    for i in range(0, len(old_keys), CHUNK):
        conn.execute(sa.delete(t).where(_where_keys(t, table, old_keys[i:i + CHUNK])))
    bulk_insert(conn, t, new)
    return counts


def load_tables(
    engine: sa.Engine,
    tables: dict[str, pd.DataFrame],
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
    load, relink accounts. A failure rolls everything back."""
    start = time.perf_counter()
    with engine.begin() as conn:
        prev = active_load_with(conn, sha256)
        if prev is not None:
            return LoadResult(None, True, previous_load_id=prev, seconds=time.perf_counter() - start)
        load_id = next_load_id(conn)
        counts: dict[str, TableCounts] = {}
        for table, df in tables.items():
            cols = [c for c in df.columns if c in CANONICAL[table].c and c not in ("load_id", "linked_account_id")]
            rows = df[cols].assign(system=system)
            counts[table] = write_table(conn, table, rows, load_id)
        total = sum(c.rows for c in counts.values())
        meta = dict(mapping or {})
        meta["counts"] = {t: vars(c) for t, c in counts.items()}
        record_load(
            conn, load_id=load_id, file_name=file_name, sha256=sha256, source=source,
            table_name="+".join(tables) or "-", rows=total,
            rows_added=sum(c.added for c in counts.values()),
            rows_updated=sum(c.updated for c in counts.values()),
            is_demo=is_demo, mapping=meta, warnings=warnings or [],
        )
        relink(conn)
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
            later_replaced = sa.exists(sa.select(1).select_from(mine).where(
                mine.c.load_id == load_id, _key_match(mine, h, table)))
            # Counted up front: drivers disagree on rowcount for INSERT … SELECT (PostgreSQL gives -1).
            removed = conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.load_id == load_id)).scalar()
            back = sa.and_(h.c.replaced_by_load == load_id, ~later_replaced)
            restored = conn.execute(sa.select(sa.func.count()).select_from(h).where(back)).scalar()
            conn.execute(sa.delete(t).where(t.c.load_id == load_id))
            # Versions this load replaced whose replacement was still current: back into the table.
            conn.execute(sa.insert(t).from_select(cols, sa.select(*[h.c[c] for c in cols]).where(back)))
            conn.execute(sa.delete(h).where(h.c.replaced_by_load == load_id, ~later_replaced))
            # Versions this load replaced, whose replacement was itself replaced later: hand them on.
            nxt = sa.select(mine.c.replaced_by_load).where(mine.c.load_id == load_id, _key_match(mine, h, table))
            conn.execute(sa.update(h).where(h.c.replaced_by_load == load_id, later_replaced)
                         .values(replaced_by_load=nxt.scalar_subquery()))
            conn.execute(sa.delete(h).where(h.c.load_id == load_id))
            if removed or restored:
                summary[table] = removed
                summary[f"{table}_restored"] = restored
        conn.execute(sa.update(loads).where(loads.c.load_id == load_id).values(status="removed"))
        relink(conn)
    checkpoint(engine)
    return summary
