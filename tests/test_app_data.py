"""The Data page under AppTest: several files previewed before anything is stored, questions asked with
widgets, the mapping step for an unknown shape, the error table, load per file or all, the load history with
remove, templates, and the demo workspace."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from cxkpi import store
from cxkpi.store.schema import mappings
from tests.apphelpers import app, demo_store, demo_template, new_app, no_exception, texts  # noqa: F401
from tests.conftest import SAMPLE_EXPORTS
from tests.pagehelpers import bare_store, small_store  # noqa: F401

AMBIGUOUS = b"ticket_id,created_at,channel,first_reply_minutes\nT1,03/04/2025 10:00,email,30\nT2,05/06/2025 11:00,chat,2\n"
BAD_CELL = b"ticket_id,created_at,channel,first_reply_minutes\nT1,2025-03-04 10:00,email,abc\nT2,2025-03-05 11:00,chat,2\n"
UNKNOWN = b"Case,Opened,Who\nK1,2025-03-01 09:00,a@b.example\nK2,2025-03-02 10:00,c@d.example\n"


def fixture_file(name: str) -> tuple[str, bytes, str]:
    return name, (SAMPLE_EXPORTS / name).read_bytes(), "text/csv"


def _open(at):
    at.switch_page("pages/data.py").run()
    no_exception(at)
    return at


def _upload(at, *files):
    at.file_uploader(key="data_upload").set_value(list(files)).run()
    no_exception(at)
    return at


def _counts(path: Path) -> dict[str, int]:
    eng = store.make_engine(f"duckdb:///{path}")
    with eng.connect() as conn:
        out = store.row_counts(conn)
    eng.dispose()
    return out


def _loads(path: Path) -> list[dict]:
    eng = store.make_engine(f"duckdb:///{path}")
    with eng.connect() as conn:
        out = store.list_loads(conn)
    eng.dispose()
    return out


def test_uploader_takes_several_files_of_every_supported_type(bare_store):  # noqa: F811
    at = _open(new_app())
    up = at.file_uploader(key="data_upload")
    assert up.accept_multiple_files
    assert {x.lstrip(".") for x in up.allowed_type} == {"csv", "tsv", "txt", "xlsx", "xls"}
    assert "Nothing has been loaded yet." in texts(at)
    assert len(at.get("download_button")) == 7  # one template per canonical table


def test_two_exports_are_previewed_then_loaded_together(bare_store):  # noqa: F811
    at = _upload(_open(new_app()), fixture_file("zendesk_tickets.csv"), fixture_file("qualtrics_csat.csv"))
    body = texts(at).replace("\\", "")  # file names are shown as plain text: markdown escapes dropped here
    assert "zendesk_tickets.csv" in body and "qualtrics_csat.csv" in body
    assert "Recognized as Zendesk" in body and "Recognized as Qualtrics" in body
    assert "48 data rows in the file · would load 48 tickets, 34 survey responses" in body
    assert "2 file(s) · 2 ready to load" in body
    assert _counts(bare_store)["tickets"] == 0  # previewed, nothing stored yet
    first_rows = [d.value for d in at.dataframe]
    assert any("ticket_id" in df.columns and len(df) == 10 for df in first_rows)
    at.button(key="data_load_all").click().run()
    no_exception(at)
    body = texts(at).replace("\\", "")
    assert "zendesk_tickets.csv loaded as load #" in body and "qualtrics_csat.csv loaded as load #" in body
    counts = _counts(bare_store)
    # 48 tickets; 34 Zendesk satisfaction ratings + 40 Qualtrics answers × 2 questions (CSAT and NPS)
    assert counts["tickets"] == 48 and counts["responses"] == 34 + 80
    assert {r["file_name"] for r in _loads(bare_store)} == {"zendesk_tickets.csv", "qualtrics_csat.csv"}
    # the same files again: already loaded, nothing to load
    assert "already loaded" in texts(at) and at.button(key="data_load_all").disabled


def test_a_date_question_is_answered_with_a_widget(bare_store):  # noqa: F811
    at = _upload(_open(new_app()), ("amb.csv", AMBIGUOUS, "text/csv"))
    assert "needs your answer" in texts(at)
    radios = [r for r in at.radio if "day first" in r.label]
    assert len(radios) == 1 and radios[0].options == ["yes", "no"]
    load_btn = [b for b in at.button if b.key and b.key.startswith("data_load_") and b.key != "data_load_all"][0]
    assert load_btn.disabled
    radios[0].set_value("yes").run()
    no_exception(at)
    assert "ready to load" in texts(at)
    shown = at.dataframe[-1].value if "ticket_id" in at.dataframe[-1].value.columns else None
    frames = [d.value for d in at.dataframe if "created_at" in d.value.columns]
    assert frames and str(frames[0]["created_at"].iloc[0]).startswith("2025-04-03"), shown  # 3 April: day first
    [b for b in at.button if b.key == load_btn.key][0].click().run()
    no_exception(at)
    assert _counts(bare_store)["tickets"] == 2


def test_errors_are_listed_with_row_column_value_and_what_to_do(bare_store):  # noqa: F811
    at = _upload(_open(new_app()), ("bad.csv", BAD_CELL, "text/csv"))
    tables = [d.value for d in at.dataframe if {"File", "What to do"} <= set(d.value.columns)]
    assert len(tables) == 1
    err = tables[0].iloc[0]
    assert (err["File"], err["Row"], err["Column"], err["Value"], err["Severity"]) == (
        "bad.csv", 2, "first_reply_minutes", "abc", "error")
    assert "Fix the cell" in err["What to do"]
    assert "has errors" in texts(at)
    assert all(b.disabled for b in at.button if b.key and b.key.startswith("data_load"))


def test_an_unknown_shape_is_mapped_saved_and_loaded(bare_store):  # noqa: F811
    at = _upload(_open(new_app()), ("cases.csv", UNKNOWN, "text/csv"))
    assert "not recognized" in texts(at)
    assert at.selectbox(key=[s.key for s in at.selectbox if s.key and s.key.startswith("data_map_table_")][0]).value \
        == "tickets"
    # the suggestion: created_at ← Opened; the user adds ticket_id ← Case and email ← Who
    boxes = {s.key.rsplit("_tickets_", 1)[-1]: s for s in at.selectbox if s.key and "_tickets_" in s.key}
    assert boxes["created_at"].value == "Opened" and boxes["ticket_id"].value == ""
    boxes["ticket_id"].set_value("Case")
    boxes["email"].set_value("Who")
    at.run()
    no_exception(at)
    name_box = [x for x in at.text_input if x.key and x.key.startswith("data_map_name_")][0]
    name_box.set_value("case export").run()
    [b for b in at.button if b.key and b.key.startswith("data_map_save_")][0].click().run()
    no_exception(at)
    assert "ready to load" in texts(at)
    eng = store.make_engine(f"duckdb:///{bare_store}")
    with eng.connect() as conn:
        assert conn.execute(sa.select(mappings.c.name, mappings.c.table_name)).all() == [("case export", "tickets")]
    eng.dispose()
    at.button(key="data_load_all").click().run()
    no_exception(at)
    assert _counts(bare_store)["tickets"] == 2


def test_a_load_is_removed_from_the_history(bare_store):  # noqa: F811
    at = _upload(_open(new_app()), fixture_file("salesforce_renewals.csv"))
    at.button(key="data_load_all").click().run()
    assert _counts(bare_store)["renewals"] == 25
    history = [d.value for d in at.dataframe if "Recognized as" in d.value.columns][0]
    assert list(history["File"]) == ["salesforce_renewals.csv"] and list(history["Status"]) == ["active"]
    at.selectbox(key="data_remove_pick").set_value(_loads(bare_store)[0]["load_id"])
    at.button(key="data_remove").click().run()
    assert "Remove load #" in texts(at) and _counts(bare_store)["renewals"] == 25  # asked first, nothing removed
    at.button(key="data_remove_yes").click().run()
    no_exception(at)
    assert "removed" in texts(at)
    assert _counts(bare_store)["renewals"] == 0
    history = [d.value for d in at.dataframe if "Recognized as" in d.value.columns][0]
    assert list(history["Status"]) == ["removed"]



def test_a_restore_the_library_refuses_is_said_on_the_page_and_cancel_asks_nothing(bare_store):  # noqa: F811
    """Remove and restore share one helper: the restore of a load whose file was loaded again is refused with
    the library's reason, and nothing changes; Cancel closes the question without acting."""
    at = _upload(_open(new_app()), fixture_file("salesforce_renewals.csv"))
    at.button(key="data_load_all").click().run()
    first = _loads(bare_store)[0]["load_id"]
    at.selectbox(key="data_remove_pick").set_value(first)
    at.button(key="data_remove").click().run()
    at.button(key="data_remove_no").click().run()  # cancelled: still active, the question gone
    assert _counts(bare_store)["renewals"] == 25 and f"Remove load #{first}" not in texts(at)
    at.button(key="data_remove").click().run()
    at.button(key="data_remove_yes").click().run()
    assert f"Load #{first} removed" in texts(at) and _counts(bare_store)["renewals"] == 0
    # the same file, still in the uploader, loaded again: a new load the removed one cannot come back on top of
    at.button(key="data_load_all").click().run()
    again = max(r["load_id"] for r in _loads(bare_store))
    at.selectbox(key="data_restore_pick").set_value(first)
    at.button(key="data_restore").click().run()
    at.button(key="data_restore_yes").click().run()
    no_exception(at)
    refusal = [e.value for e in at.error]
    assert len(refusal) == 1 and refusal[0].startswith(f"Load #{first} cannot be restored: "), refusal
    assert f"loaded again as load {again}" in refusal[0]
    assert _counts(bare_store)["renewals"] == 25  # 25 rows, not 50

def test_the_quality_report_shows(app):  # noqa: F811
    at = _open(app())
    assert "Data quality" in [s.value for s in at.subheader]


def test_an_xlsx_workbook_is_previewed_like_its_csv(bare_store, tmp_path):  # noqa: F811
    import pandas as pd

    csv = SAMPLE_EXPORTS / "salesforce_renewals.csv"
    rows = pd.read_csv(csv, dtype=str, keep_default_na=False, skipfooter=0, engine="python", on_bad_lines="skip")
    rows = rows[rows.iloc[:, 0].str.strip() != ""]  # the report's footer lines are not data
    xlsx = tmp_path / "renewals.xlsx"
    rows.to_excel(xlsx, index=False)
    at = _upload(_open(new_app()), ("renewals.xlsx", xlsx.read_bytes(),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    body = texts(at)
    assert "Recognized as Salesforce" in body, body
    assert "1 file(s) · 1 ready to load" in body


def test_store_counts_worked_out_by_hand(small_store):  # noqa: F811
    """tests/pagehelpers.small_rows: 3 accounts, 3 subscriptions, 4 renewals, 4 tickets, 5 CSAT + 5 NPS answers."""
    at = _open(new_app())
    counts = {m.label: m.value for m in at.metric}
    assert counts == {
        "Accounts": "3",
        "Subscriptions": "3",
        "Payments": "0",
        "Renewals": "4",
        "Tickets": "4",
        "Survey responses": "10",
        "Retention costs": "0",
    }


def test_a_proposed_reading_is_not_called_recognized_and_a_blank_cell_previews_blank(bare_store):  # noqa: F811
    """An export no known tool matches: its card says so once (no "Recognized as recognized by meaning"), and
    a ticket with no solve time shows an empty cell in the preview, not a grey None."""
    data = ("N° de ticket;Date de création;Date de résolution;Canal\n"
            "FR-1;2026-10-05 09:00;2026-10-05 11:00;E-mail\nFR-2;2026-10-06 14:00;;Chat\n").encode()  # fmt: skip
    at = _upload(_open(new_app()), ("tickets_fr.csv", data, "text/csv"))
    body = texts(at)
    assert "not recognized as a tool cxkpi knows — it proposes a reading below" in body
    assert "Recognized as" not in body
    [rows] = [d.value for d in at.dataframe if "solved_at" in d.value.columns]
    assert list(rows["solved_at"]) == ["2026-10-05 11:00:00", ""]


# Answers 2–4 say nothing of the scale: cxkpi cannot suggest one, so it asks (1–5? 0–10? …).
SCALE_UNKNOWN = (
    b"Submitted At,Email,How satisfied are you with our support?\n2025-03-01 10:00,ana@alpha.example,3\n"
    b"2025-03-02 11:00,ben@beta.example,4\n2025-03-03 12:00,cy@gamma.example,2\n"
)


def test_a_survey_whose_scale_cannot_be_suggested_is_asked_in_its_own_terms_then_loads(bare_store):  # noqa: F811
    at = _upload(_open(new_app()), ("survey.csv", SCALE_UNKNOWN, "text/csv"))
    page = texts(at)
    assert "How cxkpi reads this file" in page and "needs your answer" in page
    # the column-by-column form (canonical names such as scale_min) stays folded in its expander
    folded = sum(len(e.selectbox) for e in at.expander)
    assert len(at.selectbox) == folded > 0
    radios = [r for r in at.radio if "How satisfied are you with our support?" in r.label]
    assert len(radios) == 1 and "1-5" in radios[0].options and radios[0].value is None
    accept = [b for b in at.button if b.key and b.key.startswith("data_accept_")]
    assert len(accept) == 1 and accept[0].disabled  # nothing to load until the scale is answered
    radios[0].set_value("1-5").run()
    no_exception(at)
    accept = [b for b in at.button if b.key and b.key.startswith("data_accept_")]
    assert len(accept) == 1 and not accept[0].disabled
    accept[0].click().run()
    no_exception(at)
    eng = store.make_engine(f"duckdb:///{bare_store}")
    with eng.connect() as conn:
        rows = conn.execute(sa.text("SELECT score, scale_min, scale_max FROM responses ORDER BY submitted_at")).all()
    eng.dispose()
    # the three answers as given, on the 1–5 scale the user chose
    assert [(float(s), int(lo), int(hi)) for s, lo, hi in rows] == [(3, 1, 5), (4, 1, 5), (2, 1, 5)]
