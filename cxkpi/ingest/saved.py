"""Confirmed readings kept in the store: the same header (any order, case or time-zone suffix) picks its
mapping up again with no click.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import sqlalchemy as sa

from cxkpi.sources.base import norm
from cxkpi.store.schema import mappings


def header_signature(header: list[str]) -> str:
    """Same columns (any order, any case, any time-zone suffix) -> same signature."""
    names = sorted({norm(h) for h in header if h.strip()})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:32]


def save_mapping(engine: sa.Engine, name: str, header: list[str], table: str, spec: dict[str, Any]) -> str:
    """Keep a confirmed mapping; the same header (any order/case) picks it up automatically next time."""
    sig = header_signature(header)
    spec = dict(spec, table=table)
    with engine.begin() as conn:
        conn.execute(
            sa.delete(mappings).where(sa.or_(mappings.c.name == name, mappings.c.header_signature == sig))
        )
        conn.execute(
            sa.insert(mappings).values(
                name=name,
                header_signature=sig,
                table_name=table,
                spec=json.dumps(spec, ensure_ascii=False),
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
        )
    return sig


def find_mapping(engine: sa.Engine | None, header: list[str]) -> tuple[str, dict[str, Any]] | None:
    if engine is None:
        return None
    sig = header_signature(header)
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(mappings.c.name, mappings.c.spec).where(mappings.c.header_signature == sig)
        ).first()
    return (row[0], json.loads(row[1])) if row else None
