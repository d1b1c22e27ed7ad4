"""The Voice of customer page under AppTest: KPI tiles, NPS composition, distributions, a comments table that
searches and filters (plain text in a dataframe), churn reasons, and the empty state."""

from __future__ import annotations

from cxkpi import formatting as fmt
from cxkpi import voice
from cxkpi.metrics import Filters, Period, compute
from cxkpi.store import make_engine
from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception, texts  # noqa: F401
from tests.pagehelpers import SMALL_MARCH, bare_store, last_month, metrics_by_label, small_store  # noqa: F401


def _open(at):
    at.switch_page("pages/voice.py").run()
    no_exception(at)
    return at


def _lib(store_path, fn, *args, **kw):
    eng = make_engine(f"duckdb:///{store_path}")
    try:
        return fn(eng, *args, **kw)
    finally:
        eng.dispose()


def test_voice_page_shows_kpis_charts_comments_and_reasons(app, demo_store):  # noqa: F811
    at = _open(app())
    assert [t.value for t in at.title] == ["Voice of customer"]
    csat = _lib(demo_store, compute, "csat", Period(*last_month()))
    assert metrics_by_label(at)["CSAT"] == fmt.percent(csat.value)
    # NPS composition, CSAT and CES distributions, churn reasons (accounts) and cancellation reasons (billing)
    assert len(at.get("plotly_chart")) == 5
    comments = at.dataframe[0].value
    expected = _lib(demo_store, voice.comments, Period(*last_month()))
    assert len(comments) == len(expected) > 0
    assert list(comments["Comment"]) == list(expected["comment"])  # the text as stored, not rendered


def test_comment_search_and_score_filter(small_store):  # noqa: F811
    """tests/pagehelpers.SMALL_COMMENTS: five comments in March 2025."""
    at = _open(new_app(**SMALL_MARCH))
    assert len(at.dataframe[0].value) == 5
    at.text_input(key="voice_search").set_value("slow").run()
    no_exception(at)
    # "Slow reply…" (C4), "Too slow…" (C5), "Slow support…" (N5): case-insensitive
    assert sorted(at.dataframe[0].value["Comment"]) == [
        "Slow reply, but solved",
        "Slow support and a buggy release",
        "Too slow, the issue came back",
    ]
    at.text_input(key="voice_search").set_value("no such words").run()
    assert "No comments match" in texts(at)
    at.text_input(key="voice_search").set_value("").run()
    at.slider(key="voice_score").set_value((1, 2)).run()
    no_exception(at)
    # scores as answered, 1 to 2 inclusive: C5 (1 of 1–5) and N5 (2 of 0–10)
    shown = at.dataframe[0].value
    assert sorted(zip(shown["Score"], shown["Comment"], strict=True)) == [
        ("1 / 5", "Too slow, the issue came back"),
        ("2 / 10", "Slow support and a buggy release"),
    ]


def test_markup_in_a_comment_stays_plain_text(app, demo_store):  # noqa: F811
    import sqlalchemy as sa

    from cxkpi.store.schema import responses

    eng = make_engine(f"duckdb:///{demo_store}")
    start, _ = last_month()
    evil = "<script>alert(1)</script> **bold** [link](http://example.invalid)"
    with eng.begin() as conn:
        rid = conn.execute(sa.select(responses.c.response_id).where(responses.c.comment.is_not(None),
                                                                    responses.c.submitted_at >= start)
                           .order_by(responses.c.submitted_at.desc()).limit(1)).scalar()  # fmt: skip
        conn.execute(sa.update(responses).where(responses.c.response_id == rid).values(comment=evil))
    eng.dispose()
    at = _open(app())
    assert evil in list(at.dataframe[0].value["Comment"])
    assert "alert(1)" not in texts(at)  # never rendered as markdown or HTML anywhere else


def test_a_segment_filter_changes_csat(app, demo_store):  # noqa: F811
    at = _open(app())
    at.sidebar.selectbox(key="w_segment").set_value("SMB").run()
    no_exception(at)
    smb = _lib(demo_store, compute, "csat", Period(*last_month()), Filters(segment="SMB"))
    allc = _lib(demo_store, compute, "csat", Period(*last_month()))
    assert metrics_by_label(at)["CSAT"] == fmt.percent(smb.value) != fmt.percent(allc.value)


def test_an_empty_store_says_what_to_upload(bare_store):  # noqa: F811
    at = _open(new_app())
    body = texts(at)
    assert "No survey responses in the store yet" in body and "Data page" in body
    assert not at.get("plotly_chart")


def test_tiles_worked_out_by_hand(small_store):  # noqa: F811
    """tests/pagehelpers.small_rows, March 2025: five CSAT and five NPS answers."""
    at = _open(new_app(**SMALL_MARCH))
    tiles = metrics_by_label(at)
    assert tiles["CSAT"] == "60.0\u00a0%"  # 5, 5, 4, 3, 1: three at 4–5 of five
    assert tiles["NPS"] == "40"  # 10, 10, 9 promoters, 7 passive, 2 detractor: (3 − 1) / 5 × 100
    assert tiles["CES"] == "Not available"  # no CES answers: said, not zero
