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
