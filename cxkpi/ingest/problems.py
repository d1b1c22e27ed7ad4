"""Problems found in a file, and questions the importer must ask instead of guessing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

MAX_PER_COLUMN = 10  # list this many bad cells per column and message, then one "and N more" line
ROWS_SHOWN = 10  # row numbers written out in one message before "… and N more"

# C0/C1 control characters (ESC starts terminal escape sequences), bidi overrides and zero-width marks:
# printed raw, a file name or a cell could rewrite the terminal or disguise itself.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: object) -> str:
    """Text safe to print: control characters shown as escapes (\\x1b, \\n), everything else as is."""
    s = str(text)
    if not _CONTROL.search(s):
        return s
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), s)


def summarize_rows(rows: Sequence[int], shown: int = ROWS_SHOWN) -> str:
    """'row 7', 'rows 2, 3, 9' or 'rows 2, 3, … and 299 997 more': never a line as long as the file."""
    rows = list(rows)
    if len(rows) == 1:
        return f"row {rows[0]}"
    if len(rows) <= shown:
        return "rows " + ", ".join(map(str, rows))
    more = f"{len(rows) - shown:,}".replace(",", " ")
    return "rows " + ", ".join(map(str, rows[:shown])) + f", … and {more} more"


@dataclass
class Problem:
    """One thing wrong with a file. row is the spreadsheet row the user sees (None = the whole file);
    column is the export's own header text. Errors reject the file; warnings do not."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    severity: str = "error"  # error / warning

    def text(self) -> str:
        where = printable(self.file)
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{printable(self.column)}'"
        val = f": {printable(repr(self.value))}" if self.value not in (None, "") else ""
        return f"{self.severity}: {where}{val} — {printable(self.message)}"

    def shown(self) -> str:
        """text() in the current language (`cxkpi ingest --lang`); text() itself stays English for logs."""
        from cxkpi.i18n import t
        from cxkpi.i18n_messages import localize

        where = printable(self.file)
        if self.row is not None:
            where += t("cli.problem.row", row=self.row)
        if self.column:
            where += t("cli.problem.column", column=printable(self.column))
        val = f": {printable(repr(self.value))}" if self.value not in (None, "") else ""
        return t("cli.problem.line", severity=t(f"data.severity.{self.severity}"), where=where, value=val,
                 message=printable(localize(self.message)))  # fmt: skip

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Question:
    """Something only the user can settle (ambiguous dates, a survey question's kind or scale).

    Answer it with answers={id: choice} in preview(), or on the command line with a mapping file's
    [answers] table (`--dayfirst yes|no` answers the date question)."""

    id: str
    prompt: str
    choices: list[str]
    column: str | None = None
    default: str | None = None
    samples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


class Problems(list):
    """A list of Problem with helpers to add many cells at once without flooding the user."""

    def __init__(self, file: str) -> None:
        super().__init__()
        self.file = file

    def add(
        self,
        severity: str,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.append(Problem(self.file, row, column, None if value is None else str(value), message, severity))

    def cells(
        self, severity: str, message: str, rows: list[int], values: list[object], column: str | None
    ) -> None:
        """One problem per cell (first MAX_PER_COLUMN), then a summary line for the rest."""
        for r, v in list(zip(rows, values, strict=True))[:MAX_PER_COLUMN]:
            self.add(severity, message, row=r, column=column, value=v)
        if len(rows) > MAX_PER_COLUMN:
            more = len(rows) - MAX_PER_COLUMN
            self.add(
                severity,
                f"… and {more} more row(s) with the same problem ({summarize_rows(rows[MAX_PER_COLUMN:])}). "
                + message,
                column=column,
            )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity == "warning"]
