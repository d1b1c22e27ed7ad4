"""The data-quality report: one test per finding, each on a small file (tests/data/quality/) loaded through the
real importer, or — where the importer refuses or repairs such rows — on canonical rows inserted directly.
Every test runs on DuckDB and on PostgreSQL (the `engine` fixture)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cxkpi import quality
from cxkpi.ingest.api import ingest_file
from cxkpi.metrics.registry import REGISTRY
from cxkpi.quality import Finding, findings_for_load, report
from cxkpi.store import CANONICAL, record_load, relink
from cxkpi.store.schema import settings

DATA = Path(__file__).resolve().parent / "data" / "quality"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "quality.md"
TICKET_METRICS = ["ticket_reopens", "frt", "aht", "fcr"]
T = dt.datetime
FEB_10 = T(2025, 2, 10, 12)


def load(engine: sa.Engine, name: str) -> int:
    """Load one test file through the importer; it must be accepted."""
    rep = ingest_file(engine, DATA / name)
    assert not rep.rejected, [p.message for p in rep.problems]
    assert rep.load_id is not None
    return rep.load_id


def insert(engine: sa.Engine, table: str, rows: list[dict[str, Any]], system: str = "manual") -> int:
    """Canonical rows written directly (rows the importer would refuse or repair), as one recorded load."""
    keys = sorted({k for r in rows for k in r})
    with engine.begin() as conn:
        load_id = record_load(conn, file_name=f"{table} rows", sha256=uuid.uuid4().hex, source="test",
                              table_name=table, rows=len(rows))
        conn.execute(sa.insert(CANONICAL[table]),
                     [{**{k: r.get(k) for k in keys}, "system": system, "load_id": load_id} for r in rows])
        relink(conn)
    return load_id


def by_code(findings: list[Finding]) -> dict[str, Finding]:
    codes = [f.code for f in findings]
    assert len(codes) == len(set(codes)), codes
    return {f.code: f for f in findings}


def problems(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings if f.severity in ("error", "warning")]


def resp(rid: str, kind: str | None, score: float | None, lo: float | None, hi: float | None,
         at: dt.datetime = FEB_10, survey: str = "Post-ticket CSAT") -> dict[str, Any]:
    return {"response_id": rid, "survey": survey, "kind": kind, "score": score, "scale_min": lo, "scale_max": hi,
            "submitted_at": at}


# ---------------------------------------------------------------------------------------- duplicates


def test_the_same_ticket_from_two_systems_is_reported_once_per_id(engine: sa.Engine) -> None:
    fd = load(engine, "freshdesk_tickets.csv")  # Freshdesk tickets 2001–2004
    tpl = load(engine, "tickets_template_repeat.csv")  # 2001, 2002 again (same day); 2003 on another day
    f = by_code(report(engine))["tickets.same_id_two_systems"]
    # 2001 and 2002: same id, same created_at date, systems freshdesk + cxkpi -> 2 ids, 2 extra rows.
    # 2003 collides on a different date (2025-01-21 vs 2025-03-02): two tools numbering alike, not reported.
    assert (f.severity, f.count, f.examples) == ("warning", 2, ["2001", "2002"])
    assert f.affects == TICKET_METRICS
    assert f.load_ids == sorted([fd, tpl])
    assert "cxkpi, freshdesk" in f.detail and "2 extra rows" in f.detail


def test_the_same_answer_under_another_id_from_another_system(engine: sa.Engine) -> None:
    dl = load(engine, "delighted_nps.csv")  # Delighted ids 51200000, 51200013, 51200020
    tpl = load(engine, "responses_template_reexport.csv")  # the same answers re-keyed NPS-1..3 in a template
    f = by_code(report(engine))["responses.same_record_other_id"]
    # NPS-1 and NPS-2: same e-mail (case aside), same second, kind nps, same score as a Delighted answer -> 2.
    # NPS-3 has score 7 where Delighted has 6: not the same answer.
    assert (f.severity, f.count, f.affects, f.load_ids) == ("warning", 2, ["nps"], sorted([dl, tpl]))
    assert f.examples == ["51200000:nps = NPS-1", "51200013:nps = NPS-2"]
    assert "responses.same_id_two_systems" not in by_code(report(engine))


def test_two_accounts_with_one_email(engine: sa.Engine) -> None:
    lid = load(engine, "accounts_shared_email.csv")
    f = by_code(report(engine))["accounts.shared_email"]
    # H-100 'Billing@Northwind.example' and H-200 'billing@northwind.example ' are one address once
    # lower-cased and trimmed; H-300 has its own -> 1 shared address, 2 accounts.
    assert (f.severity, f.count, f.load_ids) == ("warning", 1, [lid])
    assert f.examples == ["billing@northwind.example: H-100 / H-200"]
    assert set(f.affects) == {"churn_rate", "clv", "crc", "mrr"}


# ------------------------------------------------------------------------------------ survey scales


def test_scores_outside_their_scale(engine: sa.Engine) -> None:
    bad = DATA / "responses_nps_1_5.csv"
    # The importer refuses such a file outright, so these rows can only arrive another way: insert them.
    rejected = ingest_file(engine, bad.read_bytes().replace(b"N4,Quick pulse,nps,2,1,5", b"N4,Quick pulse,nps,7,1,5"),
                           "out_of_scale.csv")
    assert rejected.rejected
    lid = insert(engine, "responses", [
        resp("A1", "csat", 5, 1, 5),
        resp("A2", "csat", 6, 1, 5),  # above 5
        resp("A3", "csat", 0, 1, 5),  # below 1
        resp("A4", "nps", 11, 0, 10),  # above 10
        resp("A5", "nps", 10, None, None),  # NPS without a stored scale is read as 0–10: fine
    ])
    f = by_code(report(engine))["responses.score_out_of_scale"]
    # A2, A3 (csat) + A4 (nps) = 3
    assert (f.severity, f.count, f.examples, f.load_ids) == ("error", 3, ["A2", "A3", "A4"], [lid])
    assert f.affects == ["csat", "nps"]
    assert "csat 2, nps 1" in f.detail


def test_a_survey_scales_setting_is_the_scale_judged(engine: sa.Engine) -> None:
    insert(engine, "responses", [resp("B1", "csat", 7, 1, 5, survey="Onboarding"), resp("B2", "csat", 4, 1, 5)])
    assert by_code(report(engine))["responses.score_out_of_scale"].examples == ["B1"]
    with engine.begin() as conn:  # the workspace says Onboarding runs 1–7, as the metric engine will read it
        conn.execute(sa.insert(settings).values(key="metric_options",
                                                value=json.dumps({"survey.scales": {"Onboarding": "1-7"}})))
    assert "responses.score_out_of_scale" not in by_code(report(engine))


def test_answers_without_a_scale_backwards_scales_unknown_kinds_and_no_score(engine: sa.Engine) -> None:
    insert(engine, "responses", [
        resp("C1", "csat", 4, None, None),  # no scale
        resp("C2", "ces", 5, 1, None),  # half a scale
        resp("C3", "csat", 3, 5, 1),  # scale_min above scale_max
        resp("C4", "nsp", 9, 0, 10),  # not a known kind
        resp("C5", "esat", None, 1, 5),  # no score
        resp("C6", "csat", 4, 1, 5),  # fine
    ])
    f = by_code(report(engine))
    assert (f["responses.no_scale"].count, f["responses.no_scale"].affects) == (2, ["csat", "ces"])
    assert (f["responses.bad_scale"].count, f["responses.bad_scale"].severity) == (1, "error")
    assert (f["responses.unknown_kind"].count, f["responses.unknown_kind"].examples) == (1, ["C4"])
    assert (f["responses.no_score"].count, f["responses.no_score"].affects) == (1, ["esat"])


def test_one_survey_on_two_scales(engine: sa.Engine) -> None:
    lid = insert(engine, "responses", [
        resp("D1", "csat", 4, 1, 5, survey="Onboarding"),
        resp("D2", "csat", 6, 1, 7, survey="onboarding "),  # same survey (case and spaces aside), another scale
        resp("D3", "csat", 5, 1, 5, survey="Post-ticket CSAT"),
        resp("D4", "nps", 9, 0, 10, survey="Onboarding"),  # another kind: its own scale is no mix
    ])
    f = by_code(report(engine))["responses.survey_mixed_scales"]
    assert (f.severity, f.count, f.affects, f.load_ids) == ("info", 1, ["csat"], [lid])
    assert "maximum 5…7" in f.detail


def test_nps_asked_on_a_one_to_five_scale(engine: sa.Engine) -> None:
    lid = load(engine, "responses_nps_1_5.csv")  # the importer takes it: each answer lies on its own scale
    f = by_code(report(engine))["responses.nps_not_0_10"]
    # N1 is 9 on 0–10 (fine); N2–N4 are kind nps on 1–5 -> 3
    assert (f.severity, f.count, f.examples, f.affects, f.load_ids) == ("warning", 3, ["N2", "N3", "N4"], ["nps"], [lid])


# ----------------------------------------------------------------------------------------- linking


def test_unlinked_tickets_with_the_reason(engine: sa.Engine) -> None:
    load(engine, "accounts.csv")
    lid = load(engine, "tickets_unlinked.csv")
    f = by_code(report(engine))["tickets.unlinked"]
    # U1 links by account_id C001, U2 by e-mail ops@bluebird.example (C002). U3 names account C999 and U4 an
    # unknown e-mail and company: 2 'no such account'; U5 carries nothing to link by: 1. Total 3.
    assert (f.severity, f.count, f.examples, f.load_ids) == ("warning", 3, ["U3", "U4", "U5"], [lid])
    assert "no such account 2, nothing to link by 1" in f.detail
    assert f.affects == TICKET_METRICS and "company-wide" in f.effect


def test_without_accounts_nothing_is_called_unlinked(engine: sa.Engine) -> None:
    load(engine, "tickets_unlinked.csv")
    f = by_code(report(engine))
    assert "tickets.unlinked" not in f
    assert f["accounts.empty"].severity == "info"


# ---------------------------------------------------------------------------------------- currencies


def test_subscriptions_in_several_currencies(engine: sa.Engine) -> None:
    lid = load(engine, "subscriptions_currencies.csv")
    f = by_code(report(engine))["subscriptions.other_currency"]
    # 3 USD rows make USD the reporting currency (the most common); S4 EUR and S5 GBP are left out -> 2
    assert (f.severity, f.count, f.examples, f.load_ids) == ("warning", 2, ["S4", "S5"], [lid])
    assert f.affects == ["mrr", "clv"]
    assert "USD" in f.detail and "EUR 1, GBP 1" in f.detail


# --------------------------------------------------------------------------------- impossible dates


def test_subscriptions_without_start_or_ending_before_they_start(engine: sa.Engine) -> None:
    sub = {"account_id": "C1", "amount": 10.0, "currency": "USD", "interval": "month"}
    insert(engine, "subscriptions", [  # the importer skips rows without a start and clears an earlier end
        {**sub, "subscription_id": "S1", "started_at": T(2025, 1, 1), "ended_at": None},
        {**sub, "subscription_id": "S2", "started_at": None, "ended_at": None},
        {**sub, "subscription_id": "S3", "started_at": T(2025, 3, 1), "ended_at": T(2025, 2, 1)},
    ])
    f = by_code(report(engine))
    assert (f["subscriptions.no_start"].count, f["subscriptions.no_start"].examples) == (1, ["S2"])
    assert (f["subscriptions.ended_before_started"].count, f["subscriptions.ended_before_started"].examples) == (1, ["S3"])
    assert f["subscriptions.no_start"].severity == "error"
    assert set(f["subscriptions.no_start"].affects) >= {"mrr", "clv", "churn_rate"}


def test_tickets_solved_or_answered_before_they_were_created(engine: sa.Engine) -> None:
    c = T(2025, 2, 3, 10)
    insert(engine, "tickets", [  # the importer clears such timestamps on load
        {"ticket_id": "X1", "created_at": c, "solved_at": c + dt.timedelta(hours=2), "first_reply_at": None,
         "first_reply_minutes": 5.0},
        {"ticket_id": "X2", "created_at": c, "solved_at": c - dt.timedelta(hours=1), "first_reply_at": None,
         "first_reply_minutes": None},
        {"ticket_id": "X3", "created_at": c, "solved_at": None, "first_reply_at": c - dt.timedelta(minutes=30),
         "first_reply_minutes": None},
        {"ticket_id": "X4", "created_at": c, "solved_at": None, "first_reply_at": None, "first_reply_minutes": -12.0},
    ])
    f = by_code(report(engine))
    assert (f["tickets.solved_before_created"].count, f["tickets.solved_before_created"].examples) == (1, ["X2"])
    assert f["tickets.solved_before_created"].affects == ["ticket_reopens", "aht", "fcr"]
    # X3 by its timestamp, X4 by a negative minutes figure -> 2
    assert (f["tickets.reply_before_created"].count, f["tickets.reply_before_created"].examples) == (2, ["X3", "X4"])
    assert f["tickets.reply_before_created"].affects == ["frt"]


def test_implausible_dates_already_stored(engine: sa.Engine) -> None:
    c = T(2025, 2, 3, 10)
    far = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=3)  # more than a day ahead
    insert(engine, "tickets", [  # the importer loads such dates with a warning; the report finds them later
        {"ticket_id": "D1", "created_at": c, "solved_at": None},  # plausible
        {"ticket_id": "D2", "created_at": T(1677, 9, 22), "solved_at": None},  # a placeholder
        {"ticket_id": "D3", "created_at": c, "solved_at": far},  # solved in the future
        {"ticket_id": "D4", "created_at": T(1989, 12, 31, 23), "solved_at": c},  # an hour before 1990
    ])
    insert(engine, "renewals", [  # a due date ahead is normal; one in 0001 is not
        {"renewal_id": "R1", "account_id": "A1", "due_date": far.date(), "outcome": "renewed"},
        {"renewal_id": "R2", "account_id": "A1", "due_date": dt.date(1, 1, 1), "outcome": "renewed"},
    ])
    f = by_code(report(engine))
    t = f["tickets.implausible_date"]
    # D2 and D4 by created_at, D3 by solved_at -> 3; D1 is fine
    assert (t.severity, t.count, t.examples) == ("warning", 3, ["D2", "D3", "D4"])
    assert "(created_at 2, solved_at 1)" in t.detail and "before 1990" in t.detail
    assert t.affects == TICKET_METRICS
    r = f["renewals.implausible_date"]
    assert (r.count, r.examples) == (1, ["R2"])  # R1's due date ahead is scheduled, not implausible


def test_tickets_with_negative_handle_time_or_counts(engine: sa.Engine) -> None:
    c = T(2025, 2, 3, 10)
    insert(engine, "tickets", [  # the importer blanks a negative duration and refuses a negative count
        {"ticket_id": "H1", "created_at": c, "handle_minutes": 12.0, "reopens": 0, "agent_replies": 1},
        {"ticket_id": "H2", "created_at": c, "handle_minutes": -5.0, "reopens": 0, "agent_replies": 1},
        {"ticket_id": "H3", "created_at": c, "handle_minutes": 3.0, "reopens": -1, "agent_replies": 1},
        {"ticket_id": "H4", "created_at": c, "handle_minutes": 3.0, "reopens": 0, "agent_replies": -2},
    ])
    f = by_code(report(engine))
    assert (f["tickets.negative_handle_time"].count, f["tickets.negative_handle_time"].affects) == (1, ["aht"])
    assert f["tickets.negative_counts"].examples == ["H3", "H4"]
    assert f["tickets.negative_counts"].affects == ["ticket_reopens", "fcr"]


def test_accounts_churned_before_created(engine: sa.Engine) -> None:
    insert(engine, "accounts", [
        {"account_id": "A1", "name": "Fine", "created_at": T(2024, 1, 1), "churned_at": T(2025, 1, 1)},
        {"account_id": "A2", "name": "Backwards", "created_at": T(2025, 1, 1), "churned_at": T(2024, 6, 1)},
    ])
    f = by_code(report(engine))["accounts.churned_before_created"]
    assert (f.severity, f.count, f.examples, f.affects) == ("error", 1, ["A2"], ["churn_rate", "clv", "crc"])


@pytest.mark.parametrize(("table", "affects", "severity"), [
    ("payments", ["clv"], "warning"),
    ("costs", ["crc"], "warning"),
    ("renewals", [], "info"),  # no metric adds renewal amounts
])
def test_amounts_in_another_currency(engine: sa.Engine, table: str, affects: list[str], severity: str) -> None:
    date = {"payments": ("paid_at", T(2025, 1, 5)), "costs": ("date", dt.date(2025, 1, 1)),
            "renewals": ("due_date", dt.date(2025, 3, 1))}[table]
    key = {"payments": "payment_id", "costs": "cost_id", "renewals": "renewal_id"}[table]
    # two USD rows make USD the reporting currency; one ' eur ' row (trimmed, upper-cased: EUR) is the other one
    insert(engine, table, [{key: f"M{i}", "amount": 100.0, "currency": cur, date[0]: date[1]}
                           for i, cur in enumerate(["USD", "USD", " eur "])])
    f = by_code(report(engine))[f"{table}.other_currency"]
    assert (f.severity, f.count, f.examples, f.affects) == (severity, 1, ["M2"], affects)
    assert "EUR 1" in f.detail


def test_unlinked_answers_leave_employee_surveys_alone(engine: sa.Engine) -> None:
    load(engine, "accounts.csv")
    insert(engine, "responses", [
        {**resp("E1", "csat", 5, 1, 5), "account_id": "C001"},  # linked
        {**resp("E2", "csat", 4, 1, 5), "email": "who@nowhere.example"},  # no such account
        {**resp("E3", "esat", 4, 1, 5, survey="Pulse"), "email": "staff@northwind-demo.example"},  # staff: not checked
    ])
    f = by_code(report(engine))["responses.unlinked"]
    assert (f.count, f.examples, f.affects) == (1, ["E2"], ["csat"])


# ---------------------------------------------------------------------------------------- coverage


def test_a_month_missing_from_a_ticket_export(engine: sa.Engine) -> None:
    lid = load(engine, "tickets_gap.csv")  # 12 tickets in each of Jan, Feb, Apr, May 2025; none in March
    f = by_code(report(engine))["tickets.coverage_gap"]
    assert (f.severity, f.count, f.examples, f.load_ids) == ("warning", 1, ["2025-03"], [lid])
    assert f.affects == TICKET_METRICS
    assert "2025-03 (0 rows; 2025-02: 12, 2025-04: 12)" in f.detail


def test_quarterly_survey_waves_are_not_gaps(engine: sa.Engine) -> None:
    # 15 NPS answers in each of Feb, May, Aug, Nov: 4 of 10 months have rows, a periodic source
    insert(engine, "responses", [resp(f"W{m}-{i}", "nps", 8, 0, 10, at=T(2025, m, 10, 9, i))
                                 for m in (2, 5, 8, 11) for i in range(15)])
    assert "responses.coverage_gap" not in by_code(report(engine))


# ------------------------------------------------------------------------------------ missing data


def test_an_empty_store_says_which_export_each_metric_needs(engine: sa.Engine) -> None:
    found = report(engine)
    assert problems(found) == []
    assert all(f.severity == "info" for f in found)
    covered = {k for f in found for k in f.affects}
    assert covered == set(REGISTRY)  # every metric of the registry is named as not available
    f = by_code(found)
    assert f["costs.empty"].fix == REGISTRY["crc"].source
    assert f["tickets.empty"].affects == TICKET_METRICS


def test_no_subscriptions_but_dated_accounts_and_payments(engine: sa.Engine) -> None:
    load(engine, "accounts.csv")
    load(engine, "clean_payments.csv")
    f = by_code(report(engine))["subscriptions.empty"]
    # churn is read from account dates and CLV from payments: only MRR is left without data
    assert f.affects == ["mrr"]


def test_tickets_without_reopen_counts_or_handle_times(engine: sa.Engine) -> None:
    load(engine, "freshdesk_tickets.csv")  # Freshdesk: agent interactions, no reopen count, no handle time here
    f = by_code(report(engine))
    assert f["tickets.no_reopen_counts"].affects == ["ticket_reopens"]
    assert f["tickets.no_handle_times"].affects == ["aht"]
    assert "tickets.no_reply_counts" not in f and "tickets.empty" not in f


# ------------------------------------------------------------------------------- clean store, scope


CLEAN = ("accounts.csv", "clean_subscriptions.csv", "clean_tickets.csv", "clean_responses.csv", "clean_costs.csv",
         "clean_renewals.csv", "clean_payments.csv")


def test_a_clean_store_has_no_warnings_or_errors(engine: sa.Engine) -> None:
    for name in CLEAN:
        load(engine, name)
    found = report(engine)
    assert problems(found) == []
    assert [f.code for f in found] == ["responses.no_esat"]  # the only gap: no employee survey loaded


def test_the_period_limits_the_rows_looked_at(engine: sa.Engine) -> None:
    insert(engine, "responses", [resp("P1", "csat", 9, 1, 5, at=T(2025, 2, 10, 12))])
    assert "responses.score_out_of_scale" in by_code(report(engine, period=(dt.date(2025, 2, 1), dt.date(2025, 2, 28))))
    assert "responses.score_out_of_scale" not in by_code(report(engine, period=(dt.date(2025, 3, 1), dt.date(2025, 3, 31))))


def test_findings_for_one_load(engine: sa.Engine) -> None:
    acc = load(engine, "accounts.csv")
    cur = load(engine, "subscriptions_currencies.csv")
    tk = load(engine, "tickets_unlinked.csv")
    fd = load(engine, "freshdesk_tickets.csv")
    assert [f.code for f in findings_for_load(engine, cur)] == ["subscriptions.other_currency"]
    assert [f.code for f in findings_for_load(engine, tk)] == ["tickets.unlinked"]
    # every Freshdesk ticket links by its e-mail domain (northwind/bluebird/kestrel.example): nothing to say
    assert findings_for_load(engine, fd) == []
    assert [f.code for f in findings_for_load(engine, acc)] == ["tickets.unlinked"]  # linking depends on accounts
    with pytest.raises(LookupError):
        findings_for_load(engine, 999)


# ------------------------------------------------------------------------------------------ demo, CLI


def test_the_demo_workspace_has_no_errors(engine: sa.Engine) -> None:
    from cxkpi.demo import load_demo

    load_demo(engine, end_month=dt.date(2025, 12, 1))
    found = report(engine)  # its speed is measured in bench/run.py
    assert [f.code for f in found if f.severity == "error"] == []
    assert [f.code for f in found] == []  # the demo is consistent: no warnings either, every metric has data


def test_cli_quality_json(duckdb_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from cxkpi.cli import main
    from cxkpi.store import make_engine

    eng = make_engine(duckdb_url)
    ingest_file(eng, DATA / "subscriptions_currencies.csv")
    eng.dispose()
    assert main(["quality", "--db", duckdb_url, "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    codes = [f["code"] for f in out["findings"]]
    assert "subscriptions.other_currency" in codes
    assert main(["quality", "--db", duckdb_url]) == 0
    text = capsys.readouterr().out
    assert "WARNING subscriptions.other_currency  (2)" in text and "fix:" in text


def test_every_code_is_documented() -> None:
    documented = set(re.findall(r"`([a-z_]+\.[a-z_0-9]+)`", DOCS.read_text(encoding="utf-8")))
    missing = [c for c in quality.ALL_CODES if c not in documented]
    assert missing == [], f"docs/quality.md does not describe {missing}"


def test_every_affected_key_is_a_registry_metric() -> None:
    keys = {k for ks in quality.TABLE_METRICS.values() for k in ks} | set(quality.KINDS)
    keys |= {k for ks in quality.CURRENCY_METRICS.values() for k in ks}
    assert keys <= set(REGISTRY)


def test_cxkpi_ingest_reports_the_findings_of_each_load_right_after_it(
    duckdb_url: str, sample_exports, capsys: pytest.CaptureFixture[str]
) -> None:
    # The Zendesk and Freshdesk fixtures carry the same 40 tickets under other ids: the second load is the
    # one that creates the duplicate, so the warning follows it and not the first.
    from cxkpi.cli import main

    files = [str(sample_exports / "zendesk_tickets.csv"), str(sample_exports / "freshdesk_tickets.csv")]
    assert main(["ingest", *files, "--db", duckdb_url]) == 0
    out = capsys.readouterr().out.splitlines()
    first = next(i for i, line in enumerate(out) if line.startswith("zendesk_tickets.csv"))
    second = next(i for i, line in enumerate(out) if line.startswith("freshdesk_tickets.csv"))
    quality_lines = [i for i, line in enumerate(out) if line.startswith("  data quality (warning)")]
    assert quality_lines and all(i > second for i in quality_lines) and first < second
    assert "40 tickets appear in more than one system" in out[quality_lines[0]]
