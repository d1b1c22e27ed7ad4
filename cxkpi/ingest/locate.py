"""Where the table is: the header row under a report's title and filter block (when the reader took a
title line for the header), a two-row header whose first row groups the columns ('First response' over
'Hours | Minutes': joined into one name per column), and totals rows at the end of the body. Duplicate
header names are told apart by RawTable.column_names() ('Status', 'Status (2)'); this stage reports them."""

from __future__ import annotations

import dataclasses
import re

from cxkpi.ingest.read import RawTable
from cxkpi.ingest.vocabulary import normalize

_TOTALS = {"total", "totals", "grand total", "totale", "totali", "totale complessivo", "total général", "gesamt",
           "summe", "gesamtsumme", "total general", "totales", "合计", "总计", "合計", "總計", "小计", "合計値"}
_NUMBER = re.compile(r"^[-+(]?[\d.,\s%$€£¥]+\)?$")


def _filled(row: list[str]) -> int:
    return sum(1 for c in row if c.strip())


def _header_like(row: list[str]) -> bool:
    cells = [c for c in row if c.strip()]
    return bool(cells) and sum(1 for c in cells if _NUMBER.match(c)) <= len(cells) // 4


def _group_row(raw: RawTable) -> bool:
    """The header is a group row over the real one: merged-cell titles (a name, then blanks under which its
    columns run) above a fully named row, with data under that. A title or filter line is left-aligned
    ('Date range:', '2025-01'), so a group row must name a column past the second."""
    top, sub = raw.header, raw.rows[0] if raw.rows else []
    width = len(top)
    if raw.extra_header_rows or width < 3 or len(raw.rows) < 2 or _filled(sub) < width:
        return False
    filled = [i for i, c in enumerate(top) if c.strip()]
    if not filled or len(filled) == width or max(filled) < 2:
        return False
    blank_after_a_group = any(not top[i].strip() for i in range(filled[0] + 1, width))
    data = raw.rows[1]
    return blank_after_a_group and _header_like(sub) and any(_NUMBER.match(c) for c in data if c.strip())


def _joined(top: list[str], sub: list[str]) -> list[str]:
    """'First response' + 'Hours' -> 'First response Hours'; a group name runs right over blank cells."""
    out, group = [], ""
    for g, h in zip(top, sub, strict=False):
        group = g.strip() or group
        out.append(f"{group} {h}".strip() if group and normalize(group) != normalize(h) else h)
    return out


def locate(raw: RawTable) -> tuple[RawTable, list[str]]:
    """The table with its header found and totals rows dropped, and what was done, in words."""
    notes: list[str] = []
    width = len(raw.header)
    if _group_row(raw):
        joined = _joined(raw.header, raw.rows[0])
        numbers = raw.row_numbers[1:] if raw.row_numbers else []
        raw = dataclasses.replace(
            raw, header=joined, rows=raw.rows[1:], row_numbers=numbers,
            first_data_line=numbers[0] if numbers else raw.first_data_line)
        notes.append("two header rows joined into one name per column: "
                     + ", ".join(f"'{n}'" for n in joined if " " in n)[:160])
    if raw.rows and width > 2 and _filled(raw.header) <= max(1, width // 3) and not raw.extra_header_rows:
        for k, row in enumerate(raw.rows[:30]):
            if _filled(row) >= max(2, int(0.6 * width)) and _header_like(row):
                above = [[c for c in r if c.strip()] for r in [raw.header, *raw.rows[:k]]]
                numbers = raw.row_numbers[k + 1 :] if raw.row_numbers else []
                raw = dataclasses.replace(
                    raw, header=list(row), rows=raw.rows[k + 1 :], row_numbers=numbers,
                    first_data_line=numbers[0] if numbers else raw.first_data_line,
                    title_rows=raw.title_rows + [r for r in above if r])
                notes.append(f"header found under a {len(above)}-line title block: "
                             + " / ".join(" ".join(r) for r in above if r)[:120])
                break
    dropped = 0
    while raw.rows and any(c.strip() for c in raw.rows[-1]):
        first = next(c for c in raw.rows[-1] if c.strip())
        if normalize(first) not in _TOTALS:
            break
        raw.rows.pop()
        if raw.row_numbers:
            raw.row_numbers.pop()
        dropped += 1
    if dropped:
        raw = dataclasses.replace(raw, footer_dropped=raw.footer_dropped + dropped)
        notes.append(f"{dropped} totals row(s) at the end left out")
    names = raw.column_names()
    dups = [n for n in names if re.search(r" \(\d+\)$", n) and n.rsplit(" (", 1)[0] in raw.header]
    if dups:
        notes.append("columns with the same name told apart as " + ", ".join(f"'{d}'" for d in dups))
    return raw, notes
