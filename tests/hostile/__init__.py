"""Hostile inputs: damaged, disguised, oversized and misleading files, each with the message it must get.

Large and binary cases are generated here at test time (nothing big is stored in the repository). Each
case is a file name, a function returning its bytes, the text its message must contain, and whether the
file is rejected (an error) or only warned about. tests/test_hostile_inputs.py runs them all.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass(frozen=True)
class Case:
    id: str
    file_name: str
    make: Callable[[], bytes]
    expect: str  # a part of the message this file must get
    rejected: bool = True  # False: it would load, with a warning (the test only previews it)
    max_bytes: int | None = None  # the upload cap in force (None = the default)


def rows(name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((FIXTURES / name).read_text(encoding="utf-8-sig"))))


def to_csv(table: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(table)
    return buf.getvalue().encode("utf-8")


def zendesk() -> list[list[str]]:
    return rows("zendesk_tickets.csv")


def zendesk_bytes() -> bytes:
    return (FIXTURES / "zendesk_tickets.csv").read_bytes()


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def deflate_zeros(n: int) -> bytes:
    """Raw deflate of n zero bytes, made in 1 MB steps (never n bytes in memory)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"0" * (1 << 20)
    out = [c.compress(block) for _ in range(n >> 20)]
    out.append(c.flush())
    return b"".join(out)


def zip_bomb(inner: str = "export.csv", size: int = 300_000_000, declared: int | None = None) -> bytes:
    """A ZIP whose one member inflates to `size` bytes of '0' (a few hundred kB packed). `declared` lies
    about the size in the headers."""
    comp = deflate_zeros(size)
    crc = 0
    block = b"0" * (1 << 20)
    for _ in range(size >> 20):
        crc = zlib.crc32(block, crc)
    name = inner.encode()
    usize = declared if declared is not None else size
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(comp), usize, len(name), 0)
    central = struct.pack(
        "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(comp), usize, len(name), 0, 0, 0, 0, 0, 0
    )
    end_offset = len(local) + len(name) + len(comp)
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), end_offset, 0)
    return local + name + comp + central + name + eocd


def gzip_bomb(size: int = 300_000_000) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = b"0" * (1 << 20)
    return b"".join([c.compress(block) for _ in range(size >> 20)] + [c.flush()])


def bad_crc_zip() -> bytes:
    data = bytearray(zip_of({"export.csv": zendesk_bytes()}, zipfile.ZIP_STORED))
    i = data.index(b"Summation column")
    data[i + 2000] ^= 0x20  # one flipped byte inside the stored member: the CRC no longer matches
    return bytes(data)


def xlsx(sheet_xml: bytes) -> bytes:
    """A minimal XLSX with one sheet."""
    return zip_of(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
            b'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.worksheet+xml"/></Types>',
            "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
            b'2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
            b'name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
            "xl/worksheets/sheet1.xml": sheet_xml,
        }
    )


SHEET = (
    b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c></row></sheetData></worksheet>'
)


def xlsx_lying_size() -> bytes:
    """The sheet's declared (uncompressed) size is 10 bytes, in both ZIP headers; it inflates to 5 MB."""
    data = bytearray(xlsx(SHEET + b" " * 5_000_000))
    size = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml").file_size
    real = struct.pack("<L", size)
    i = 0
    while (i := data.find(real, i)) != -1:
        data[i : i + 4] = struct.pack("<L", 10)
        i += 4
    return bytes(data)


def xlsx_bomb() -> bytes:
    """A sheet padded with 300 MB of whitespace: above any sane size for one export."""
    return xlsx(SHEET.replace(b"<sheetData>", b"<sheetData>" + b" " * 300_000_000))


def swallowed_rows() -> bytes:
    """Issue 12: a quote opened on row 51 and never closed swallows the rows after it."""
    base = zendesk()
    header, body = base[0], base[1:]
    table = [header] + [list(body[i % len(body)]) for i in range(99)]
    for i, r in enumerate(table[1:], start=1):
        r[1] = str(20000 + i)
    out = to_csv(table).decode().split("\r\n")
    out[50] = (
        out[50].replace("Cannot", '"Cannot', 1) if "Cannot" in out[50] else out[50].replace(",", ',"', 11)
    )
    return "\r\n".join(out).encode()


def long_quoted_field() -> bytes:
    lines = ["Id,Comment,Created", '1,"starts here']
    lines += [f"line {i}" for i in range(1500)]
    return "\r\n".join(lines).encode()


def mixed_encodings() -> bytes:
    base = zendesk()
    table = [base[0]] + [list(r) for r in base[1:]]
    table[3][10] = "Café crème — réponse"
    table[5][10] = "非常满意"
    lines = to_csv(table).split(b"\r\n")
    lines[3] = lines[3].decode().encode("cp1252")  # row 3 re-saved by a tool writing Windows-1252
    return b"\r\n".join(lines)


def with_rows(change: Callable[[list[list[str]]], None]) -> Callable[[], bytes]:
    def make() -> bytes:
        table = [list(r) for r in zendesk()]
        change(table)
        return to_csv(table)

    return make


def _col(table: list[list[str]], name: str) -> int:
    return table[0].index(name)


def _set(name: str, values: dict[int, str]) -> Callable[[list[list[str]]], None]:
    def change(t: list[list[str]]) -> None:
        for i, v in values.items():
            t[i][_col(t, name)] = v

    return change


def _duplicate_status(t: list[list[str]]) -> None:
    t[0][_col(t, "Priority")] = "Status"


def _many_duplicates(t: list[list[str]]) -> None:
    body = t[1]
    t[1:] = [list(body) for _ in range(3000)]  # 3000 rows with one ticket id


def delighted(change: Callable[[list[list[str]]], None]) -> Callable[[], bytes]:
    def make() -> bytes:
        table = [list(r) for r in rows("delighted_nps.csv")]
        change(table)
        return to_csv(table)

    return make


def random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


CASES: list[Case] = [
    Case("empty", "export.csv", lambda: b"", "is empty"),
    Case("only-bom-and-blanks", "export.csv", lambda: b"\xef\xbb\xbf \r\n\r\n", "is empty"),
    Case("only-delimiters", "export.csv", lambda: b",,,\r\n,,\r\n", "has no rows"),
    Case("header-only", "zendesk.csv", lambda: to_csv(zendesk()[:1]), "header but no data rows"),
    Case("pdf", "export.csv", lambda: b"%PDF-1.7\n" + random_bytes(2000), "is a PDF document"),
    Case("png", "export.xlsx", lambda: b"\x89PNG\r\n\x1a\n" + random_bytes(2000), "is a PNG image"),
    Case("jpeg", "export.csv", lambda: b"\xff\xd8\xff\xe0" + random_bytes(2000), "is a JPEG image"),
    Case("gif", "export.csv", lambda: b"GIF89a" + random_bytes(2000), "is a GIF image"),
    Case("7z", "export.csv", lambda: b"7z\xbc\xaf\x27\x1c" + random_bytes(2000), "is a 7-Zip archive"),
    Case("rar", "export.csv", lambda: b"Rar!\x1a\x07\x00" + random_bytes(2000), "is a RAR archive"),
    Case("binary-noise", "export.csv", lambda: random_bytes(50_000), "binary data"),
    Case(
        "nul-bytes-in-csv",
        "export.csv",
        lambda: zendesk_bytes()[:3000] + b"\x00" * 5000 + zendesk_bytes()[3000:],
        "binary data",
    ),
    Case(
        "html-as-xls",
        "export.xls",
        lambda: b"<html><body><table><tr><td>Id</td></tr></table></body></html>",
        "is a web page or XML file",
    ),
    Case(
        "xml-as-csv",
        "export.csv",
        lambda: b'<?xml version="1.0"?><rows><row id="1"/></rows>',
        "is a web page or XML file",
    ),
    Case(
        "utf16-damaged",
        "export.csv",
        lambda: b"\xff\xfeI\x00d\x00\n\x00\x00\xd8",
        "says it is UTF-16 but is damaged",
    ),
    Case("unclosed-quote-swallows-rows", "zendesk.csv", swallowed_rows, "row 51"),
    Case("quoted-field-of-1500-lines", "comments.csv", long_quoted_field, "is not closed before line"),
    Case("zip-bad-crc", "export.zip", bad_crc_zip, "is damaged and cannot be unpacked"),
    Case("zip-truncated", "export.zip", lambda: zip_of({"export.csv": zendesk_bytes()})[:-200], "damaged"),
    Case(
        "zip-two-csv",
        "export.zip",
        lambda: zip_of({"a.csv": zendesk_bytes(), "b.csv": zendesk_bytes()}),
        "is a ZIP archive with a.csv, b.csv",
    ),
    Case("zip-no-table", "export.zip", lambda: zip_of({"readme.md": b"# hello"}), "no CSV or XLSX file"),
    Case(
        "zip-in-zip",
        "export.zip",
        lambda: zip_of({"inner.zip": zip_of({"export.csv": zendesk_bytes()})}),
        "ZIP archive with no CSV or XLSX file",
    ),
    Case(
        "zip-inside-gzip",
        "export.csv.gz",
        lambda: gzip.compress(zip_of({"export.csv": zendesk_bytes()})),
        "is an archive inside an archive",
    ),
    Case("zip-bomb", "export.zip", zip_bomb, "unpacks to more than"),
    Case("zip-bomb-renamed-csv", "export.csv", zip_bomb, "unpacks to more than"),
    # The headers say 1000 bytes: the reader stops there and the CRC check names the lie.
    Case(
        "zip-bomb-lying-size",
        "export.zip",
        lambda: zip_bomb(declared=1000),
        "is damaged and cannot be unpacked",
    ),
    Case("gzip-bomb", "export.csv.gz", gzip_bomb, "unpacks to more than"),
    Case("gzip-bomb-renamed-csv", "export.csv", gzip_bomb, "unpacks to more than"),
    Case("gzip-truncated", "export.csv.gz", lambda: gzip.compress(zendesk_bytes())[:-100], "damaged"),
    Case("xlsx-bomb", "export.xlsx", xlsx_bomb, "unpacks to more than"),
    Case("xlsx-lying-size", "export.xlsx", xlsx_lying_size, "damaged"),
    Case("xlsx-truncated", "export.xlsx", lambda: xlsx(SHEET)[:300], "damaged"),
    Case(
        "xlsx-garbage-inside",
        "export.xlsx",
        lambda: zip_of({"xl/workbook.xml": random_bytes(3000)}),
        "could not be",
    ),
    Case(
        "xls-ole2-garbage",
        "export.xls",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + random_bytes(4000),
        "could not be",
    ),
    Case(
        "upload-cap-on-inflated-size",
        "export.zip",
        lambda: zip_of({"export.csv": zendesk_bytes() * 60}),
        "the limit here is 1,000,000 bytes",
        max_bytes=1_000_000,
    ),
    Case(
        "terminal-escape-in-file-name",
        "\x1b[2J\x1b[31mexport.csv",
        lambda: b"",
        "\\x1b[2J\\x1b[31mexport.csv",
    ),
    Case("duplicate-key-on-3000-rows", "zendesk.csv", with_rows(_many_duplicates), "and 2 990 more"),
    Case(
        "excel-mangled-ids",
        "zendesk.csv",
        with_rows(_set("Id", {2: "2,15E+14", 4: "1.04E+04"})),
        "scientific notation",
    ),
    Case("negative-reopens", "zendesk.csv", with_rows(_set("Reopens", {3: "-2"})), "cannot be negative"),
    Case(
        "score-outside-scale",
        "delighted.csv",
        delighted(lambda t: t[4].__setitem__(1, "11")),
        "outside this question's 0–10 scale",
    ),
    Case(
        "escape-sequence-in-cell",
        "delighted.csv",
        delighted(lambda t: t[4].__setitem__(1, "\x1b]0;pwned\x0711")),
        "\\x1b]0;pwned\\x0711",
    ),
    # Warnings: the file would load; its preview must say what is wrong.
    Case(
        "duplicate-header",
        "zendesk.csv",
        with_rows(_duplicate_status),
        "2 columns are named 'Status'",
        rejected=False,
    ),
    Case(
        "a-few-nul-bytes-in-a-cell",
        "zendesk.csv",
        lambda: zendesk_bytes().replace(b"Cannot", b"Can\x00\x00not", 1),
        "2 NUL byte(s)",
        rejected=False,
    ),
    Case("mixed-encodings", "zendesk.csv", mixed_encodings, "mixes text encodings", rejected=False),
    Case(
        "dates-before-1990",
        "zendesk.csv",
        with_rows(_set("Created at", {2: "1985-03-04 10:00:00"})),
        "this date is implausible",
        rejected=False,
    ),
    Case(
        "dates-in-2099",
        "zendesk.csv",
        with_rows(_set("Solved at", {2: "2099-01-01 10:00:00"})),
        "this date is implausible",
        rejected=False,
    ),
]
