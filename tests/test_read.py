"""read_table: encodings, delimiters, header blocks, footers, workbooks, refusals, progress.

Every input is written by the test into tmp_path (or is a sample export from tests/fixtures) and read back as bytes, the way
the upload widget hands them over.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from cxkpi.ingest.read import RawTable, ReadError, read_table


def _read(tmp_path: Path, name: str, payload: bytes, **kw) -> RawTable:
    path = tmp_path / name
    path.write_bytes(payload)
    return read_table(path.read_bytes(), name, **kw)


# --- encodings ------------------------------------------------------------------------------------

ENCODING_CASES = [
    # (label, text, python codec used to write, encoding read_table must report, header, first row)
    ("utf-8", "Name,Amount\nCafé,12\n", "utf-8", "utf-8", ["Name", "Amount"], ["Café", "12"]),
    ("utf-8 BOM", "Ticket ID,Status\r\n7,Solved\r\n", "utf-8-sig", "utf-8-sig", ["Ticket ID", "Status"], ["7", "Solved"]),
    ("utf-16 LE BOM", "Name\tAmount\r\nCafé\t12\r\n", "utf-16", "utf-16", ["Name", "Amount"], ["Café", "12"]),
    ("cp1252", "Nom;Montant\r\nCafé Crème;€ 12,50\r\n", "cp1252", "cp1252", ["Nom", "Montant"], ["Café Crème", "€ 12,50"]),
    ("gbk", "序号,提交答卷时间,所用时间\r\n1,2025/3/4 10:22:11,55秒\r\n", "gbk", "gb18030",
     ["序号", "提交答卷时间", "所用时间"], ["1", "2025/3/4 10:22:11", "55秒"]),
    ("big5", "編號,提交時間,滿意度\r\n1,2025/3/4 下午 2:22:11,非常滿意\r\n", "big5", "big5",
     ["編號", "提交時間", "滿意度"], ["1", "2025/3/4 下午 2:22:11", "非常滿意"]),
]


@pytest.mark.parametrize(("label", "text", "codec", "reported", "header", "first"), ENCODING_CASES,
                         ids=[c[0] for c in ENCODING_CASES])
def test_encodings(tmp_path, label, text, codec, reported, header, first):
    t = _read(tmp_path, "export.csv", text.encode(codec))
    assert t.encoding == reported
    assert t.header == header  # BOM stripped: no '\ufeff' on the first name
    assert t.rows == [first]
    assert t.first_data_line == 2


def test_cp1252_byte_late_in_a_large_file_is_still_detected(tmp_path):
    # The only non-ASCII byte sits past any prefix sample: the decoder must still see it.
    text = "Name,Amount\n" + "plain,1\n" * 30_000 + "Zoë,€5\n"
    t = _read(tmp_path, "late.csv", text.encode("cp1252"))
    assert t.encoding == "cp1252"
    assert t.rows[-1] == ["Zoë", "€5"]
    assert len(t.rows) == 30_001


# --- delimiters, quoting, line endings ------------------------------------------------------------

@pytest.mark.parametrize("delim", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_delimiters_with_quoted_delimiters_and_newlines(tmp_path, delim):
    d = delim
    text = (
        f'Id{d}Subject{d}Amount\r\n'
        f'1{d}"Hello{d} world"{d}"1.234,56"\r\n'
        f'2{d}"two\r\nlines ""quoted"""{d}"12,5"\r\n'
        f'3{d}plain{d}7\r\n'
    )
    t = _read(tmp_path, "d.csv", text.encode("utf-8"))
    assert t.delimiter == d
    assert t.header == ["Id", "Subject", "Amount"]
    assert t.rows == [["1", f"Hello{d} world", "1.234,56"], ["2", 'two\r\nlines "quoted"', "12,5"], ["3", "plain", "7"]]
    # Spreadsheet rows, not file lines: the record with a line break is still row 3, the next row 4.
    assert t.row_numbers == [2, 3, 4]


def test_european_excel_resave_semicolon_decimal_comma(tmp_path):
    text = "Kunde;Betrag;Datum\r\nMüller GmbH;1.234,56;04.03.2025 10:22\r\nSchmidt AG;12,5;31.12.2025 23:59\r\n"
    t = _read(tmp_path, "de.csv", text.encode("cp1252"))
    assert (t.encoding, t.delimiter) == ("cp1252", ";")
    assert t.rows[0] == ["Müller GmbH", "1.234,56", "04.03.2025 10:22"]


SNIFF_CASES = [
    # (label, text, delimiter, first row) - cases the quick width check cannot settle alone
    ("excel sep= hint", "sep=;\r\nName;Amount\r\nCafé;12,5\r\n", ";", ["Café", "12,5"]),
    ("commas in a ; header", "Name;Amount, EUR;Note\nA;1,5;x, y\nB;2;z\n", ";", ["A", "1,5", "x, y"]),
    ("tabs and commas", "id\tnote\n1\ta, b\n2\tc\n", "\t", ["1", "a, b"]),
    ("quoted multi-line header", '"Question\nwith break",Other\n1,2\n3,4\n', ",", ["1", "2"]),
]


@pytest.mark.parametrize(("label", "text", "delim", "first"), SNIFF_CASES, ids=[c[0] for c in SNIFF_CASES])
def test_delimiter_sniffing_harder_cases(tmp_path, label, text, delim, first):
    t = _read(tmp_path, "s.csv", text.encode("utf-8"))
    assert t.delimiter == delim
    assert t.rows[0] == first


def test_sep_hint_line_is_not_a_spreadsheet_row(tmp_path):
    t = _read(tmp_path, "hint.csv", b"sep=;\nName;Amount\nA;1\n")
    assert t.header == ["Name", "Amount"] and t.first_data_line == 2


def test_single_column_file(tmp_path):
    t = _read(tmp_path, "emails.csv", b"Email\na@x.example\nb@x.example\n")
    assert t.header == ["Email"] and t.rows == [["a@x.example"], ["b@x.example"]]


def test_blank_lines_are_skipped_but_row_numbers_stay_true(tmp_path):
    t = _read(tmp_path, "gaps.csv", b"a,b\n1,2\n\n,\n3,4\n")
    assert t.rows == [["1", "2"], ["3", "4"]]
    assert t.row_numbers == [2, 5]  # row 3 is empty, row 4 is ',' (all cells empty)


def test_short_rows_padded_trailing_delimiters_trimmed(tmp_path):
    t = _read(tmp_path, "ragged.csv", b"a,b,c,\n1,2\n3,4,5,\n")
    assert t.header == ["a", "b", "c"]
    assert t.rows == [["1", "2", ""], ["3", "4", "5"]]


def test_longer_rows_keep_their_cells(tmp_path):
    t = _read(tmp_path, "long.csv", b"a,b\n1,2,3\n")
    assert t.header == ["a", "b", ""]
    assert t.rows == [["1", "2", "3"]]
    assert t.column_names() == ["a", "b", "Column 3"]


def test_title_row_above_csv_header(tmp_path):
    t = _read(tmp_path, "explore.csv", b"Tickets by status\n\nTicket ID,Ticket status\n1,Solved\n")
    assert t.title_rows == [["Tickets by status"]]
    assert t.header == ["Ticket ID", "Ticket status"]
    assert t.first_data_line == 4


# --- header blocks --------------------------------------------------------------------------------

QUALTRICS = (
    '\ufeffStartDate,EndDate,Status,Q1,Q2\r\n'
    'Start Date,End Date,Response Type,"Overall, how satisfied were you?",Why?\r\n'
    '"{""ImportId"":""startDate"",""timeZone"":""America/Denver""}",'
    '"{""ImportId"":""endDate"",""timeZone"":""America/Denver""}",'
    '"{""ImportId"":""status""}","{""ImportId"":""QID1""}","{""ImportId"":""QID2_TEXT""}"\r\n'
    '2025-01-05 10:00:00,2025-01-05 10:02:00,0,5,"Fast, friendly"\r\n'
)
SURVEYMONKEY = (
    "Respondent ID,Collector ID,Start Date,How likely is it that you would recommend us?,Which company?\n"
    ",,,Response,Open-Ended Response\n"
    "118000000000,440000000,01/25/2025 08:57:10 AM,10,Copperleaf Health\n"
)
SURVEYMONKEY_CONDENSED = "Respondent ID,Collector ID,Q1\n,,\n1,2,9\n"
HEADER_CASES = [
    # (label, text, header_rows argument, expected header rows, first data row in the spreadsheet)
    ("qualtrics auto", QUALTRICS, None, 3, 4),
    ("qualtrics forced 1", QUALTRICS, 1, 1, 2),
    ("surveymonkey auto", SURVEYMONKEY, None, 2, 3),
    ("surveymonkey condensed", SURVEYMONKEY_CONDENSED, None, 2, 3),
    ("plain", "a,b\n1,2\n", None, 1, 2),
    ("plain forced 2", "a,b\nx,y\n1,2\n", 2, 2, 3),
]


@pytest.mark.parametrize(("label", "text", "arg", "n_header", "first"), HEADER_CASES, ids=[c[0] for c in HEADER_CASES])
def test_header_rows(tmp_path, label, text, arg, n_header, first):
    t = _read(tmp_path, "survey.csv", text.encode("utf-8"), header_rows=arg)
    assert 1 + len(t.extra_header_rows) == n_header
    assert t.first_data_line == first


def test_qualtrics_header_block_content(tmp_path):
    t = _read(tmp_path, "q.csv", QUALTRICS.encode("utf-8"))
    assert t.header == ["StartDate", "EndDate", "Status", "Q1", "Q2"]
    assert t.extra_header_rows[0][3] == "Overall, how satisfied were you?"
    assert t.column_timezones() == {0: "America/Denver", 1: "America/Denver"}
    assert t.rows == [["2025-01-05 10:00:00", "2025-01-05 10:02:00", "0", "5", "Fast, friendly"]]


def test_surveymonkey_blank_headers_named_from_row_two(tmp_path):
    text = "Respondent ID,Which features do you use?,,\n,Reports,Alerts,Open-Ended Response\n1,Reports,,x\n"
    t = _read(tmp_path, "sm.csv", text.encode("utf-8"))
    assert t.column_names() == ["Respondent ID", "Which features do you use?", "Alerts", "Open-Ended Response"]


def test_duplicate_header_names_made_unique(tmp_path):
    t = _read(tmp_path, "dup.csv", b"Tags,Tags,,\n1,2,3,4\n")
    assert t.column_names() == ["Tags", "Tags (2)", "Column 3", "Column 4"]
    assert list(t.frame().columns) == t.column_names()
    assert t.frame().iloc[0].tolist() == ["1", "2", "3", "4"]


# --- footers --------------------------------------------------------------------------------------

def test_salesforce_footer_dropped_from_fixture(sample_exports):
    t = read_table((sample_exports / "salesforce_renewals.csv").read_bytes(), "salesforce_renewals.csv")
    assert len(t.rows) == 25
    # Report name, copyright, confidential, generated by, org name.
    assert t.footer_dropped == 5
    assert t.rows[-1][1] == "Yellowstone Outfitters"


def test_grand_totals_row_dropped(tmp_path):
    text = ('Account,Amount\n"Acme",100\n"Beta",200\n"Grand Totals (2 records)",300\n\n'
            '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\n')
    t = _read(tmp_path, "sf.csv", text.encode("utf-8"))
    assert t.rows == [["Acme", "100"], ["Beta", "200"]]
    assert t.footer_dropped == 2


def test_one_cell_last_row_without_footer_is_kept(tmp_path):
    t = _read(tmp_path, "partial.csv", b"token,score\nabc,5\ndef,\n")
    assert t.rows == [["abc", "5"], ["def", ""]] and t.footer_dropped == 0


# --- every sample export --------------------------------------------------------------------------

FIXTURE_ROWS = [
    ("zendesk_tickets.csv", 48, 1), ("freshdesk_tickets.csv", 40, 1), ("intercom_conversations.csv", 36, 1),
    ("qualtrics_csat.csv", 40, 3), ("surveymonkey_nps.csv", 40, 2), ("typeform_ces.csv", 36, 1),
    ("delighted_nps.csv", 40, 1), ("google_forms_esat.csv", 32, 1), ("stripe_subscriptions.csv", 25, 1),
    ("stripe_invoices.csv", 59, 1), ("hubspot_companies.csv", 25, 1), ("salesforce_renewals.csv", 25, 1),
]


@pytest.mark.parametrize(("name", "n_rows", "n_header"), FIXTURE_ROWS, ids=[c[0] for c in FIXTURE_ROWS])
def test_sample_exports_row_counts(sample_exports, name, n_rows, n_header):
    t = read_table((sample_exports / name).read_bytes(), name)
    assert len(t.rows) == n_rows
    assert 1 + len(t.extra_header_rows) == n_header
    assert t.first_data_line == n_header + 1
    assert t.delimiter == ","
    assert not t.header[0].startswith("\ufeff")
    assert all(len(r) == len(t.header) for r in t.rows)


def test_fixture_header_time_zones(sample_exports):
    intercom = read_table((sample_exports / "intercom_conversations.csv").read_bytes(), "i.csv")
    assert intercom.column_timezones()[1] == "America/New_York"
    qualtrics = read_table((sample_exports / "qualtrics_csat.csv").read_bytes(), "q.csv")
    assert qualtrics.encoding == "utf-8-sig" and qualtrics.header[0] == "StartDate"
    assert qualtrics.column_timezones()[0] == "America/Denver"


# --- workbooks ------------------------------------------------------------------------------------

def _xlsx(build) -> bytes:
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_xlsx_title_row_datetimes_and_whole_floats(tmp_path):
    def build(wb):
        wb.active.title = "Notes"  # an empty first sheet: the reader must pick the next non-empty one
        ws = wb.create_sheet("Tickets")
        ws["A1"] = "Zendesk Explore - Tickets created"  # title row above the header
        ws.append([])
        ws.append(["Ticket ID", "Ticket created - Date", "First reply time (min)", "Score", "Solved"])
        ws.append([12.0, dt.datetime(2025, 3, 4, 10, 19, 12), 12.5, 4, True])
        ws.append([215000000000000, dt.date(2025, 3, 5), 0.1, None, False])

    t = _read(tmp_path, "explore.xlsx", _xlsx(build))
    assert (t.sheet, t.sheets) == ("Tickets", ["Notes", "Tickets"])
    assert t.title_rows == [["Zendesk Explore - Tickets created"]]
    assert t.header == ["Ticket ID", "Ticket created - Date", "First reply time (min)", "Score", "Solved"]
    assert t.rows == [
        ["12", "2025-03-04 10:19:12", "12.5", "4", "TRUE"],
        ["215000000000000", "2025-03-05", "0.1", "", "FALSE"],  # a date-only cell stays a date
    ]
    assert t.first_data_line == 4  # title row 1, blank row 2, header row 3
    assert (t.encoding, t.delimiter) == (None, None)


def test_xlsx_named_sheet_and_missing_sheet(tmp_path):
    def build(wb):
        wb.active.title = "A"
        wb.active.append(["x"])
        wb.active.append(["1"])
        b = wb.create_sheet("B")
        b.append(["y", "z"])
        b.append(["2", "3"])

    data = _xlsx(build)
    assert _read(tmp_path, "two.xlsx", data, sheet="B").rows == [["2", "3"]]
    assert _read(tmp_path, "two.xlsx", data).sheet == "A"
    with pytest.raises(ReadError, match=r"two\.xlsx.*no sheet named 'C'"):
        _read(tmp_path, "two.xlsx", data, sheet="C")


def test_xlsx_starting_in_column_b(tmp_path):
    def build(wb):
        wb.active["B2"] = "Id"
        wb.active["C2"] = "Amount"
        wb.active["B3"] = 1
        wb.active["C3"] = 9.9

    t = _read(tmp_path, "offset.xlsx", _xlsx(build))
    assert t.header == ["Id", "Amount"] and t.rows == [["1", "9.9"]] and t.first_data_line == 3


@pytest.mark.parametrize("what", ["no cells", "header only"])
def test_xlsx_without_data_is_refused(tmp_path, what):
    def build(wb):
        if what == "header only":
            wb.active.append(["Id", "Amount"])

    with pytest.raises(ReadError, match=r"empty\.xlsx"):
        _read(tmp_path, "empty.xlsx", _xlsx(build))


def test_zip_with_one_csv_inside(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("CSV/Customer survey.csv", "a,b\n1,2\n")
    t = _read(tmp_path, "responses.zip", buf.getvalue())
    assert t.rows == [["1", "2"]] and "Customer survey.csv" in t.file_name


# --- refusals -------------------------------------------------------------------------------------

REFUSALS = [
    ("empty.csv", b"", r"empty\.csv is empty"),
    ("blank.csv", b"\r\n\r\n  \n", r"blank\.csv is empty"),
    ("garbage.csv", bytes(range(256)) * 40, r"garbage\.csv does not look like a spreadsheet"),
    ("shot.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, r"shot\.csv is a PNG image"),
    ("report.xlsx", b"%PDF-1.7\n%binary", r"report\.xlsx is a PDF document"),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00" * 50, r"broken\.xlsx"),
    ("header.csv", b"a,b,c\n", r"header\.csv has a header but no data rows"),
    ("report.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", r"report\.xls is a web page"),
]


@pytest.mark.parametrize(("name", "payload", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_name_the_file(tmp_path, name, payload, message):
    with pytest.raises(ReadError, match=message):
        _read(tmp_path, name, payload)


# --- progress -------------------------------------------------------------------------------------

def _check_progress(calls: list[float]) -> None:
    assert calls[-1] == 1.0
    assert calls == sorted(calls)  # never goes backwards
    steps = [b - a for a, b in zip([0.0, *calls], calls, strict=False)]
    assert max(steps) <= 0.1 + 1e-9  # at least every ~10 %


def test_progress_csv(tmp_path):
    text = "Id,Created at,Amount\n" + "".join(f"{i},2025-01-01 10:00:00,{i}.50\n" for i in range(50_000))
    calls: list[float] = []
    t = _read(tmp_path, "big.csv", text.encode(), progress=calls.append)
    assert len(t.rows) == 50_000 and t.row_numbers[-1] == 50_001
    _check_progress(calls)


def test_progress_xlsx(tmp_path):
    def build(wb):
        wb.active.append(["Id", "Amount"])
        for i in range(3_000):
            wb.active.append([i, i + 0.5])

    calls: list[float] = []
    t = _read(tmp_path, "big.xlsx", _xlsx(build), progress=calls.append)
    assert len(t.rows) == 3_000 and t.rows[-1] == ["2999", "2999.5"]
    _check_progress(calls)
