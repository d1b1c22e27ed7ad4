"""Every export shape cxkpi recognizes, registered by existing: each module here declares Sources.

Adding a tool = one file in this package (declare a Source, call register()) + one line in
tests/test_sources.py. ``all_sources()`` imports every module of the package first.
"""

from __future__ import annotations

import importlib
import pkgutil

from cxkpi.sources.base import REGISTRY, Field, Source, Survey, register

__all__ = ["Field", "Source", "Survey", "all_sources", "get_source", "register"]

_loaded = False


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    for mod in pkgutil.iter_modules(__path__):
        if mod.name != "base" and not mod.name.startswith("_"):
            importlib.import_module(f"{__name__}.{mod.name}")
    _loaded = True


def all_sources() -> list[Source]:
    """Every registered source, sorted by name."""
    _load_all()
    return sorted(REGISTRY.values(), key=lambda s: s.name)


def get_source(name: str) -> Source:
    _load_all()
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no source named {name!r}; `cxkpi sources` lists them") from None
