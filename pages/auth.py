"""Who is looking at the dashboard, and what they may do: the Streamlit side of cxkpi.access.

The order in which a session gets its actor (``session_actor``):
1. a share link or a print pass opened in this session → a viewer of that one view;
2. a single sign-on login (``st.login``, OpenID Connect from ``.streamlit/secrets.toml`` ``[auth]``) →
   editor or viewer from the ``[roles]`` rules (e-mails, @domains, group:claims);
3. a local editor signed in with a password (``cxkpi user add``, or $CXKPI_EDITOR_PASSWORD);
4. local mode (``make run``: the server listens on 127.0.0.1 only, $CXKPI_SERVE unset) → the person at the
   machine, an editor, as before sign-in existed;
5. anyone else: an anonymous viewer (team mode without a provider) or nobody (a provider is configured:
   sign in first).

The actor is set for the run (cxkpi.access.set_actor) so every library write checks it.
"""

from __future__ import annotations

import ipaddress
import os
from typing import Any

import streamlit as st

import cxkpi.access.texts  # noqa: F401  (English texts of sign-in, links, confirmations)
from cxkpi.access import EDITOR, VIEWER, Actor, machine_actor, role_for_claims, set_actor
from cxkpi.access import shares as sh
from cxkpi.i18n import t

SERVE_ENV = "CXKPI_SERVE"  # "team": serve other machines; sign-in needed to edit
EDITOR_PAGES = ("data", "settings", "shares")
SHARE_KEY = "cx_share"  # the share id this session was opened with
PRINT_KEY = "cx_print"  # the print pass's payload (a server-side printer)
LOCAL_KEY = "cx_local_user"  # a local editor signed in with a password

NOBODY = Actor("nobody", VIEWER, "not signed in")


def team_mode() -> bool:
    return os.environ.get(SERVE_ENV, "").strip().lower() == "team"


def _secrets() -> Any:
    try:
        return st.secrets
    except Exception:  # no secrets file at all
        return {}


def sso_configured() -> bool:
    try:
        return "auth" in _secrets()
    except Exception:  # an unreadable secrets file: no provider
        return False


def role_rules() -> dict[str, list[str]]:
    """`[roles]` in secrets.toml, else $CXKPI_EDITORS / $CXKPI_VIEWERS (comma-separated)."""
    try:
        rules = dict(_secrets().get("roles", {}) or {})
    except Exception:
        rules = {}
    for name in ("editors", "viewers"):
        env = os.environ.get(f"CXKPI_{name.upper()}")
        if name not in rules and env:
            rules[name] = [x.strip() for x in env.split(",") if x.strip()]
    return {k: list(v) for k, v in rules.items()}


def _user() -> dict[str, Any]:
    try:
        return (
            dict(st.user.to_dict()) if hasattr(st.user, "to_dict") else {k: st.user.get(k) for k in st.user}
        )
    except Exception:
        return {}


def _is_local_request() -> bool:
    # Local mode binds the server to 127.0.0.1 (Makefile); the address check is a second belt, not the lock.
    try:
        ip = st.context.ip_address  # None on loopback; AppTest hands a stand-in object (a local run too)
    except Exception:
        return True
    if not isinstance(ip, str):
        return True
    # A dual-stack socket reports 127.0.0.1 as ::ffff:127.0.0.1, which Streamlit does not map to None.
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(addr, "ipv4_mapped", None)
    return addr.is_loopback or bool(mapped and mapped.is_loopback)


def session_actor() -> Actor:
    share_id = st.session_state.get(SHARE_KEY)
    if share_id:
        return Actor(f"link {share_id[:8]}", VIEWER, "share link")
    if st.session_state.get(PRINT_KEY):
        return Actor("printer", VIEWER, "print pass")
    user = _user()
    if user.get("is_logged_in"):
        name = str(user.get("email") or user.get("name") or user.get("sub") or "signed in")
        role = role_for_claims(user, role_rules())
        return NOBODY if role is None else Actor(name, role, "single sign-on")
    local = st.session_state.get(LOCAL_KEY)
    if local:
        return Actor(local["name"], local["role"], "password")
    if sso_configured():
        return NOBODY
    if not team_mode() and _is_local_request():
        return machine_actor()
    return Actor("guest", VIEWER, "anonymous")


def default_actor() -> Actor | None:
    """cxkpi.access's default hook: inside a Streamlit script run, an anonymous viewer; elsewhere None."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return Actor("anonymous", VIEWER, "anonymous") if get_script_run_ctx(suppress_warning=True) else None


def current() -> Actor:
    """The session's actor, set for this run so the library's writes check it."""
    who = session_actor()
    set_actor(who)
    return who


def enforce(page_name: str) -> Actor:
    """Called at the top of every page: set the actor; an editor-only page stops here for a viewer (the page
    is not in a viewer's navigation either — this covers a page script run on its own)."""
    who = current()
    if page_name in EDITOR_PAGES and not who.can_edit:
        st.error(t("auth.editors_only"), icon=":material/lock:")
        st.stop()
    return who


def open_link_from_url(engine: Any) -> str | None:
    """A `share=` or `print=` token in the URL, checked once per session (and the share again on every
    run, so a revoked link stops at the next click). Returns why it was refused, or None."""
    q = st.query_params
    if "print" in q and PRINT_KEY not in st.session_state:
        payload = sh.open_print_pass(engine, q["print"])
        if payload is None:
            return "expired"
        st.session_state[PRINT_KEY] = payload
        if payload.get("share"):
            st.session_state[SHARE_KEY] = payload["share"]
    if "share" in q and st.session_state.get(SHARE_KEY) is None:
        opened = sh.open_share(engine, q["share"])
        if not opened.ok:
            return opened.status
        st.session_state[SHARE_KEY] = opened.share.share_id  # type: ignore[union-attr]
        if opened.share.language:  # type: ignore[union-attr]
            # the link's language, unless the viewer's own link asks for another (?lang=)
            st.session_state.setdefault("cx_language", opened.share.language)  # type: ignore[union-attr]
    share_id = st.session_state.get(SHARE_KEY)
    if share_id:
        share = sh.get_share(engine, share_id)
        status = sh.share_status(share)
        if status != "ok":
            return status
    return None


def refused_page(status: str) -> None:
    """The plain page a refused link gets: what happened and what to do, nothing else."""
    st.title(t("share.refused.title"))
    st.error(t(f"share.refused.{status}"), icon=":material/link_off:")
    st.caption(t("share.refused.help"))


def sidebar_identity(who: Actor) -> None:
    """Who is signed in and their role, with sign-in / sign-out."""
    from pages import common

    # A fresh server's first run goes through Streamlit's pages/-folder wrapper, which gives app.py's widgets
    # other ids than every later run: a password typed into that run's form was lost on Sign in. Rerun first.
    common._leave_pages_directory_mode()
    sb = st.sidebar
    with sb.container(key="identity"):
        role = t(f"auth.role.{who.role}")
        if who.how == "machine":
            sb.caption(t("auth.at_machine", name=who.name, role=role))
        elif who.how in ("share link", "print pass"):
            sb.caption(t("auth.via_link", role=role))
        else:
            sb.caption(t("auth.signed_in_as", name=who.name, role=role))
        if who.how == "single sign-on":
            if sb.button(t("auth.sign_out"), key="auth_sign_out", icon=":material/logout:"):
                st.logout()
        elif who.how == "password":
            if sb.button(t("auth.sign_out"), key="auth_sign_out", icon=":material/logout:"):
                st.session_state.pop(LOCAL_KEY, None)
                st.rerun()
        elif who.how in ("anonymous", "not signed in"):
            if sso_configured():
                if sb.button(t("auth.sign_in"), key="auth_sign_in", icon=":material/login:"):
                    st.login()
            else:
                password_form(sb)


def password_form(where: Any) -> None:
    """Local mode: an editor signs in with a name and password (hashed in the store)."""
    from cxkpi.access.users import sign_in
    from pages import common

    with where.expander(t("auth.editor_sign_in"), icon=":material/key:"):
        with st.form("auth_password", border=False):
            name = st.text_input(t("auth.name"), key="auth_name")
            password = st.text_input(t("auth.password"), type="password", key="auth_password_text")
            go = st.form_submit_button(t("auth.sign_in"))
        if go:
            who = sign_in(common.engine(), name, password)
            if who is None:
                st.error(t("auth.wrong_password"))
            else:
                st.session_state[LOCAL_KEY] = {"name": who.name, "role": who.role}
                st.rerun()


def sign_in_page() -> None:
    """A provider is configured and nobody is signed in: one button, nothing else."""
    st.title("cxkpi")
    st.info(t("auth.sign_in_needed"), icon=":material/lock:")
    if st.button(t("auth.sign_in"), key="auth_sign_in_main", type="primary", icon=":material/login:"):
        st.login()


def no_access_page(email: str) -> None:
    st.title("cxkpi")
    st.error(t("auth.no_access", email=email), icon=":material/block:")
    if st.button(t("auth.sign_out"), key="auth_sign_out_main"):
        st.logout()


__all__ = ["EDITOR", "VIEWER"]


def link_session() -> bool:
    """This session was opened from a share link or a print pass: it sees that one view only."""
    return bool(st.session_state.get(SHARE_KEY) or st.session_state.get(PRINT_KEY))


def signed_in_email() -> str:
    user = _user()
    return str(user.get("email") or user.get("sub") or "") if user.get("is_logged_in") else ""
