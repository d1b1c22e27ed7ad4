"""Access: roles (viewer / editor), local users with hashed passwords, share links, the audit trail.

Nothing here imports Streamlit; the app maps its sign-in (single sign-on, password, share link, the
person at the machine) to an ``Actor`` and sets it for each run.
"""

from cxkpi.access.roles import (
    EDITOR,
    SYSTEM,
    VIEWER,
    Actor,
    acting_as,
    current_actor,
    guarded,
    machine_actor,
    require_editor,
    role_for_claims,
    set_actor,
    set_default_hook,
)

__all__ = [
    "EDITOR",
    "SYSTEM",
    "VIEWER",
    "Actor",
    "acting_as",
    "current_actor",
    "guarded",
    "machine_actor",
    "require_editor",
    "role_for_claims",
    "set_actor",
    "set_default_hook",
]

from cxkpi.access.guard import install_write_guard  # noqa: E402  (after roles: the guard reads the actor)

install_write_guard()
__all__ += ["install_write_guard"]
