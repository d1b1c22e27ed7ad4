"""Loaded at interpreter start by a browser test's `streamlit run` (this folder is put on its PYTHONPATH).

The pages' today() and the demo's default end month are fixed to $CXKPI_TEST_TODAY and
$CXKPI_TEST_DEMO_END (ISO dates), as tests/apphelpers.freeze_today does for AppTest in-process.
Each module is patched right after its first import, so nothing is imported before Streamlit starts.
"""

from __future__ import annotations

import datetime as dt
import importlib.abc
import importlib.util
import os
import sys
from types import ModuleType

TODAY = dt.date.fromisoformat(os.environ["CXKPI_TEST_TODAY"])
DEMO_END = dt.date.fromisoformat(os.environ["CXKPI_TEST_DEMO_END"])

PATCHES = {
    "pages.common": lambda m: setattr(m, "today", lambda: TODAY),
    "cxkpi.demo": lambda m: setattr(m, "default_end_month", lambda today=None: DEMO_END),
}


class _PatchAfterImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path=None, target=None):  # noqa: ANN001
        if name not in PATCHES:
            return None
        # find the real module with this finder out of the way, then patch it once it has run
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        real_exec = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            real_exec(module)
            PATCHES[name](module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


sys.meta_path.insert(0, _PatchAfterImport())
