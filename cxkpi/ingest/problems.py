"""Problems found in a file, and questions the importer must ask instead of guessing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

MAX_PER_COLUMN = 10  # list this many bad cells per column and message, then one "and N more" line


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
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        val = f": {self.value!r}" if self.value not in (None, "") else ""
        return f"{self.severity}: {where}{val} — {self.message}"

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

    def add(self, severity: str, message: str, *, row: int | None = None, column: str | None = None,
            value: object = None) -> None:
        self.append(Problem(self.file, row, column, None if value is None else str(value), message, severity))

    def cells(self, severity: str, message: str, rows: list[int], values: list[object],
              column: str | None) -> None:
        """One problem per cell (first MAX_PER_COLUMN), then a summary line for the rest."""
        for r, v in list(zip(rows, values, strict=True))[:MAX_PER_COLUMN]:
            self.add(severity, message, row=r, column=column, value=v)
        if len(rows) > MAX_PER_COLUMN:
            more = len(rows) - MAX_PER_COLUMN
            self.add(severity, f"… and {more} more row(s) with the same problem (rows {rows[MAX_PER_COLUMN]}"
                     f"–{rows[-1]}). " + message, column=column)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity == "warning"]
