"""A viewer who replays an editor's widget action changes nothing (AppTest).

A literal replay of another browser's widget id is not possible in AppTest, so the closest: one session
where an editor armed the Data page's remove (the confirmation is showing), then the same session's next
run is a viewer's, carrying the click on "Yes, remove it". The store must be unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa

from cxkpi import store
from cxkpi.store.schema import CANONICAL, loads
from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception, texts  # noqa: F401
from tests.test_app_access import EDITOR_USER, VIEWER_USER, _forget_the_actor, rules  # noqa: F401


def _state(path) -> tuple[list, dict]:
    eng = store.make_engine(f"duckdb:///{path}")
    with eng.connect() as conn:
        statuses = conn.execute(sa.select(loads.c.load_id, loads.c.status).order_by(loads.c.load_id)).all()
        counts = {
            n: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar() for n, t in CANONICAL.items()
        }
    eng.dispose()
    return statuses, counts


def test_a_viewer_replaying_the_remove_confirmation_changes_nothing(app, demo_store, rules) -> None:  # noqa: F811
    before = _state(demo_store)
    assert all(s == "active" for _, s in before[0]) and before[1]["tickets"] > 0
    at = new_app()
    at.user = EDITOR_USER  # type: ignore[assignment]
    at.run()
    at.switch_page("pages/data.py").run()
    no_exception(at)
    at.button(key="data_remove").click().run()  # armed: the confirmation is on screen
    assert at.button(key="data_remove_yes")
    yes = at.button(key="data_remove_yes")
    at.user = VIEWER_USER  # type: ignore[assignment]  # the next run is a viewer's
    yes.click().run()
    no_exception(at)
    assert "Only an editor can open this page." in texts(at)
    assert [b.key for b in at.button] == []  # no editor widget rendered for the viewer
    assert _state(demo_store) == before  # no load removed, not one row gone
