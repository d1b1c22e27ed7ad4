"""Two viewers in two languages on one server at the same time each see only their own language."""

from __future__ import annotations

import re
import threading

from cxkpi.i18n import set_locale, t
from tests.apphelpers import app, demo_store, demo_template, no_exception, texts  # noqa: F401

CJK = re.compile(r"[\u3400-\u9fff]")


def test_t_follows_each_threads_own_language_while_both_run():
    # Both threads translate in lockstep; a process-wide language (gettext.install) would leak the other's.
    barrier = threading.Barrier(2)
    seen: dict[str, list[str]] = {"zh_Hans": [], "it": []}

    def viewer(locale: str) -> None:
        set_locale(locale)
        for _ in range(50):
            barrier.wait(timeout=10)
            seen[locale].append(t("nav.trends"))

    threads = [threading.Thread(target=viewer, args=(loc,)) for loc in seen]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert seen["zh_Hans"] == ["趋势"] * 50
    assert seen["it"] == ["Andamenti"] * 50


def test_two_app_sessions_in_two_languages_run_together(app):  # noqa: F811
    """Two AppTest sessions (Simplified Chinese and Italian links) run the Scorecard and Trends concurrently."""
    sessions = {"zh_Hans": app(lang="zh_Hans"), "it": app(lang="it")}
    barrier = threading.Barrier(2)
    pages: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def viewer(locale: str) -> None:
        at = sessions[locale]
        # AppTest calls a widget's format_func in the calling thread (to send the chosen option back on the
        # next run); in a real server that happens in the session's script thread, which chose its language.
        set_locale(locale)
        try:
            barrier.wait(timeout=60)
            at.run()
            drawn = [texts(at) + "\n" + "\n".join(str(s.label) for s in at.selectbox)]
            barrier.wait(timeout=120)
            at.switch_page("pages/trends.py").run()
            drawn.append(texts(at) + "\n" + "\n".join(str(s.label) for s in at.selectbox))
            pages[locale] = drawn
        except BaseException as e:  # re-raised in the test thread below
            errors.append(e)
            barrier.abort()

    threads = [threading.Thread(target=viewer, args=(loc,)) for loc in sessions]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=400)
    assert errors == []
    for at in sessions.values():
        no_exception(at)

    zh_scorecard, zh_trends = pages["zh_Hans"]
    it_scorecard, it_trends = pages["it"]
    # each session's own words: the sidebar's period picker and the page heading
    assert "时间段" in zh_scorecard and "记分卡" in zh_scorecard
    assert "Periodo" in it_scorecard and "rispetto a" in it_scorecard
    assert "趋势" in zh_trends
    assert "Andamenti" in it_trends
    # and nothing of the other's: no Chinese on the Italian pages, no Italian on the Chinese ones
    for text in (it_scorecard, it_trends):
        assert not CJK.search(text)
    for text in (zh_scorecard, zh_trends):
        assert "Periodo" not in text and "rispetto a" not in text and "Andamenti" not in text
    # the heading, exactly
    assert sessions["zh_Hans"].title[0].value == "趋势"
    assert sessions["it"].title[0].value == "Andamenti"
