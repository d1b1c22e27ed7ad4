"""pages.common.freeze_long_lived: the server's long-lived objects out of Streamlit's after-run collection.

Streamlit runs a full garbage collection after every script run; app.py freezes what is alive after a run
that left many new tracked objects, so that collection walks only what later runs create. Here the gc
functions are replaced by recorders: the test process's own heap is never frozen.
"""

from __future__ import annotations

import gc

import pytest
from streamlit import config as st_config

from pages import common


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    monkeypatch.setattr(st_config, "get_option", lambda name: False if name == "global.appTest" else None)
    monkeypatch.setattr(common, "_FULL_AT", 0)  # no whole collection done yet in this "server"
    return calls


def tracked(monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """gc.get_objects() answers `n` objects (the ones outside the frozen heap)."""
    monkeypatch.setattr(gc, "get_objects", lambda *a: [None] * n)


def test_a_run_that_left_many_objects_folds_them_into_the_frozen_heap(
    recorded: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracked(monkeypatch, common.REFREEZE_ABOVE + 1)  # e.g. a first load: modules, engine, statements
    common.freeze_long_lived()
    # the frozen heap back under collection first, so cyclic garbage among it is freed; then frozen again
    assert recorded == ["unfreeze", "collect", "freeze"]


def test_a_new_view_walks_only_its_own_objects_until_the_frozen_heap_grew_by_half(
    recorded: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tracked(monkeypatch, common.REFREEZE_ABOVE + 1)
    frozen = [250_000]  # after the first load's whole collection
    monkeypatch.setattr(gc, "get_freeze_count", lambda: frozen[0])
    common.freeze_long_lived()
    assert recorded == ["unfreeze", "collect", "freeze"] and common._FULL_AT == 250_000
    recorded.clear()
    frozen[0] = 270_000  # a new view's ~20 k objects: 270 k ≤ 250 k × 1.5, so only they are walked
    common.freeze_long_lived()
    assert recorded == ["collect", "freeze"]
    recorded.clear()
    frozen[0] = 375_001  # grown by more than half since the whole collection: everything once more
    common.freeze_long_lived()
    assert recorded == ["unfreeze", "collect", "freeze"] and common._FULL_AT == 375_001


def test_a_plain_rerun_freezes_nothing(recorded: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    tracked(monkeypatch, common.REFREEZE_ABOVE)  # at the limit: left to Streamlit's own collection
    common.freeze_long_lived()
    assert recorded == []


def test_nothing_frozen_under_apptest(recorded: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    tracked(monkeypatch, common.REFREEZE_ABOVE * 10)
    monkeypatch.setattr(st_config, "get_option", lambda name: name == "global.appTest")
    common.freeze_long_lived()
    assert recorded == []
