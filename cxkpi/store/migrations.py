"""Schema versions: an existing store file is migrated forward, never rebuilt.

Each migration is a function of a connection, applied in order inside one transaction and recorded in
``schema_version``. Version 1 creates the tables of ``schema.py``; later changes append a function here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa

from cxkpi.store import schema


def _v1_initial(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn, checkfirst=True)


def _v2_access(conn: sa.Connection) -> None:
    # users, shares, audit, signing_keys (cxkpi.access): new tables only, nothing existing changes
    for table in (schema.users, schema.shares, schema.audit, schema.signing_keys):
        table.create(conn, checkfirst=True)


def _v3_removed_rows(conn: sa.Connection) -> None:
    # <table>_removed: a removed load's rows, kept for `cxkpi restore`; new tables only
    for table in schema.REMOVED.values():
        table.create(conn, checkfirst=True)


def _v4_rollups(conn: sa.Connection) -> None:
    # rollup_*: daily figures derived from the fact tables (cxkpi.metrics.rollups); new tables only
    for table in schema.ROLLUPS:
        table.create(conn, checkfirst=True)


MIGRATIONS: list[Callable[[sa.Connection], None]] = [_v1_initial, _v2_access, _v3_removed_rows, _v4_rollups]
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar() or 0


def migrate(engine: sa.Engine) -> int:
    """Bring the store to SCHEMA_VERSION; returns the version it was at before."""
    from cxkpi.access import SYSTEM, acting_as  # late: cxkpi.access reaches the store schema

    # schema upkeep is the system's doing, whoever's visit opened the store first (a viewer may)
    with acting_as(SYSTEM), engine.begin() as conn:
        before = current_version(conn)
        if before > SCHEMA_VERSION:
            raise RuntimeError(
                f"This store was written by a newer cxkpi (schema {before} > {SCHEMA_VERSION}); upgrade cxkpi."
            )
        for version in range(before + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version - 1](conn)
            conn.execute(
                sa.insert(schema.schema_version).values(version=version, applied_at=dt.datetime.now(dt.UTC))
            )
    return before
