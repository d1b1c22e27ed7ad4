"""The app shell: a new store gets the demo on first start, labelled, and the Data page clears it."""

from __future__ import annotations

import sqlalchemy as sa

from cxkpi import store
from tests.apphelpers import app, demo_store, demo_template, empty_store, new_app, no_exception, texts  # noqa: F401


def test_first_start_on_an_empty_store_loads_the_demo_and_labels_it(empty_store, demo_template):  # noqa: F811
    at = new_app().run()
    no_exception(at)
    assert [t.value for t in at.title] == ["Scorecard"]
    assert "Demo data" in texts(at)
    # the whole demo, table by table: the same rows as the template built by load_demo(engine, DEMO_END)
    template = store.make_engine(f"duckdb:///{demo_template}")
    with template.connect() as conn:
        expected = store.row_counts(conn)
    template.dispose()
    eng = store.make_engine(f"duckdb:///{empty_store}")
    with eng.connect() as conn:
        assert store.has_demo(conn)
        assert store.row_counts(conn) == expected
    eng.dispose()


def test_clearing_the_demo_removes_the_label_and_it_does_not_come_back(app):  # noqa: F811
    at = app()
    at.switch_page("pages/data.py").run()
    no_exception(at)
    assert "Demo data" in texts(at)
    at.button(key="clear_demo").click().run()
    assert "Demo data" in texts(at)  # asked first, nothing cleared yet
    at.button(key="clear_demo_yes").click().run()
    no_exception(at)
    assert "Demo data" not in texts(at)
    counts = {m.label: m.value for m in at.metric}
    assert counts["Tickets"] == "0"
    # A new session (as after a restart) must not load the demo again into the now-empty store.
    at2 = new_app().run()
    no_exception(at2)
    assert "Demo data" not in texts(at2)


def test_store_engine_follows_cxkpi_db(demo_store):  # noqa: F811
    eng = sa.create_engine(f"duckdb:///{demo_store}")
    with eng.connect() as conn:
        conn.execute(sa.text("DELETE FROM tickets WHERE ticket_id NOT IN (SELECT min(ticket_id) FROM tickets)"))
        conn.commit()
        tickets = store.row_counts(conn)["tickets"]
    eng.dispose()
    assert tickets == 1  # one ticket left: a count no other store holds
    at = new_app().run()
    no_exception(at)
    at.switch_page("pages/data.py").run()
    no_exception(at)
    assert {m.label: m.value for m in at.metric}["Tickets"] == "1"  # the page reads the store $CXKPI_DB names
