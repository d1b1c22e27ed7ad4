"""Engines from SQLAlchemy URLs: a DuckDB file by default, PostgreSQL for teams that outgrow it.

Many users, one store. This module owns the database handle of a process:

- one engine per store URL per process (``make_engine`` returns the same one while it is in use); on
  DuckDB it holds one database connection and hands every pooled connection a cursor of it, so the
  file is opened (and locked against other processes) once;
- reads run concurrently (DuckDB cursors and PostgreSQL sessions each see their own snapshot);
- every ``engine.begin()`` is a write transaction and waits its turn: an in-process lock per store, plus
  a transaction-level advisory lock on PostgreSQL so several processes importing at once queue instead of
  colliding. Load ids are taken inside that turn (``loads.next_load_id``);
- DuckDB checkpoints of a serving process run on a background thread, not inside a user's request;
- a DuckDB file held by another process raises ``StoreBusy`` with one line naming the holder and what
  to do, instead of a driver traceback.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

DEFAULT_URL = "duckdb:///data/cxkpi.duckdb"
# Any constant works: it only has to be the same in every cxkpi process writing to one database.
PG_WRITE_LOCK_KEY = 0x63786B7069  # "cxkpi"
# The CLI sets this for commands that only read: a DuckDB file then opens with a shared lock.
READ_ONLY_BY_DEFAULT = False
CHECKPOINT_DELAY_S = 2.0  # a burst of imports is checkpointed once, after it


class StoreBusy(RuntimeError):
    """The store cannot be opened or written now (another process holds the DuckDB file)."""


def default_url() -> str:
    return os.environ.get("CXKPI_DB", DEFAULT_URL)


def normalize_url(url: str) -> str:
    """Accept the short forms people type (`postgresql://`, a bare .duckdb path)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"duckdb:///{url}"
    return url


def _duckdb_path(url: str) -> str | None:
    """The file of a DuckDB URL, or None for PostgreSQL and in-memory stores."""
    if not url.startswith("duckdb:///") or url.startswith("duckdb:///:memory:"):
        return None
    return url.removeprefix("duckdb:///").split("?", 1)[0]


class StoreEngine(sa.Engine):
    """An Engine whose ``begin()`` is a write turn (see the module docstring); ``connect()`` is unchanged."""

    @contextlib.contextmanager
    def begin(self) -> Iterator[sa.Connection]:
        state = _state_of(self)
        if state.read_only:
            raise StoreBusy(state.busy_message or "the store is open read-only here; nothing can be written")
        with state.writing(), super().begin() as conn:
            if self.dialect.name == "postgresql":
                # Other processes' imports wait here until this transaction ends.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK_KEY})
            yield conn


class _StoreState:
    """Per store URL and process: the write lock, who waits for it, and the DuckDB connection."""

    def __init__(self, url: str, read_only: bool = False, busy_message: str = "") -> None:
        self.url = url
        self.read_only = read_only
        self.busy_message = busy_message
        self.lock = threading.RLock()
        self._count = threading.Lock()
        self.writers = 0  # in a write turn or waiting for one
        self.background_checkpoints = False
        self._timer: threading.Timer | None = None
        self.dialect: sa.Dialect | None = None
        self._base = None  # the dialect's connection to the file, while any cursor is open
        self._cursors = 0

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        with self._count:
            self.writers += 1
        try:
            with self.lock:
                yield
        finally:
            with self._count:
                self.writers -= 1

    # -- DuckDB: one connection, a cursor per pooled connection -------------------------------------
    def cursor(self):  # -> duckdb_engine.ConnectionWrapper
        import duckdb
        from duckdb_engine import ConnectionWrapper

        state = self

        class _Cursor(ConnectionWrapper):
            # Closing the last cursor (engine.dispose()) closes the file, so another process can open it.
            def close(self) -> None:
                super().close()
                state._release()

        with self._count:
            if self._base is None:
                try:
                    # Through the dialect, so the configuration matches any other engine on this file.
                    self._base = self.dialect.connect(
                        database=_duckdb_path(self.url), read_only=self.read_only
                    )
                except duckdb.IOException as e:
                    raise StoreBusy(busy_message(self.url, str(e))) from e
            self._cursors += 1
            return _Cursor(self._base.duplicate())  # a cursor: own transaction, same database

    def _release(self) -> None:
        with self._count:
            self._cursors -= 1
            if self._cursors <= 0 and self._base is not None:
                self._base.close()
                self._base = None
                self._cursors = 0


_STATES: dict[str, _StoreState] = {}
_STATES_LOCK = threading.Lock()
_ENGINES: weakref.WeakValueDictionary[str, StoreEngine] = weakref.WeakValueDictionary()


def _state_for(url: str) -> _StoreState:
    key = _lock_key(url)
    with _STATES_LOCK:
        if key not in _STATES:
            _STATES[key] = _StoreState(url)
        return _STATES[key]


def _state_of(engine: sa.Engine) -> _StoreState:
    state = getattr(engine, "_cxkpi_state", None)
    return state if state is not None else _state_for(str(engine.url))


def _lock_key(url: str) -> str:
    path = _duckdb_path(url)
    return "duckdb:" + os.path.realpath(Path(path).expanduser()) if path else url


def make_engine(
    url: str | None = None,
    *,
    migrate: bool = True,
    read_only: bool | None = None,
    background_checkpoints: bool = False,
) -> sa.Engine:
    """The process's engine for a store URL (created and migrated on first use).

    ``read_only=True`` (read-only commands) opens a DuckDB file with a shared lock, so several readers can
    run at once; it falls back to a normal open when the file does not exist yet or must be migrated.
    ``background_checkpoints=True`` (the dashboard) moves DuckDB checkpoints off the request thread.
    """
    url = normalize_url(url or default_url())
    path = _duckdb_path(url)
    if read_only is None:
        read_only = READ_ONLY_BY_DEFAULT
    if path is not None:
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        if read_only and os.path.exists(path):
            ro = _read_only_engine(url)
            if ro is not None:
                return ro
    if url.startswith("duckdb:///:memory:"):
        return _plain(url, migrate)  # each in-memory store is its own
    key = _lock_key(url)
    with _STATES_LOCK:
        engine = _ENGINES.get(key)
    if engine is None:
        engine = _create(url)
        if migrate:
            from cxkpi.store.migrations import migrate as _migrate

            try:
                _migrate(engine)
            except sa.exc.DBAPIError as e:
                if is_lock_error(str(e.orig)):
                    raise StoreBusy(busy_message(url, str(e.orig))) from e
                raise
        with _STATES_LOCK:
            engine = _ENGINES.setdefault(key, engine)
    if background_checkpoints:
        _state_of(engine).background_checkpoints = True
    return engine


def _compile_once(engine: sa.Engine) -> sa.Engine:
    """Turn SQLAlchemy's compiled-statement cache back on for DuckDB.

    Why: duckdb_engine declares ``supports_statement_cache = False``, so every metric statement was compiled
    again on each call (~0.03–0.1 s of CPU for a scorecard); its SQL is PostgreSQL's compiler, whose cache
    keys are sound, and the metric equivalence tests run with the cache on.
    """
    if engine.dialect.name == "duckdb":
        engine.dialect._supports_statement_cache = True  # type: ignore[misc]  # the memoized property's value
    return engine


def _plain(url: str, migrate: bool) -> sa.Engine:
    engine = _compile_once(sa.create_engine(url))
    if migrate:
        from cxkpi.store.migrations import migrate as _migrate

        _migrate(engine)
    return engine


def _create(url: str, state: _StoreState | None = None) -> StoreEngine:
    path = _duckdb_path(url)
    if path is None:
        engine = sa.create_engine(url)
        state = _state_for(url)
    else:
        state = state or _state_for(url)
        engine = _compile_once(sa.create_engine(url, creator=state.cursor, pool_size=8, max_overflow=32))
        state.dialect = engine.dialect
    engine.__class__ = StoreEngine  # same object, begin() takes the write turn
    engine._cxkpi_state = state  # type: ignore[attr-defined]
    return engine  # type: ignore[return-value]


def _read_only_engine(url: str) -> StoreEngine | None:
    """A read-only engine on an up-to-date DuckDB file, or None to open it normally."""
    from cxkpi.store.migrations import SCHEMA_VERSION, current_version

    state = _StoreState(url, read_only=True)
    engine = _create(url, state)
    try:
        with engine.connect() as conn:
            if current_version(conn) == SCHEMA_VERSION:
                state.busy_message = (
                    "this command only reads the store; writing needs the store to itself (stop the reader)"
                )
                return engine
    except StoreBusy:
        engine.dispose()
        raise
    except sa.exc.DBAPIError as e:
        engine.dispose()
        if is_lock_error(str(e.orig)):
            raise StoreBusy(busy_message(url, str(e.orig))) from e
        return None
    engine.dispose()
    return None


def is_lock_error(text: str) -> bool:
    return "Could not set lock on file" in text or "Conflicting lock is held" in text


def busy_message(url: str, error: str) -> str:
    """One line: which process holds the DuckDB file and what to do instead."""
    path = _duckdb_path(url) or url
    m = re.search(r"held in (.*?) \(PID (\d+)\)", error)
    if m:
        holder = f"process {m.group(2)} ({_describe_process(int(m.group(2)), m.group(1))})"
    else:
        holder = "another process"
    return (
        f"the store {path} is in use by {holder}: DuckDB lets one process open a file for writing; "
        "stop that process, import through the dashboard's Data page, "
        "or put the store on PostgreSQL (--db postgresql://…) for many writers"
    )


def _describe_process(pid: int, program: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return Path(program).name or "unknown program"
    args = [a.decode(errors="replace") for a in raw.split(b"\0") if a]
    words = " ".join(Path(a).name if i == 0 else a for i, a in enumerate(args[:4]))
    # One printable line, however the holder was started.
    words = " ".join("".join(ch if ch.isprintable() else " " for ch in words).split())[:80]
    if "streamlit" in words:
        return "the cxkpi dashboard: " + words
    return words or Path(program).name


def is_duckdb(engine: sa.Engine) -> bool:
    return engine.dialect.name == "duckdb"


def import_running(engine: sa.Engine) -> bool:
    """True while another write (an import, a removal, the demo) holds or waits for this store's turn."""
    return _state_of(engine).writers > 0


def checkpoint(engine: sa.Engine) -> None:
    """Flush DuckDB's write-ahead log so a killed process cannot leave a file that will not reopen.

    In a serving process this is scheduled on a background thread shortly after the last write, so a
    user's request never waits for it; elsewhere (the CLI) it runs now, in the write turn.
    """
    if not is_duckdb(engine):
        return
    state = _state_of(engine)
    if state.read_only:
        return
    if not state.background_checkpoints:
        _checkpoint_now(engine)
        return
    with state._count:
        if state._timer is not None:
            state._timer.cancel()
        state._timer = threading.Timer(CHECKPOINT_DELAY_S, _checkpoint_now, args=(engine,))
        state._timer.daemon = True
        state._timer.start()


def _checkpoint_now(engine: sa.Engine) -> None:
    state = _state_of(engine)
    # The write lock, but not counted as an import: the Data page should not say "waiting" for a checkpoint.
    with state.lock, engine.connect() as conn:
        try:
            conn.execute(sa.text("CHECKPOINT"))
            conn.commit()
        except sa.exc.DBAPIError:
            # Readers still inside a transaction can block a checkpoint; the next write schedules another
            # and DuckDB replays its log on open anyway.
            conn.rollback()
