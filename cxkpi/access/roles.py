"""Who is acting, and whether they may write.

Every write in the library (ingest, remove, demo, settings, goals, share links) runs through
``guarded``: it checks the actor in force and raises PermissionError for a viewer, then records the
write in the audit table. The actor travels in a context variable so the pages do not have to thread
it through every call; Streamlit runs each session's script in its own thread (a fresh context), and
the app sets that session's actor at the top of every run.
"""

from __future__ import annotations

import contextlib
import functools
import getpass
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

VIEWER = "viewer"
EDITOR = "editor"
ROLES = (VIEWER, EDITOR)


@dataclass(frozen=True)
class Actor:
    """A person (or the system) doing something: a display name, a role and how they got it."""

    name: str
    role: str = VIEWER
    how: str = "anonymous"  # machine / single sign-on / password / share link / system / anonymous

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; use one of {', '.join(ROLES)}")

    @property
    def can_edit(self) -> bool:
        return self.role == EDITOR


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "unknown"


def machine_actor() -> Actor:
    """The person at the machine: the command line and `make run` on localhost act as an editor."""
    return Actor(_login_name(), EDITOR, "machine")


SYSTEM = Actor("cxkpi", EDITOR, "system")  # the first-start demo load, not a person

_current: ContextVar[Actor | None] = ContextVar("cxkpi_actor", default=None)
# Without an actor set in this context, ask the default hook (the dashboard installs one: inside a page run
# that forgot the actor, an anonymous viewer, who cannot write); without a hook or an answer from it, the
# person at the machine (the command line, scripts, tests' own code).
_default_hook: list[Callable[[], Actor | None] | None] = [None]


def current_actor() -> Actor:
    actor = _current.get()
    if actor is None and _default_hook[0] is not None:
        actor = _default_hook[0]()
    return actor or machine_actor()


def set_actor(actor: Actor) -> None:
    """The actor for the rest of this thread's context (one Streamlit script run)."""
    _current.set(actor)


def reset_actor() -> None:
    """Back to the default (AppTest runs page scripts in the test's own process)."""
    _current.set(None)


def set_default_hook(hook: Callable[[], Actor | None] | None) -> None:
    _default_hook[0] = hook


@contextlib.contextmanager
def acting_as(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def require_editor(action: str, actor: Actor | None = None) -> Actor:
    """The actor in force if they may write; PermissionError naming the action otherwise."""
    who = actor or current_actor()
    if not who.can_edit:
        raise PermissionError(f"{who.name} is a viewer: only an editor may {action}.")
    return who


F = TypeVar("F", bound=Callable[..., Any])


def guarded(action: str) -> Callable[[F], F]:
    """Decorator for a library write whose first argument is the engine: role check, then the write,
    then one audit row (who, when, what, with which arguments)."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def inner(engine: Any, *args: Any, **kwargs: Any) -> Any:
            who = require_editor(action)
            result = fn(engine, *args, **kwargs)
            from cxkpi.access.audit import record  # late: audit imports the store schema

            record(engine, who, action, _describe(args, kwargs))
            return result

        return inner  # type: ignore[return-value]

    return wrap


def _describe(args: tuple, kwargs: dict) -> str:
    # Plain values only (ids, names, dates): a Preview or a settings object is summarised by its type.
    def one(v: Any) -> str:
        if isinstance(v, str | int | float | bool) or v is None:
            return repr(v)
        name = getattr(v, "file_name", None)
        return f"{type(v).__name__}({name!r})" if name else type(v).__name__

    parts = [one(a) for a in args] + [f"{k}={one(v)}" for k, v in kwargs.items()]
    return ", ".join(parts)[:500]


def role_for_claims(claims: dict[str, Any], rules: dict[str, Any] | None) -> str | None:
    """The role of a person signed in through single sign-on, from the `[roles]` rules.

    Each rule list holds e-mails (``ana@example.com``), domains (``@example.com``) and group claims
    (``group:cs-leads``). A match in ``editors`` makes an editor; a match in ``viewers`` a viewer.
    Without a ``viewers`` list every signed-in person may view; with one, a person matching neither list
    gets None (no access).
    """
    rules = rules or {}
    email = str(claims.get("email") or "").strip().lower()
    domain = email.rpartition("@")[2] if "@" in email else ""
    groups = claims.get("groups") or []
    groups = {str(g).strip().lower() for g in (groups if isinstance(groups, list | tuple) else [groups])}

    def matches(entries: Any) -> bool:
        for raw in entries or []:
            e = str(raw).strip().lower()
            if e.startswith("group:") and e[6:] in groups:
                return True
            if e.startswith("@") and domain and e[1:] == domain:
                return True
            if "@" in e and not e.startswith("@") and e == email:
                return True
        return False

    if matches(rules.get("editors")):
        return EDITOR
    if "viewers" not in rules or matches(rules.get("viewers")):
        return VIEWER
    return None
