"""The Support page under AppTest: KPI tiles from the metric engine, charts, filters change the numbers,
and an empty store says what to upload."""

from __future__ import annotations

from cxkpi import formatting as fmt
from cxkpi.metrics import Filters, Period, compute
from cxkpi.store import make_engine
from tests.apphelpers import app, demo_store, demo_template, no_exception, texts  # noqa: F401
from tests.pagehelpers import SMALL_MARCH, bare_store, last_month, metrics_by_label, small_store  # noqa: F401


def _expected(store_path, key: str, **filters) -> object:
    eng = make_engine(f"duckdb:///{store_path}")
    try:
        return compute(eng, key, Period(*last_month()), Filters(**filters))
    finally:
        eng.dispose()


def _open(at):
    at.switch_page("pages/support.py").run()
    no_exception(at)
    return at


def test_support_page_shows_kpis_charts_and_tables(app, demo_store):  # noqa: F811
    at = _open(app())
    assert [t.value for t in at.title] == ["Support"]
    tiles = metrics_by_label(at)
    fcr = _expected(demo_store, "fcr")
    assert tiles["FCR"] == fmt.percent(fcr.value)  # the engine's number, formatted once
    reopens = _expected(demo_store, "ticket_reopens")
    assert tiles["Reopened"] == fmt.count(reopens.value)
    assert fmt.percent(reopens.extra["rate"]) in texts(at)
    assert len(at.get("plotly_chart")) == 3  # FRT box, FRT histogram, reopens over time
    assert len(at.dataframe) == 2  # FRT per channel, top reopened accounts
    per_channel = at.dataframe[0].value
    assert sorted(per_channel["Channel"]) == sorted(_expected(demo_store, "frt").extra["by_channel"])


def test_a_segment_filter_changes_the_numbers(app, demo_store):  # noqa: F811
    at = _open(app())
    before = metrics_by_label(at)["FCR"]
    at.sidebar.selectbox(key="w_segment").set_value("Enterprise").run()
    no_exception(at)
    after = metrics_by_label(at)["FCR"]
    assert after == fmt.percent(_expected(demo_store, "fcr", segment="Enterprise").value)
    assert after != before


def test_a_channel_filter_leaves_one_channel_in_the_frt_table(app):  # noqa: F811
    at = app(channel="chat")
    at = _open(at)
    assert list(at.dataframe[0].value["Channel"]) == ["chat"]


def test_an_empty_store_says_what_to_upload(bare_store):  # noqa: F811
    from tests.apphelpers import new_app

    at = _open(new_app())
    body = texts(at)
    assert "No tickets in the store yet" in body and "Data page" in body
    assert not at.get("plotly_chart") and not at.metric


def test_tiles_and_channel_table_worked_out_by_hand(small_store):  # noqa: F811
    """tests/pagehelpers.small_rows, March 2025: four tickets."""
    from tests.apphelpers import new_app

    at = _open(new_app(**SMALL_MARCH))
    tiles = metrics_by_label(at)
    assert tiles["FRT, median"] == "1.5\u00a0h"  # replies after 30, 90, 240 min (T4 got none): median 90 min
    assert tiles["FCR"] == "33.3\u00a0%"  # of T1, T2, T3 solved only T1 had one reply and no reopen: 1 / 3
    assert tiles["Reopened"] == "1"  # T3
    assert "33.3\u00a0% of solved tickets" in texts(at)  # 1 reopened / 3 solved
    per_channel = at.dataframe[0].value
    # chat: T3 alone, 240 min = 4.0 h; email: T1 and T2, median of 30 and 90 min = 60 min = 1.0 h
    assert per_channel[["Channel", "Tickets", "Median"]].values.tolist() == [
        ["chat", "1", "4.0\u00a0h"],
        ["email", "2", "1.0\u00a0h"],
    ]
