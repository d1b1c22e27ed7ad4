"""The audit trail: every write, with who, when, how they signed in and what was written."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from cxkpi.access.roles import Actor
from cxkpi.store.schema import audit


def record(engine: sa.Engine, actor: Actor, action: str, detail: str = "") -> str:
    entry_id = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(
            sa.insert(audit).values(
                entry_id=entry_id,
                done_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                actor=actor.name,
                role=actor.role,
                how=actor.how,
                action=action,
                detail=detail,
            )
        )
    return entry_id


def list_entries(engine: sa.Engine, limit: int = 200) -> list[dict]:
    """The latest writes first."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit).order_by(audit.c.done_at.desc()).limit(limit)).mappings().all()
    return [dict(r) for r in rows]
