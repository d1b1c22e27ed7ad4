"""Excel 2003 XML (SpreadsheetML) — what Freshdesk and other tools download as `.xls` — turned into CSV text
for the reader: the first worksheet's rows, `ss:Index` gaps kept as empty cells."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

NS = "urn:schemas-microsoft-com:office:spreadsheet"
_MAX = 1 << 30  # defused: refuse anything over 1 GiB of XML


def is_spreadsheetml(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \r\n\t")
    return head.startswith(b"<?xml") and NS.encode() in data[:8192]


def to_csv(data: bytes) -> bytes:
    """UTF-8 CSV of the first worksheet. Entities and DTDs are refused (no external resolution)."""
    if len(data) > _MAX or b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:65536]:
        raise ValueError("this XML spreadsheet declares entities or is too large to read safely")
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    ss = f"{{{NS}}}"
    for _, el in ET.iterparse(io.BytesIO(data), events=("end",)):
        if el.tag == f"{ss}Row":
            row: list[str] = []
            for cell in el.findall(f"{ss}Cell"):
                idx = cell.get(f"{ss}Index")
                if idx and idx.isdigit():
                    row.extend([""] * (int(idx) - 1 - len(row)))
                d = cell.find(f"{ss}Data")
                row.append("".join(d.itertext()).strip() if d is not None else "")
            w.writerow(row)
            el.clear()
        elif el.tag == f"{ss}Worksheet":
            break  # the first sheet only
    return out.getvalue().encode("utf-8")
