"""Local mode (no single sign-on provider): editors sign in with a name and a password.

Passwords are stored as argon2id hashes (argon2-cffi), set with `cxkpi user add NAME`. Without any user
in the store, ``$CXKPI_EDITOR_PASSWORD`` (plain text or an argon2 hash) lets the editor "editor" in, for a
container started from an environment file.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cxkpi.access.roles import EDITOR, ROLES, Actor, guarded
from cxkpi.store.schema import users

ENV_PASSWORD = "CXKPI_EDITOR_PASSWORD"
ENV_USER = "editor"
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@guarded("add or change a user")
def add_user(engine: sa.Engine, name: str, password: str, role: str = EDITOR) -> None:
    """Create the user, or set a new password and role for an existing one."""
    name = name.strip()
    if not name:
        raise ValueError("a user needs a name")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password needs at least {MIN_PASSWORD} characters")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    row = {
        "password_hash": _hasher.hash(password),
        "role": role,
        "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
    }
    with engine.begin() as conn:
        conn.execute(sa.delete(users).where(users.c.name == name))
        conn.execute(sa.insert(users).values(name=name, **row))


def list_users(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(users.c.name, users.c.role, users.c.created_at).order_by(users.c.name)
        ).mappings()
        return [dict(r) for r in rows]


def _check(stored: str, password: str) -> bool:
    if stored.startswith("$argon2"):
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return hmac.compare_digest(stored.encode(), password.encode())


def sign_in(engine: sa.Engine, name: str, password: str) -> Actor | None:
    """The actor for a right name and password, else None (the same answer for an unknown name)."""
    name = name.strip()
    with engine.connect() as conn:
        row = conn.execute(sa.select(users.c.password_hash, users.c.role).where(users.c.name == name)).first()
    if row is not None:
        return Actor(name, row.role, "password") if _check(row.password_hash, password) else None
    env = os.environ.get(ENV_PASSWORD)
    if env and name == ENV_USER and _check(env, password):
        return Actor(ENV_USER, EDITOR, "password")
    _hasher.hash(password)  # about the same time for an unknown name: no hint which names exist
    return None


def cmd_user(args) -> int:  # noqa: ANN001  (argparse.Namespace)
    """`cxkpi user add NAME [--role editor|viewer]`: the password is asked twice (or read from stdin)."""
    import getpass
    import sys

    from cxkpi.store.engine import make_engine

    engine = make_engine(args.db)
    if args.action == "list":
        for u in list_users(engine):
            print(f"{u['name']}\t{u['role']}\t{u['created_at']:%Y-%m-%d %H:%M}")
        return 0
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords differ; nothing changed.", file=sys.stderr)
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        add_user(engine, args.name, password, args.role)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(f"{args.name} can sign in as {args.role}.")
    return 0
