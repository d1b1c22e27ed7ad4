"""Structure found, not assumed (issue 15, item 2): a two-row header whose first row groups the columns,
a single-file .gz, duplicate header names told apart and reported, totals rows left out."""

from __future__ import annotations

import gzip

from cxkpi.ingest.api import commit, preview
from cxkpi.ingest.locate import locate
from cxkpi.ingest.read import read_table
from tests.test_ingest_fixtures import query

# 'First response' and 'Resolution' are merged cells over their Hours | Minutes columns (Excel writes the
# name in the first cell of the merge and leaves the others blank).
GROUPED = (
    ",,First response,,Resolution,\n"
    "Ticket ID,Created,Hours,Minutes,Hours,Minutes\n"
    "T-1,2025-03-04 10:00,1,30,5,0\n"
    "T-2,2025-03-05 11:00,0,45,26,15\n"
)


def test_a_two_row_header_is_joined_into_one_name_per_column() -> None:
    raw, notes = locate(read_table(GROUPED.encode(), "sla.csv"))
    assert raw.header == [
        "Ticket ID",
        "Created",
        "First response Hours",
        "First response Minutes",
        "Resolution Hours",
        "Resolution Minutes",
    ]
    assert raw.rows == [
        ["T-1", "2025-03-04 10:00", "1", "30", "5", "0"],
        ["T-2", "2025-03-05 11:00", "0", "45", "26", "15"],
    ]
    # The rows keep the numbers the user sees: line 1 group, line 2 names, data from line 3.
    assert raw.row_numbers == [3, 4] and raw.first_data_line == 3
    assert notes and notes[0].startswith("two header rows joined into one name per column")
    assert "'First response Minutes'" in notes[0]


def test_a_title_line_is_not_taken_for_a_group_row() -> None:
    # A filter line is left-aligned: it names nothing past the second column, so it is a title block.
    text = (
        "Date range:,2025-03,,,,\n"
        "Ticket ID,Created,Channel,Replies,Agent,Status\n"
        "T-1,2025-03-04 10:00,Email,2,Ann,solved\n"
        "T-2,2025-03-05 11:00,Chat,3,Bo,open\n"
    )
    raw, notes = locate(read_table(text.encode(), "report.csv"))
    assert raw.header == ["Ticket ID", "Created", "Channel", "Replies", "Agent", "Status"]
    assert [r[0] for r in raw.rows] == ["T-1", "T-2"]
    assert notes[0].startswith("header found under a 1-line title block: Date range: 2025-03")


def test_a_one_row_header_with_data_under_it_is_left_alone() -> None:
    raw, notes = locate(read_table(b"id,score,comment\n1,5,good\n2,4,ok\n", "plain.csv"))
    assert raw.header == ["id", "score", "comment"] and len(raw.rows) == 2 and notes == []


TICKETS = (
    "Ticket ID,Created,Channel,Replies\n"
    "G-1,2025-03-04 10:00,Email,2\n"
    "G-2,2025-03-05 11:00,Chat,3\n"
    "G-3,2025-03-06 12:00,Email,1\n"
)


def test_a_single_file_gz_is_read_like_a_single_file_zip(engine) -> None:
    packed = gzip.compress(TICKETS.encode())
    raw = read_table(packed, "tickets.csv.gz")
    assert raw.header == ["Ticket ID", "Created", "Channel", "Replies"] and len(raw.rows) == 3
    assert raw.file_name == "tickets.csv.gz › tickets.csv"
    p = preview(packed, "tickets.csv.gz", engine=engine, accept_suggested=True)
    assert p.ok, [x.text() for x in p.problems]
    commit(engine, p)
    # 3 tickets; replies 2 + 3 + 1 = 6.
    assert query(engine, "SELECT COUNT(*), SUM(agent_replies) FROM tickets") == [(3, 6)]


def test_duplicate_header_names_are_told_apart_and_reported(engine) -> None:
    text = "Ticket ID,Created,Tags,Tags,Replies\nD-1,2025-03-04 10:00,vip,eu,2\nD-2,2025-03-05 11:00,,us,4\n"
    raw, notes = locate(read_table(text.encode(), "dup.csv"))
    assert raw.column_names() == ["Ticket ID", "Created", "Tags", "Tags (2)", "Replies"]
    assert notes == ["columns with the same name told apart as 'Tags (2)'"]
    p = preview(text.encode(), "dup.csv", engine=engine, accept_suggested=True)
    warnings = [x.text() for x in p.problems if x.severity == "warning"]
    # Reported to the user: which columns share the name (C and D) and how each is read.
    assert any("2 columns are named 'Tags' (columns C, D)" in w for w in warnings), warnings


def test_totals_rows_at_the_end_are_left_out_in_any_language(engine) -> None:
    text = "Ticket ID,Created,Channel,Replies\nS-1,2025-03-04 10:00,Email,2\nS-2,2025-03-05 11:00,Chat,3\n合计,,,5\n"
    raw, notes = locate(read_table(text.encode(), "zh.csv"))
    assert [r[0] for r in raw.rows] == ["S-1", "S-2"] and notes == ["1 totals row(s) at the end left out"]
    p = preview(text.encode(), "zh.csv", engine=engine, accept_suggested=True)
    assert p.ok, [x.text() for x in p.problems]
    commit(engine, p)
    # Two tickets, 2 + 3 = 5 replies: the totals row is not a third ticket.
    assert query(engine, "SELECT COUNT(*), SUM(agent_replies) FROM tickets") == [(2, 5)]
