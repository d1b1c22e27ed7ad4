"""The importer's library API (the Data page and the CLI call this; no streamlit here).

    p = preview(data, "zendesk.csv", engine=engine)   # nothing written
    p.questions / p.problems / p.rows                 # show, ask, fix
    p = preview(data, "zendesk.csv", answers={"dayfirst": "yes"}, engine=engine)
    report = commit(engine, p)                        # one transaction; a repeat is a no-op
    remove_load(engine, report.load_id)               # back to exactly the state before
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cxkpi.access import guarded
from cxkpi.ingest import load as _load
from cxkpi.ingest import spreadsheetml
from cxkpi.ingest.detect import detect, near_misses
from cxkpi.ingest.frame import Mapped
from cxkpi.ingest.locate import locate
from cxkpi.ingest.mapping import apply_source, source_from_spec
from cxkpi.ingest.problems import Problem, Problems, Question, printable
from cxkpi.ingest.read import RawTable, ReadError, read_table
from cxkpi.ingest.recognize import Decision, Proposal, recognize
from cxkpi.ingest.saved import find_mapping, header_signature, save_mapping
from cxkpi.ingest.suggest import Suggestion, suggest_mapping
from cxkpi.ingest.validate import validate
from cxkpi.sources import all_sources, get_source
from cxkpi.sources.base import Field, Source, norm

__all__ = [
    "LoadReport", "Preview", "Problem", "Question", "commit", "ingest_file", "list_sources", "load_mapping_file",
    "preview", "remove_load", "save_mapping", "suggest_mapping", "template_csv",
]

SAMPLE_ROWS = 20


@dataclass
class Preview:
    """What a file would load, before anything is written."""

    file_name: str
    sha256: str
    source: str | None  # recognized (or forced / mapped) source name; None = not recognized
    source_label: str | None
    tables: list[str]
    mapping: dict[str, dict[str, str]]  # table -> canonical column -> export header
    questions: list[Question]
    problems: list[Problem]
    rows: pd.DataFrame  # a few mapped rows of the main table
    row_count: int  # data rows in the file
    rows_to_load: dict[str, int] = field(default_factory=dict)
    rows_left_out: int = 0
    suggestion: Suggestion | None = None  # for an unrecognized file: a proposed mapping to confirm
    already_loaded: int | None = None  # load id of an active load of the same bytes
    read_info: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    # An export no registered tool or saved mapping matches: the reading proposed by meaning, its mapping,
    # and whether the user has accepted it yet (one click on the Data page, --accept-suggested on the CLI).
    proposal: Proposal | None = None
    proposal_spec: dict[str, Any] | None = None
    needs_confirmation: bool = False
    _mapped: Mapped | None = field(default=None, repr=False)
    _system: str | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """Loadable as is: recognized or mapped, no errors, no open questions."""
        return self._mapped is not None and not self.errors and not self.questions and not self.needs_confirmation

    @property
    def clicks(self) -> str:
        """How this file gets in: 'none' (a registered tool or a saved reading), 'one' (a proposal with no
        question), 'answer' (a proposal with questions, each with a suggested answer)."""
        if self.proposal is None:
            return "none"
        return "answer" if self.proposal.asks else "one"


@dataclass
class LoadReport:
    file_name: str
    source: str | None
    tables: list[str]
    rows_added: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0  # rows not loaded: left out with a warning, or every row of a rejected file
    load_id: int | None = None
    already_loaded: bool = False
    rejected: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    seconds: float = 0.0
    source_label: str | None = None
    reading: list[str] = field(default_factory=list)  # a proposed reading in plain words (unknown shapes)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["problems"] = [p.to_dict() for p in self.problems]
        d["questions"] = [q.to_dict() for q in self.questions]
        return d


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def list_sources() -> list[Source]:
    return all_sources()


def template_csv(table: str) -> str:
    """The downloadable template of a canonical table: its header and one example row."""
    from cxkpi.sources.canonical import template_header

    header = template_header(table)
    example = _EXAMPLES.get(table, {})
    buf = io.StringIO()
    pd.DataFrame([{h: example.get(h, "") for h in header}], columns=header).to_csv(buf, index=False)
    return buf.getvalue()


_EXAMPLES: dict[str, dict[str, str]] = {
    "accounts": {"account_id": "C001", "name": "Northwind Traders", "email": "billing@northwind.example",
                 "domain": "northwind.example", "segment": "Enterprise", "region": "EMEA", "plan": "Enterprise",
                 "owner": "Dana Reyes", "created_at": "2024-01-15"},
    "subscriptions": {"subscription_id": "S001", "account_id": "C001", "plan": "Enterprise", "amount": "1200.00",
                      "currency": "USD", "interval": "month", "interval_count": "1", "quantity": "1",
                      "discount": "0", "status": "active", "started_at": "2024-01-15"},
    "payments": {"payment_id": "P001", "account_id": "C001", "amount": "1200.00", "currency": "USD",
                 "paid_at": "2025-01-15", "status": "paid"},
    "renewals": {"renewal_id": "R001", "account_id": "C001", "due_date": "2025-12-31", "outcome": "open",
                 "amount": "14400.00", "currency": "USD"},
    "tickets": {"ticket_id": "T001", "account_id": "C001", "channel": "email", "created_at": "2025-03-04 10:22:11",
                "first_reply_minutes": "45", "solved_at": "2025-03-05 09:00:00", "status": "solved",
                "reopens": "0", "agent_replies": "1", "handle_minutes": "12", "satisfaction": "good"},
    "responses": {"response_id": "A001", "survey": "Support CSAT", "kind": "csat", "score": "5", "scale_min": "1",
                  "scale_max": "5", "submitted_at": "2025-03-05 12:00:00", "account_id": "C001",
                  "comment": "Quick answer", "channel": "email"},
    "costs": {"date": "2025-03-01", "category": "CS tooling", "amount": "450.00", "currency": "USD"},
}


def load_mapping_file(path: str | Path) -> dict[str, Any]:
    """Read a mapping TOML (docs/ingest.md): table, [columns], [values.<column>], [options], [answers]."""
    p = Path(path)
    with p.open("rb") as fh:
        spec = tomllib.load(fh)
    spec.setdefault("name", p.stem)
    if "columns" not in spec and "source" not in spec and "options" not in spec and "answers" not in spec:
        raise ValueError(f"{p}: a mapping needs `table` and [columns], or `source`, [options] or [answers]")
    if spec.get("columns") and not spec.get("table") and not spec.get("source"):
        raise ValueError(f"{p}: [columns] needs `table = \"tickets\"` (or another canonical table)")
    return spec


def _source_for(spec: dict[str, Any], raw: RawTable) -> Source:
    """A mapping spec: a custom source from [columns], or a registered source with column overrides."""
    if spec.get("source"):
        base = get_source(spec["source"])
        overrides = {c: Field(names=(h,) if isinstance(h, str) else tuple(h))
                     for c, h in (spec.get("columns") or {}).items()}
        if not overrides:
            return base
        cols = dict(base.columns)
        for c, f in overrides.items():
            old = cols.get(c)
            cols[c] = dataclasses.replace(old, names=f.names) if old else f
        return dataclasses.replace(base, columns=cols)
    return source_from_spec(spec, name=f"mapping:{spec.get('name', 'mapping')}")


def preview(
    data: bytes,
    file_name: str,
    *,
    source: str | None = None,
    mapping: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    engine: sa.Engine | None = None,
    progress: Any = None,
    sheet: str | None = None,
    dayfirst: bool | str | None = None,
    accept_suggested: bool = False,
    max_bytes: int | None = None,
) -> Preview:
    """Read, recognize (or map), type and validate a file. Nothing is written. max_bytes caps what a
    compressed upload may inflate to (see read_table)."""
    sha = sha256_of(data)
    problems = Problems(file_name)
    empty = Preview(file_name, sha, None, None, [], {}, [], problems, pd.DataFrame(), 0)
    if engine is not None:
        # The checksum before anything is parsed: a re-sent file costs a hash and one query.
        with engine.connect() as conn:
            done = _load.active_load_with(conn, sha)
            row = conn.execute(sa.text("SELECT source, table_name, rows FROM loads WHERE load_id = :i"),
                               {"i": done}).first() if done is not None else None
        if row is not None:
            empty.already_loaded, empty.source = done, row[0]
            empty.tables, empty.row_count = [x for x in str(row[1]).split("+") if x and x != "-"], int(row[2] or 0)
            return empty
    if spreadsheetml.is_spreadsheetml(data):
        # Excel 2003 XML named .xls (Freshdesk's Excel download): read as the CSV it holds.
        try:
            data = spreadsheetml.to_csv(data)
            read_name = file_name.rsplit(".", 1)[0] + ".csv"
        except (ValueError, SyntaxError) as e:
            problems.add("error", f"{printable(file_name)} is an XML spreadsheet cxkpi cannot read ({e}).")
            return empty
    else:
        read_name = file_name
    try:
        raw = read_table(data, read_name, sheet=sheet, progress=progress, max_bytes=max_bytes)
    except ReadError as e:
        problems.add("error", str(e))
        return empty
    except Exception as e:  # a reader bug must still end in a message naming the file, not a traceback
        problems.add("error", f"{printable(file_name)} could not be read ({type(e).__name__}: {printable(str(e)[:300])}).")
        return empty
    raw, located = locate(raw)
    empty.row_count = len(raw.rows)
    empty.read_info = {"encoding": raw.encoding, "delimiter": raw.delimiter, "sheet": raw.sheet,
                       "sheets": raw.sheets, "footer_dropped": raw.footer_dropped,
                       "header_rows": 1 + len(raw.extra_header_rows), "first_data_line": raw.first_data_line,
                       "header": list(raw.header)}
    for w in raw.warnings:
        problems.add("warning", w)
    empty.read_info["located"] = located
    spec = dict(mapping or {})
    src: Source | None = None
    try:
        if spec.get("columns") or spec.get("source"):
            src = _source_for(spec, raw)
        elif source:
            src = get_source(source)
        else:
            found = detect(raw)
            if found:
                src = found[0].source
            else:
                saved = find_mapping(engine, raw.header)
                if saved:
                    spec = {**saved[1], **{k: v for k, v in spec.items() if v}}
                    src = _source_for(dict(saved[1], name=saved[0]), raw)
    except (KeyError, ValueError) as e:
        problems.add("error", str(e).strip("'\""))
        return empty
    prop: Proposal | None = None
    given = dict(answers or {})
    if src is None:
        prop = recognize(raw)
        for note in located:
            prop.decisions.append(Decision("file layout", None, "note", 1.0, note))
        near = near_misses(raw)
        if near and near[0].source.table == prop.table:
            prop.looks_like = near[0].source.label
        if accept_suggested:
            given = {**prop.suggested_answers(), **given}
        blocked = prop.unanswerable(given)
        if blocked:
            problems.add("error", "this export is not one cxkpi recognizes, and the proposed reading needs an "
                         "answer cxkpi cannot suggest: " + " ".join(a.prompt for a in blocked) + " Answer it on the "
                         "Data page, or pass a mapping file (cxkpi ingest --mapping FILE.toml; see docs/ingest.md).")
            empty.proposal, empty.suggestion = prop, suggest_mapping(raw)
            empty.questions = _asks(prop, given)
            return empty
        spec = {**prop.spec(given), "name": "recognized"}
        try:
            src = source_from_spec(spec, name=f"recognized:{prop.table}")
        except ValueError as e:
            problems.add("error", str(e))
            return empty
    if source and not spec.get("columns"):
        missing = [alts[0] for alts in src.required if not any(norm(a) in {norm(h) for h in raw.column_names()}
                                                                for a in alts)]
        if missing:
            problems.add("error", f"this file does not look like {src.label}: no column "
                         f"{', '.join(repr(m) for m in missing)}.")
            return empty
    if src.header_rows and src.header_rows != 1 + len(raw.extra_header_rows):
        raw = read_table(data, read_name, header_rows=src.header_rows, sheet=sheet)
    options = dict(spec.get("options") or {})
    if spec.get("values"):
        options["values"] = spec["values"]
    if dayfirst not in (None, "auto"):
        options["dayfirst"] = dayfirst
    options["answers"] = {**(spec.get("answers") or {}), **given}
    mapped = apply_source(src, raw, options)
    if accept_suggested and any(q.default for q in mapped.questions if q.id not in options["answers"]):
        # --accept-suggested answers every question that has a suggestion, the importer's own included.
        options["answers"].update({q.id: q.default for q in mapped.questions if q.default})
        mapped = apply_source(src, raw, options)
    validate(mapped)
    # Row-level complaints about a column whose question is still open (e.g. day-first dates) are only
    # the echo of that question: show the question, not one warning per row.
    open_cols = {q.column for q in mapped.questions if q.column}
    problems.extend(p for p in mapped.problems if not (p.row is not None and p.column in open_cols))
    main = mapped.tables.get(src.table, pd.DataFrame())
    shown = main.drop(columns=[c for c in ("_column",) if c in main.columns]).head(SAMPLE_ROWS)
    prev = Preview(
        file_name=file_name, sha256=sha, source=src.name, source_label=src.label, tables=list(mapped.tables),
        mapping=mapped.mapping, questions=(_asks(prop, given) if prop else []) + mapped.questions,
        problems=problems, rows=shown,
        row_count=len(raw.rows), rows_to_load={t: len(d) for t, d in mapped.tables.items()},
        rows_left_out=mapped.skipped, read_info=empty.read_info, options=options,
        _mapped=mapped, _system=src.system, proposal=prop, proposal_spec=spec if prop else None,
        needs_confirmation=prop is not None and not accept_suggested,
    )
    if prop is not None:
        prev.source_label = f"recognized by meaning — {prop.describe()[0].rstrip('.')}"
        prev.suggestion = suggest_mapping(raw)  # the column-by-column editor stays available
    if not source and not spec.get("columns") and mapped.problems.errors and not len(main):
        # A loose match (e.g. any file with a 'Timestamp' column looks like Google Forms) that yields
        # nothing: offer the mapping screen as well.
        prev.suggestion = suggest_mapping(raw)
    if engine is not None:
        with engine.connect() as conn:
            prev.already_loaded = _load.active_load_with(conn, sha)
    return prev


@guarded("load a file")
def commit(engine: sa.Engine, p: Preview, *, is_demo: bool = False) -> LoadReport:
    """Load a previewed file in one transaction. A preview with errors or open questions changes nothing."""
    rep = LoadReport(p.file_name, p.source, list(p.tables), problems=list(p.problems), questions=list(p.questions),
                     source_label=p.source_label)
    if p.proposal is not None:
        rep.reading = p.proposal.describe(p.options.get("answers") if not p.needs_confirmation else None)
    if not p.ok or p._mapped is None:
        rep.rejected = True
        rep.rows_rejected = p.row_count
        return rep
    m = p._mapped
    tables = {t: df.drop(columns=[c for c in df.columns if c.startswith("_")]) for t, df in m.tables.items()}
    meta = {"source": p.source, "columns": p.mapping,
            "options": {k: v for k, v in p.options.items() if k != "values" or v},
            "read": p.read_info}
    warnings = [w.to_dict() for w in p.warnings]
    res = _load.load_tables(engine, tables, system=p._system or "custom", file_name=p.file_name, sha256=p.sha256,
                            source=p.source or "mapping", mapping=meta, warnings=warnings, is_demo=is_demo)
    rep.seconds = res.seconds
    rep.rows_rejected = m.skipped
    if res.already_loaded:
        rep.already_loaded = True
        rep.load_id = res.previous_load_id
        return rep
    rep.load_id = res.load_id
    if p.proposal is not None and p.proposal_spec and p.read_info.get("header"):
        # An accepted reading is kept: the next export of this shape loads with no click.
        spec = {k: v for k, v in p.proposal_spec.items() if k != "name"}
        save_mapping(engine, f"recognized-{p.proposal.table}-{header_signature(p.read_info['header'])[:8]}",
                     p.read_info["header"], p.proposal.table, spec)
    rep.counts = {t: vars(c) for t, c in res.counts.items()}
    rep.rows_added = sum(c.added for c in res.counts.values())
    rep.rows_updated = sum(c.updated for c in res.counts.values())
    rep.rows_unchanged = sum(c.unchanged for c in res.counts.values())
    return rep


@guarded("remove a load")
def remove_load(engine: sa.Engine, load_id: int) -> dict[str, int]:
    """Remove one load and restore what it replaced (see cxkpi.ingest.load.remove_load)."""
    return _load.remove_load(engine, load_id)


def ingest_file(
    engine: sa.Engine,
    path_or_bytes: str | Path | bytes,
    file_name: str | None = None,
    **kw: Any,
) -> LoadReport:
    """preview + commit in one call (scripts, tests, the CLI)."""
    if isinstance(path_or_bytes, bytes):
        data, name = path_or_bytes, file_name or "upload.csv"
    else:
        path = Path(path_or_bytes)
        from cxkpi.ingest.chunked import ingest_large  # a large UTF-8 CSV: streamed, bounded memory

        rep = ingest_large(engine, path, file_name or path.name, **kw)
        if rep is not None:
            return rep
        data, name = path.read_bytes(), file_name or path.name
    p = preview(data, name, engine=engine, **kw)
    if p.already_loaded is not None:
        return LoadReport(name, p.source, list(p.tables), load_id=p.already_loaded, already_loaded=True,
                          problems=list(p.problems), source_label=p.source_label)
    return commit(engine, p)


@guarded("save a column mapping")
def confirm_mapping(engine: sa.Engine, p: Preview, name: str, spec: dict[str, Any]) -> str:
    """Save a mapping the user confirmed (e.g. p.suggestion.spec(), edited) so that a file with the same
    header maps itself next time. Returns the header signature."""
    return save_mapping(engine, name, p.read_info.get("header") or [], spec["table"], spec)


def _asks(prop: Proposal, given: dict[str, Any]) -> list[Question]:
    """The proposal's open questions, in the user's terms, each with its suggested answer as default."""
    return [Question(id=a.id, prompt=a.prompt, choices=list(a.choices), column=a.column, default=a.suggested)
            for a in prop.asks if a.id not in given]
