"""The last line of defence: no data-changing SQL runs for a viewer, whatever code path issued it.

``guarded`` functions give the clear message and the audit row; this engine-wide hook makes sure a
write that was never decorated (or a page that forgot to check) still cannot change data for a viewer.
Schema upkeep (CREATE for migrations) and reads pass.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from cxkpi.access.roles import current_actor

_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|COPY|DROP|ALTER)\b", re.IGNORECASE)


def is_write(statement: str) -> bool:
    return bool(_WRITE.match(statement))


def _before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
    if is_write(statement) and not current_actor().can_edit:
        who = current_actor().name
        raise PermissionError(
            f"{who} is a viewer: only an editor may change data ({statement.split()[0].upper()})."
        )


def install_write_guard() -> None:
    """Listen on every engine (idempotent)."""
    if not event.contains(sa.engine.Engine, "before_cursor_execute", _before):
        event.listen(sa.engine.Engine, "before_cursor_execute", _before)
