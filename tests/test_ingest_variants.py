"""Real-world variations of each export, derived from the fixtures: the importer is built for the tools,
not for the sample files."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from cxkpi.ingest.api import ingest_file, preview
from cxkpi.ingest.detect import detect
from cxkpi.ingest.read import read_table


def rows_of(path, encoding="utf-8-sig"):
    return list(csv.reader(io.StringIO(path.read_text(encoding=encoding))))


def to_csv(rows, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding)


def to_xlsx(rows, convert=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in rows:
        ws.append([convert(v) if convert else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def drop_column(rows, name):
    i = rows[0].index(name)
    return [r[:i] + r[i + 1:] for r in rows]


def rename(rows, mapping):
    return [[mapping.get(h, h) for h in rows[0]], *rows[1:]]


def source_of(data, name):
    return detect(read_table(data, name))[0].source.name


def load_ok(engine, data, name, **kw):
    rep = ingest_file(engine, data, name, **kw)
    assert not rep.rejected, [p.text() for p in rep.problems] + [q.prompt for q in rep.questions]
    return rep


# --- Zendesk ---------------------------------------------------------------------------------------


def test_zendesk_current_header_ID_without_summation_column(engine, sample_exports):
    rows = drop_column(rename(rows_of(sample_exports / "zendesk_tickets.csv"), {"Id": "ID"}), "Summation column")
    data = to_csv(rows)
    assert source_of(data, "export.csv") == "zendesk_tickets"
    rep = load_ok(engine, data, "export.csv")
    assert rep.counts["tickets"]["added"] == 48 and rep.counts["responses"]["added"] == 34


def test_zendesk_without_time_tracking_has_no_handle_time(engine, sample_exports):
    rows = drop_column(rows_of(sample_exports / "zendesk_tickets.csv"), "Total time spent (sec) [int]")
    load_ok(engine, to_csv(rows), "export.csv")
    from tests.test_ingest_fixtures import query

    # Never derived from resolution time: without the Time Tracking field AHT has no data.
    assert query(engine, "SELECT count(handle_minutes) FROM tickets") == [(0,)]


def test_zendesk_european_excel_resave(engine, sample_exports):
    """';' delimiter, UTF-8 BOM, CRLF, dates dd.mm.yyyy hh:mm, decimal comma in a duration."""
    rows = rows_of(sample_exports / "zendesk_tickets.csv")
    h = rows[0]
    out = [h]
    for r in rows[1:]:
        r = list(r)
        for i, name in enumerate(h):
            v = r[i]
            if name.endswith(" at") and v:  # 2025-01-20 17:23:06 -> 20.01.2025 17:23
                d, t = v.split(" ")
                y, m, dd = d.split("-")
                r[i] = f"{dd}.{m}.{y} {t[:5]}"
        r[h.index("First reply time in minutes")] += ",5"
        out.append(r)
    data = to_csv(out, delimiter=";", bom=True)
    rep = load_ok(engine, data, "zendesk_de.csv")
    assert rep.counts["tickets"]["added"] == 48
    from tests.test_ingest_fixtures import query

    row = query(engine, "SELECT created_at, first_reply_minutes FROM tickets WHERE ticket_id = '10400'")[0]
    assert (str(row[0]), row[1]) == ("2025-01-20 17:23:00", 463.5)


def test_zendesk_xlsx(engine, sample_exports):
    import datetime as dt

    def convert(v):
        # Excel keeps numbers as numbers and timestamps as datetimes.
        if len(v) == 19 and v[4] == "-" and v[10] == " ":
            return dt.datetime.fromisoformat(v)
        return int(v) if v.isdigit() else v

    data = to_xlsx(rows_of(sample_exports / "zendesk_tickets.csv"), convert)
    rep = load_ok(engine, data, "zendesk.xlsx")
    assert rep.source == "zendesk_tickets"
    assert rep.counts["tickets"]["added"] == 48 and rep.counts["responses"]["added"] == 34


# --- Freshdesk / Freshservice ------------------------------------------------------------------------


def test_freshservice_title_case(engine, sample_exports):
    rows = rows_of(sample_exports / "freshdesk_tickets.csv")
    titled = {h: " ".join(w if w.startswith("(") else w[:1].upper() + w[1:] for w in h.split()) for h in rows[0]}
    titled.update({"Ticket ID": "Ticket Id", "Email": "Requester Email", "Full name": "Requester Name",
                   "First response time (in hrs)": "First Response Time (in Hrs)"})
    data = to_csv(rename(rows, titled))
    assert source_of(data, "tickets.csv") == "freshservice_tickets"
    rep = load_ok(engine, data, "tickets.csv")
    assert rep.counts["tickets"]["added"] == 40 and rep.counts["responses"]["added"] == 32
    from tests.test_ingest_fixtures import query

    # 'First Response Time (in Hrs)' 07:43:00 = 463 minutes; Time Tracked 00:08 = 8 minutes.
    assert query(engine, "SELECT first_reply_minutes, handle_minutes, reopens FROM tickets WHERE ticket_id = '2001'") \
        == [(463.0, 8.0, None)]


def test_freshdesk_empty_first_response_time_is_computed(engine, sample_exports):
    rows = rows_of(sample_exports / "freshdesk_tickets.csv")
    i = rows[0].index("First response time (in hrs)")
    for r in rows[1:]:
        r[i] = ""
    load_ok(engine, to_csv(rows), "fd.csv")
    from tests.test_ingest_fixtures import query

    # Created 2025-01-20 17:23:06, Initial response 2025-01-21 01:06:06: 7 h 43 min = 463 min.
    assert query(engine, "SELECT first_reply_minutes FROM tickets WHERE ticket_id = '2001'") == [(463.0,)]


# --- Stripe -----------------------------------------------------------------------------------------


def test_stripe_older_start_header_and_quarterly_plan(engine, sample_exports):
    rows = rename(rows_of(sample_exports / "stripe_subscriptions.csv"), {"Start Date (UTC)": "Start (UTC)"})
    plan = rows[0].index("Plan")
    rows[1][plan] = "Enterprise (every 3 months)"
    rows[0][rows[0].index("account_id (metadata)")] = "crm_id (metadata)"  # no account_id metadata
    load_ok(engine, to_csv(rows), "subs.csv")
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT interval_count, account_id, started_at IS NOT NULL FROM subscriptions "
                 "WHERE subscription_id = 'sub_1Qfx00AbC001xyz'") == [(3, "cus_RC001k9", True)]


def test_stripe_api_shape_cents_epoch_and_zero_decimal_currency(engine):
    rows = [
        ["id", "customer", "status", "plan_amount", "currency", "plan_interval", "plan_interval_count", "quantity",
         "start_date", "canceled_at", "ended_at"],
        ["sub_A", "cus_1", "active", "4900", "usd", "month", "1", "2", "1735725600", "", ""],
        ["sub_B", "cus_2", "canceled", "120000", "usd", "year", "1", "1", "1704067200", "1735689600", ""],
        ["sub_C", "cus_3", "active", "5000", "jpy", "month", "3", "1", "1735725600", "", ""],
    ]
    data = to_csv(rows)
    assert source_of(data, "subs.csv") == "stripe_subscriptions_api"
    load_ok(engine, data, "subs.csv")
    from tests.test_ingest_fixtures import query

    got = query(engine, "SELECT subscription_id, amount, interval_count, started_at, ended_at FROM subscriptions "
                "ORDER BY 1")
    # 4900 cents = 49.00; 120000 = 1200.00; JPY has no minor unit: 5000 stays 5000.
    # 1735725600 = 2025-01-01 10:00:00 UTC; 1735689600 = 2025-01-01 00:00:00 UTC (canceled -> ended).
    assert [(r[0], r[1], r[2], str(r[3]), str(r[4]) if r[4] else None) for r in got] == [
        ("sub_A", 49.0, 1, "2025-01-01 10:00:00", None),
        ("sub_B", 1200.0, 1, "2024-01-01 00:00:00", "2025-01-01 00:00:00"),
        ("sub_C", 5000.0, 3, "2025-01-01 10:00:00", None),
    ]


def test_chargebee_subscriptions(engine):
    rows = [
        ["subscription.id", "subscription.customer_id", "subscription.status", "subscription.plan_id",
         "subscription.plan_amount", "subscription.currency_code", "subscription.billing_period",
         "subscription.billing_period_unit", "subscription.plan_quantity", "subscription.started_at",
         "subscription.cancelled_at", "customer.email"],
        ["cb_1", "cust_1", "active", "pro-monthly", "9900", "EUR", "1", "month", "1", "2025-01-05 10:00:00", "",
         "a@x.example"],
        ["cb_2", "cust_2", "cancelled", "pro-yearly", "99000", "EUR", "1", "year", "1", "2024-02-01 09:00:00",
         "2025-02-01 09:00:00", "b@y.example"],
    ]
    data = to_csv(rows)
    assert source_of(data, "chargebee.csv") == "chargebee_subscriptions"
    load_ok(engine, data, "chargebee.csv")
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT subscription_id, amount, currency, interval, status, ended_at IS NOT NULL "
                 "FROM subscriptions ORDER BY 1") == [
        ("cb_1", 99.0, "eur", "month", "active", False), ("cb_2", 990.0, "eur", "year", "cancelled", True)]


# --- Qualtrics / surveys -------------------------------------------------------------------------------

_SAT = {"5": "Extremely satisfied", "4": "Somewhat satisfied", "3": "Neither satisfied nor dissatisfied",
        "2": "Somewhat dissatisfied", "1": "Extremely dissatisfied"}


def test_qualtrics_choice_text_export(engine, sample_exports):
    rows = rows_of(sample_exports / "qualtrics_csat.csv")
    h = rows[0]
    for r in rows[3:]:
        r[h.index("Status")] = "IP Address"
        r[h.index("Finished")] = "True"
        r[h.index("Q1")] = _SAT[r[h.index("Q1")]]
        q3 = r[h.index("Q3")]
        r[h.index("Q3")] = {"0": "0 - Not at all likely", "10": "10 - Extremely likely"}.get(q3, q3)
        r[h.index("Q3_NPS_GROUP")] = {"1": "Detractor", "2": "Passive", "3": "Promoter"}[r[h.index("Q3_NPS_GROUP")]]
    # plus one preview response that must not count
    preview_row = list(rows[3])
    preview_row[h.index("Status")] = "Survey Preview"
    preview_row[h.index("ResponseId")] = "R_preview"
    rows.append(preview_row)
    rep = load_ok(engine, to_csv(rows, bom=True), "qualtrics_text.csv")
    assert rep.counts["responses"]["added"] == 80
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT count(*) FROM responses WHERE kind='csat' AND score >= 4") == [(28,)]
    assert query(engine, "SELECT count(*) FROM responses WHERE kind='nps' AND score >= 9") == [(20,)]


def test_qualtrics_xlsx(engine, sample_exports):
    data = to_xlsx(rows_of(sample_exports / "qualtrics_csat.csv"))
    rep = load_ok(engine, data, "qualtrics.xlsx")
    assert rep.source == "qualtrics_responses" and rep.counts["responses"]["added"] == 80


def test_surveymonkey_xlsx(engine, sample_exports):
    data = to_xlsx(rows_of(sample_exports / "surveymonkey_nps.csv"))
    rep = load_ok(engine, data, "sm.xlsx")
    assert rep.source == "surveymonkey_responses" and rep.counts["responses"]["added"] == 40


def test_typeform_scale_not_evident_is_asked(engine, sample_exports):
    rows = rows_of(sample_exports / "typeform_ces.csv")
    q = rows[0].index("How easy was it to get your issue resolved today?")
    for r in rows[1:]:  # on a 1–7 scale, every answer 6 or below: 1–7? 1–10? cxkpi asks.
        if r[q] == "7":
            r[q] = "6"
    data = to_csv(rows)
    p = preview(data, "typeform.csv")
    assert not p.ok and [x.id for x in p.questions] == ["scale:How easy was it to get your issue resolved today?"]
    rep = ingest_file(engine, data, "typeform.csv")
    assert rep.rejected
    rep = load_ok(engine, data, "typeform.csv", answers={p.questions[0].id: "1-7"})
    assert rep.counts["responses"]["added"] == 33


def test_delighted_survey_type_column(engine, sample_exports):
    rows = rows_of(sample_exports / "delighted_nps.csv")
    rows[0].append("Survey type")
    for i, r in enumerate(rows[1:]):
        r.append("csat" if i < 4 else "nps")
        if i < 4:
            r[1] = "5" if i < 2 else "2"
    load_ok(engine, to_csv(rows), "delighted.csv")
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT kind, scale_min, scale_max, count(*) FROM responses GROUP BY 1, 2, 3 ORDER BY 1") \
        == [("csat", 1.0, 5.0, 4), ("nps", 0.0, 10.0, 36)]


def test_delighted_csat_by_option(engine, sample_exports):
    rows = rows_of(sample_exports / "delighted_nps.csv")
    for r in rows[1:]:
        r[1] = str(min(int(r[1]), 5) or 1)
    rep = load_ok(engine, to_csv(rows), "delighted.csv", mapping={"source": "delighted_responses",
                                                                   "options": {"kind": "csat"}})
    assert rep.counts["responses"]["added"] == 40
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT DISTINCT kind, scale_min, scale_max FROM responses") == [("csat", 1.0, 5.0)]


def test_google_forms_unclear_satisfaction_question_is_asked(engine, sample_exports):
    rows = rename(rows_of(sample_exports / "google_forms_esat.csv"),
                  {"How satisfied are you with your job overall?": "How satisfied are you overall?"})
    data = to_csv(rows)
    p = preview(data, "form.csv")
    assert [q.id for q in p.questions] == ["kind:How satisfied are you overall?"]
    rep = load_ok(engine, data, "form.csv", answers={"kind:How satisfied are you overall?": "esat"})
    assert rep.counts["responses"]["added"] == 32


@pytest.mark.parametrize("dayfirst", [True, False])
def test_ambiguous_dates_are_asked_then_answered(engine, sample_exports, dayfirst):
    rows = rows_of(sample_exports / "salesforce_renewals.csv")[:26]
    c = rows[0].index("Close Date")
    for r in rows[1:]:  # every date fits both orders: M/D with day <= 12
        m, d, y = r[c].split("/")
        r[c] = f"{m}/{min(int(d), 12)}/{y}"
    data = to_csv(rows)
    p = preview(data, "sf.csv")
    assert [q.id for q in p.questions] == ["dayfirst"] and not p.ok
    # the open question is asked once, not echoed as a warning on every row of that column
    assert [x for x in p.problems if x.column == "Close Date" and x.row is not None] == []
    load_ok(engine, data, "sf.csv", dayfirst=dayfirst)
    from tests.test_ingest_fixtures import query

    # Northwind: 1/15/2025 clamped to 1/12/2025 -> 12 Jan (month first) or 1 Dec (day first).
    got = str(query(engine, "SELECT due_date FROM renewals WHERE company = 'Northwind Traders'")[0][0])
    assert got == ("2025-12-01" if dayfirst else "2025-01-12")


def test_salesforce_german_locale_formatted_amounts(engine, sample_exports):
    rows = rows_of(sample_exports / "salesforce_renewals.csv")[:26]
    h = rows[0]
    rows = drop_column(rows, "Amount Currency")
    h = rows[0]
    for r in rows[1:]:
        m, d, y = r[h.index("Close Date")].split("/")
        r[h.index("Close Date")] = f"{int(d):02d}.{int(m):02d}.{y}"
        whole = int(float(r[h.index("Amount")]))
        r[h.index("Amount")] = f"USD {whole:,}".replace(",", ".") + ",00"
    load_ok(engine, to_csv(rows, delimiter=";"), "sf_de.csv")
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT due_date, amount, currency FROM renewals WHERE company = 'Northwind Traders'")[0][1:] \
        == (14400.0, "USD")
    assert str(query(engine, "SELECT due_date FROM renewals WHERE company = 'Northwind Traders'")[0][0]) \
        == "2025-01-15"


def test_intercom_ids_mangled_by_excel_are_rejected(engine, sample_exports):
    rows = rows_of(sample_exports / "intercom_conversations.csv")
    rows[3][0] = "2,15E+14"
    rep = ingest_file(engine, to_csv(rows, delimiter=";"), "intercom.csv")
    assert rep.rejected
    assert any("row 4" in p.text() and "'Conversation ID'" in p.text() and "scientific notation" in p.message
               for p in rep.problems)


# --- more shapes -------------------------------------------------------------------------------------


def test_intercom_rating_export_shares_ids_with_the_conversations_export(engine, sample_exports):
    load_ok(engine, (sample_exports / "intercom_conversations.csv").read_bytes(), "conversations.csv")
    rows = [["Conversation ID", "Updated at (America/New_York)", "Conversation rating", "Conversation rating remark",
             "Agent rated type", "Company name", "User name"],
            ["215000000000000", "2025-01-23 02:00:00", "4", "Changed my mind", "Teammate", "Northwind Traders",
             "Olivia Hart"]]
    data = to_csv(rows)
    assert source_of(data, "csat.csv") == "intercom_csat"
    rep = load_ok(engine, data, "csat.csv")
    assert rep.counts["responses"] == {"added": 0, "updated": 1, "unchanged": 0}  # same response, re-rated
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT score, comment FROM responses WHERE response_id = '215000000000000:csat'") \
        == [(4.0, "Changed my mind")]


def test_hubspot_tickets(engine):
    rows = [["Ticket ID", "Ticket name", "Ticket status", "Pipeline", "Create date", "Close date", "Source",
             "Ticket owner", "Time to first agent reply"],
            ["901", "Login issue", "Closed", "Support Pipeline", "2025-03-04 10:22", "2025-03-05 09:00", "Email",
             "Dana Reyes", "5400000"]]
    data = to_csv(rows)
    assert source_of(data, "hubspot-crm-exports-tickets.csv") == "hubspot_tickets"
    load_ok(engine, data, "hubspot-crm-exports-tickets.csv")
    from tests.test_ingest_fixtures import query

    # 5 400 000 ms = 90 minutes.
    assert query(engine, "SELECT status, channel, first_reply_minutes FROM tickets") == [("closed", "email", 90.0)]


def test_google_forms_linked_sheet_in_zh_tw(engine, sample_exports):
    rows = rows_of(sample_exports / "google_forms_esat.csv")
    for r in rows[1:]:  # '2025/01/22 3:28:48 PM GMT+1' -> '2025/1/22 下午 3:28:48' (Sheet locale, no offset)
        d, t, ampm, _ = r[0].split(" ")
        y, m, dd = d.split("/")
        r[0] = f"{y}/{int(m)}/{int(dd)} {'下午' if ampm == 'PM' else '上午'} {t}"
    rep = load_ok(engine, to_csv(rows), "form.csv", mapping={"options": {"tz": "Europe/Berlin"}})
    assert rep.counts["responses"]["added"] == 32
    from tests.test_ingest_fixtures import query

    # Dana Reyes: 下午 3:28:48 in Berlin (UTC+1 in January) = 14:28:48 UTC, as the GMT+1 download says.
    assert [str(r[0]) for r in query(engine, "SELECT submitted_at FROM responses WHERE email LIKE 'dana%' "
                                     "ORDER BY 1")][:1] == ["2025-01-22 14:28:48"]


def test_forced_source_that_does_not_fit_says_which_columns_are_missing(sample_exports):
    p = preview((sample_exports / "delighted_nps.csv").read_bytes(), "x.csv", source="zendesk_tickets")
    assert not p.ok
    assert "does not look like Zendesk Support — tickets CSV: no column 'Id', 'Created at', 'Via', 'Solved at'" \
        in p.errors[0].message


def test_xlsx_sheet_choice(engine, sample_exports):
    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    wb.active.append(["exported for the board"])
    ws = wb.create_sheet("Renewals")
    for r in rows_of(sample_exports / "salesforce_renewals.csv"):
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    rep = load_ok(engine, buf.getvalue(), "report.xlsx", sheet="Renewals")
    assert rep.counts["renewals"]["added"] == 25


def test_a_short_google_form_with_answers_up_to_5_is_read_on_1_to_5():
    # Two answers (5 and 2): the top answer 5 fixes the common 1–5 linear scale; no question asked.
    data = (
        b"Timestamp,Email Address,How satisfied were you with our support?\n"
        b"2025/01/22 3:28:48 PM GMT+1,a@x.example,5\n"
        b"2025/01/23 3:28:48 PM GMT+1,b@x.example,2\n"
    )
    p = preview(data, "gf.csv")
    assert p.questions == [] and p.ok
    assert list(p.rows["kind"]) == ["csat", "csat"]
    assert list(p.rows["scale_min"]) == [1.0, 1.0] and list(p.rows["scale_max"]) == [5.0, 5.0]


def test_an_open_kind_question_is_the_only_thing_reported():
    # 'Overall satisfaction' in a general form tool could be customers or staff: ask, and say nothing else.
    data = b"Timestamp,Overall satisfaction\n2025-01-22 15:28:48,4\n2025-01-23 15:28:48,5\n"
    p = preview(data, "form.csv")
    assert [q.id for q in p.questions] == ["kind:Overall satisfaction"]
    assert [x for x in p.problems if x.severity == "error"] == []
