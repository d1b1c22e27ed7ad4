"""Read an uploaded export (CSV/TSV/TXT, XLSX/XLS/ODS) into text cells plus what we learned about it.

Nothing here types values (see values.py). Everything is text; '' for an empty cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


class ReadError(Exception):
    """The file cannot be read as a table. The message names the file and says what to do."""


@dataclass
class RawTable:
    """One table read from one file.

    rows: list[list[str]], every row padded/truncated to len(header); fully blank rows are left out.
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
        raise NotImplementedError

    def frame(self):  # -> pandas.DataFrame
        """The rows as a DataFrame of str with column_names() as columns (pandas imported lazily)."""
        raise NotImplementedError

    def column_timezones(self) -> dict[int, str]:
        """Column index -> time zone named by the file: a header suffix like '(America/New_York)' or
        '(UTC)', or Qualtrics' ImportId row ('{"ImportId":"startDate","timeZone":"America/Denver"}')."""
        raise NotImplementedError


def read_table(
    data: bytes,
    file_name: str,
    *,
    header_rows: int | None = None,
    sheet: str | None = None,
    progress: Callable[[float], None] | None = None,
) -> RawTable:
    """Read `data` (the uploaded bytes) into a RawTable.

    header_rows: None = auto (3 for Qualtrics names/question text/ImportId, 2 for SurveyMonkey, else 1);
    sheet: workbook sheet name (None = first non-empty sheet); progress(fraction) is called at least every
    ~10 % and finally with 1.0. Raises ReadError for empty, binary or data-less files.
    """
    raise NotImplementedError
