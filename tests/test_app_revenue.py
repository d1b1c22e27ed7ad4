"""The Revenue & retention page under AppTest: KPI tiles from compute(), MRR trend and waterfall, churn,
cohorts, renewals; filters change the numbers; an empty store says what to upload."""

from __future__ import annotations

from cxkpi import formatting as fmt
from cxkpi.metrics import Filters, Period, scorecard
from cxkpi.renewals import renewals_due
from cxkpi.store import make_engine
from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception, texts  # noqa: F401
from tests.pagehelpers import SMALL_MARCH, bare_store, last_month, metrics_by_label, small_store  # noqa: F401


def _open(at):
    at.switch_page("pages/revenue.py").run()
    no_exception(at)
    return at


def _card(store_path, **filters):
    eng = make_engine(f"duckdb:///{store_path}")
    try:
        return scorecard(eng, Period(*last_month()), Filters(**filters), keys=["mrr", "clv", "crc", "renewal_rate"])
    finally:
        eng.dispose()


def test_revenue_page_shows_kpis_and_charts(app, demo_store):  # noqa: F811
    at = _open(app())
    assert [t.value for t in at.title] == ["Revenue & retention"]
    card = _card(demo_store)
    tiles = metrics_by_label(at)
    cur = card["mrr"].unit
    assert tiles["MRR"] == fmt.money(card["mrr"].value, cur)
    assert tiles[card["clv"].label] == fmt.money(card["clv"].value, cur)
    assert tiles[card["crc"].label] == fmt.money(card["crc"].value, cur)
    # MRR trend, movements waterfall, churn lines, cohort heatmap
    charts = at.get("plotly_chart")
    assert len(charts) == 4
    assert '"type":"waterfall"' in charts[1].proto.spec.replace(" ", "")
    assert '"type":"heatmap"' in charts[3].proto.spec.replace(" ", "")
    eng = make_engine(f"duckdb:///{demo_store}")
    due = renewals_due(eng, Period(*last_month()))
    eng.dispose()
    assert tiles["Due"] == fmt.count(len(due))


def test_a_segment_filter_changes_mrr(app, demo_store):  # noqa: F811
    at = _open(app())
    before = metrics_by_label(at)["MRR"]
    at.sidebar.selectbox(key="w_segment").set_value("Enterprise").run()
    no_exception(at)
    ent = _card(demo_store, segment="Enterprise")["mrr"]
    assert metrics_by_label(at)["MRR"] == fmt.money(ent.value, ent.unit) != before


def test_cohort_basis_switches_to_revenue(app):  # noqa: F811
    at = _open(app())
    at.radio(key="revenue_cohort_basis").set_value("revenue").run()
    no_exception(at)
    assert "MRR kept" in at.get("plotly_chart")[3].proto.spec


def test_an_empty_store_says_what_to_upload(bare_store):  # noqa: F811
    at = _open(new_app())
    body = texts(at)
    assert "No subscriptions in the store yet" in body and "No renewals in the store yet" in body
    assert not at.get("plotly_chart")


def test_tiles_worked_out_by_hand(small_store):  # noqa: F811
    """tests/pagehelpers.small_rows, March 2025: three subscriptions, four renewals."""
    at = _open(new_app(**SMALL_MARCH))
    tiles = metrics_by_label(at)
    assert tiles["MRR"] == "$200"  # S1 100/month + S2 1,200/year ÷ 12 = 100 + 100; S3 ended on 15 Mar
    assert tiles["Customer churn rate"] == "33.3\u00a0%"  # A3 left of the 3 customers active on 1 Mar
    # ARPA 200 / 2 customers = 100; Jan–Mar hold 3 customers at each month's start = 9, 1 churned → 9 months
    assert tiles["Customer lifetime value"] == "$900"  # 100 × 100 % × 9
    assert tiles["Renewal rate"] == "66.7\u00a0%"  # R1, R2 renewed / (R1, R2 + R3 churned)
    assert (tiles["Due"], tiles["Renewed"], tiles["Churned"], tiles["Pending"]) == ("4", "2", "1", "1")
    assert "ARPA $100 × margin × 9.0 months average lifespan" in texts(at)
