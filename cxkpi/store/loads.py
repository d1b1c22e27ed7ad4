"""The loads table: every import recorded, the data version, and row counts."""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from cxkpi.store.engine import PG_WRITE_LOCK_KEY
from cxkpi.store.schema import CANONICAL, loads


def next_load_id(conn: sa.Connection) -> int:
    """The next load id. Call it inside ``engine.begin()``: that is the store's write turn (one writer per
    DuckDB process; on PostgreSQL an advisory lock every cxkpi process takes), so two imports started at
    the same moment cannot both read the same max()."""
    if conn.dialect.name == "postgresql":
        # Re-entrant within a transaction: a no-op under engine.begin(), a guard for any other caller.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK_KEY})
    return (conn.execute(sa.select(sa.func.max(loads.c.load_id))).scalar() or 0) + 1


def record_load(
    conn: sa.Connection,
    *,
    file_name: str,
    sha256: str,
    source: str,
    table_name: str,
    rows: int,
    rows_added: int = 0,
    rows_updated: int = 0,
    is_demo: bool = False,
    mapping: dict | None = None,
    warnings: list | None = None,
    load_id: int | None = None,
    loaded_by: str | None = None,
) -> int:
    load_id = load_id or next_load_id(conn)
    conn.execute(
        sa.insert(loads).values(
            load_id=load_id,
            file_name=file_name,
            sha256=sha256,
            source=source,
            table_name=table_name,
            rows=rows,
            rows_added=rows_added,
            rows_updated=rows_updated,
            loaded_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            loaded_by=loaded_by or _whoami(),
            status="active",
            is_demo=is_demo,
            mapping=json.dumps(mapping) if mapping is not None else None,
            warnings=json.dumps(warnings) if warnings is not None else None,
        )
    )
    return load_id


def _whoami() -> str:
    """Who is loading: the signed-in person in the app, the login name on the command line."""
    from cxkpi.access.roles import current_actor  # late: cxkpi.access reaches the store schema

    return current_actor().name


def data_version(conn: sa.Connection) -> str:
    """Changes whenever a load is added or removed: the cache key for metric results."""
    row = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.max(loads.c.load_id),
            sa.func.sum(sa.case((loads.c.status == "removed", loads.c.load_id), else_=0)),
        )
    ).one()
    return f"{row[0]}:{row[1] or 0}:{row[2] or 0}"


def row_counts(conn: sa.Connection) -> dict[str, int]:
    return {
        name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() or 0
        for name, t in CANONICAL.items()
    }


def list_loads(conn: sa.Connection) -> list[dict]:
    rows = conn.execute(sa.select(loads).order_by(loads.c.load_id.desc())).mappings().all()
    return [dict(r) for r in rows]


def has_demo(conn: sa.Connection) -> bool:
    q = sa.select(sa.func.count()).select_from(loads).where(loads.c.is_demo, loads.c.status == "active")
    return bool(conn.execute(q).scalar())
