"""In a real browser, in English, Simplified Chinese, Traditional Chinese and Italian: the Scorecard, Trends, the
Data page with two import previews and their questions (a date order, a survey's scale), and the method card, at
1280×800 and 390×844. Headings, tiles, buttons and widget labels are in the page's language, and so are the
library's sentences on the import cards and the method card (questions, problems, reading, formula); Chinese
pages draw with the Chinese Noto face; a phone never scrolls sideways. Screenshots: artifacts/screenshots/lang-<language>-<page>-<viewport>.png.

One server (the shared demo server) and one browser page, reused for every language and both widths.
"""

from __future__ import annotations

import re

import pytest

from cxkpi.i18n import LOCALES, set_locale, t
from tests.browser import SCREENSHOTS, VIEWPORTS, exceptions, get_browser, get_server, screenshot, wait_ready

pytestmark = pytest.mark.browser

# the Data page test's file: two tickets whose dates read both ways, so the importer asks day first or not
AMBIGUOUS = "ticket_id,created_at,channel,first_reply_minutes\nT1,03/04/2025 10:00,email,30\nT2,05/06/2025 11:00,chat,2\n"
# words allowed on a translated page: metric acronyms users keep, names, units and the data's own values
KEPT = {"CSAT", "CES", "NPS", "ESAT", "MRR", "ARPA", "CLV", "FRT", "FCR", "ACSI", "CSV", "PDF", "XLSX", "US", "USD",
        "cxkpi", "Top-2-box", "top-2-box", "n", "p", "min", "h", "pt"}  # fmt: skip
# a survey whose answers (2–4) say nothing of its scale: the importer asks which scale, and lists why it waits
SURVEY = (
    "Submitted At,Email,How satisfied are you with our support?\n2025-03-01 10:00,ana@alpha.example,3\n"
    "2025-03-02 11:00,ben@beta.example,4\n2025-03-03 12:00,cy@gamma.example,2\n"
)
# the elements that carry the app's own words (not the data's): headings, tile labels, buttons, widget labels
CHROME = "h1, h2, h3, [data-testid=stMetricLabel], [data-testid=stWidgetLabel], button, [data-testid=stTab]"
# the library's sentences drawn on a page: an import card's questions, problems and reading; the method card
SENTENCES = "[data-testid=stCaptionContainer], [data-testid=stAlert], [data-testid=stMarkdownContainer]"
# names a sentence keeps: tools, command-line words, date formats read from the file
NAMES = {
    "Stripe",
    "Chargebee",
    "HubSpot",
    "Salesforce",
    "Typeform",
    "Qualtrics",
    "SurveyMonkey",
    "Delighted",
    "Medallia",
    "Zendesk",
    "Intercom",
    "Freshdesk",
    "UTC",
    "ingest",
    "mapping",
    "FILE",
    "toml",
    "docs",
    "md",
    "YYYY",
    "MM",
    "DD",
    "HH",
    "AHT",
    "ID",
    "demo",
    "workspace",
}  # fmt: skip  (the demo load's own file and source names, as stored)


def tr(locale: str, key: str, **kw: object) -> str:
    set_locale(locale)
    try:
        return t(key, **kw)
    finally:
        set_locale("en")


def _no_columns(text: str) -> str:
    """The store's own column names (a mapping step's labels: response_id, score) are names, not words."""
    from cxkpi.store.schema import CANONICAL

    columns = {c.name for table in CANONICAL.values() for c in table.columns}
    return re.sub(r"[\w-]+", lambda m: " " if m.group() in columns else m.group(), text)


def english_words(page) -> list[str]:
    """Latin words in the page's chrome that are not acronyms or names users keep."""
    texts = page.evaluate(
        """sel => [...document.querySelectorAll(sel)].map(e => {
            // text drawn in the Material icon font is an icon's ligature name ("add"), not a word
            const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
            let out = "", n;
            while ((n = walk.nextNode())) {
                const box = n.parentElement.getBoundingClientRect();  // screen-reader-only text is 1 px
                if (box.width > 1 && box.height > 1
                    && !getComputedStyle(n.parentElement).fontFamily.includes("Material")) out += n.textContent + " ";
            }
            return out; })""",
        f'[data-testid="stMain"] :is({CHROME}), [data-testid="stSidebar"] :is({CHROME})',
    )
    words = []
    for text in texts:
        text = _no_columns(
            re.sub(r"“[^”]*”|「[^」]*」|'[^']*'|\"[^\"]*\"", " ", text)
        )  # quoted: a column or file
        words += [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w not in KEPT]
    return words


def sentence_words(page, scope: str) -> list[str]:
    """Latin words left in the library's sentences inside `scope`, apart from quoted names, values with digits,
    '@' or dots (dates, e-mail addresses, file names), acronyms and tools."""
    texts = page.evaluate(
        """sel => [...document.querySelectorAll(sel)].map(e => {
            // text drawn in the Material icon font is an icon's ligature name ("warning"), not a word
            const walk = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
            let out = "", n;
            while ((n = walk.nextNode()))
                if (!getComputedStyle(n.parentElement).fontFamily.includes("Material")) out += n.textContent;
            return out; })""",
        ", ".join(f"{scope} {s.strip()}" for s in SENTENCES.split(",")),
    )
    words = []
    for text in texts:
        text = re.sub(r"“[^”]*”|「[^」]*」|'[^']*'|\"[^\"]*\"", " ", text)
        tokens = [w for w in re.findall(r"[\w@.:/+-]+", text) if not re.search(r"[\d@]|\w\.\w", w)]
        tokens = [_no_columns(w) for w in tokens]
        words += [f"{w} ({text.strip()[:80]})" for tok in tokens for w in re.findall(r"[A-Za-z][A-Za-z_]+", tok)
                  if w not in KEPT | NAMES]  # fmt: skip
    return words


def check(page, locale: str, name: str, viewport: str) -> None:
    screenshot(page, f"lang-{locale}-{name}-{viewport}")
    assert exceptions(page) == [], (locale, name)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, (locale, name, viewport, overflow)
    if locale.startswith("zh"):
        # the page names the Chinese face of its script for the app's font families (not the Japanese default)
        face = "Noto Sans CJK SC" if locale == "zh_Hans" else "Noto Sans CJK TC"
        css = page.evaluate("() => [...document.querySelectorAll('style')].map(s => s.textContent).join()")
        assert f'src: local("{face}")' in css and f'src: local("{face} Bold")' in css
        other = "Noto Sans CJK TC" if locale == "zh_Hans" else "Noto Sans CJK SC"
        assert other not in css
        assert english_words(page) == [], (locale, name)
        scope = {"data": "[class*=st-key-data_card_]", "explain": '[data-testid="stMain"]'}.get(name)
        if scope:  # the importer's questions, problems and reading; the method card's definition and formula
            assert sentence_words(page, scope) == [], (locale, name)
    elif locale == "it":
        # Italian shares the Latin alphabet: the English words of these pages must not appear
        left = {"Period", "Compare", "Trends", "Metric", "Files", "Load", "Questions", "Definition", "Value"}
        assert left.isdisjoint(english_words(page)), (name, set(english_words(page)) & left)


def both_widths(page, locale: str, name: str) -> None:
    """Check and photograph the page at desktop width, then at phone width (same session: no rerun needed)."""
    for viewport, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        page.wait_for_timeout(600)  # charts and columns re-lay out
        check(page, locale, name, viewport)
    page.set_viewport_size(VIEWPORTS["desktop"])


@pytest.fixture(scope="module")
def browser_page():
    ctx = get_browser().new_context(viewport=VIEWPORTS["desktop"], device_scale_factor=1)
    try:
        yield ctx.new_page()
    finally:
        ctx.close()


@pytest.mark.parametrize("locale", LOCALES)
def test_pages_in_every_language(locale, browser_page, tmp_path):
    page = browser_page
    # "localhost": Streamlit reports no client address for it, so the app treats us as the person at the machine
    url = get_server().url.replace("127.0.0.1", "localhost")
    upload = tmp_path / "tickets-ambiguous-dates.csv"
    upload.write_text(AMBIGUOUS, encoding="utf-8")
    survey = tmp_path / "survey.csv"
    survey.write_text(SURVEY, encoding="utf-8")
    if locale == LOCALES[0]:
        page.goto(url)  # a fresh server must see app.py's navigation before any deep link
        wait_ready(page, "Scorecard")

    page.goto(f"{url}/?lang={locale}")
    wait_ready(page, tr(locale, "nav.scorecard"))
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
    both_widths(page, locale, "scorecard")

    page.goto(f"{url}/trends?lang={locale}")
    wait_ready(page, tr(locale, "nav.trends"))
    page.locator(".js-plotly-plot").first.wait_for(timeout=60_000)
    both_widths(page, locale, "trends")

    page.goto(f"{url}/data?lang={locale}")
    wait_ready(page, tr(locale, "nav.data"))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(upload), str(survey)])
    page.get_by_text(tr(locale, "data.questions"), exact=True).first.wait_for(timeout=60_000)
    wait_ready(page)
    # the date question and the survey's scale question in the page's language (English: the importer's own)
    day = tr(locale, "msg.q.dayfirst", file="", column="", samples="")[-8:]
    scale = tr(locale, "msg.q.answered_on", column="How satisfied are you with our support?")
    for question in (day, scale):
        assert page.get_by_text(question, exact=False).count() >= 1, question
    both_widths(page, locale, "data")

    page.goto(f"{url}/explain?lang={locale}&metric=csat")
    wait_ready(page, tr(locale, "nav.explain"))
    page.get_by_text(tr(locale, "explain.calculation"), exact=True).first.wait_for(timeout=60_000)
    both_widths(page, locale, "explain")

    for name in ("scorecard", "trends", "data", "explain"):
        for viewport in VIEWPORTS:
            assert (SCREENSHOTS / f"lang-{locale}-{name}-{viewport}.png").exists()
