"""Every user-facing string the pages use has an English catalogue entry; t() fills placeholders."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cxkpi.i18n import EN, LOCALES, get_locale, set_locale, t
from cxkpi.view import COMPARES, CSAT_MODES, FILTER_FIELDS, FRT_STATS, GRAINS, PRESETS
from tests.apphelpers import demo_template  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]


def literal_keys() -> set[tuple[str, str]]:
    """(file, key) for every t("literal") and common.page("name") call in app.py and pages/."""
    found = set()
    for path in UI_FILES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            fn = node.func
            name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
            arg = node.args[0].value
            if name == "t" and isinstance(arg, str):
                found.add((path.name, arg))
            elif name == "page" and isinstance(arg, str):
                found.add((path.name, f"nav.{arg}"))
                if len(node.args) > 1 and isinstance(node.args[1], ast.Constant):
                    found.add((path.name, node.args[1].value))
    return found


def test_pages_use_translation_keys():
    keys = literal_keys()
    assert len(keys) > 30, "the scan found suspiciously few t() calls"


@pytest.mark.parametrize("file,key", sorted(literal_keys()))
def test_every_literal_key_has_an_english_entry(file, key):
    assert key in EN, f"{file}: t({key!r}) has no English entry in cxkpi/i18n.py"


def test_every_dynamic_key_has_an_english_entry():
    dynamic = (
        [f"period.{p}" for p in PRESETS]
        + [f"compare.{c}" for c in COMPARES.values()]
        + [f"filter.{f}" for f in FILTER_FIELDS]
        + [f"options.csat_mode.{m}" for m in CSAT_MODES]
        + [f"options.frt_stat.{m}" for m in FRT_STATS]
        + [f"trends.by.{g}" for g in GRAINS]
        + [
            f"table.{n}"
            for n in ("accounts", "subscriptions", "payments", "renewals", "tickets", "responses", "costs")
        ]
        + [f"band.{b}" for b in ("excellent", "good", "poor")]
    )
    missing = [k for k in dynamic if k not in EN]
    assert missing == []


def test_placeholders_are_filled_and_unknown_ones_kept():
    assert t("compare.vs", period="Sep 2026") == "vs Sep 2026"
    assert t("scorecard.n", n=42) == "n = 42"
    assert t("compare.vs") == "vs {period}"  # no kwargs: the text as written


def test_unknown_key_shows_itself_and_unknown_locale_falls_back_to_english():
    assert t("no.such.key") == "no.such.key"
    before = get_locale()
    try:
        set_locale("xx")
        assert get_locale() == "en"
        set_locale("it")
        assert t("nav.trends") == "Andamenti"  # the Italian catalog
        assert t("no.such.key") == "no.such.key"  # in no catalog: the key, not a crash
    finally:
        set_locale(before)
    assert set(LOCALES) >= {"en", "zh_Hans", "zh_Hant", "it"}


def test_cli_lang_translates_the_table_and_keeps_json_keys_english(demo_template, tmp_path, capsys):  # noqa: F811
    import json
    import shutil

    from cxkpi.cli import main

    db = tmp_path / "store.duckdb"
    shutil.copy(demo_template, db)
    args = ["scorecard", "--from", "2026-09-01", "--to", "2026-09-30", "--db", f"duckdb:///{db}"]
    try:
        assert main([*args, "--lang", "zh_Hans"]) == 0
        table = capsys.readouterr().out
        assert table.splitlines()[0] == "记分卡 2026-09-01 – 2026-09-30"  # "记分卡 {period}"
        assert "客户流失率" in table and "置信区间" in table
        assert main([*args, "--lang", "zh_Hans", "--format", "json"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert "churn_rate" in out["metrics"] and out["metrics"]["csat"]["unit"] == "%"
        assert main(args) == 0  # no --lang: English, as before
        assert capsys.readouterr().out.splitlines()[0] == "Scorecard 2026-09-01 – 2026-09-30"
    finally:
        set_locale("en")
