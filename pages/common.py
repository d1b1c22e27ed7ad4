"""Shared UI helpers every page imports: the one store engine, the demo label, counts, view state.

Pages stay thin: they read the view from here, call the cxkpi library, and draw. Nothing in here
computes a metric; it only caches and formats what the library returns.
"""

from __future__ import annotations

import importlib
import json
from types import ModuleType

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from cxkpi import store
from cxkpi.i18n import t
from cxkpi.store import schema

# Demo-clear marker in the settings key/value table: once a user clears the demo, a restart must not
# bring it back even though the store is empty again.
DEMO_CLEARED_KEY = "app.demo_cleared"


def optional(module: str) -> ModuleType | None:
    """A library module another engineer is still writing, or None (the page shows an empty state)."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> sa.Engine:
    # One engine per store URL per server process: DuckDB allows one writer process, and within it every
    # session shares this engine (its pool hands each thread its own connection).
    return store.make_engine(url)


def engine() -> sa.Engine:
    return _engine_for(store.normalize_url(store.default_url()))


def data_version() -> str:
    with engine().connect() as conn:
        return store.data_version(conn)


def row_counts() -> dict[str, int]:
    with engine().connect() as conn:
        return store.row_counts(conn)


def demo_loaded() -> bool:
    demo = optional("cxkpi.demo")
    if demo is not None and hasattr(demo, "is_demo_loaded"):
        return bool(demo.is_demo_loaded(engine()))
    with engine().connect() as conn:
        return store.has_demo(conn)


def _store_is_fresh(eng: sa.Engine) -> bool:
    """True when nothing was ever loaded and the demo was never cleared: a first start."""
    with eng.connect() as conn:
        loads = conn.execute(sa.select(sa.func.count()).select_from(schema.loads)).scalar() or 0
        cleared = conn.execute(
            sa.select(schema.settings.c.value).where(schema.settings.c.key == DEMO_CLEARED_KEY)
        ).scalar()
    return loads == 0 and not cleared


@st.cache_resource(show_spinner=False)
def _first_start(url: str) -> bool:
    """Load the demo workspace into an empty, never-used store, once per server process and store."""
    eng = _engine_for(url)
    demo = optional("cxkpi.demo")
    if demo is None or not _store_is_fresh(eng):
        return False
    demo.load_demo(eng)
    return True


def _mark_demo_cleared(cleared: bool) -> None:
    tbl = schema.settings
    with engine().begin() as conn:
        conn.execute(sa.delete(tbl).where(tbl.c.key == DEMO_CLEARED_KEY))
        if cleared:
            conn.execute(sa.insert(tbl).values(key=DEMO_CLEARED_KEY, value=json.dumps(True)))


def clear_demo() -> bool:
    demo = optional("cxkpi.demo")
    if demo is None:
        return False
    demo.clear_demo(engine())
    _mark_demo_cleared(True)
    return True


def load_demo() -> bool:
    demo = optional("cxkpi.demo")
    if demo is None:
        return False
    demo.load_demo(engine())
    _mark_demo_cleared(False)
    return True


def startup() -> None:
    """Called by app.py on every run before the page: the first-start demo load."""
    with st.spinner(t("demo.loaded_on_first_start")):
        _first_start(store.normalize_url(store.default_url()))


def page_header(title_key: str, intro_key: str | None = None) -> None:
    """Every page starts here: the demo label (when the demo is loaded), the heading, a one-line intro."""
    if demo_loaded():
        demo_banner()
    st.title(t(title_key))
    if intro_key:
        st.caption(t(intro_key))


def demo_banner() -> None:
    with st.container(key="demo_banner"):
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.info(t("demo.banner"), icon=":material/science:")
        c2.page_link("pages/data.py", label=t("demo.clear_hint"), icon=":material/delete_sweep:")


def counts_section() -> None:
    """The row count of every canonical table: what the store holds right now."""
    counts = row_counts()
    st.subheader(t("counts.heading"))
    if not any(counts.values()):
        st.info(t("counts.empty"), icon=":material/inbox:")
    cols = st.columns(4)
    for i, (name, n) in enumerate(counts.items()):
        cols[i % 4].metric(t(f"table.{name}"), f"{n:,}")


def counts_frame() -> pd.DataFrame:
    counts = row_counts()
    return pd.DataFrame({t("counts.table"): [t(f"table.{k}") for k in counts], t("counts.rows"): list(counts.values())})
