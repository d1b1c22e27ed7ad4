"""pages.common.freeze_long_lived: the server's long-lived objects out of Streamlit's after-run collection.

Streamlit runs a full garbage collection after every script run; app.py freezes what is alive after a run
that imported modules, so that collection walks only what later runs create. Here gc.collect and gc.freeze
are replaced by recorders: the test process's own heap is never frozen.
"""

from __future__ import annotations

import gc
import sys
import types

import pytest
from streamlit import config as st_config

from pages import common


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(common, "_modules_when_frozen", 0)  # as in a new server process
    monkeypatch.setattr(st_config, "get_option", lambda name: False if name == "global.appTest" else None)
    return calls


def test_first_run_collects_then_freezes_and_a_rerun_does_nothing(recorded: list[str]) -> None:
    common.freeze_long_lived()
    # garbage collected first, so only live objects are frozen
    assert recorded == ["collect", "freeze"]
    common.freeze_long_lived()  # a rerun that imported nothing
    assert recorded == ["collect", "freeze"]


def test_a_run_that_imports_a_module_freezes_again(
    recorded: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    common.freeze_long_lived()
    monkeypatch.setitem(sys.modules, "cxkpi_test_new_module", types.ModuleType("cxkpi_test_new_module"))
    common.freeze_long_lived()  # a page's first visit imported one more module
    assert recorded == ["collect", "freeze", "collect", "freeze"]


def test_nothing_frozen_under_apptest(recorded: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(st_config, "get_option", lambda name: name == "global.appTest")
    common.freeze_long_lived()
    assert recorded == []
