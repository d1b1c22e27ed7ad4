"""Roles, the write guard, local users with hashed passwords and the audit trail, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cxkpi.access import EDITOR, VIEWER, Actor, acting_as, role_for_claims
from cxkpi.access.audit import list_entries
from cxkpi.access.guard import is_write
from cxkpi.access.users import ENV_PASSWORD, add_user, sign_in
from cxkpi.goals import add_goal, delete_goal, list_goals
from cxkpi.ingest.api import ingest_file, remove_load
from cxkpi.settings import get_settings, update_settings
from cxkpi.store import list_loads
from cxkpi.store.schema import users

ANA = Actor("ana@example.com", EDITOR, "single sign-on")
BOB = Actor("bob@example.com", VIEWER, "single sign-on")
CSV = b"response_id,kind,score,scale_min,scale_max,submitted_at\nA1,csat,5,1,5,2025-03-05 12:00:00\n"


def test_viewer_cannot_write_through_any_library_call(engine: sa.Engine) -> None:
    with acting_as(ANA):
        ingest_file(engine, CSV, "march.csv")
    load_id = list_loads(engine.connect())[0]["load_id"]
    with acting_as(BOB):
        with pytest.raises(
            PermissionError, match="bob@example.com is a viewer: only an editor may load a file"
        ):
            ingest_file(engine, CSV.replace(b"A1", b"A2"), "more.csv")
        with pytest.raises(PermissionError, match="remove a load"):
            remove_load(engine, load_id)
        with pytest.raises(PermissionError, match="save workspace settings"):
            update_settings(engine, language="fr")
        with pytest.raises(PermissionError, match="add a goal"):
            add_goal(engine, "csat", "2025-01-01", "2025-03-31", "relative", 10.0)
    # nothing changed: still one active load, the language untouched, no goal
    with engine.connect() as conn:
        assert [r["status"] for r in list_loads(conn)] == ["active"]
    assert get_settings(engine).language == "en"
    assert list_goals(engine) == []


def test_engine_guard_refuses_raw_sql_writes_for_a_viewer(engine: sa.Engine) -> None:
    # a write that bypasses every decorated function still cannot run for a viewer; a read can
    with acting_as(BOB), engine.connect() as conn:
        with pytest.raises(PermissionError, match="only an editor may change data"):
            conn.execute(sa.text("DELETE FROM settings"))
        assert conn.execute(sa.text("SELECT count(*) FROM settings")).scalar() is not None
    assert is_write("  insert into x values (1)") and is_write("UPDATE t SET a = 1")
    assert not is_write("SELECT * FROM inserts") and not is_write("WITH x AS (SELECT 1) SELECT * FROM x")


def test_every_write_is_audited_with_who_and_what(engine: sa.Engine) -> None:
    with acting_as(ANA):
        goal_id = add_goal(engine, "csat", "2025-01-01", "2025-03-31", "relative", 10.0)
        delete_goal(engine, goal_id)
    entries = list_entries(engine)
    # newest first: the deletion, then the addition — both by Ana, as an editor, with a time
    assert [e["action"] for e in entries] == ["delete a goal", "add a goal"]
    assert {e["actor"] for e in entries} == {"ana@example.com"}
    assert {e["role"] for e in entries} == {"editor"}
    assert repr(goal_id) in entries[0]["detail"]
    assert all(e["done_at"] is not None for e in entries)


def test_local_users_store_only_an_argon2_hash(engine: sa.Engine) -> None:
    with acting_as(ANA):
        add_user(engine, "carla", "correct horse battery")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(users.c.password_hash).where(users.c.name == "carla")).scalar()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored
    assert sign_in(engine, "carla", "correct horse battery") == Actor("carla", EDITOR, "password")
    assert sign_in(engine, "carla", "wrong horse battery") is None
    assert sign_in(engine, "nobody", "correct horse battery") is None
    with acting_as(BOB), pytest.raises(PermissionError, match="add or change a user"):
        add_user(engine, "mallory", "12345678")
    with acting_as(ANA), pytest.raises(ValueError, match="at least 8"):
        add_user(engine, "dan", "short")


def test_editor_password_from_the_environment(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_PASSWORD, "let-me-edit-please")
    assert sign_in(engine, "editor", "let-me-edit-please") == Actor("editor", EDITOR, "password")
    assert sign_in(engine, "editor", "let-me-edit") is None
    assert sign_in(engine, "someone", "let-me-edit-please") is None  # the variable lets in "editor" only


def test_roles_from_emails_domains_and_groups() -> None:
    rules = {"editors": ["ana@example.com", "group:cs-leads"], "viewers": ["@example.com", "group:board"]}
    assert (
        role_for_claims({"email": "Ana@Example.com"}, rules) == EDITOR
    )  # e-mails compare case-insensitively
    assert role_for_claims({"email": "x@partner.io", "groups": ["cs-leads"]}, rules) == EDITOR
    assert role_for_claims({"email": "cfo@example.com"}, rules) == VIEWER  # the domain
    assert role_for_claims({"email": "x@partner.io", "groups": ["board"]}, rules) == VIEWER
    assert (
        role_for_claims({"email": "x@partner.io"}, rules) is None
    )  # a viewers list exists: not on it, no access
    assert role_for_claims({"email": "x@partner.io"}, {"editors": ["ana@example.com"]}) == VIEWER
    assert role_for_claims({"email": "example.com"}, {"editors": ["@example.com"]}) == VIEWER  # not an e-mail


def test_cli_user_add_stores_a_hash_and_lists(duckdb_url: str, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import io

    from cxkpi.cli import main
    from cxkpi.store import make_engine

    monkeypatch.setattr("sys.stdin", io.StringIO("a long password\n"))
    assert main(["user", "add", "carla", "--db", duckdb_url]) == 0
    assert "carla can sign in as editor." in capsys.readouterr().out
    eng = make_engine(duckdb_url)
    assert sign_in(eng, "carla", "a long password") == Actor("carla", EDITOR, "password")
    eng.dispose()
    assert main(["user", "list", "--db", duckdb_url]) == 0
    assert capsys.readouterr().out.startswith("carla\teditor\t")
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "dan", "--db", duckdb_url]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
