"""User text is text: a planted link or formula in a survey name, goal title or file name stays characters."""

from __future__ import annotations

import plotly.graph_objects as go

from cxkpi.safety import formula_safe, markdown_text, plotly_text, plotly_texts

LINK = '<a href="http://evil.example">Survey</a>'
MD_LINK = "[Re-login here](http://x)"


def test_plotly_label_shows_the_tag_as_characters() -> None:
    assert plotly_text(LINK) == '&lt;a href="http://evil.example"&gt;Survey&lt;/a&gt;'
    assert plotly_text("Q&A <b>") == "Q&amp;A &lt;b&gt;"
    assert plotly_texts(["ok", None, 3]) == ["ok", None, "3"]
    fig = go.Figure(go.Bar(name=plotly_text(LINK), x=plotly_texts([LINK]), y=[1]))
    # nothing Plotly would parse as a tag is left in the figure it is sent
    assert "<a" not in fig.to_json()


def test_markdown_text_escapes_links_emphasis_headings_and_line_breaks() -> None:
    assert markdown_text(MD_LINK) == r"\[Re\-login here\]\(http\:\/\/x\)".replace(r"\/", "/")
    assert markdown_text("# big **bold**\nnext") == r"\# big \*\*bold\*\* next"
    assert markdown_text(":red[alarm] www.x.com") == r"\:red\[alarm\] www\.x\.com"
    assert markdown_text(None) == ""


def test_formula_cells_get_a_leading_quote_numbers_stay() -> None:
    assert formula_safe('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert formula_safe("+cmd|' /C calc'!A0") == "'+cmd|' /C calc'!A0"
    assert formula_safe("-2") == "'-2"  # text, as uploaded; numbers are not touched
    assert formula_safe(-2) == -2
    assert formula_safe("fine") == "fine"


# --- on the pages: a planted link in a goal label stays characters in the Trends chart

from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception  # noqa: E402, F401

PLANTED = '<a href="http://x">Re-login here</a>'
Q = {"period": "custom", "from": "2026-01-01", "to": "2026-09-30"}


def _plant_goal(store_path, label: str) -> None:
    from cxkpi import goals
    from cxkpi.access import SYSTEM, acting_as
    from cxkpi.store import make_engine

    eng = make_engine(f"duckdb:///{store_path}")
    with acting_as(SYSTEM):  # an editor's doing, as on the Settings page
        goals.add_goal(eng, "csat", "2026-01-01", "2026-03-31", "absolute", 5, label=label)
    eng.dispose()


def test_a_goal_label_with_a_link_is_text_in_the_trends_chart(app, demo_store):  # noqa: F811
    import json

    _plant_goal(demo_store, PLANTED)
    at = app(**Q)
    at.run()
    at.switch_page("pages/trends.py").run()
    no_exception(at)
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    notes = [a["text"] for a in spec["layout"]["annotations"] if "Re-login" in a["text"]]
    assert notes and all("&lt;a href" in n and "<a" not in n for n in notes), notes


def test_a_link_to_year_1_by_week_shows_messages_not_an_exception(app):  # noqa: F811
    at = app(period="custom", **{"from": "0001-01-01", "to": "9999-12-31"}, by="week")
    at.run()
    at.switch_page("pages/trends.py").run()
    no_exception(at)
    warnings = " ".join(w.value for w in at.sidebar.warning)
    infos = " ".join(i.value for i in at.info)
    assert "2000–2100" in warnings, warnings
    assert "at most 522 points" in infos, infos


def test_xsrf_protection_stays_on() -> None:
    import tomllib
    from pathlib import Path

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    server = config.get("server", {})
    # Streamlit's default is on; turning it (or CORS protection, which it relies on) off must be a visible choice
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True
