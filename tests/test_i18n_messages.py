"""The library's own sentences — the metric engine's reasons, the data-quality findings, the importer's problems,
questions and readings, the command line's summaries — read in the viewer's language (cxkpi/i18n_messages.py).

Each test runs the real producer (engine, quality report, importer, CLI) and checks what a person sees: the
sentence translated, and in Chinese no Latin word left except the names users keep (CSAT, NPS, …), the tools'
names, and the data's own values (filter values, column and file names, ids)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

import cxkpi.metrics as metrics
from cxkpi import quality
from cxkpi.i18n import set_locale, t
from cxkpi.i18n_messages import MESSAGES, is_localized, localize
from cxkpi.metrics.registry import REGISTRY
from cxkpi.store import make_engine
from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception, texts  # noqa: F401
from tests.pagehelpers import bare_store  # noqa: F401

DATA = Path(__file__).resolve().parent / "data" / "quality"
# Names a Chinese sentence may keep: the acronyms users keep, the tools an export comes from, command-line names.
NAMES = {
    "CSAT", "CES", "NPS", "ESAT", "MRR", "ARPA", "CLV", "FRT", "FCR", "AHT", "CRC", "CSV", "CRM", "UTC", "ID",
    "Stripe", "Chargebee", "HubSpot", "Salesforce", "Typeform", "Qualtrics", "SurveyMonkey", "Delighted",
    "Medallia", "Zendesk", "Intercom", "Google", "Forms", "Freshdesk", "Help", "Scout", "Time", "Tracking",
    "cxkpi", "ingest", "mapping", "FILE", "toml", "docs", "md", "LOAD_ID", "remove",
}  # fmt: skip
# a survey whose answers (2–4) say nothing of its scale: the importer must ask which scale it is on
SURVEY = (
    b"Submitted At,Email,How satisfied are you with our support?\n"
    b"2025-03-01 10:00,ana@alpha.example,3\n2025-03-02 11:00,ben@beta.example,4\n"
    b"2025-03-03 12:00,cy@gamma.example,2\n2025-03-04 13:00,di@delta.example,4\n"
)
QUESTION = "How satisfied are you with our support?"


def latin_words(text: str, keep: set[str] = frozenset()) -> list[str]:
    """Latin words left in a translated sentence, apart from quoted names, values with digits or '@', and names."""
    text = re.sub(r"“[^”]*”|「[^」]*」|'[^']*'|\"[^\"]*\"", " ", text)  # quoted: a column, a file, a phrase
    words = [w for w in re.findall(r"[\w@.:/+-]+", text) if re.search(r"[A-Za-z]", w)]
    words = [w for w in words if not re.search(r"[\d@]", w)]  # ids, dates, e-mail addresses, file names
    found = [w for part in words for w in re.findall(r"[A-Za-z][A-Za-z_]*", part)]
    return [w for w in found if w not in NAMES and w not in keep]


@pytest.fixture
def in_language():
    """set_locale(x) for the test, English again afterwards."""
    yield set_locale
    set_locale("en")


def test_the_sentence_table_has_one_template_per_sentence_and_fills_placeholders(in_language):
    assert len(MESSAGES) > 250
    assert len(set(MESSAGES.values())) == len(MESSAGES), "two keys share one English sentence"
    in_language("zh_Hant")
    # "a {what} filter does not apply to {rows} ({why}; {shown})": each part read back and translated
    said = localize("a channel filter does not apply to subscriptions (they carry no channel; channel=email)")
    assert said == "管道篩選條件不適用於訂閱（這些記錄沒有管道資訊；管道=email）"
    in_language("en")
    assert localize(
        "a channel filter does not apply to subscriptions (they carry no channel; channel=email)"
    ) == (
        "a channel filter does not apply to subscriptions (they carry no channel; channel=email)"
    )  # English stays the library's own sentence
    in_language("it")
    assert (
        localize("a sentence no template knows") == "a sentence no template knows"
    )  # English, never a wrong one


def _engine_texts(store_url: str) -> set[str]:
    eng = make_engine(store_url)
    found: set[str] = set()
    periods = [metrics.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)), metrics.Period(dt.date(2020, 1, 1),
               dt.date(2020, 1, 31))]  # fmt: skip
    filters = [metrics.Filters(), metrics.Filters(channel="email"), metrics.Filters(segment="SMB"),
               metrics.Filters(segment="SMB", channel="chat"), metrics.Filters(survey="Onboarding")]  # fmt: skip
    try:
        for p in periods:
            for f in filters:
                found |= {r.reason for r in metrics.scorecard(eng, p, f).values() if r.reason}
    finally:
        eng.dispose()
    return found


def test_every_reason_and_source_the_engine_writes_reads_in_each_language(
    demo_template,  # noqa: F811
    tmp_path,
    in_language,
):
    demo = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, demo)
    reasons = _engine_texts(f"duckdb:///{demo}") | _engine_texts(f"duckdb:///{tmp_path / 'empty.duckdb'}")
    sources = {m.source for m in REGISTRY.values() if m.source}
    # the three cases of a tile without a figure: a filter it cannot apply, no answers, no data loaded at all
    assert any("filter does not apply" in r for r in reasons)
    assert any(r.startswith("No CSAT answers") for r in reasons)
    assert any("Load a billing export" in r for r in reasons)
    assert len(reasons) > 30
    unknown = sorted(x for x in reasons | sources if not is_localized(x))
    assert unknown == [], "sentences no template of cxkpi/i18n_messages.py fits"
    for locale in ("zh_Hans", "zh_Hant"):
        in_language(locale)
        left = {
            x: latin_words(localize(x), {"email", "chat", "SMB", "Onboarding"}) for x in reasons | sources
        }
        assert {x: w for x, w in left.items() if w} == {}, locale
    in_language("it")
    assert all(localize(x) != x for x in reasons | sources)


def test_every_method_card_formula_reads_in_chinese(demo_template, tmp_path, in_language):  # noqa: F811
    from cxkpi.metrics.engine import explain

    demo = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, demo)
    eng = make_engine(f"duckdb:///{demo}")
    period = metrics.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    try:
        formulas = {explain(eng, k, period, metrics.Filters(), {}).method for k in REGISTRY}
        formulas.add(explain(eng, "frt", period, metrics.Filters(), {"frt.stat": "mean"}).method)
        formulas.add(explain(eng, "csat", period, metrics.Filters(), {"csat.mode": "mean"}).method)
    finally:
        eng.dispose()
    assert len(formulas) == len(REGISTRY) + 2
    in_language("zh_Hant")
    said = {m: localize(m) for m in formulas}
    assert {m for m, z in said.items() if z == m} == set()
    assert {m: latin_words(z) for m, z in said.items() if latin_words(z)} == {}
    top2 = next(z for m, z in said.items() if m.startswith("CSAT = "))
    assert top2 == "CSAT = 正面回覆數 ÷ 量表可用的全部 CSAT 回覆數 × 100（前兩項佔比）；時間按 UTC 計"


def test_a_quality_finding_reads_in_traditional_chinese(tmp_path, in_language):
    from cxkpi.ingest.api import ingest_file

    url = f"duckdb:///{tmp_path / 'q.duckdb'}"
    eng = make_engine(url)
    try:
        # every quality test file in one store: two subscriptions billed in EUR and GBP while the workspace
        # reports in USD, tickets from two desks, accounts sharing an e-mail, NPS on 1–5, unlinked tickets, …
        for path in sorted(DATA.glob("*.csv")):
            ingest_file(eng, path)
        found = {f.code: f for f in quality.report(eng)}
    finally:
        eng.dispose()
    assert {"accounts.shared_email", "tickets.same_id_two_systems", "responses.nps_not_0_10"} <= set(found)
    f = found["subscriptions.other_currency"]
    assert "USD" in f.detail and "EUR 1, GBP 1" in f.detail
    for x in found.values():  # every finding of this store, every field, has its template
        assert [s for s in (x.title, x.detail, x.effect, x.fix) if not is_localized(s)] == [], x.code
    in_language("zh_Hant")
    assert localize(f.title) == "幣別與報告幣別不同的訂閱"
    detail = localize(f.detail)
    assert detail.startswith("2 筆訂閱的幣別不是報告幣別 USD（EUR 1、GBP 1）；例如 ")
    assert localize(f.effect).startswith("MRR、CLV：MRR 和 CLV（以及按營收計的流失率）只加總報告幣別的訂閱")
    fix = localize(f.fix)
    assert fix.startswith("如果報告幣別有誤，請在「設定」中修改（currency）")
    keep = {"USD", "EUR", "GBP", "currency", *f.examples}
    for text in (localize(f.title), detail.split("例如")[0], localize(f.effect), fix):
        assert latin_words(text, keep) == [], text


def test_cli_ingest_prints_the_importers_problems_in_italian(tmp_path, capsys, in_language):
    from cxkpi.cli import main

    survey = tmp_path / "sondaggio.csv"
    survey.write_bytes(SURVEY)
    url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    assert main(["ingest", str(survey), "--db", url, "--lang", "it"]) == 1  # rejected: a question is open
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith(
        "sondaggio.csv: non riconosciuto — RIFIUTATO, nulla è cambiato (errori: 1, domande: 1)"
    )
    # the problem line: severity, file, then the importer's sentence in Italian, the question inside it too
    assert lines[1] == (
        "  errore: sondaggio.csv — questa esportazione non è tra quelle che cxkpi riconosce, e la lettura proposta "
        f"richiede una risposta che cxkpi non può suggerire: Su quale scala si risponde a '{QUESTION}'? Rispondi "
        "nella pagina Dati, oppure passa un file di mappatura (cxkpi ingest --mapping FILE.toml; vedi docs/ingest.md)."
    )
    assert f"  domanda: Su quale scala si risponde a '{QUESTION}'?" in lines
    assert "  lettura: Un'esportazione di risposte ai sondaggi." in lines
    # the same run without --lang: the English sentences as the library writes them
    assert main(["ingest", str(survey), "--db", url]) == 1
    english = capsys.readouterr().out
    assert "REJECTED" in english and f"What scale is '{QUESTION}' answered on?" in english


def test_the_data_page_in_chinese_asks_the_scale_question_and_lists_the_problem(bare_store):  # noqa: F811
    at = new_app(lang="zh_Hans")
    # AppTest calls widget format functions in this thread: it speaks the session's language (test_i18n_sessions)
    set_locale("zh_Hans")
    try:
        at.run()
        at.switch_page("pages/data.py").run()
        at.file_uploader(key="data_upload").set_value([("survey.csv", SURVEY, "text/csv")]).run()
        no_exception(at)
        labels = [r.label for r in at.radio]
        assert f"“{QUESTION}”使用哪种量表作答？" in labels  # "What scale is '{column}' answered on?"
        problems = [d.value for d in at.dataframe if t("data.col_file") in d.value.columns]
        assert len(problems) == 1
        todo = problems[0][t("data.col_todo")].iloc[0]
        # the data-quality report below it: this store holds nothing yet, each "no … loaded" finding in Chinese
        report = [d.value for d in at.dataframe if t("data.q_title") in d.value.columns]
        assert "尚未导入订阅" in list(report[0][t("data.q_title")])
        cells = [
            str(v)
            for col in (t("data.q_title"), t("data.q_detail"), t("data.col_todo"))
            for v in report[0][col]
        ]
        assert [w for c in cells for w in latin_words(c)] == []
        assert todo.startswith("该导出文件不是 cxkpi 能识别的格式")
        assert t("data.questions") in texts(at)
        assert [w for text in (todo, *labels) for w in latin_words(text)] == []
        assert at.radio[0].options[:2] == ["1-5", "1-7"]  # the scales themselves, as they are
    finally:
        set_locale("en")


def test_the_chinese_scorecard_says_why_a_filter_leaves_a_tile_without_a_figure(app):  # noqa: F811
    at = app(lang="zh_Hans", channel="email")
    set_locale("zh_Hans")
    try:
        at.run()
    finally:
        set_locale("en")
    no_exception(at)
    captions = [str(c.value) for c in at.caption]
    # MRR's rows (subscriptions) carry no channel: "a channel filter does not apply to subscriptions (…)"
    assert "渠道筛选条件不适用于订阅（这些记录没有渠道信息；渠道=email）。" in captions
    assert "渠道筛选条件不适用于续约（这些记录没有渠道信息；渠道=email）。" in captions
    assert not [c for c in captions if "does not apply" in c or "answers match" in c]
    reasons = [c for c in captions if "筛选条件" in c]
    assert reasons and [w for c in reasons for w in latin_words(c, {"email"})] == []


def test_two_languages_localize_side_by_side():
    """localize() follows each thread's language like t(): no shared state in the sentence table."""
    seen: dict[str, set[str]] = {"zh_Hans": set(), "it": set()}
    barrier = threading.Barrier(2)

    def run(locale: str) -> None:
        set_locale(locale)
        for _ in range(30):
            barrier.wait(timeout=10)
            seen[locale].add(localize("no subscriptions loaded"))

    threads = [threading.Thread(target=run, args=(x,)) for x in seen]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    assert seen == {"zh_Hans": {"尚未导入订阅数据"}, "it": {"nessun abbonamento caricato"}}


def test_every_problem_question_and_reading_of_the_export_corpus_has_a_translation(in_language):
    """The 119 export variants of tests/corpus (nine UI languages, CSV/XLSX/gzip, title blocks): every problem,
    question and line of the reading the importer writes for them fits a template, so it is shown translated."""
    from cxkpi.ingest.api import preview
    from tests.corpus.generate import variants

    said: set[str] = set()
    for v in variants():
        p = preview(v.data, v.file_name)
        said |= {x.message for x in p.problems} | {q.prompt for q in p.questions}
        if getattr(p, "proposal", None) is not None:
            said |= set(p.proposal.describe())
    assert len(said) > 300
    assert sorted(x for x in said if not is_localized(x)) == []
    in_language("zh_Hans")
    assert localize("A support tickets export.") == "客服工单导出文件。"


def test_cli_quality_speaks_the_language_and_its_json_stays_english(tmp_path, capsys, in_language):
    from cxkpi.cli import main
    from cxkpi.ingest.api import ingest_file

    url = f"duckdb:///{tmp_path / 'cliq.duckdb'}"
    eng = make_engine(url)
    try:
        ingest_file(eng, DATA / "subscriptions_currencies.csv")
    finally:
        eng.dispose()
    assert main(["quality", "--db", url, "--lang", "zh_Hant"]) == 0
    out = capsys.readouterr().out
    # "{severity} {code}  ({count})  {title}": the code stays as it is, the rest in Traditional Chinese
    assert "警告      subscriptions.other_currency  (2)  幣別與報告幣別不同的訂閱" in out
    assert "處理方式：如果報告幣別有誤" in out and "fix:" not in out
    assert main(["quality", "--db", url, "--lang", "zh_Hant", "--format", "json"]) == 0
    found = {f["code"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert (
        found["subscriptions.other_currency"]["title"]
        == "Subscriptions in another currency than the reporting one"
    )


def test_a_missing_month_and_the_missing_data_findings_read_in_simplified_chinese(tmp_path, in_language):
    from cxkpi.ingest.api import ingest_file

    eng = make_engine(f"duckdb:///{tmp_path / 'gap.duckdb'}")
    try:
        ingest_file(
            eng, DATA / "tickets_gap.csv"
        )  # 12 tickets a month from 2025-01 to 2025-05, none in March
        found = {f.code: f for f in quality.report(eng)}
    finally:
        eng.dispose()
    assert "tickets.coverage_gap" in found and "subscriptions.empty" in found
    for x in found.values():
        assert [s for s in (x.title, x.detail, x.effect, x.fix) if not is_localized(s)] == [], x.code
    in_language("zh_Hans")
    gap = found["tickets.coverage_gap"]
    assert localize(gap.detail) == (
        "2025-01 至 2025-05 之间有 1 个月没有来自 cxkpi 的工单，而通常每月有 12 条："
        "2025-03（0 行；2025-02：12，2025-04：12）。"
    )
    for x in found.values():
        assert latin_words(localize(x.title) + localize(x.effect), {"cxkpi"}) == [], x.code


def test_readings_with_scales_of_each_survey_and_pooled_scales_read_in_each_language(in_language):
    """ESAT's reading names its positive answers per scale ("4–5 of 5"); a pooled reading lists its scales."""
    from cxkpi.i18n import t_reading

    in_language("zh_Hans")
    assert t_reading("4–5 of 5, 6–10 of 10, 1–5 scale") == "满分 5 中的 4–5，满分 10 中的 6–10，1–5 量表"
    assert t_reading("top-2-box, scales 1–5, 0–10 pooled") == "前两项占比，1–5，0–10 量表合并计算"
    in_language("it")
    assert t_reading("4–5 of 5, 6–10 of 10, 1–5 scale") == "4–5 su 5, 6–10 su 10, scala 1–5"
    in_language("en")
    assert t_reading("4–5 of 5, 6–10 of 10, 1–5 scale") == "4–5 of 5, 6–10 of 10, 1–5 scale"


def test_a_number_inside_an_engine_sentence_is_written_the_languages_way(in_language):
    """The CLV lifespan "56.9" reads 56,9 in Italian; a count "1,503" reads 1.503; a load id or a year stays."""
    in_language("it")
    assert localize("Lifespan 56.9 months, under the 60-month cap (not applied)") == (
        "Durata 56,9 mesi, sotto il limite di 60 mesi (non applicato)"
    )
    in_language("zh_Hans")
    assert "56.9" in localize("Lifespan 56.9 months, under the 60-month cap (not applied)")


def test_a_goal_without_progress_says_why_in_the_language(in_language):
    """cxkpi/goals.py's reasons, with the engine's own reason inside translated too."""
    in_language("zh_Hant")
    assert localize("baseline not available: no CSAT responses in the period") == (
        "基線值無法取得：" + localize("no CSAT responses in the period")
    )
    assert localize("the target equals the baseline") == "目標值等於基線值"
    in_language("it")
    assert localize("current value not available") == "valore attuale non disponibile"


def test_cli_sources_table_in_chinese_keeps_tool_names_and_json_stays_english(capsys, in_language):
    from cxkpi.cli import main

    assert main(["sources", "--lang", "zh_Hans"]) == 0
    table = capsys.readouterr().out
    assert "Stripe——发票导出文件（已付发票 → 付款）" in table
    assert "Zendesk Support——工单 CSV 文件" in table
    labels = [line.split("  ")[-1].strip() for line in table.splitlines() if line.strip()]
    tools = {"Freshservice", "Support", "API"}  # Zendesk Support, Freshservice; Stripe's API
    assert len(labels) > 20 and [w for lb in labels for w in latin_words(lb, tools)] == []
    in_language("en")
    assert main(["sources", "--format", "json", "--lang", "zh_Hans"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {
        "name": "stripe_invoices",
        "label": "Stripe — invoices export (paid invoices → payments)",
    }.items() <= next(r for r in rows if r["name"] == "stripe_invoices").items()
