"""Share links: signed, optionally expiring, revocable viewer links to one view.

A link carries only a signed share id (itsdangerous); the view, the mode and — for a pinned link — the
figures as they were when it was made live in the ``shares`` table, so revoking is one UPDATE and a
tampered token fails the signature. Tokens are checked with ``max_age`` always: a link without an
expiry date still stops working after ``MAX_AGE``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets as _secrets
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from cxkpi.access.roles import SYSTEM, acting_as, current_actor, guarded
from cxkpi.store.schema import shares, signing_keys

PINNED = "pinned"  # these exact figures
LIVE = "live"  # always the latest
MODES = (PINNED, LIVE)
MAX_AGE = dt.timedelta(days=400)  # the longest any link lives, expiry date or not
SALT = "cxkpi.share"
PRINT_SALT = "cxkpi.print"
PRINT_MAX_AGE = 120  # seconds: the server-side printer's pass
ENV_SECRET = "CXKPI_SECRET"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def signing_secret(engine: sa.Engine | None) -> str:
    """$CXKPI_SECRET, else a random key made once per store (so links survive a restart)."""
    env = os.environ.get(ENV_SECRET)
    if env:
        return env
    if engine is None:
        raise ValueError(f"no ${ENV_SECRET} and no store to read the signing key from (--db)")
    with engine.begin() as conn:
        key = conn.execute(sa.select(signing_keys.c.secret).where(signing_keys.c.name == "share")).scalar()
        if key is None:  # made by the system, whoever opened the first link (a viewer may)
            key = _secrets.token_urlsafe(32)
            with acting_as(SYSTEM):
                conn.execute(sa.insert(signing_keys).values(name="share", secret=key, created_at=_now()))
    return key


def _serializer(engine: sa.Engine | None, salt: str = SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_secret(engine), salt=salt)


@dataclass(frozen=True)
class Share:
    share_id: str
    created_at: dt.datetime
    created_by: str
    page: str
    query: dict[str, str]
    mode: str
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    revoked_by: str | None
    data_version: str
    snapshot: dict[str, Any] | None
    language: str | None
    timezone: str | None

    @property
    def pinned(self) -> bool:
        return self.mode == PINNED


def _share(row: Any) -> Share:
    return Share(
        share_id=row.share_id, created_at=row.created_at, created_by=row.created_by, page=row.page,
        query=json.loads(row.view_query), mode=row.mode, expires_at=row.expires_at, revoked_at=row.revoked_at,
        revoked_by=row.revoked_by, data_version=row.data_version,
        snapshot=json.loads(row.snapshot) if row.snapshot else None, language=row.language, timezone=row.timezone,
    )  # fmt: skip


@guarded("create a share link")
def create_share(
    engine: sa.Engine,
    page: str,
    query: dict[str, str],
    mode: str,
    data_version: str,
    snapshot: dict[str, Any] | None = None,
    expires_in: dt.timedelta | None = None,
    language: str | None = None,
    timezone: str | None = None,
) -> tuple[Share, str]:
    """Record a share and return it with its token (the `share=` value of the link)."""
    if mode not in MODES:
        raise ValueError(f"unknown share mode {mode!r}; use one of {', '.join(MODES)}")
    if mode == PINNED and snapshot is None:
        raise ValueError("a pinned link needs the figures it pins (snapshot)")
    if expires_in is not None and not dt.timedelta(0) < expires_in <= MAX_AGE:
        raise ValueError(f"a link expires after more than 0 and at most {MAX_AGE.days} days")
    now = _now()
    share_id = uuid.uuid4().hex
    row = dict(
        share_id=share_id, created_at=now, created_by=current_actor().name, page=page,
        view_query=json.dumps(query, sort_keys=True), mode=mode, expires_at=now + expires_in if expires_in else None,
        data_version=data_version, snapshot=json.dumps(snapshot, default=str) if snapshot is not None else None,
        language=language, timezone=timezone,
    )  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.insert(shares).values(**row))
    return get_share(engine, share_id), token_for(engine, share_id)  # type: ignore[return-value]


def token_for(engine: sa.Engine, share_id: str) -> str:
    return _serializer(engine).dumps({"share": share_id})


def get_share(engine: sa.Engine, share_id: str) -> Share | None:
    with engine.connect() as conn:
        row = conn.execute(sa.select(shares).where(shares.c.share_id == share_id)).first()
    return _share(row) if row is not None else None


def list_shares(engine: sa.Engine) -> list[Share]:
    """Newest first, revoked ones included (the list shows when and by whom)."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(shares).order_by(shares.c.created_at.desc())).all()
    return [_share(r) for r in rows]


@guarded("revoke a share link")
def revoke_share(engine: sa.Engine, share_id: str) -> bool:
    with engine.begin() as conn:
        n = conn.execute(
            sa.update(shares)
            .where(shares.c.share_id == share_id, shares.c.revoked_at.is_(None))
            .values(revoked_at=_now(), revoked_by=current_actor().name)
        ).rowcount
    return bool(n)


@dataclass(frozen=True)
class Opened:
    """What opening a link gives: ``ok`` with the share, or why not (tampered / expired / revoked / unknown)."""

    status: str
    share: Share | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def share_status(share: Share | None, now: dt.datetime | None = None) -> str:
    """ok / unknown / revoked / expired: checked on every page run, so a revoked link stops at once."""
    now = now or _now()
    if share is None:
        return "unknown"
    if share.revoked_at is not None:
        return "revoked"
    if share.expires_at is not None and now >= share.expires_at:
        return "expired"
    return "ok"


def open_share(engine: sa.Engine, token: str, now: dt.datetime | None = None) -> Opened:
    try:
        payload = _serializer(engine).loads(token, max_age=int(MAX_AGE.total_seconds()))
    except SignatureExpired:
        return Opened("expired")
    except BadSignature:
        return Opened("tampered")
    share = get_share(engine, str(payload.get("share"))) if isinstance(payload, dict) else None
    return Opened(share_status(share, now), share)


def print_pass(
    engine: sa.Engine | None, *, share_id: str | None = None, query: dict[str, str] | None = None
) -> str:
    """A pass for the server-side printer (cxkpi.report.pdf), valid PRINT_MAX_AGE seconds: one share, or
    one live view (made by someone who may see it: an editor at the dashboard, or the machine's CLI)."""
    if (share_id is None) == (query is None):
        raise ValueError("a print pass is for a share or for a view, not both")
    return _serializer(engine, PRINT_SALT).dumps({"share": share_id} if share_id else {"query": query})


def open_print_pass(engine: sa.Engine | None, token: str) -> dict[str, Any] | None:
    """The pass's payload, or None (damaged, another salt, or older than PRINT_MAX_AGE)."""
    try:
        payload = _serializer(engine, PRINT_SALT).loads(token, max_age=PRINT_MAX_AGE)
    except BadSignature:  # SignatureExpired included
        return None
    return payload if isinstance(payload, dict) else None
