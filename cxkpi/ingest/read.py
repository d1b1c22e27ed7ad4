"""Read an uploaded export (CSV/TSV/TXT, XLSX/XLS/ODS, or a ZIP holding one) into text cells.

Nothing here types values (see values.py): every cell is text, '' for an empty cell. What we learn about
the file on the way (encoding, delimiter, sheet, header block, dropped footer) is kept on the RawTable so
the page can show it and errors can point at the row the user sees in their spreadsheet. The parts:
archive.py (file kind, single-file ZIP/.gz), header.py (header block, titles, footers), rawtable.py
(RawTable, ReadError); this module decodes text, splits records and reads workbooks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re

from cxkpi.ingest.archive import (
    MAX_UNZIPPED,
    TEXT_EXT,
    WORKBOOK_EXT,
    _check_workbook_parts,
    _gunzip,
    _kind,
    _unzip_single,
)
from cxkpi.ingest.header import _build
from cxkpi.ingest.rawtable import Progress, RawTable, ReadError

# Names other modules import from here (the reader's parts now live in archive, header and rawtable).
__all__ = [
    "MAX_FIELD_LINES",
    "MAX_UNZIPPED",
    "Progress",
    "RawTable",
    "ReadError",
    "TEXT_EXT",
    "WORKBOOK_EXT",
    "_build",
    "_sniff_delimiter",
    "read_table",
]

SNIFF_CHARS = 65_536  # stack-notes: clevercsv on a 64-100 kB prefix is right for ";" dialects and fast
DELIMITERS = [",", ";", "\t", "|"]
# Candidate legacy encodings after UTF-8/UTF-16: unrestricted detection misreads cp1252 (stack-notes).
LEGACY_ENCODINGS = ["utf_8", "cp1252", "gb18030", "big5", "utf_16"]
MAX_FIELD_LINES = 1000


def read_table(
    data: bytes,
    file_name: str,
    *,
    header_rows: int | None = None,
    sheet: str | None = None,
    progress: Progress | None = None,
    max_bytes: int | None = None,
) -> RawTable:
    """Read `data` (the uploaded bytes) into a RawTable.

    header_rows: None = auto (3 for Qualtrics names/question text/ImportId, 2 for SurveyMonkey, else 1);
    sheet: workbook sheet name (None = first non-empty sheet); progress(fraction) is called at least every
    ~10 % and finally with 1.0; max_bytes: the most a compressed file (ZIP, gzip, an XLSX's parts) may
    inflate to, checked while inflating (the upload cap; default MAX_UNZIPPED). Raises ReadError for
    empty, binary, damaged, oversized or data-less files.
    """
    from cxkpi.ingest.problems import printable

    file_name = printable(file_name)  # it is echoed in every message: no terminal escapes
    limit = max_bytes or MAX_UNZIPPED
    report = progress or (lambda _f: None)
    if header_rows is not None and header_rows < 1:
        raise ValueError("header_rows must be >= 1 or None")
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    # Look at the head first: stripping a 1 GB file to see it is not empty copied all of it.
    if not data or (not data[:65_536].strip(blank) and not data.strip(blank)):
        raise ReadError(f"{file_name} is empty. Export the report again and upload the file it produces.")

    kind = _kind(data, file_name)
    if kind in ("zip", "gzip"):
        if kind == "zip":
            inner_name, data = _unzip_single(data, file_name, limit)
        else:
            inner_name, data = _gunzip(data, file_name, limit)
        inner_name = printable(inner_name)
        kind = _kind(data, inner_name)
        file_name = f"{file_name} › {inner_name}"
        if kind in ("zip", "gzip"):
            raise ReadError(
                f"{file_name} is an archive inside an archive. Unpack it and upload the CSV or XLSX file."
            )
    if kind == "workbook":
        _check_workbook_parts(data, file_name, limit)
        try:
            records, numbers, sheet_used, sheets = _read_workbook(data, file_name, sheet, report)
        except ReadError:
            raise
        except Exception as e:  # calamine: lying sizes, broken XML… a message, never a traceback
            raise ReadError(
                f"{file_name} could not be read as a spreadsheet ({type(e).__name__}: "
                f"{str(e)[:200]}). Export it again or save it as CSV."
            ) from e
        encoding = delimiter = None
        warnings: list[str] = []
    else:
        text, encoding, warnings = _decode(data, file_name)
        text, nul = _drop_nul(text, file_name)
        warnings = warnings + nul
        report(0.05)
        head = text[:2000].lstrip().lower()
        if head.startswith(("<!doctype html", "<html", "<table", "<?xml")):
            raise ReadError(
                f"{file_name} is a web page or XML file, not a CSV or real Excel file (some tools save HTML as "
                "'.xls'). Open it in Excel or LibreOffice and save it as XLSX or CSV, then upload that."
            )
        # Excel's 'sep=;' hint line: it names the delimiter and Excel does not show it as a row.
        hint = re.match(r"sep=(.)\r?\n", text[:10])
        if hint:
            text = text[hint.end() :]
        delimiter = hint.group(1) if hint else _sniff_delimiter(text, file_name)
        records = _parse_csv(text, delimiter, report, file_name)
        report(0.95)
        numbers = list(range(1, len(records) + 1))
        sheet_used, sheets = None, []
    table = _build(records, numbers, file_name, header_rows)
    table.encoding, table.delimiter, table.sheet, table.sheets = encoding, delimiter, sheet_used, sheets
    table.warnings = warnings + table.warnings
    report(1.0)
    return table


# --- text files -----------------------------------------------------------------------------------


def _decode(data: bytes, file_name: str) -> tuple[str, str, list[str]]:
    """Decode without assuming: UTF-8 (BOM or not), UTF-16 by BOM, then a restricted detector."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _check_text(data.decode("utf-16"), file_name), "utf-16", []
        except UnicodeDecodeError as e:
            raise ReadError(f"{file_name} says it is UTF-16 but is damaged ({e}). Export it again.") from e
    try:
        text = data.decode("utf-8-sig")
        enc = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return _check_text(text, file_name), enc, []
    except UnicodeDecodeError:
        pass
    # UTF-16 without BOM: every other byte NUL in ASCII-heavy text.
    head = data[:4000]
    if len(head) >= 4 and head[1::2].count(0) > 0.4 * len(head) / 2 and head[0::2].count(0) < 0.1 * len(head):
        try:
            return _check_text(data.decode("utf-16-le"), file_name), "utf-16-le", []
        except UnicodeDecodeError:
            pass
    if data.count(0) > 0:
        raise _binary(file_name)
    mixed = _mixed_lines(data, file_name)
    if mixed is not None:
        return mixed

    from charset_normalizer import from_bytes

    sample = _non_ascii_sample(data)
    candidates = [m.encoding for m in from_bytes(sample, cp_isolation=LEGACY_ENCODINGS)]
    for enc in candidates + [e for e in ("cp1252", "gb18030", "big5") if e not in candidates]:
        if enc in ("utf_8", "utf_16"):
            continue
        try:
            return _check_text(data.decode(enc), file_name), enc, []
        except (UnicodeDecodeError, LookupError):
            continue
    enc = candidates[0] if candidates and candidates[0] not in ("utf_8", "utf_16") else "cp1252"
    text = data.decode(enc, errors="replace")
    bad = text.count("\ufffd")
    return (
        _check_text(text, file_name),
        enc,
        [
            f"{file_name}: {bad} byte(s) could not be decoded as {enc} and were replaced by '\ufffd'. "
            "If text looks wrong, export the file again as 'CSV UTF-8'."
        ],
    )


def _legacy_encoding(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    for m in from_bytes(sample, cp_isolation=LEGACY_ENCODINGS):
        if m.encoding not in ("utf_8", "utf_16"):
            return m.encoding
    return "cp1252"


def _mixed_lines(data: bytes, file_name: str) -> tuple[str, str, list[str]] | None:
    """A file that is not UTF-8 as a whole but has UTF-8 lines (rows appended by another tool or re-saved
    in parts): decode each line in its own encoding and say which rows were which, instead of turning
    the UTF-8 rows into mojibake. None when no line is valid non-ASCII UTF-8 (a plain legacy file)."""
    from cxkpi.ingest.problems import summarize_rows

    utf8_rows: list[int] = []
    legacy_rows: list[int] = []
    lines = data.split(b"\n")
    non_ascii = re.compile(rb"[\x80-\xff]")
    for i, raw in enumerate(lines):
        if not non_ascii.search(raw):
            continue
        try:
            raw.decode("utf-8")
            utf8_rows.append(i + 1)
        except UnicodeDecodeError:
            legacy_rows.append(i + 1)
    if not utf8_rows or not legacy_rows:
        return None
    enc = _legacy_encoding(b"\n".join(lines[r - 1] for r in legacy_rows[:2000]))
    if enc in (
        "gb18030",
        "big5",
        "gbk",
        "gb2312",
        "big5hkscs",
        "cp950",
        "cp936",
        "shift_jis",
        "cp932",
        "euc_kr",
    ):
        # Double-byte text is valid UTF-8 by accident on short lines: keep a line as UTF-8 only when its
        # legacy reading leaves the scripts the file's legacy lines use (CJK in GBK, not Cyrillic).
        blocks: dict[int, int] = {}
        for r in legacy_rows[:2000]:
            for ch in lines[r - 1].decode(enc, errors="ignore"):
                if ord(ch) > 127:
                    blocks[ord(ch) >> 8] = blocks.get(ord(ch) >> 8, 0) + 1
        usual = {b for b, n in blocks.items() if n * 100 >= sum(blocks.values())}

        def legacy_reading(raw: bytes) -> bool:
            try:
                txt = raw.decode(enc)
            except UnicodeDecodeError:
                return False
            return all(ord(ch) >> 8 in usual for ch in txt if ord(ch) > 127)

        moved = [r for r in utf8_rows if legacy_reading(lines[r - 1])]
        if moved:
            utf8_rows = [r for r in utf8_rows if r not in set(moved)]
            legacy_rows = sorted(legacy_rows + moved)
        if not utf8_rows:
            return None
    legacy = set(legacy_rows)
    text = "\n".join(
        raw.decode(enc, errors="replace") if i + 1 in legacy else raw.decode("utf-8")
        for i, raw in enumerate(lines)
    )
    if text.startswith("\ufeff"):
        text = text[1:]
    return (
        _check_text(text, file_name),
        f"mixed utf-8/{enc}",
        [
            f"{file_name} mixes text encodings: {summarize_rows(utf8_rows)} (line numbers) are UTF-8 and "
            f"{summarize_rows(legacy_rows)} are not (read as {enc}). Check those rows' text; export the file again "
            "in one encoding ('CSV UTF-8') if anything looks wrong."
        ],
    )


def _non_ascii_sample(data: bytes, limit: int = 49_152) -> bytes:
    """Lines that carry non-ASCII bytes (the only ones that tell encodings apart), up to `limit` bytes."""
    if len(data) <= limit:
        return data
    parts, size = [], 0
    for m in re.finditer(rb"[^\n]*[\x80-\xff][^\n]*\n?", data):
        parts.append(m.group())
        size += len(parts[-1])
        if size >= limit:
            break
    return b"".join(parts) or data[:limit]


def _binary(file_name: str) -> ReadError:
    return ReadError(
        f"{file_name} does not look like a spreadsheet or CSV file (it contains binary data). "
        "Upload the CSV or XLSX file exported by the tool, not a screenshot, PDF or database file."
    )


def _check_text(text: str, file_name: str) -> str:
    sample = text[:20_000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f\v")
    if controls > max(2, len(sample) // 200):
        raise _binary(file_name)
    return text


def _drop_nul(text: str, file_name: str) -> tuple[str, list[str]]:
    """A few NUL bytes in a text file (a tool's padding): removed with a warning, as PostgreSQL cannot
    store them and no user typed them."""
    n = text.count("\x00")
    if not n:
        return text, []
    from cxkpi.ingest.problems import summarize_rows

    lines = [i + 1 for i, line in enumerate(text.split("\n")) if "\x00" in line]
    return text.replace("\x00", ""), [
        f"{file_name}: {n} NUL byte(s) removed ({summarize_rows(lines)} of the file's lines); the file may be "
        "damaged — check those rows."
    ]


def _sniff_delimiter(text: str, file_name: str) -> str:
    sample = text[:SNIFF_CHARS]
    if len(text) > SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rfind("\n") + 1]  # whole records only
    first = sample.split("\n", 1)[0]
    counts = {d: first.count(d) for d in DELIMITERS}
    if not any(counts.values()):
        return ","  # one column
    # Cheap first: the one delimiter that splits the first records into the header's width (>1).
    head = sample[:32_768]
    cut = len(head) < len(text)
    consistent = []
    for d in DELIMITERS:
        if not counts[d]:
            continue
        records = list(itertools.islice(csv.reader(io.StringIO(head, newline=""), delimiter=d), 200))
        if cut and len(records) > 1:
            records = records[:-1]  # possibly cut in half
        widths = [len(r) for r in records if any(r)]
        if widths and widths[0] > 1 and sum(w == widths[0] for w in widths) >= 0.9 * len(widths):
            consistent.append(d)
    if len(consistent) == 1:
        return consistent[0]
    try:
        import clevercsv

        dialect = clevercsv.Detector().detect(sample, delimiters=DELIMITERS)
    except Exception:  # the sniffer is a heuristic; fall back below rather than fail the upload
        dialect = None
    if dialect is not None and dialect.delimiter in DELIMITERS and counts.get(dialect.delimiter, 0):
        return dialect.delimiter
    # Fallback: the delimiter most frequent in the header line (ties: , ; tab |).
    return max(DELIMITERS, key=lambda d: counts[d])


def _parse_csv(text: str, delimiter: str, report: Progress, file_name: str = "the file") -> list[list[str]]:
    csv.field_size_limit(1 << 30)
    # Progress from line numbers every few thousand records: a Python generator feeding the reader
    # line by line cost a fifth of the parse.
    total = max(text.count("\n"), 1)
    step = max(total // 50, 1000)  # about every 2 %
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
    records: list[list[str]] = []
    append = records.append
    line = 0
    for row in reader:
        append(row)
        if not len(records) % step:
            report(0.05 + 0.85 * min(reader.line_num / total, 1.0))
        # A record spanning several lines holds a quoted line break: legitimate in a comment, or a quote
        # that was never closed and swallowed the rows after it. Only those records are inspected.
        if reader.line_num - line > 1:
            _check_multiline(row, records, reader.line_num - line, line + 1, delimiter, file_name)
        line = reader.line_num
    return records


def _check_multiline(
    row: list[str], records: list[list[str]], spanned: int, first_line: int, delimiter: str, file_name: str
) -> None:
    """Reject a record whose quoted field swallowed lines that look like rows of their own."""
    width = len(records[0])
    for col, cell in enumerate(row):
        if "\n" not in cell:
            continue
        inner = cell.split("\n")[1:]
        rowlike = sum(1 for x in inner if width >= 4 and x.count(delimiter) >= width - 1)
        if len(inner) >= MAX_FIELD_LINES or (rowlike >= 2 and rowlike >= len(inner) // 2):
            header = records[0][col] if len(records) > 1 and col < width else f"column {col + 1}"
            from cxkpi.ingest.problems import printable

            raise ReadError(
                f"{file_name}, row {len(records)}, column '{printable(header.strip())}': a quote (\") opened here "
                f"is not closed before line {first_line + spanned - 1}, so {spanned - 1} following line(s) "
                f"(lines {first_line + 1}–{first_line + spanned - 1}, {rowlike} of them shaped like rows) would "
                "be read as one cell. Close or remove the stray quote and export again."
            )


# --- workbooks ------------------------------------------------------------------------------------


def _read_workbook(
    data: bytes, file_name: str, sheet: str | None, report: Progress
) -> tuple[list[list[str]], list[int], str, list[str]]:
    import python_calamine as pc

    try:
        wb = pc.load_workbook(io.BytesIO(data))
    except Exception as e:  # calamine raises several error types for damaged/encrypted files
        raise ReadError(
            f"{file_name} could not be opened as a spreadsheet ({type(e).__name__}: {e}). "
            "If it is password-protected, remove the password; otherwise export it again or save it as CSV."
        ) from e
    sheets = list(wb.sheet_names)
    if sheet is not None:
        if sheet not in sheets:
            raise ReadError(f"{file_name} has no sheet named {sheet!r}; its sheets are {', '.join(sheets)}.")
        names = [sheet]
    else:
        names = sheets
    for name in names:
        ws = wb.get_sheet_by_name(name)  # calamine parses the whole sheet here
        if ws.height == 0 and sheet is None:
            continue
        report(0.1)
        total = max(ws.end[0] + 1, 1) if ws.end else 1
        records: list[list[str]] = []
        step = max(total // 50, 1)
        cell = _CELL
        for i, row in enumerate(ws.iter_rows()):
            records.append([f(c) if (f := cell.get(type(c))) is not None else _cell_text(c) for c in row])
            if i % step == 0:
                report(0.1 + 0.8 * i / total)
        if not any(any(c for c in r) for r in records):
            if sheet is not None:
                raise ReadError(f"{file_name}: sheet {name!r} is empty. Pick the sheet that holds the data.")
            continue
        # iter_rows starts at row 0 in the calamine versions we pin; be safe if it starts at `start`.
        offset = (ws.end[0] + 1 - len(records)) if ws.end else 0
        numbers = [offset + i + 1 for i in range(len(records))]
        report(0.95)
        return records, numbers, name, sheets
    raise ReadError(
        f"{file_name} has no data in any sheet ({', '.join(sheets) or 'no sheets'}). "
        "Export the report again with its rows included."
    )


def _float_text(v: float) -> str:
    if v != v:  # NaN
        return ""
    if v.is_integer() and abs(v) < 1e21:
        return str(int(v))
    return repr(v)


def _timedelta_text(v: dt.timedelta) -> str:
    secs = int(round(v.total_seconds()))
    sign = "-" if secs < 0 else ""
    secs = abs(secs)
    return f"{sign}{secs // 3600:02d}:{secs % 3600 // 60:02d}:{secs % 60:02d}"


# Dispatch on the exact type: this runs once per cell (isoformat is ~10x faster than strftime).
_CELL = {
    str: str.strip,
    float: _float_text,
    int: str,
    bool: lambda v: "TRUE" if v else "FALSE",
    dt.datetime: lambda v: v.isoformat(" ", "seconds"),
    dt.date: dt.date.isoformat,
    dt.time: lambda v: v.isoformat("seconds"),
    dt.timedelta: _timedelta_text,
    type(None): lambda v: "",
}


def _cell_text(v: object) -> str:
    """Excel cell -> the text a user would type: whole floats without '.0', datetimes in ISO
    ('YYYY-MM-DD HH:MM:SS'; a date-only cell as 'YYYY-MM-DD'), booleans as TRUE/FALSE."""
    f = _CELL.get(type(v))
    return f(v) if f is not None else str(v).strip()
