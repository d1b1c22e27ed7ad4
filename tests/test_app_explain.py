"""The "How this number is computed" page (AppTest on the demo store): the method card of the metric in the URL,
the rows behind it, and another definition showing a different value."""

from __future__ import annotations

import datetime as dt

import pytest

import cxkpi.metrics as metrics
from cxkpi import formatting as fmt
from cxkpi.store import make_engine
from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception, texts  # noqa: F401
from tests.pagehelpers import SMALL_MARCH, bare_store, small_store  # noqa: F401

Q3 = {"period": "custom", "from": "2026-07-01", "to": "2026-09-30"}


def open_explain(app, **query):  # noqa: F811
    at = app(**query)
    at.run()
    at.switch_page("pages/explain.py").run()
    no_exception(at)
    return at


def by_label(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_card_for_csat_from_the_url(app, demo_store):  # noqa: F811
    at = open_explain(app, metric="csat", segment="Enterprise", **Q3)
    assert [x.value for x in at.title] == ["How this number is computed"]
    eng = make_engine(f"duckdb:///{demo_store}")
    r = metrics.compute(eng, "csat", metrics.Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
                        metrics.Filters(segment="Enterprise"), {"csat.mode": "top2box"})  # fmt: skip
    eng.dispose()
    shown = by_label(at)
    assert shown["Numerator"] == fmt.count(r.numerator)
    assert shown["Denominator"] == fmt.count(r.denominator)
    assert shown["Value"] == fmt.value(r.value, "%")
    page = texts(at)
    assert "Share of satisfied customers" in page  # the registry's definition
    assert "4–5 of 1–5 counted positive" in page  # the scale mapping in force
    assert "Segment = Enterprise" in page
    expected = f"{fmt.count(r.numerator)} ÷ {fmt.count(r.denominator)} × 100 = {fmt.value(r.value, '%')}"
    assert expected.replace(".", "\\.") in page  # markdown: the page escapes the decimal point
    assert "demo workspace" in page  # the load that fed the rows
    assert len(at.dataframe) == 2  # numerator and denominator rows
    assert at.selectbox(key="w_explain_metric").value == "csat"


def test_switching_the_mode_shows_a_different_after_value(app):  # noqa: F811
    at = open_explain(app, metric="csat", **Q3)
    before = by_label(at)
    assert before["CSAT now"] == before["CSAT with this definition"]
    radio = next(r for r in at.radio if r.key.startswith("x_opt_csat.mode"))
    radio.set_value("mean").run()
    no_exception(at)
    after = by_label(at)
    assert after["CSAT now"] == before["CSAT now"]
    assert after["CSAT with this definition"] != after["CSAT now"]
    assert "No other metric changes." in texts(at)
    assert not at.button(key="x_save").disabled


def test_the_row_filter_narrows_the_rows(app):  # noqa: F811
    at = open_explain(app, metric="csat", **Q3)
    total = len(at.dataframe[1].value)
    at.text_input(key="x_rows_filter").set_value("zzz-no-such-text").run()
    no_exception(at)
    assert len(at.dataframe[1].value) == 0 < total


def test_save_as_workspace_default_saves_the_option(app, demo_store):  # noqa: F811
    from cxkpi.settings import get_settings

    at = open_explain(app, metric="frt", **Q3)
    radio = next(r for r in at.radio if r.key.startswith("x_opt_frt.stat"))
    radio.set_value("mean").run()
    at.button(key="x_save").click().run()
    no_exception(at)
    eng = make_engine(f"duckdb:///{demo_store}")
    assert get_settings(eng).metric_options["frt.stat"] == "mean"
    eng.dispose()
    assert at.query_params["frt"] == "mean"
    assert "Saved: the whole dashboard now uses this definition." in texts(at)


def test_a_metric_without_data_says_why_and_links_to_the_data_page(app, demo_store):  # noqa: F811
    from cxkpi.demo import clear_demo

    eng = make_engine(f"duckdb:///{demo_store}")
    clear_demo(eng)
    eng.dispose()
    at = open_explain(app, metric="renewal_rate")
    page = texts(at)
    assert "Renewal rate is not available: no renewals due in the period" in page
    assert "Needs: Load a renewals export" in page
    assert any("data" in pl.proto.page for pl in at.get("page_link"))


@pytest.mark.parametrize("key", list(metrics.REGISTRY))
def test_every_metrics_card_draws(app, key):  # noqa: F811
    at = open_explain(app, metric=key, **Q3)
    page = texts(at)
    assert metrics.REGISTRY[key].description[:40] in page
    # every metric has data in Q3 2026 of the demo: each card draws its rows, none says "not available"
    assert "The rows behind it" in page and "is not available" not in page


def test_a_link_with_metric_opens_that_metric_in_a_running_session(app):  # noqa: F811
    """A Scorecard tile links here with query_params; the session's view already exists (metric csat)."""
    at = app(**Q3)
    at.run()
    at.query_params["metric"] = "frt"
    at.switch_page("pages/explain.py").run()
    no_exception(at)
    assert at.selectbox(key="w_explain_metric").value == "frt"
    assert "Hours from a ticket's creation to the first agent reply" in texts(at)


def test_the_calculation_worked_out_by_hand(small_store):  # noqa: F811
    """tests/pagehelpers.small_rows, March 2025: CSAT answers 5, 5, 4, 3, 1 on 1–5."""
    at = open_explain(new_app, metric="csat", **SMALL_MARCH)
    shown = by_label(at)
    # top-2-box: 5, 5, 4 are positive → 3 ÷ 5 × 100 = 60.0 %
    assert (shown["Numerator"], shown["Denominator"], shown["Value"]) == ("3", "5", "60.0\u00a0%")
    assert "3 ÷ 5 × 100 = 60\\.0\u00a0%" in texts(at)
    assert [len(at.dataframe[0].value), len(at.dataframe[1].value)] == [3, 5]  # numerator rows, denominator rows
    # mean: (5 + 5 + 4 + 3 + 1) / (5 answers × 5 scale maximum) × 100 = 18 / 25 × 100 = 72.0 %
    next(r for r in at.radio if r.key.startswith("x_opt_csat.mode")).set_value("mean").run()
    no_exception(at)
    assert by_label(at)["CSAT with this definition"] == "72.0\u00a0%"
    assert by_label(at)["CSAT now"] == "60.0\u00a0%"
