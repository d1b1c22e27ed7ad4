"""The store: engine, canonical schema, migrations, loads and account linking."""

from cxkpi.store.engine import (
    DEFAULT_URL,
    StoreBusy,
    checkpoint,
    default_url,
    import_running,
    is_duckdb,
    make_engine,
    normalize_url,
)
from cxkpi.store.link import relink
from cxkpi.store.loads import data_version, has_demo, list_loads, record_load, row_counts
from cxkpi.store.schema import CANONICAL, HISTORY, NATURAL_KEYS

__all__ = [
    "CANONICAL",
    "DEFAULT_URL",
    "HISTORY",
    "NATURAL_KEYS",
    "StoreBusy",
    "checkpoint",
    "data_version",
    "default_url",
    "has_demo",
    "import_running",
    "is_duckdb",
    "list_loads",
    "make_engine",
    "normalize_url",
    "record_load",
    "relink",
    "row_counts",
]
