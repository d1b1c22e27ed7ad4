"""A file with an error changes nothing, and every problem names file, row, column and value."""

from __future__ import annotations

import json

from cxkpi.cli import main
from cxkpi.ingest.api import ingest_file, preview
from tests.test_ingest_fixtures import snapshot
from tests.test_ingest_variants import rows_of, to_csv


def _delighted_with_11(sample_exports) -> bytes:
    rows = rows_of(sample_exports / "delighted_nps.csv")
    rows[4][1] = "11"  # the 4th data row = spreadsheet row 5
    return to_csv(rows)


def test_score_outside_the_scale_rejects_the_file_and_changes_nothing(engine, sample_exports):
    ingest_file(engine, sample_exports / "zendesk_tickets.csv")
    before = snapshot(engine)  # every table, history and loads included
    rep = ingest_file(engine, _delighted_with_11(sample_exports), "delighted_export.csv")
    assert rep.rejected and rep.load_id is None
    assert snapshot(engine) == before
    [err] = [p for p in rep.problems if p.severity == "error"]
    assert (err.file, err.row, err.column, err.value) == ("delighted_export.csv", 5, "Score", "11")
    assert err.text() == (
        "error: delighted_export.csv, row 5, column 'Score': '11' — is outside this question's 0–10 scale. "
        "Fix the answer, or if the question really uses another scale say so in a mapping file "
        "([options] scale_min/scale_max, or [answers]).")


def test_duplicate_key_in_the_file_rejects_it(engine, sample_exports):
    rows = rows_of(sample_exports / "zendesk_tickets.csv")
    rows.append(list(rows[3]))  # ticket 10402 again, as spreadsheet row 50
    before = snapshot(engine)
    rep = ingest_file(engine, to_csv(rows), "zendesk.csv")
    assert rep.rejected and snapshot(engine) == before
    dup = next(p for p in rep.problems if "appears on rows" in p.message)
    assert (dup.file, dup.row, dup.column, dup.value) == ("zendesk.csv", 50, "Id", "10402")
    assert "the same ticket_id appears on rows 4, 50" in dup.message


def test_unparseable_date_and_number_name_their_cells(sample_exports):
    rows = rows_of(sample_exports / "zendesk_tickets.csv")
    h = rows[0]
    rows[5][h.index("Created at")] = "yesterday"
    rows[7][h.index("Reopens")] = "twice"
    p = preview(to_csv(rows), "zendesk.csv")
    texts = [x.text() for x in p.errors]
    assert "error: zendesk.csv, row 6, column 'Created at': 'yesterday' — is not a date" in texts[0]
    assert any(t.startswith("error: zendesk.csv, row 8, column 'Reopens': 'twice' — is not a number.") for t in texts)


def test_solved_before_created_is_a_warning_and_the_date_is_cleared(engine, sample_exports):
    rows = rows_of(sample_exports / "zendesk_tickets.csv")
    h = rows[0]
    rows[1][h.index("Solved at")] = "2025-01-01 00:00:00"  # created 2025-01-20 17:23:06
    rep = ingest_file(engine, to_csv(rows), "zendesk.csv")
    assert not rep.rejected
    [w] = [p for p in rep.warnings if "before" in p.message]
    assert (w.row, w.column) == (2, "Solved at") and "solved_at is before created_at" in w.message
    from tests.test_ingest_fixtures import query

    assert query(engine, "SELECT solved_at FROM tickets WHERE ticket_id = '10400'") == [(None,)]


def test_rows_without_a_date_are_warnings_not_errors(engine, sample_exports):
    rows = rows_of(sample_exports / "delighted_nps.csv")
    for r in rows[1:4]:
        r[3] = ""  # Response timestamp
    rep = ingest_file(engine, to_csv(rows), "delighted.csv")
    assert not rep.rejected and rep.counts["responses"]["added"] == 37 and rep.rows_rejected == 3
    assert [(p.row, p.column) for p in rep.warnings] == [(2, "Response timestamp"), (3, "Response timestamp"),
                                                          (4, "Response timestamp")]


def test_unrecognized_file_is_rejected_with_a_suggestion(engine):
    data = b"Foo,Bar\n1,2\n"
    p = preview(data, "mystery.csv", engine=engine)
    assert not p.ok and p.source is None and p.suggestion is not None
    assert "not one cxkpi recognizes" in p.errors[0].message and "--mapping" in p.errors[0].message


def test_cli_rejects_with_non_zero_exit_and_json(store_url, sample_exports, tmp_path, capsys):
    bad = tmp_path / "delighted_export.csv"
    bad.write_bytes(_delighted_with_11(sample_exports))
    good = sample_exports / "salesforce_renewals.csv"
    assert main(["ingest", str(good), str(bad), "--db", store_url]) == 1
    out = capsys.readouterr().out
    assert "salesforce_renewals.csv: Salesforce — opportunities report (renewals) (salesforce_opportunities) → " \
           "renewals: 25 added, 0 updated, 0 unchanged; 0 row(s) left out [load 1]" in out
    assert "delighted_export.csv: Delighted — responses export (delighted_responses) — REJECTED, nothing was changed" \
        in out
    assert "row 5, column 'Score': '11'" in out
    assert main(["ingest", str(bad), "--db", store_url, "--format", "json"]) == 1
    [rep] = json.loads(capsys.readouterr().out)
    assert rep["rejected"] is True and rep["problems"][0]["row"] == 5 and rep["problems"][0]["column"] == "Score"


def test_cli_question_explains_how_to_answer(store_url, sample_exports, tmp_path, capsys):
    rows = rows_of(sample_exports / "google_forms_esat.csv")
    rows[0][2] = "How satisfied are you overall?"
    f = tmp_path / "form.csv"
    f.write_bytes(to_csv(rows))
    assert main(["ingest", str(f), "--db", store_url]) == 1
    out = capsys.readouterr().out
    assert "question: Is 'How satisfied are you overall?' a customer (csat) or employee (esat)" in out
    assert '[answers]\n        "kind:How satisfied are you overall?" = "csat"' in out
    answers = tmp_path / "answers.toml"
    answers.write_text('[answers]\n"kind:How satisfied are you overall?" = "esat"\n', encoding="utf-8")
    assert main(["ingest", str(f), "--db", store_url, "--mapping", str(answers)]) == 0
    assert "responses: 32 added" in capsys.readouterr().out
