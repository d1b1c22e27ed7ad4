"""The table a file holds, as text cells: what every stage after reading works on (RawTable), and the
error a file that cannot be read as a table raises (ReadError)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[float], None]


class ReadError(Exception):
    """The file cannot be read as a table. The message names the file and says what to do."""


@dataclass
class RawTable:
    """One table read from one file.

    rows: list[list[str]] (not a DataFrame: use frame()), every cell text trimmed of surrounding whitespace,
    '' for empty, every row padded to len(header); fully blank rows are left out. Columns with neither a
    header nor any data (trailing delimiters, an XLSX table starting in column B) are dropped.
    row_numbers[i] is the 1-based row the user sees in their spreadsheet for rows[i] (a CSV record with a
    quoted line break counts as one row, as in Excel), so errors can say "row 7".
    first_data_line == row_numbers[0] (or the row after the header block when there is no data).
    """

    file_name: str
    header: list[str]
    extra_header_rows: list[list[str]]
    rows: list[list[str]]
    first_data_line: int
    encoding: str | None  # None for workbooks
    delimiter: str | None  # None for workbooks
    sheet: str | None  # the sheet read (workbooks only)
    sheets: list[str]  # every sheet name ([] for text files)
    footer_dropped: int  # non-blank footer lines removed (Salesforce report footer, Grand Totals)
    row_numbers: list[int] = field(default_factory=list)
    title_rows: list[list[str]] = field(default_factory=list)  # rows skipped above the header (report title)
    warnings: list[str] = field(default_factory=list)  # things the page should show (e.g. undecodable bytes)

    def column_names(self) -> list[str]:
        """Unique, non-empty display names, one per column (header text; a blank header cell takes the
        text from the extra header rows, else 'Column N'; duplicates get ' (2)', ' (3)')."""
        names: list[str] = []
        seen: dict[str, int] = {}
        for i, h in enumerate(self.header):
            name = h
            if not name:
                name = next((r[i] for r in self.extra_header_rows if i < len(r) and r[i].strip()), "")
                name = name.strip() or f"Column {i + 1}"
            if name in seen:
                seen[name] += 1
                name = f"{name} ({seen[name]})"
            seen.setdefault(name, 1)
            names.append(name)
        return names

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame of str with column_names() as columns and a 0..n-1 index."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.column_names(), dtype=object)

    def column(self, i: int) -> list[str]:
        """Cells of column i, one per row."""
        return [r[i] for r in self.rows]

    def column_timezones(self) -> dict[int, str]:
        """Column index -> time zone named by the file: a header suffix like '(America/New_York)' or
        '(UTC)', or Qualtrics' ImportId row ('{"ImportId":"startDate","timeZone":"America/Denver"}')."""
        from cxkpi.ingest.values import strip_header_tz

        out: dict[int, str] = {}
        for i, h in enumerate(self.header):
            tz = strip_header_tz(h)[1]
            if tz:
                out[i] = tz
        for r in self.extra_header_rows:
            for i, cell in enumerate(r):
                if cell.lstrip().startswith("{") and "timeZone" in cell:
                    try:
                        tz = json.loads(cell).get("timeZone")
                    except (ValueError, AttributeError):
                        continue
                    if isinstance(tz, str) and tz:
                        out.setdefault(i, tz)
        return out
