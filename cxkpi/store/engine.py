"""Engines from SQLAlchemy URLs: a DuckDB file by default, PostgreSQL for teams that outgrow it."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa

DEFAULT_URL = "duckdb:///data/cxkpi.duckdb"


def default_url() -> str:
    return os.environ.get("CXKPI_DB", DEFAULT_URL)


def normalize_url(url: str) -> str:
    """Accept the short forms people type (`postgresql://`, a bare .duckdb path)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"duckdb:///{url}"
    return url


def make_engine(url: str | None = None, *, migrate: bool = True) -> sa.Engine:
    url = normalize_url(url or default_url())
    if url.startswith("duckdb:///") and not url.startswith("duckdb:///:memory:"):
        Path(url.removeprefix("duckdb:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url)
    if migrate:
        from cxkpi.store.migrations import migrate as _migrate

        _migrate(engine)
    return engine


def is_duckdb(engine: sa.Engine) -> bool:
    return engine.dialect.name == "duckdb"


def checkpoint(engine: sa.Engine) -> None:
    """Flush DuckDB's write-ahead log so a killed process cannot leave a file that will not reopen."""
    if is_duckdb(engine):
        with engine.begin() as conn:
            conn.execute(sa.text("CHECKPOINT"))
