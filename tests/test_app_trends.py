"""The Trends page: a titled Plotly chart of one metric, CSAT bands and the ACSI line, interval ribbons,
one line per segment, goal lines, and its choices in the URL."""

from __future__ import annotations

import json

from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception  # noqa: F401
from tests.pagehelpers import SMALL_MARCH, bare_store, small_store  # noqa: F401

Q = {"period": "custom", "from": "2026-01-01", "to": "2026-09-30"}


def chart(at) -> dict:
    charts = at.get("plotly_chart")
    assert len(charts) == 1, [type(c) for c in charts]
    return json.loads(charts[0].proto.spec)


def open_trends(app, **query):  # noqa: F811
    at = app(**query)
    at.run()
    at.switch_page("pages/trends.py").run()
    no_exception(at)
    return at


def test_trends_page_shows_its_heading(app):  # noqa: F811
    at = open_trends(app)
    assert [t.value for t in at.title] == ["Trends"]


def test_csat_chart_has_title_units_bands_acsi_line_and_ribbon(app):  # noqa: F811
    at = open_trends(app, **Q)
    spec = chart(at)
    layout = spec["layout"]
    # 12 months up to the period end (Oct 2025 – Sep 2026), since the period itself is shorter
    assert layout["title"]["text"] == "CSAT by month"
    assert layout["title"]["subtitle"]["text"] == "Oct 1, 2025\u2009–\u2009Sep 30, 2026"
    assert layout["yaxis"]["title"]["text"] == "%"
    assert layout["xaxis"]["title"]["text"] == "Period"
    rects = [s for s in layout["shapes"] if s["type"] == "rect"]
    assert sorted((r["y0"], r["y1"]) for r in rects) == [(0, 60), (60, 80), (80, 100)]
    lines = [s for s in layout["shapes"] if s["type"] == "line"]
    assert [ln["y0"] for ln in lines] == [74.4]
    notes = [a["text"] for a in layout["annotations"]]
    assert "ACSI US average 74.4 (index)" in notes
    assert any("ACSI" in c.value and "not a top-2-box share" in c.value for c in at.caption)
    names = [d.get("name") for d in spec["data"]]
    assert "95 % interval" in names and "CSAT" in names
    line = next(d for d in spec["data"] if d.get("name") == "CSAT")
    assert len(line["x"]) == 12


def test_metric_grain_and_split_change_the_chart_and_the_url(app):  # noqa: F811
    at = open_trends(app, **Q)
    at.selectbox(key="w_metric").set_value("mrr").run()
    at.selectbox(key="w_split").set_value("segment").run()
    no_exception(at)
    spec = chart(at)
    assert spec["layout"]["title"]["text"].startswith("MRR by month")
    assert spec["layout"]["yaxis"]["title"]["text"] == "USD"
    names = sorted(d["name"] for d in spec["data"])
    assert names == ["Enterprise", "Mid-market", "SMB"]
    assert not spec["layout"].get("shapes")  # no CSAT bands on MRR
    assert at.query_params["metric"] == "mrr" and at.query_params["split"] == "segment"
    at.get("button_group")[0].set_value("quarter").run()
    spec = chart(at)
    assert spec["layout"]["title"]["text"].startswith("MRR by quarter")
    assert len(spec["data"][0]["x"]) == 4  # Q4 2025 … Q3 2026
    assert at.query_params["by"] == "quarter"


def test_a_link_opens_the_trends_page_with_its_choices(app):  # noqa: F811
    at = open_trends(app, **Q, metric="nps", by="quarter")
    assert at.selectbox(key="w_metric").value == "nps"
    assert chart(at)["layout"]["title"]["text"].startswith("NPS by quarter")


def test_goal_line_is_drawn(app, demo_store):  # noqa: F811
    from cxkpi import goals
    from cxkpi.store import make_engine

    eng = make_engine(f"duckdb:///{demo_store}")
    goals.add_goal(eng, "csat", "2026-01-01", "2026-03-31", "absolute", 5, label="CSAT +5")
    eng.dispose()
    at = open_trends(app, **Q)
    notes = [a["text"] for a in chart(at)["layout"]["annotations"]]
    assert any(n.startswith("Goal CSAT +5: ") for n in notes), notes


def test_a_metric_without_data_says_so(app):  # noqa: F811
    at = open_trends(app, **Q, metric="aht", segment="no-such-segment")
    # no chart with nothing to draw, a warning naming the metric instead
    assert not at.get("plotly_chart")
    assert any("No data for Average handle time" in w.value for w in at.warning)


def test_the_months_figures_worked_out_by_hand(small_store):  # noqa: F811
    """tests/pagehelpers.small_rows: CSAT answers only in March 2025, so the 12 months up to March show one point."""
    at = open_trends(new_app, **SMALL_MARCH, metric="csat")
    line = next(d for d in chart(at)["data"] if d.get("name") == "CSAT")
    assert line["x"][-2:] == ["2025-02-01", "2025-03-01"]
    assert line["y"][-2:] == [None, 60.0]  # Feb: no answers; Mar: 5, 5, 4, 3, 1 → 3 of 5 at 4–5 = 60.0 %
    table = at.dataframe[0].value.set_index("Period")
    assert table.loc["Mar 2025", "Value"] == "60.0\u00a0%" and table.loc["Mar 2025", "n"] == "5"
    assert table.loc["Feb 2025", "Value"] == "Not available"
    at.selectbox(key="w_metric").set_value("nps").run()
    no_exception(at)
    line = next(d for d in chart(at)["data"] if d.get("name") == "NPS")
    assert line["y"][-1] == 40  # 10, 10, 9, 7, 2: (3 promoters − 1 detractor) / 5 × 100
