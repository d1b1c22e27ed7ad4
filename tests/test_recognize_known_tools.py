"""Registered sources scored through the recognizer as strong evidence (issue 15, item 1): a Zendesk export
in another UI language, with its columns reordered and two extra ones, is still read as Zendesk."""

from __future__ import annotations

import csv
import io

import pytest

from cxkpi.ingest.api import commit, preview
from cxkpi.ingest.detect import by_meaning, detect
from cxkpi.ingest.locate import locate
from cxkpi.ingest.read import read_table
from tests.test_ingest_fixtures import query

# Zendesk's own header names, and four tickets (hand-made, so the figures below are computed by hand).
ENGLISH = [
    "Id", "Requester email", "Organization", "Via", "Created at", "Solved at", "Status", "Reopens", "Replies",
    "First reply time in minutes", "Total time spent (sec)", "Satisfaction Score", "Subject", "Assignee",
]  # fmt: skip
ROWS = [
    ["501", "a@acme.example", "Acme", "Mail", "2025-03-03 09:00:00", "2025-03-04 10:00:00", "Solved", "0", "2",
     "30", "600", "Good", "Login fails", "Ada"],
    ["502", "b@beta.example", "Beta", "Web form", "2025-03-05 11:00:00", "2025-03-05 15:00:00", "Solved", "1", "4",
     "90", "1800", "Bad", "Invoice wrong", "Bo"],
    ["503", "c@acme.example", "Acme", "Chat", "2025-03-06 08:30:00", "", "Open", "0", "1",
     "15", "300", "Offered", "Export slow", "Ada"],
    ["504", "d@gamma.example", "Gamma", "Phone call (incoming)", "2025-03-07 14:00:00", "2025-03-08 09:00:00",
     "Solved", "0", "3", "45", "1200", "Good", "API limits", "Cy"],
]  # fmt: skip
# The same columns as the Italian and the Chinese UI name them (words of cxkpi/vocabulary/concepts.toml).
ITALIAN = [
    "Numero ticket", "Indirizzo email", "Azienda", "Canale", "Data creazione", "Data chiusura", "Stato",
    "Riaperture", "Risposte", "Tempo di prima risposta (minuti)", "Tempo impiegato (sec)", "Soddisfazione", "Oggetto",
    "Agente",
]  # fmt: skip
CHINESE = [
    "工单编号", "电子邮件", "公司名称", "渠道", "创建时间", "解决时间", "状态", "重开次数", "回复次数", "首次回复时间(分钟)",
    "处理时长(秒)", "满意度", "主题", "处理人",
]  # fmt: skip
EXTRA = {"it": ["Priorità", "Tag"], "zh": ["优先级", "标签"]}


def _export(header: list[str], extra: list[str] | None = None) -> bytes:
    """The four tickets under `header`, columns reordered (last first) and `extra` columns appended."""
    order = list(reversed(range(len(header))))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([header[i] for i in order] + (extra or []))
    for n, r in enumerate(ROWS):
        w.writerow([r[i] for i in order] + ([f"p{n}", "vip"] if extra else []))
    return out.getvalue().encode("utf-8")


def test_the_english_export_is_zendesk_by_name() -> None:
    raw, _ = locate(read_table(_export(ENGLISH), "zendesk.csv"))
    found = detect(raw)
    assert found[0].source.name == "zendesk_tickets" and found[0].source.aliases == ()


@pytest.mark.parametrize(("lang", "header"), [("it", ITALIAN), ("zh", CHINESE)])
def test_zendesk_in_another_ui_language_reordered_with_extra_columns_is_zendesk(engine, lang, header) -> None:
    data = _export(header, EXTRA[lang])
    raw, _ = locate(read_table(data, f"zendesk_{lang}.csv"))
    found = by_meaning(raw)
    assert found and found[0].source.name == "zendesk_tickets", [m.source.name for m in found]
    aliases = dict(found[0].source.aliases)
    assert aliases["Via"] == header[3] and aliases["Solved at"] == header[5]
    p = preview(data, f"zendesk_{lang}.csv", engine=engine)
    assert p.source == "zendesk_tickets" and p.ok, [x.text() for x in p.problems]
    assert not p.needs_confirmation  # a registered tool: no click
    notes = [x.text() for x in p.problems if x.severity == "warning"]
    assert any(f"'{header[3]}' as 'Via'" in n for n in notes), notes
    commit(engine, p)
    # 4 tickets; first reply 30 + 90 + 15 + 45 = 180 min; time spent (600 + 1800 + 300 + 1200) s = 3900 s
    # = 65 min; one reopen; replies 2 + 4 + 1 + 3 = 10.
    assert query(
        engine,
        "SELECT COUNT(*), SUM(first_reply_minutes), SUM(handle_minutes), SUM(reopens), SUM(agent_replies) "
        "FROM tickets",
    ) == [(4, 180.0, 65.0, 1, 10)]
    # Zendesk's channel names read as Zendesk's: Mail -> email, Web form -> web, Phone call -> phone.
    assert query(engine, "SELECT ticket_id, channel FROM tickets ORDER BY ticket_id") == [
        ("501", "email"), ("502", "web"), ("503", "chat"), ("504", "phone"),
    ]  # fmt: skip
    # Good / Bad / Good are csat answers 1, 0, 1 on 0–1 (Offered is no answer): 3 answers, 2 good.
    assert query(engine, "SELECT COUNT(*), SUM(score), MIN(scale_min), MAX(scale_max) FROM responses") == [
        (3, 2.0, 0.0, 1.0)
    ]


def test_a_generic_ticket_export_with_a_few_zendesk_columns_is_not_zendesk() -> None:
    # Five of Zendesk's fourteen columns: an unknown tool, left to the recognizer's proposal.
    text = (
        "Numero ticket,Data creazione,Data chiusura,Canale,Stato\n"
        "1,2025-03-03 09:00,2025-03-04 10:00,Email,Chiuso\n"
        "2,2025-03-05 11:00,2025-03-05 15:00,Chat,Chiuso\n"
    )
    raw, _ = locate(read_table(text.encode(), "altro.csv"))
    assert by_meaning(raw) == [] and detect(raw) == []
