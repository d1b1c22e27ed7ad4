"""View state lives in the URL: a link reproduces the view, controls write it back, pages keep it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.apphelpers import app, demo_store, demo_template, no_exception  # noqa: F401


def share_link(at) -> str:
    codes = [c.value for c in at.sidebar.code]
    assert len(codes) == 1, codes
    return codes[0]


def test_a_shared_link_sets_the_controls(app):  # noqa: F811
    at = app(period="custom", **{"from": "2026-01-01", "to": "2026-03-31"}, compare="yoy", segment="Enterprise",
             csat="mean")  # fmt: skip
    at.run()
    no_exception(at)
    assert at.sidebar.selectbox(key="w_preset").value == "custom"
    assert str(at.sidebar.date_input(key="w_from").value) == "2026-01-01"
    assert at.sidebar.selectbox(key="w_compare").value == "yoy"
    assert at.sidebar.selectbox(key="w_segment").value == "Enterprise"
    assert at.sidebar.radio(key="w_csat_mode").value == "mean"
    # the period caption reads the period and its comparison (same period last year)
    captions = [c.value for c in at.sidebar.caption]
    assert any("Jan 1" in c and "Mar 31, 2026" in c and "Mar 31, 2025" in c for c in captions), captions


def test_changing_a_control_updates_the_url_and_the_share_link(app):  # noqa: F811
    at = app()
    at.run()
    at.sidebar.selectbox(key="w_region").set_value("EMEA").run()
    at.sidebar.selectbox(key="w_preset").set_value("last_quarter").run()
    no_exception(at)
    assert at.query_params["region"] == "EMEA"
    assert at.query_params["period"] == "last_quarter"
    q = parse_qs(urlsplit(share_link(at)).query)
    assert q["region"] == ["EMEA"] and q["period"] == ["last_quarter"] and q["csat"] == ["top2box"]


def test_the_view_survives_a_page_change_and_the_link_names_the_page(app):  # noqa: F811
    at = app(segment="SMB", period="ytd")
    at.run()
    at.switch_page("pages/support.py").run()
    no_exception(at)
    assert at.query_params["segment"] == "SMB" and at.query_params["period"] == "ytd"
    link = urlsplit(share_link(at))
    assert link.path.endswith("/support")
    assert parse_qs(link.query)["segment"] == ["SMB"]


def test_a_link_with_an_unknown_filter_value_keeps_it_visible(app):  # noqa: F811
    at = app(plan="Platinum-2031")
    at.run()
    no_exception(at)
    assert at.sidebar.selectbox(key="w_plan").value == "Platinum-2031"
