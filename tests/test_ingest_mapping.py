"""Unrecognized exports: suggested mappings (English, Chinese, Italian), mapping files, saved mappings,
and cxkpi's own templates."""

from __future__ import annotations

import pytest

from cxkpi.cli import main
from cxkpi.ingest.api import confirm_mapping, ingest_file, preview, template_csv
from cxkpi.ingest.read import read_table
from cxkpi.ingest.saved import header_signature
from cxkpi.ingest.suggest import suggest_mapping
from cxkpi.store.schema import CANONICAL
from tests.test_ingest_fixtures import query

WJX = (  # a Wenjuanxing-style export saved by zh-CN Excel (GBK)
    "序号,提交答卷时间,所用时间,来源,1、您对我们的客服满意吗？,2、您有什么建议？,公司,邮箱\n"
    "1,2025/3/4 10:22:11,55秒,微信,非常满意,(空),北风贸易,li.lei@northwind.example\n"
    "2,2025/3/5 下午 2:22:11,40秒,链接,满意,回复快,蓝鸟分析,han.mei@bluebird.example\n"
    "3,2025/3/6 9:05:00,61秒,链接,不满意,太慢,铜叶健康,wang.fang@copperleaf.example\n"
)
ITALIAN = (
    "Numero ticket;Cliente;Data apertura;Data chiusura;Canale;Stato;Email\n"
    "T-1;Azienda Rossi;04/03/2025 10:22;05/03/2025 09:00;Email;Chiuso;a@rossi.example\n"
    "T-2;Bianchi Srl;14/03/2025 11:00;;Telefono;Aperto;b@bianchi.example\n"
)


def test_suggestion_for_a_chinese_survey_export():
    s = suggest_mapping(read_table(WJX.encode("gbk"), "wjx.csv"))
    assert s.table == "responses"
    assert {k: s.columns[k] for k in ("response_id", "submitted_at", "score", "company", "email", "comment")} == {
        "response_id": "序号", "submitted_at": "提交答卷时间", "score": "1、您对我们的客服满意吗？",
        "company": "公司", "email": "邮箱", "comment": "2、您有什么建议？"}


def test_suggestion_for_an_italian_ticket_export():
    s = suggest_mapping(read_table(ITALIAN.encode(), "ticket.csv"))
    assert s.table == "tickets" and not s.missing
    assert s.columns == {"ticket_id": "Numero ticket", "company": "Cliente", "created_at": "Data apertura",
                         "solved_at": "Data chiusura", "channel": "Canale", "status": "Stato", "email": "Email"}


def test_confirmed_mapping_loads_and_is_applied_next_time(engine):
    data = WJX.encode("gbk")
    p = preview(data, "wjx.csv", engine=engine)
    assert not p.ok and p.suggestion is not None
    spec = p.suggestion.spec() | {"options": {"kind": "csat", "survey": "客服满意度", "system": "wenjuanxing"}}
    p = preview(data, "wjx.csv", mapping=spec, engine=engine)
    assert p.ok, [x.text() for x in p.problems] + [q.prompt for q in p.questions]
    confirm_mapping(engine, p, "wenjuanxing-csat", spec)
    rep = ingest_file(engine, data, "wjx.csv", mapping=spec)
    assert rep.counts["responses"]["added"] == 3
    # Labels on the 1–5 ladder: 非常满意 5, 满意 4, 不满意 2; '(空)' is an empty answer; 下午 = PM.
    assert query(engine, "SELECT response_id, score, scale_min, scale_max, comment, submitted_at FROM responses "
                 "ORDER BY 1") == [
        ("1", 5.0, 1.0, 5.0, None, query(engine, "SELECT TIMESTAMP '2025-03-04 10:22:11'")[0][0]),
        ("2", 4.0, 1.0, 5.0, "回复快", query(engine, "SELECT TIMESTAMP '2025-03-05 14:22:11'")[0][0]),
        ("3", 2.0, 1.0, 5.0, "太慢", query(engine, "SELECT TIMESTAMP '2025-03-06 09:05:00'")[0][0]),
    ]
    # Next month's export: same columns in another order -> the saved mapping applies by itself.
    lines = [line.split(",") for line in WJX.strip().split("\n")]
    later = "\n".join(",".join(reversed(r)) for r in lines[:1]) + "\n" + ",".join(reversed(
        ["4", "2025/4/1 10:00:00", "30秒", "微信", "一般", "", "北风贸易", "li.lei@northwind.example"])) + "\n"
    assert header_signature(lines[0]) == header_signature(list(reversed(lines[0])))
    p2 = preview(later.encode("gbk"), "wjx_april.csv", engine=engine)
    assert p2.ok and p2.source == "mapping:wenjuanxing-csat"
    rep2 = ingest_file(engine, later.encode("gbk"), "wjx_april.csv")
    assert rep2.counts["responses"]["added"] == 1
    assert query(engine, "SELECT score, system, survey FROM responses WHERE response_id = '4'") \
        == [(3.0, "wenjuanxing", "客服满意度")]


def test_mapping_file_on_the_command_line(store_url, tmp_path, capsys):
    f = tmp_path / "ticket_it.csv"
    f.write_text(ITALIAN, encoding="utf-8")
    m = tmp_path / "italia.toml"
    m.write_text(
        'table = "tickets"\n'
        "[columns]\n"
        'ticket_id = "Numero ticket"\ncompany = "Cliente"\ncreated_at = "Data apertura"\n'
        'solved_at = "Data chiusura"\nchannel = "Canale"\nstatus = "Stato"\nemail = "Email"\n'
        "[values.status]\nChiuso = \"closed\"\nAperto = \"open\"\n"
        "[values.channel]\nTelefono = \"phone\"\nEmail = \"email\"\n"
        "[options]\ndayfirst = true\ntz = \"Europe/Rome\"\nsystem = \"helpdesk_it\"\n",
        encoding="utf-8")
    assert main(["ingest", str(f), "--db", store_url, "--mapping", str(m)]) == 0
    assert "tickets: 2 added" in capsys.readouterr().out
    from cxkpi.store import make_engine

    eng = make_engine(store_url)
    # 04/03/2025 10:22 in Rome (UTC+1 in March) = 09:22 UTC, day first.
    rows = query(eng, "SELECT ticket_id, status, channel, created_at, solved_at, system FROM tickets ORDER BY 1")
    assert [(r[0], r[1], r[2], str(r[3]), str(r[4]) if r[4] else None, r[5]) for r in rows] == [
        ("T-1", "closed", "email", "2025-03-04 09:22:00", "2025-03-05 08:00:00", "helpdesk_it"),
        ("T-2", "open", "phone", "2025-03-14 10:00:00", None, "helpdesk_it"),
    ]
    eng.dispose()


def test_mapping_file_with_an_unknown_column_is_refused(tmp_path, sample_exports, duckdb_url, capsys):
    m = tmp_path / "bad.toml"
    m.write_text('table = "tickets"\n[columns]\nticket_idd = "Id"\n', encoding="utf-8")
    assert main(["ingest", str(sample_exports / "zendesk_tickets.csv"), "--db", duckdb_url, "--mapping", str(m)]) == 1
    assert "tickets has no column 'ticket_idd'" in capsys.readouterr().out


@pytest.mark.parametrize("table", list(CANONICAL))
def test_template_round_trip(engine, table):
    data = template_csv(table).encode()
    rep = ingest_file(engine, data, f"{table}.csv")
    assert not rep.rejected, [p.text() for p in rep.problems] + [q.prompt for q in rep.questions]
    assert rep.source == f"cxkpi_{table}" and rep.counts == {table: {"added": 1, "updated": 0, "unchanged": 0}}
    assert query(engine, f"SELECT system FROM {table}") == [("cxkpi",)]
    if table == "costs":  # no cost_id column: date + category + occurrence
        assert query(engine, "SELECT cost_id FROM costs") == [("2025-03-01:cs tooling:1",)]
