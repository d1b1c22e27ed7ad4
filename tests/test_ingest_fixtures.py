"""Every sample export in tests/fixtures loads into the right tables with the right row counts, on both backends."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import sqlalchemy as sa

from cxkpi.ingest.api import ingest_file
from cxkpi.store.schema import CANONICAL, HISTORY, loads

# file, source, rows per table (fixtures/README.md and the arithmetic in the tests below).
FIXTURES = [
    ("zendesk_tickets.csv", "zendesk_tickets", {"tickets": 48, "responses": 34}),  # 26 Good + 8 Bad
    ("freshdesk_tickets.csv", "freshdesk_tickets", {"tickets": 40, "responses": 32}),  # 8 blank surveys
    ("intercom_conversations.csv", "intercom_conversations", {"tickets": 36, "responses": 30}),  # 6 unrated
    ("qualtrics_csat.csv", "qualtrics_responses", {"responses": 80}),  # 40 csat + 40 nps
    ("surveymonkey_nps.csv", "surveymonkey_responses", {"responses": 40}),
    ("typeform_ces.csv", "typeform_responses", {"responses": 33}),  # 36 rows - 3 partial
    ("delighted_nps.csv", "delighted_responses", {"responses": 40}),
    ("google_forms_esat.csv", "google_forms_responses", {"responses": 32}),  # eNPS column not loaded
    ("stripe_subscriptions.csv", "stripe_subscriptions", {"subscriptions": 25}),
    ("stripe_invoices.csv", "stripe_invoices", {"payments": 57}),  # 59 - 1 open - 1 paid $0
    ("hubspot_companies.csv", "hubspot_companies", {"accounts": 25}),
    ("salesforce_renewals.csv", "salesforce_opportunities", {"renewals": 25}),
]


def _norm(v):
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, float):
        return round(v, 9)
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def snapshot(engine, tables=None, skip=()):
    """Sorted row tuples per table: equal snapshots = equal table contents."""
    tables = tables if tables is not None else [*CANONICAL.values(), *HISTORY.values(), loads]
    out = {}
    with engine.connect() as conn:
        for t in tables:
            df = pd.read_sql(sa.select(t), conn)
            cols = [c for c in df.columns if c not in skip]
            out[t.name] = sorted((tuple(_norm(v) for v in r) for r in df[cols].itertuples(index=False)),
                                 key=lambda r: tuple((x is None, str(x)) for x in r))
    return out


def query(engine, sql):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).all()


@pytest.mark.parametrize(("file", "source", "counts"), FIXTURES, ids=[f[0] for f in FIXTURES])
def test_fixture_loads_with_the_right_counts(engine, sample_exports, file, source, counts):
    rep = ingest_file(engine, sample_exports / file)
    assert not rep.rejected, [p.text() for p in rep.problems] + [q.prompt for q in rep.questions]
    assert rep.source == source
    assert {t: c["added"] for t, c in rep.counts.items()} == counts
    for table in CANONICAL:
        n = query(engine, f"SELECT count(*) FROM {table}")[0][0]
        assert n == counts.get(table, 0), table


def test_zendesk_values(engine, sample_exports):
    ingest_file(engine, sample_exports / "zendesk_tickets.csv")
    # 42 solved (30 Closed + 12 Solved), 6 of them reopened; 7 reopened in all (one still open).
    assert query(engine, "SELECT count(solved_at), count(*) FILTER (WHERE solved_at IS NOT NULL AND reopens >= 1),"
                 " count(*) FILTER (WHERE reopens >= 1) FROM tickets") == [(42, 6, 7)]
    # First ticket: FRT 463 min as exported; Total time spent 480 s = 8 min handle time; Via Mail -> email.
    assert query(engine, "SELECT first_reply_minutes, handle_minutes, channel, satisfaction FROM tickets "
                 "WHERE ticket_id = '10400'") == [(463.0, 8.0, "email", "good")]
    # Good = 1, Bad = 0 on a 0–1 scale: 26 Good, 8 Bad; Offered/Not Offered are not answers.
    rows = query(engine, "SELECT score, count(*) FROM responses WHERE kind = 'csat' AND scale_min = 0 "
                 "AND scale_max = 1 GROUP BY score ORDER BY score")
    assert rows == [(0.0, 8), (1.0, 26)]
    assert query(engine, "SELECT count(*) FROM tickets WHERE satisfaction IS NULL") == [(14,)]  # 8 + 6


def test_salesforce_outcomes(engine, sample_exports):
    ingest_file(engine, sample_exports / "salesforce_renewals.csv")
    rows = dict(query(engine, "SELECT outcome, count(*) FROM renewals GROUP BY outcome"))
    assert rows == {"renewed": 18, "churned": 3, "open": 4}  # renewal rate 18 / 21 = 85.71 %
    assert query(engine, "SELECT due_date, amount, currency FROM renewals WHERE company = 'Northwind Traders'")[0][1:] \
        == (14400.0, "USD")


def test_survey_kinds_and_scales(engine, sample_exports):
    for f in ("qualtrics_csat.csv", "surveymonkey_nps.csv", "typeform_ces.csv", "delighted_nps.csv",
              "google_forms_esat.csv", "freshdesk_tickets.csv", "intercom_conversations.csv"):
        assert not ingest_file(engine, sample_exports / f).rejected, f
    rows = query(engine, "SELECT system, kind, scale_min, scale_max, count(*) FROM responses GROUP BY 1, 2, 3, 4 "
                 "ORDER BY 1, 2")
    assert rows == [
        ("delighted", "nps", 0.0, 10.0, 40),
        ("freshdesk", "csat", 1.0, 7.0, 32),  # 'Extremely Happy' present: the 7-point label set
        ("google_forms", "esat", 1.0, 5.0, 32),
        ("intercom", "csat", 1.0, 5.0, 30),
        ("qualtrics", "csat", 1.0, 5.0, 40),
        ("qualtrics", "nps", 0.0, 10.0, 40),
        ("surveymonkey", "nps", 0.0, 10.0, 40),
        ("typeform", "ces", 1.0, 7.0, 33),
    ]
    # Qualtrics CSAT top-2-box: 16 fives + 12 fours = 28 of 40 = 70 %.
    assert query(engine, "SELECT count(*) FROM responses WHERE system='qualtrics' AND kind='csat' AND score >= 4") \
        == [(28,)]
    # NPS 20 everywhere: 20 promoters - 12 detractors = 8 of 40.
    for system in ("qualtrics", "surveymonkey", "delighted"):
        p, d = query(engine, f"SELECT count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6) "
                     f"FROM responses WHERE system='{system}' AND kind='nps'")[0]
        assert (p, d) == (20, 12), system
    # Typeform CES 5–7: 10 sevens + 9 sixes + 4 fives = 23 of 33 = 69.7 %.
    assert query(engine, "SELECT count(*) FROM responses WHERE system='typeform' AND score >= 5") == [(23,)]
    # ESAT 4–5: 12 + 12 = 24 of 32 = 75 %.
    assert query(engine, "SELECT count(*) FROM responses WHERE kind='esat' AND score >= 4") == [(24,)]
    # Qualtrics time zone America/Denver (UTC-7 in January): 16:24:34 local -> 23:24:34 UTC.
    assert str(query(engine, "SELECT submitted_at FROM responses WHERE response_id = 'R_PnKLW1NVbs6zQvN:csat'")[0][0]) \
        == "2025-01-06 23:24:34"
    # Qualtrics comment follows its question; account id from ExternalReference.
    assert query(engine, "SELECT comment, account_id FROM responses WHERE response_id = 'R_PnKLW1NVbs6zQvN:csat'") \
        == [("Very helpful agent", "C001")]


def test_stripe_subscriptions_values(engine, sample_exports):
    ingest_file(engine, sample_exports / "stripe_subscriptions.csv")
    assert dict(query(engine, "SELECT interval, count(*) FROM subscriptions GROUP BY 1")) == {"month": 18, "year": 7}
    assert query(engine, "SELECT count(*) FROM subscriptions WHERE ended_at IS NOT NULL") == [(3,)]
    assert query(engine, "SELECT amount, currency, account_id, interval_count FROM subscriptions "
                 "WHERE subscription_id = 'sub_1Qfx00AbC001xyz'") == [(12000.0, "usd", "C001", 1)]


def test_intercom_zone_and_units(engine, sample_exports):
    ingest_file(engine, sample_exports / "intercom_conversations.csv")
    # 2025-01-20 17:23:06 America/New_York (UTC-5) = 22:23:06 UTC; 27780 s = 463 min; 480 s = 8 min.
    row = query(engine, "SELECT created_at, first_reply_minutes, handle_minutes, reopens, agent_replies "
                "FROM tickets WHERE ticket_id = '215000000000000'")[0]
    assert (str(row[0]), row[1], row[2], row[3], row[4]) == ("2025-01-20 22:23:06", 463.0, 8.0, None, 1)


def test_accounts_link_rows_from_other_tools(engine, sample_exports):
    ingest_file(engine, sample_exports / "zendesk_tickets.csv")
    ingest_file(engine, sample_exports / "hubspot_companies.csv")  # loaded later: relink picks it up
    # Zendesk rows carry e-mails; HubSpot has domains: every ticket links to a HubSpot Record ID.
    assert query(engine, "SELECT count(*) FROM tickets t JOIN accounts a ON a.account_id = t.linked_account_id") \
        == [(48,)]
