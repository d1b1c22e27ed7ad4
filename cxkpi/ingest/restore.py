"""Restore a removed load: its rows come back exactly as it wrote them (`cxkpi restore ID`).

Removing a load keeps every version it wrote in ``<table>_removed`` (cxkpi.ingest.load.remove_load).
Restoring puts each version back at the load's place in the row's history, ordered by load id, as if the
load had never been removed: where an older load's version is current, it goes back to history (replaced
by this load); where a later load wrote the same row meanwhile, the later version stays current and this
load's version goes to history, replaced by the next later one. So removing and restoring give back the
very tables of before, and a load loaded after the removal keeps winning on the rows it carries.

A restore is refused when the same file (same SHA-256) is active again as another load: the rows would be
counted under two loads. Remove that load first, or keep it.
"""

from __future__ import annotations

import argparse
import sys

import sqlalchemy as sa

from cxkpi.access.roles import guarded
from cxkpi.i18n import t
from cxkpi.i18n_messages import localize
from cxkpi.store.engine import checkpoint, make_engine
from cxkpi.store.link import relink
from cxkpi.store.schema import CANONICAL, HISTORY, NATURAL_KEYS, REMOVED, loads


class CannotRestore(LookupError):
    """The load cannot be restored; the message says why, in the user's words."""


def _same_key(a: sa.Table | sa.Alias, b: sa.Table | sa.Alias, table: str) -> sa.ColumnElement[bool]:
    return sa.and_(*[a.c[k] == b.c[k] for k in NATURAL_KEYS[table]])


def restorable(conn: sa.Connection, load_id: int) -> str | None:
    """None when the load can be restored; otherwise why not."""
    row = conn.execute(
        sa.select(loads.c.status, loads.c.sha256, loads.c.rows).where(loads.c.load_id == load_id)
    ).first()
    if row is None:
        return f"no load {load_id}; `cxkpi loads` lists them"
    if row.status != "removed":
        return f"load {load_id} is not removed"
    again = conn.execute(
        sa.select(loads.c.load_id).where(
            loads.c.sha256 == row.sha256, loads.c.status == "active", loads.c.load_id != load_id
        )
    ).scalar()
    if again is not None:
        return (
            f"the same file is loaded again as load {again}: restoring load {load_id} would count its rows "
            f"twice. Remove load {again} first, or keep it."
        )
    kept = sum(
        conn.execute(sa.select(sa.func.count()).select_from(k).where(k.c.load_id == load_id)).scalar() or 0
        for k in REMOVED.values()
    )
    if row.rows and not kept:
        return (
            f"the rows of load {load_id} were not kept (removed before restoring existed, or by clearing "
            "the demo); load the file again instead"
        )
    return None


def _restore(conn: sa.Connection, load_id: int) -> dict[str, int]:
    summary: dict[str, int] = {}
    for table in CANONICAL:
        t, h, k = CANONICAL[table], HISTORY[table], REMOVED[table]
        cols = [c.name for c in t.columns]
        mine = sa.and_(k.c.load_id == load_id)
        n = conn.execute(sa.select(sa.func.count()).select_from(k).where(mine)).scalar() or 0
        if not n:
            continue
        mine_t = sa.exists(sa.select(1).select_from(k).where(mine, _same_key(k, t, table)))
        mine_h = sa.exists(sa.select(1).select_from(k).where(mine, _same_key(k, h, table)))
        # 1. An older version in history that a later load replaced: this load now sits between them.
        conn.execute(
            sa.update(h)
            .where(h.c.load_id < load_id, h.c.replaced_by_load > load_id, mine_h)
            .values(replaced_by_load=load_id)
        )
        # 2. An older load's version that is current: back to history, replaced by this load.
        older = sa.and_(t.c.load_id < load_id, mine_t)
        conn.execute(
            sa.insert(h).from_select(
                [*cols, "replaced_by_load"],
                sa.select(*[t.c[c] for c in cols], sa.literal(load_id, sa.BigInteger)).where(older),
            )
        )
        conn.execute(sa.delete(t).where(older))
        # 3. A later load wrote the row meanwhile: it stays current; this version goes to history, replaced
        #    by the next later version (the earliest later one in history, else the current row).
        later_t = sa.exists(sa.select(1).select_from(t).where(_same_key(k, t, table)))
        h2 = h.alias("later")
        next_in_history = (
            sa.select(sa.func.min(h2.c.load_id))
            .where(h2.c.load_id > load_id, _same_key(h2, k, table))
            .scalar_subquery()
        )
        current = sa.select(t.c.load_id).where(_same_key(t, k, table)).scalar_subquery()
        conn.execute(
            sa.insert(h).from_select(
                [*cols, "replaced_by_load"],
                sa.select(*[k.c[c] for c in cols], sa.func.coalesce(next_in_history, current)).where(
                    mine, later_t
                ),
            )
        )
        # 4. Every other version of this load is current again.
        conn.execute(sa.insert(t).from_select(cols, sa.select(*[k.c[c] for c in cols]).where(mine, ~later_t)))
        conn.execute(sa.delete(k).where(mine))
        summary[table] = n
    return summary


@guarded("restore a load")
def restore_load(engine: sa.Engine, load_id: int) -> dict[str, int]:
    """Bring a removed load back; returns the rows restored per table (current or in history).

    Raises CannotRestore (see `restorable`) when it cannot."""
    with engine.begin() as conn:
        why = restorable(conn, load_id)
        if why is not None:
            raise CannotRestore(why)
        summary = _restore(conn, load_id)
        conn.execute(sa.update(loads).where(loads.c.load_id == load_id).values(status="active"))
        relink(conn)
    checkpoint(engine)
    return summary


def cmd_restore(args: argparse.Namespace) -> int:
    engine = make_engine(args.db)
    try:
        summary = restore_load(engine, args.load_id)
    except CannotRestore as e:
        sys.stdout.write(t("cli.restore.refused", why=localize(str(e))) + "\n")
        return 1
    parts = [t("cli.restore.parts", table=tb, n=n) for tb, n in summary.items()]
    done = t("cli.restore.done", load_id=args.load_id)
    sys.stdout.write(done + (t("cli.summary_sep") + t("cli.ingest.parts_sep").join(parts) if parts else "") + "\n")
    return 0
