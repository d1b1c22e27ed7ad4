"""Every page of the demo workspace, walked in AppTest in Simplified and Traditional Chinese and in Italian: no
English left on the page apart from the names users keep.

What is collected is everything a person reads: headings, text, captions, notices, widget labels, options and
help texts, tile labels and help, tables' column names, static tables' cells, and each chart's title, axis titles, trace names, hover
templates, tick labels, categories and annotations. In Chinese any Latin word not in KEEP fails the test; in
Italian (which shares the alphabet) a list of English-only words and a decimal point ("56.9") do.

A goal whose baseline lies before the demo's data is stored first, so the Scorecard also shows why a goal has no
progress (cxkpi/goals.py's reason, translated where shown).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from cxkpi.i18n import set_locale
from cxkpi.store.schema import metadata
from tests.apphelpers import demo_store, demo_template, new_app, no_exception  # noqa: F401
from tests.test_i18n_messages import NAMES

PAGES = (
    "scorecard",
    "trends",
    "support",
    "voice",
    "revenue",
    "explain",
    "data",
    "settings",
    "shares",
    "report",
)

# Latin words a Chinese page may show besides NAMES (the acronyms users keep, tools' and commands' names):
KEEP = (
    NAMES
    | {
        "ACSI",  # the American Customer Satisfaction Index, named as such in every market
        "PDF",
        "TSV",  # file formats the Data page accepts
        "TXT",
        "XLSX",
        "XLS",
        "US",  # the currency symbol US$ (Babel's, for USD in zh)
        "USD",
        "n",  # a count: "n = 400"
        "p",  # "p25–p75"
        "root",  # the signed-in local user's name
        "demo",  # the demo load's source id (a source name, like "zendesk_tickets")
        # the demo's own values: channels, segments, survey names (the data, not the interface)
        "chat",
        "email",
        "phone",
        "web",
        "Enterprise",
        "Mid",
        "market",
        "SMB",
        "Post",
        "ticket",
        "Support",
        "effort",
        "APAC",  # the demo's regions and plans (filter choices are the data's values)
        "EMEA",
        "LATAM",
        "NA",
        "Growth",
        "Starter",
        "Low",  # a churn reason in the demo's exit survey ("Low adoption")
        "adoption",
        "English",  # the language picker names each language in itself
        "Italiano",
        "is_reversed",  # columns the method card's rows tables add to the store's (is_reversed, score_read, load_file)
        "score_read",
        "load_file",
        "min",  # the scale editor's column ids (their headers are translated through column_config)
        "max",
    }
    | {c.name for table in metadata.tables.values() for c in table.columns}
)  # the rows tables' column names
# a whole text that is a currency code (EUR) or a time zone (Europe/Rome, Japan): a choice named as the world does
_NAMED = re.compile(r"[A-Z]{3}|[A-Za-z_]+(?:/[\w+-]+)+")
_ZONES = zoneinfo.available_timezones()
# English words that are not Italian: any of them on an Italian page is an untranslated text.
ENGLISH_ONLY = (
    "month", "months", "median", "hours", "created", "margin", "assumed", "lifespan", "customers",
    "workspace", "available", "baseline", "the", "tickets", "from", "period", "reopen", "churn",
)  # fmt: skip

_CHART_KEYS = {"text", "title", "name", "hovertemplate", "ticktext", "x", "y"}


def _chart_texts(node: Any, out: list[str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in _CHART_KEYS or k.endswith("template"):
                if isinstance(v, str):
                    out.append(v)
                elif isinstance(v, list):
                    out.extend(x for x in v if isinstance(x, str))
            _chart_texts(v, out)
    elif isinstance(node, list):
        for x in node:
            _chart_texts(x, out)


def page_texts(at: AppTest) -> list[str]:
    """Everything a person reads on the page (see the module's docstring)."""
    out: list[str] = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "subheader",
        "header",
        "text",
    ):
        out.extend(str(e.value) for e in getattr(at, kind))
    for kind in ("selectbox", "radio", "multiselect", "button", "checkbox", "text_input", "toggle", "expander",
                 "tabs", "metric", "date_input", "number_input"):  # fmt: skip
        for e in getattr(at, kind):
            out.extend(str(x) for x in (getattr(e, "label", None), getattr(e, "help", None)) if x)
            out.extend(str(o) for o in (getattr(e, "options", None) or []))
    for chart in at.get("plotly_chart"):
        _chart_texts(json.loads(chart.proto.spec), out)
    for frame in at.dataframe:
        out.extend(str(c) for c in frame.value.columns)
    for table in at.table:  # a static table of text (the report's definitions): every cell
        out.extend(str(c) for c in table.value.columns)
        out.extend(str(x) for row in table.value.itertuples(index=False) for x in row if isinstance(x, str))
    return out


def _clean(text: str) -> str:
    """The text without markup: Plotly placeholders and tags, badges' colour names, HTML, quoted names."""
    text = re.sub(r"%\{[^}]*\}|</?\w+[^>]*>|:\w+-badge\[|:material/\w+:", " ", text)
    return re.sub(r"“[^”]*”|「[^」]*」|'[^']*'|\"[^\"]*\"|`[^`]*`", " ", text)


def latin_words(text: str) -> list[str]:
    if _NAMED.fullmatch(text.strip()) or text.strip() in _ZONES:
        return []
    words = [w for w in re.findall(r"[\w@.:/+-]+", _clean(text)) if not re.search(r"[\d@]", w)]
    found = [x for w in words for x in re.findall(r"[A-Za-z][A-Za-z_]*", w)]
    return [w for w in found if w not in KEEP]


def walk(lang: str) -> dict[str, list[str]]:
    """Each page's texts in `lang`, one app session switching from page to page."""
    at = new_app(lang=lang)
    set_locale(lang)  # AppTest runs the script in this thread: leave no language behind
    seen: dict[str, list[str]] = {}
    try:
        at.run()
        for page in PAGES:
            if page != "scorecard":
                at.switch_page(f"pages/{page}.py").run()
            no_exception(at)
            seen[page] = page_texts(at)
    finally:
        set_locale("en")
    return seen


@pytest.fixture
def with_goal(demo_store: Path) -> Path:  # noqa: F811
    """A CES goal whose baseline (2020) lies before the demo's data: its line says why it has no progress."""
    from cxkpi import goals
    from cxkpi.store import make_engine

    eng = make_engine(f"duckdb:///{demo_store}")
    goals.add_goal(eng, "ces", dt.date(2020, 1, 1), dt.date(2020, 3, 31), "absolute", 5.0)
    eng.dispose()
    return demo_store


@pytest.mark.parametrize("lang", ["zh_Hans", "zh_Hant"])
def test_every_page_in_chinese_has_no_english_left(with_goal, lang):
    seen = walk(lang)
    assert set(seen) == set(PAGES) and all(seen.values())
    # the goal's reason is on the Scorecard, in the language: "baseline not available" → 基线值不可用 / 基線值無法取得
    goal_word = {"zh_Hans": "基线值不可用", "zh_Hant": "基線值無法取得"}[lang]
    assert any(goal_word in x for x in seen["scorecard"]), [x for x in seen["scorecard"] if "CES" in x]
    # the report's definitions table was read (its numerator ÷ denominator cells: "362.00 ÷ 400.00")
    assert sum(bool(re.fullmatch(r"[\d,.]+ ÷ [\d,.]+", x)) for x in seen["report"]) >= 10
    left = sorted(
        {f"{page}: {w} ← {x[:90]}" for page, texts in seen.items() for x in texts for w in latin_words(x)}
    )
    assert left == [], "\n".join(left)


def test_every_page_in_italian_has_no_english_words_and_decimal_commas(with_goal):
    seen = walk("it")
    assert any("valore di base non disponibile" in x for x in seen["scorecard"])
    pattern = re.compile(r"\b(" + "|".join(ENGLISH_ONLY) + r")\b", re.I)
    english = sorted(
        {
            f"{page}: {m.group(0)} ← {x[:90]}"
            for page, texts in seen.items()
            for x in texts
            for m in pattern.finditer(_clean(x))
        }
    )
    assert english == [], "\n".join(english)
    # a decimal number written the English way (56.9); "1.481" is Italian's thousands separator, so one or two
    # digits after the point only. The CLV caption on Revenue reads "56,9 mesi".
    points = [
        f"{p}: {x[:90]}"
        for p, texts in seen.items()
        for x in texts
        if re.search(r"\d\.\d{1,2}(?!\d)", _clean(x))
    ]
    assert points == [], "\n".join(points)
    assert any(re.search(r"\d,\d mesi", x) for x in seen["revenue"])
