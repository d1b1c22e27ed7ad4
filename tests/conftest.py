"""Shared fixtures: a fresh store per test on DuckDB and on a real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.store import make_engine

ROOT = Path(__file__).resolve().parents[1]
# Sample exports of each tool (fictional data) kept with the tests, so a fresh clone runs the suite alone.
SAMPLE_EXPORTS = Path(__file__).resolve().parent / "fixtures"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """The URL of a PostgreSQL server the suite started (or $CXKPI_TEST_PG_URL)."""
    if os.environ.get("CXKPI_TEST_PG_URL"):
        yield os.environ["CXKPI_TEST_PG_URL"]
        return
    from tests.pgserver import PgServer

    server = PgServer()
    url = server.start()
    try:
        _make_template(url)
        yield url
    finally:
        server.stop()


PG_TEMPLATE = "cxkpi_template"


def _make_template(server_url: str) -> None:
    """A migrated, empty database that each test's database is copied from (faster than migrating each)."""
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {PG_TEMPLATE}"))
    admin.dispose()
    eng = make_engine(server_url.rsplit("/", 1)[0] + "/" + PG_TEMPLATE)
    eng.dispose()


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A brand-new, empty database on the test server."""
    name = "t_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    template = "" if os.environ.get("CXKPI_TEST_PG_URL") else f" TEMPLATE {PG_TEMPLATE}"
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}{template}"))
    url = pg_server_url.rsplit("/", 1)[0] + "/" + name
    yield url
    sa.create_engine(url).dispose()
    with admin.connect() as c:
        c.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def duckdb_url(tmp_path: Path) -> str:
    return f"duckdb:///{tmp_path / 'cxkpi.duckdb'}"


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """Run a test once on a DuckDB file and once on PostgreSQL: one contract, both backends."""
    if request.param == "duckdb":
        return request.getfixturevalue("duckdb_url")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def engine(store_url: str) -> Iterator[sa.Engine]:
    eng = make_engine(store_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sample_exports() -> Path:
    """The folder of sample exports (tests/fixtures/README.md says what each file holds)."""
    return SAMPLE_EXPORTS
