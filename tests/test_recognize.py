"""Recognition by meaning: the proposal (table, columns, survey questions, units) with its evidence in words,
questions in the user's terms, --accept-suggested, the reading kept for the next export, the locate stage,
and the known wrong readings of registered tools."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from cxkpi.cli import main
from cxkpi.ingest import values as V
from cxkpi.ingest.api import ingest_file, preview
from cxkpi.ingest.read import read_table
from cxkpi.ingest.recognize import recognize
from tests.test_ingest_fixtures import query

ITALIAN_TICKETS = (
    "Numero ticket;Cliente;Data apertura;Data chiusura;Canale;Tempo di prima risposta;Tempo di gestione\n"
    "T-1;Azienda Rossi;04/03/2025 10:22;05/03/2025 09:00;Email;00:42;35\n"
    "T-2;Bianchi Srl;14/03/2025 11:00;;Telefono;01:10;12\n"
)
WJX = (  # Wenjuanxing: GBK, numbered questions, label answers
    "序号,提交答卷时间,1、您对我们的客服满意吗？,2、您向朋友推荐我们的可能性有多大？,3、您有什么建议？\n"
    "1,2025/3/4 10:22:11,非常满意,10,\n"
    "2,2025/3/5 14:22:11,满意,7,回复快\n"
    "3,2025/3/6 9:05:00,不满意,3,太慢\n"
)
EMPLOYEE = (
    "Response ID,Submitted At,How satisfied are you with your job?,How would you rate the new office design?\n"
    "1,2025-03-03 10:00:00,4,2\n2,2025-03-04 10:00:00,5,3\n3,2025-03-05 10:00:00,2,5\n"
)


def test_the_proposal_says_each_reading_with_its_evidence():
    p = recognize(read_table(ITALIAN_TICKETS.encode(), "ticket.csv"))
    assert p.table == "tickets"
    lines = p.describe()
    assert lines[0] == "A support tickets export."
    assert ("'Tempo di prima risposta' → first response time: header 'tempo di prima risposta'; values like "
            "00:42, 01:10 read as durations (hh:mm)") in lines
    assert p.columns == {"ticket_id": "Numero ticket", "company": "Cliente", "created_at": "Data apertura",
                         "solved_at": "Data chiusura", "channel": "Canale",
                         "first_reply_minutes": "Tempo di prima risposta", "handle_minutes": "Tempo di gestione"}
    # A plain number with no unit word: a question in the user's terms, suggesting minutes (values ≤ 35).
    [ask] = p.asks
    assert (ask.prompt, ask.suggested, ask.choices) == ("Is 'Tempo di gestione' in minutes or seconds?", "minutes",
                                                        ["minutes", "seconds", "hours"])
    assert "scale_min" not in " ".join(lines + [ask.prompt])


def test_an_unrecognized_export_stops_until_the_reading_is_accepted(engine):
    data = ITALIAN_TICKETS.encode()
    p = preview(data, "ticket.csv", engine=engine)
    assert not p.ok and p.needs_confirmation and p.clicks == "answer"
    assert [q.prompt for q in p.questions] == ["Is 'Tempo di gestione' in minutes or seconds?"]
    rep = ingest_file(engine, data, "ticket.csv", accept_suggested=True)
    assert rep.counts == {"tickets": {"added": 2, "updated": 0, "unchanged": 0}}
    assert "Is 'Tempo di gestione' in minutes or seconds? → minutes (suggested)" in rep.reading
    # 00:42 = 42 min, 01:10 = 70 min; 'Telefono' is the phone channel; day first (14/03 proves it).
    assert query(engine, "SELECT ticket_id, channel, first_reply_minutes, handle_minutes, created_at FROM tickets "
                 "ORDER BY 1") == [
        ("T-1", "email", 42.0, 35.0, pd.Timestamp("2025-03-04 10:22").to_pydatetime()),
        ("T-2", "phone", 70.0, 12.0, pd.Timestamp("2025-03-14 11:00").to_pydatetime()),
    ]
    # The next export of that shape: the kept reading applies with no click.
    later = ITALIAN_TICKETS.replace("T-2;", "T-3;").encode()
    p2 = preview(later, "ticket_april.csv", engine=engine)
    assert p2.ok and p2.clicks == "none" and p2.source.startswith("mapping:recognized-tickets-")


def test_a_chinese_survey_is_mapped_as_a_survey(engine):
    rep = ingest_file(engine, WJX.encode("gbk"), "wjx.csv", accept_suggested=True)
    assert not rep.rejected, [x.text() for x in rep.problems]
    # 非常满意 5, 满意 4, 不满意 2 on 1–5; the recommend question is NPS 0–10; '3、…建议' is the comment.
    assert query(engine, "SELECT response_id, kind, score, scale_min, scale_max, comment FROM responses "
                 "ORDER BY kind, response_id") == [
        ("1:csat", "csat", 5.0, 1.0, 5.0, None), ("2:csat", "csat", 4.0, 1.0, 5.0, "回复快"),
        ("3:csat", "csat", 2.0, 1.0, 5.0, "太慢"),
        ("1:nps", "nps", 10.0, 0.0, 10.0, None), ("2:nps", "nps", 7.0, 0.0, 10.0, "回复快"),
        ("3:nps", "nps", 3.0, 0.0, 10.0, "太慢"),
    ]


def test_an_opinion_question_in_an_employee_survey_is_asked_never_loaded_as_csat(engine):
    p = recognize(read_table(EMPLOYEE.encode(), "pulse.csv"))
    [ask] = p.asks
    assert ask.id == "kind:How would you rate the new office design?" and ask.suggested == "skip"
    rep = ingest_file(engine, EMPLOYEE.encode(), "pulse.csv", accept_suggested=True)
    assert not rep.rejected
    # The job question is ESAT (4 + 5 + 2 = 11 over 3 answers); nothing is CSAT.
    assert query(engine, "SELECT kind, count(*), sum(score) FROM responses GROUP BY kind") == [("esat", 3, 11.0)]


def test_amounts_with_decimals_are_major_units_and_a_total_is_not_multiplied_again(engine):
    data = (b"Subscription ID,Customer Email,Quantity,Total Amount,Billing Period,Created At\n"
            b"S1,a@x.example,3,147.00,monthly,2025-01-10\nS2,b@x.example,1,29.50,yearly,2025-01-15\n")
    rep = ingest_file(engine, data, "subs.csv", accept_suggested=True)
    assert not rep.rejected, [x.text() for x in rep.problems]
    # 147.00 for 3 seats = 49.00 per seat; 29.50 stays 29.50 (not 2950 cents, not × 1 again).
    assert query(engine, "SELECT subscription_id, amount, quantity, interval FROM subscriptions ORDER BY 1") == [
        ("S1", 49.0, 3.0, "month"), ("S2", 29.5, 1.0, "year")]


def test_an_amount_in_cents_says_so_in_its_header(engine):
    data = (b"subscription_id,plan_name,quantity,unit_amount_in_cents,plan_interval_unit,activated_at\n"
            b"S1,Pro,2,4900,months,2025-01-10\n")
    ingest_file(engine, data, "recurly.csv", accept_suggested=True)
    assert query(engine, "SELECT amount, quantity, interval FROM subscriptions") == [(49.0, 2.0, "month")]


def test_cli_without_the_flag_prints_the_reading_and_stops(store_url, tmp_path, capsys):
    f = tmp_path / "ticket.csv"
    f.write_text(ITALIAN_TICKETS, encoding="utf-8")
    assert main(["ingest", str(f), "--db", store_url]) == 1
    out = capsys.readouterr().out
    assert "not an export of a tool cxkpi knows — nothing loaded" in out
    assert "'Numero ticket' → ticket number: header 'numero ticket'" in out
    assert "question: Is 'Tempo di gestione' in minutes or seconds?" in out and "suggested: minutes" in out
    assert main(["ingest", str(f), "--db", store_url, "--accept-suggested"]) == 0
    out = capsys.readouterr().out
    assert "tickets: 2 added" in out and "reading: A support tickets export." in out


def test_durations_in_every_common_form():
    # 378:46 hrs = 378 h 46 min = 22726 min; PT1H20M = 80; 1h 20m = 80; P1DT2H = 26 h = 1560; PT45S = 0.75.
    got, bad = V.parse_duration(pd.Series(["378:46 hrs", "PT1H20M", "1h 20m", "P1DT2H", "PT45S"]), "minutes")
    assert list(got) == [22726.0, 80.0, 80.0, 1560.0, 0.75] and bad == []


def test_a_report_style_xlsx_with_a_title_block_and_a_totals_row(engine):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([None, "Ticket report — March 2025"])
    ws.append([None, "Filter: all channels"])
    ws.append([])
    ws.append([None, "Ticket ID", "Created", "Channel", "Replies"])
    ws.append([None, "A1", "2025-03-04 10:00", "Email", 2])
    ws.append([None, "A2", "2025-03-05 11:00", "Chat", 3])
    ws.append([None, "Total", None, None, 5])
    buf = io.BytesIO()
    wb.save(buf)
    p = preview(buf.getvalue(), "report.xlsx", engine=engine, accept_suggested=True)
    assert p.ok, [x.text() for x in p.problems]
    assert p.read_info["located"][0].startswith("header found under a 2-line title block")
    assert p.read_info["located"][-1] == "1 totals row(s) at the end left out"
    from cxkpi.ingest.api import commit

    commit(engine, p)
    assert query(engine, "SELECT ticket_id, channel, agent_replies FROM tickets ORDER BY 1") == [
        ("A1", "email", 2), ("A2", "chat", 3)]


def test_zendesk_numeric_satisfaction_and_minutes_of_time_spent(engine):
    data = (b"Id,Via,Created at,Solved at,Satisfaction Score,Total time spent (min)\n"
            b"1,Mail,2025-03-01 10:00:00,2025-03-01 12:00:00,4,25\n"
            b"2,Mail,2025-03-02 10:00:00,2025-03-02 11:00:00,Offered,10\n"
            b"3,Chat,2025-03-03 10:00:00,2025-03-03 10:30:00,5,5\n")
    rep = ingest_file(engine, data, "zendesk.csv")
    assert rep.source == "zendesk_tickets" and not rep.rejected
    # 1–5 answers kept as CSAT on 1–5 (Offered = no answer); handle time 25/10/5 minutes, not seconds.
    assert query(engine, "SELECT response_id, score, scale_min, scale_max FROM responses ORDER BY 1") == [
        ("1:csat", 4.0, 1.0, 5.0), ("3:csat", 5.0, 1.0, 5.0)]
    assert query(engine, "SELECT sum(handle_minutes) FROM tickets") == [(40.0,)]


def test_freshdesk_zero_first_response_on_an_unanswered_ticket_is_no_response(engine):
    data = (b"Ticket ID,Created time,Resolved time,First response time (in hrs),Agent interactions,Survey results\n"
            b"1,2025-03-01 10:00:00,2025-03-01 12:00:00,0:30:00,1,Slightly dissatisfied\n"
            b"2,2025-03-02 10:00:00,,0:00:00,0,\n")
    rep = ingest_file(engine, data, "freshdesk.csv")
    assert rep.source == "freshdesk_tickets" and not rep.rejected, [x.text() for x in rep.problems]
    assert query(engine, "SELECT ticket_id, first_reply_minutes FROM tickets ORDER BY 1") == [("1", 30.0),
                                                                                              ("2", None)]
    # The newer 7-label survey: Slightly dissatisfied = 3 on 1–7.
    assert query(engine, "SELECT score, scale_min, scale_max FROM responses") == [(3.0, 1.0, 7.0)]


def test_freshdesk_excel_download_is_spreadsheetml_named_xls(engine):
    # Freshdesk's "Excel" download is Excel 2003 XML; ss:Index skips an empty cell.
    cells = [["Ticket ID", "Created time", "Resolved time", "Agent interactions", "Survey results"],
             ["7", "2025-03-01 10:00:00", "2025-03-01 12:00:00", "1", "Very satisfied"],
             ["8", "2025-03-02 10:00:00", None, "0", "Slightly satisfied"]]

    def row(values):
        out, skip = [], False
        for i, v in enumerate(values, start=1):
            if v is None:
                skip = True
                continue
            attr = f' ss:Index="{i}"' if skip else ""
            out.append(f'<Cell{attr}><Data ss:Type="String">{v}</Data></Cell>')
            skip = False
        return "<Row>" + "".join(out) + "</Row>"

    xml = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
           '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Tickets"><Table>'
           + "".join(row(r) for r in cells) + "</Table></Worksheet></Workbook>")
    rep = ingest_file(engine, xml.encode(), "tickets.xls")
    assert rep.source == "freshdesk_tickets" and not rep.rejected, [x.text() for x in rep.problems]
    assert query(engine, "SELECT ticket_id, solved_at IS NULL FROM tickets ORDER BY 1") == [("7", False), ("8", True)]
    # Newer labels on the 7-point scale: Very satisfied 7, Slightly satisfied 5.
    assert query(engine, "SELECT score FROM responses ORDER BY 1") == [(5.0,), (7.0,)]


STRIPE_PAYMENTS = (
    b"id,Description,Seller Message,Created (UTC),Amount,Amount Refunded,Currency,Converted Amount,Fee,Status,"
    b"Customer ID,Customer Description,Customer Email,Captured,Invoice ID\n"
    b"ch_1,Sub,Payment complete.,2025-03-01 10:00:00,147.00,0.00,usd,147.00,4.56,Paid,cus_1,Alpha,a@x.example,true,in_1\n"
    b"ch_2,Sub,Payment complete.,2025-03-02 10:00:00,29.50,10.00,usd,29.50,1.16,Paid,cus_2,Beta,b@x.example,true,in_2\n"
    b"ch_3,Sub,Declined,2025-03-03 10:00:00,49.00,0.00,usd,49.00,0,Failed,cus_3,Gamma,c@x.example,false,in_3\n"
)


def test_stripe_default_payments_and_customers_downloads(engine):
    rep = ingest_file(engine, STRIPE_PAYMENTS, "unified_payments.csv")
    assert rep.source == "stripe_payments" and rep.counts["payments"]["added"] == 2 and rep.rows_rejected == 1
    # 147.00 − 0 and 29.50 − 10.00 partly refunded = 19.50; the failed charge is no money in.
    assert query(engine, "SELECT payment_id, amount, account_id FROM payments ORDER BY 1") == [
        ("ch_1", 147.0, "cus_1"), ("ch_2", 19.5, "cus_2")]
    cus = (b"id,Description,Email,Name,Created (UTC),Delinquent,Plan,Status,Currency,Total Spend,Payment Count\n"
           b"cus_1,,a@x.example,Alpha Srl,2024-01-01 10:00:00,false,Pro,active,usd,1470.00,10\n")
    rep = ingest_file(engine, cus, "unified_customers.csv")
    assert rep.source == "stripe_customers"
    assert query(engine, "SELECT account_id, name, email FROM accounts") == [("cus_1", "Alpha Srl", "a@x.example")]
