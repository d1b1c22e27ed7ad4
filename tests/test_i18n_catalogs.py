"""The gettext catalogs are complete: every key the code uses has a translated entry with the same placeholders,
in every language; the template is up to date; the language picker offers only complete languages."""

from __future__ import annotations

import ast
import re
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural

from cxkpi import i18n
from cxkpi.i18n import CATALOG_DIRS, LOCALES, read_catalog, set_locale, t

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "cxkpi").rglob("*.py"))]
# Metric acronyms and names users keep in every language; with placeholders and symbols, an entry made only
# of these may read the same as English.
KEPT = {
    "cxkpi",
    "CSAT",
    "CES",
    "NPS",
    "MRR",
    "ESAT",
    "FCR",
    "FRT",
    "ARPA",
    "CLV",
    "ACSI",
    "CSV",
    "XLSX",
    "PDF",
    "n",
    "p",
}
# Words Italian CS teams use as they are.
SAME_IN_ITALIAN = {
    "Scorecard",
    "Top-2-box",
    "top-2-box",
    "File",
    "Report",
    "Password",
    "editor",
    "E-mail",
    "no",
    "h",
    "min",
    "ticket",  # the glossary keeps it in Italian
    "Ticket",
}
CJK = re.compile(r"[\u3400-\u9fff]")


def used_keys() -> dict[str, str]:
    """key -> first file using it: t("key"), N_("key"), page("name", "intro.key") calls with literal strings."""
    found: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            args = [
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
                for a in node.args
            ]
            rel = str(path.relative_to(ROOT))
            if name in ("t", "N_") and args and args[0]:
                found.setdefault(args[0], rel)
            elif name == "page" and path.parent.name == "pages" and args and args[0]:
                found.setdefault(f"nav.{args[0]}", rel)
                if len(args) > 1 and args[1]:
                    found.setdefault(args[1], rel)
    return found


def placeholders(text: str) -> list[str]:
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


def neutral(text: str, extra: set[str] = frozenset()) -> bool:
    """True when nothing in the text is a word to translate (placeholders, kept acronyms, numbers, symbols)."""
    rest = re.sub(r"\{[^}]*\}", " ", text)
    words = re.findall(r"[A-Za-z][A-Za-z0-9-]*", rest)
    return all(w in KEPT or w in extra for w in words)


CATALOGS = {loc: {str(m.id): m for m in read_catalog(loc) if m.id} for loc in LOCALES}
ENGLISH = {k: str(m.string) for k, m in CATALOGS["en"].items()}
USED = used_keys()


def test_the_scan_finds_the_keys_of_every_page():
    files = set(USED.values())
    assert len(USED) > 300, "the scan found suspiciously few t() keys"
    for page in ("scorecard", "trends", "data", "explain", "settings"):
        assert f"pages/{page}.py" in files


@pytest.mark.parametrize("locale", LOCALES)
def test_every_used_key_is_translated_with_the_same_placeholders(locale):
    catalog = CATALOGS[locale]
    missing = sorted(f"{file}: {key}" for key, file in USED.items() if key not in catalog)
    empty = sorted(k for k in USED if k in catalog and not catalog[k].string)
    fuzzy = sorted(k for k in USED if k in catalog and catalog[k].fuzzy)
    assert missing == [], f"{locale}: keys used in the code with no catalog entry"
    assert empty == [], f"{locale}: untranslated entries"
    assert fuzzy == [], f"{locale}: fuzzy entries (not shown by gettext)"
    wrong = {
        k: (placeholders(ENGLISH[k]), placeholders(str(catalog[k].string)))
        for k in catalog
        if k in ENGLISH and placeholders(ENGLISH[k]) != placeholders(str(catalog[k].string))
    }
    assert wrong == {}, f"{locale}: placeholders differ from English (english, {locale})"


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant"])
def test_chinese_entries_are_written_in_chinese(locale):
    english_left = sorted(
        k
        for k, m in CATALOGS[locale].items()
        if not neutral(ENGLISH.get(k, "")) and not CJK.search(str(m.string))
    )
    assert english_left == []


def test_italian_entries_differ_from_english_unless_the_words_are_the_same():
    left = sorted(
        k
        for k, m in CATALOGS["it"].items()
        if str(m.string) == ENGLISH.get(k) and not neutral(ENGLISH[k], SAME_IN_ITALIAN)
    )
    assert left == []


def test_every_catalog_holds_exactly_the_template_keys():
    template = {str(m.id) for m in i18n.read_po((i18n.LOCALE_DIR / "cxkpi.pot").open("rb")) if m.id}
    assert set(USED) <= template, (
        "run pybabel extract (docs/i18n.md): keys used in the code are not in the .pot"
    )
    for locale in LOCALES:
        assert set(CATALOGS[locale]) == template, f"{locale}: run pybabel update (docs/i18n.md)"


@pytest.mark.parametrize("locale", LOCALES)
def test_plural_forms_are_babels_for_the_language(locale):
    catalog = read_catalog(locale)
    expected = get_plural(CATALOG_DIRS[locale])
    assert catalog.num_plurals == expected.num_plurals
    assert catalog.plural_expr == expected.plural_expr


def test_catalog_dirs_name_script_and_territory():
    dirs = sorted(p.name for p in i18n.LOCALE_DIR.iterdir() if p.is_dir())
    assert dirs == ["en", "it_IT", "zh_Hans_CN", "zh_Hant_TW"]


def test_the_terms_cs_teams_use():
    for locale, key, text in [
        ("zh_Hans", "metric.churn_rate", "客户流失率"),
        ("zh_Hant", "metric.churn_rate", "客戶流失率"),
        ("it", "metric.churn_rate", "Tasso di abbandono"),
        ("zh_Hans", "voice.nps_note", "净推荐值"),
        ("zh_Hant", "voice.nps_note", "淨推薦值"),
        ("zh_Hant", "trends.acsi_note", "顧客滿意度"),
        ("it", "trends.acsi_note", "soddisfazione del cliente"),
        ("it", "voice.nps_note", "Net Promoter Score"),
    ]:
        assert text in str(CATALOGS[locale][key].string), (locale, key)


def test_t_reads_the_compiled_catalog_of_the_current_language():
    try:
        set_locale("zh_Hans")
        assert t("nav.trends") == "趋势"
        assert t("compare.vs", period="2025年3月") == "对比 2025年3月"  # "对比 {period}"
        set_locale("zh_Hant")
        assert t("nav.settings") == "設定"
        set_locale("it")
        assert t("scorecard.n", n=42) == "n = 42"
        assert (
            t("data.removed", load_id=7, n=12)
            == "Caricamento n. 7 annullato (12 righe tolte o ripristinate)."
        )
        assert t("no.such.key") == "no.such.key"  # unknown keys stay visible, in every language
    finally:
        set_locale("en")
    assert t("nav.trends") == "Trends"


def test_the_picker_offers_only_complete_languages(tmp_path, monkeypatch):
    assert i18n.complete_locales() == ("en", "zh_Hans", "zh_Hant", "it")
    # a copy of the catalogs where one Italian entry lost its translation
    copy = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, copy)
    po = copy / "it_IT" / "LC_MESSAGES" / "cxkpi.po"
    text = po.read_text(encoding="utf-8")
    blanked = text.replace('msgstr "Andamenti"', 'msgstr ""', 1)
    assert blanked != text
    po.write_text(blanked, encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", copy)
    total = len(ENGLISH)
    assert i18n.completeness("it") == pytest.approx((total - 1) / total)  # one of the English entries missing
    assert i18n.complete_locales() == ("en", "zh_Hans", "zh_Hant")


def test_a_composite_reading_is_translated_part_by_part():
    from cxkpi.i18n import t_reading

    try:
        set_locale("zh_Hans")
        # "top-2-box" + "{scale} scale", joined with the Chinese comma
        assert t_reading("top-2-box, 1–5 scale") == "前两项占比，1–5 量表"
        assert t_reading("no such part, 0–10 scale") == "no such part，0–10 量表"  # unknown parts stay
        set_locale("it")
        assert t_reading("logo churn, active from subscriptions") == (
            "abbandono dei clienti, attivi secondo gli abbonamenti"
        )
    finally:
        set_locale("en")
    assert t_reading("top-2-box, 1–5 scale") == "top-2-box, 1–5 scale"


def test_english_registered_in_code_has_an_entry_in_every_catalog():
    """Modules that register English with EN.setdefault (keys built at run time) are in the catalogs too."""
    import importlib

    registering = [
        ".".join(p.relative_to(ROOT).with_suffix("").parts)
        for p in sorted((ROOT / "cxkpi").rglob("*.py"))
        if "EN.setdefault" in p.read_text(encoding="utf-8")
    ]
    for module in registering:
        importlib.import_module(module)
    for locale in LOCALES:
        missing = sorted(set(i18n.EN) - {k for k, m in CATALOGS[locale].items() if m.string})
        assert missing == [], f"{locale}: mark these N_() in cxkpi/i18n_pages.py and translate them"


# The library's own sentences (engine reasons, quality findings, importer problems, questions and readings)
# are translated where they are shown, through cxkpi/i18n_messages.py; these calls produce them.
SENTENCE_SOURCES = [
    ROOT / "cxkpi" / "quality.py",
    *sorted((ROOT / "cxkpi" / "metrics").glob("*.py")),
    *sorted((ROOT / "cxkpi" / "ingest").glob("*.py")),
]
PRODUCERS = {"unavailable", "_not_available", "add", "cells", "skip", "_bad", "Ask", "Question", "Finding",
             "_RowCheck", "Decision"}  # fmt: skip
SENTENCE_KEYWORDS = {"prompt", "message", "reason", "title", "detail", "fix", "effect", "why", "evidence"}


def produced_sentences() -> dict[str, str]:
    """sentence -> file:line for every fixed English sentence (a literal with a space) passed to a producer."""
    found: dict[str, str] = {}
    for path in SENTENCE_SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            if name not in PRODUCERS:
                continue
            args = list(node.args)
            if name == "Decision":  # Decision(what, column, kind, score, evidence): its kind is a code
                args = args[:2] + args[3:]
            args += [k.value for k in node.keywords if k.arg in SENTENCE_KEYWORDS]
            for a in args:
                if isinstance(a, ast.Constant) and isinstance(a.value, str) and " " in a.value:
                    found.setdefault(a.value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_scan_reaches_the_engine_quality_and_importer_sentences():
    where = {v.split(":")[0] for v in produced_sentences().values()}
    assert {"cxkpi/quality.py", "cxkpi/metrics/tickets.py", "cxkpi/ingest/recognize.py"} <= where
    assert len(produced_sentences()) > 40


@pytest.mark.parametrize("locale", ["zh_Hans", "zh_Hant", "it"])
def test_every_fixed_sentence_of_the_library_has_a_translation(locale):
    """A new reason, finding, problem or question without a template in cxkpi/i18n_messages.py (and so without
    a catalog entry in every language) fails here; f-string sentences are run for real in test_i18n_messages."""
    from cxkpi.i18n_messages import localize

    try:
        set_locale(locale)
        untranslated = sorted(
            f"{where}: {s}" for s, where in produced_sentences().items() if localize(s) == s
        )
    finally:
        set_locale("en")
    assert untranslated == [], f"{locale}: add a msg.* template to cxkpi/i18n_messages.py and translate it"
