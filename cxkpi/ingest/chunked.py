"""Large text exports loaded in chunks, so memory stays bounded whatever the file's size.

The whole-file path (api.preview + commit) holds every cell of the file as a Python string several
times over: about 13× the file at the peak. Here a UTF-8 CSV is streamed from disk instead:

1. the checksum in one streaming pass (a file loaded before stops here), then a UTF-8 check;
2. the first chunk goes through api.preview like any upload: it decides the reading (source, options,
   answered questions) and reports its problems;
3. every later chunk is read with the same header block, typed and validated with that same reading and
   upserted in the same transaction as it comes; a problem in any chunk rolls the whole file back.

Anything else (archives, workbooks, legacy encodings, an Excel 'sep=' line, small files) returns None and
takes the whole-file path, which reads those cases exactly. On a DuckDB store a file is first offered to
cxkpi.ingest.sqlload (read, typed, validated and upserted by SQL, the plan checked on a sample); the
chunks here are its fall-back for readings SQL does not express, and PostgreSQL's path.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cxkpi.ingest import load as _load
from cxkpi.ingest.problems import Problem, printable
from cxkpi.ingest.read import MAX_FIELD_LINES, _build, _sniff_delimiter
from cxkpi.ingest.validate import validate

CHUNK_ROWS = 50_000  # rows typed at once: ~0.25 GB of Python strings for a 40-column export
MIN_BYTES = 64_000_000  # below this the whole-file path is as fast and keeps every reading exact
DUCKDB_MEMORY_LIMIT = "1GB"  # DuckDB's cache while a large file loads (it spills beyond this)
SQL_PATH = True  # try cxkpi.ingest.sqlload first on a DuckDB store (tests switch it off to compare)
MAX_PROBLEMS = 200  # problems kept across chunks (each chunk already summarizes its own)
_NOT_TEXT = (b"PK\x03\x04", b"\x1f\x8b", b"\xd0\xcf\x11\xe0", b"\xff\xfe", b"\xfe\xff", b"%PDF")


class _Rejected(Exception):
    """A later chunk has errors or new questions: the transaction rolls back."""


def _sha256(path: Path) -> str:
    """The file's sha256, streamed (a re-sent file costs this pass and one query, nothing more)."""
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            sha.update(block)
    return sha.hexdigest()


def _is_utf8(path: Path) -> bool:
    """Whether all of the file decodes as UTF-8, streamed."""
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as fh:
            while block := fh.read(1 << 22):
                dec.decode(block)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _records(reader: Any, file_name: str, width: list[int]) -> Iterator[list[str]]:
    """Records with the unclosed-quote guard of read.py: a record swallowing many lines is rejected."""
    line = 0
    for n, row in enumerate(reader, start=1):
        spanned = reader.line_num - line
        if spanned > 1 and width:
            for col, cell in enumerate(row):
                inner = cell.split("\n")[1:] if "\n" in cell else []
                delim = reader.dialect.delimiter
                rowlike = sum(1 for x in inner if width[0] >= 4 and x.count(delim) >= width[0] - 1)
                if len(inner) >= MAX_FIELD_LINES or (rowlike >= 2 and rowlike >= len(inner) // 2):
                    raise _Rejected(
                        f'{file_name}, row {n}, column {col + 1}: a quote (") opened here is not closed before '
                        f"line {line + spanned}, so {spanned - 1} following line(s) would be read as one cell. "
                        "Close or remove the stray quote and export again."
                    )
        line = reader.line_num
        if not width:
            width.append(len(row))
        yield row


def ingest_large(engine: sa.Engine, path: Path, file_name: str, **kw: Any) -> Any:
    """Load a large UTF-8 CSV in chunks; a LoadReport, or None when the file should take the whole-file path."""
    from cxkpi.ingest.api import LoadReport

    if kw.get("sheet") or path.stat().st_size < MIN_BYTES:
        return None
    with path.open("rb") as fh:
        head = fh.read(65_536)
    if head.startswith(_NOT_TEXT) or head.lstrip(b"\xef\xbb\xbf")[:4].lower() == b"sep=" or b"\x00" in head:
        return None
    sha = _sha256(path)
    name = printable(file_name)
    with engine.connect() as conn:
        done = _load.active_load_with(conn, sha)
    if done is not None:
        return LoadReport(name, None, [], load_id=done, already_loaded=True)
    if not _is_utf8(path):
        return None  # legacy and mixed encodings: the whole-file reader decodes them line by line
    from cxkpi.access import require_editor
    from cxkpi.access.audit import record

    who = require_editor("load a file")  # the same check and audit row as api.commit
    rep, how = None, f"in chunks of {CHUNK_ROWS} rows"
    if SQL_PATH:  # typed and validated by DuckDB; None when the file needs a Python reading (see sqlload)
        from cxkpi.ingest import sqlload

        rep, how = sqlload.ingest(engine, path, name, sha, **kw), "by SQL"
    if rep is None:
        rep, how = _ingest(engine, path, name, sha, **kw), f"in chunks of {CHUNK_ROWS} rows"
    if not rep.rejected and rep.load_id is not None:
        record(engine, who, "load a file", f"{name!r} {how}, load {rep.load_id}")
    return rep


def _ingest(engine: sa.Engine, path: Path, name: str, sha: str, **kw: Any) -> Any:
    from cxkpi.ingest.api import LoadReport, commit, preview

    text = io.TextIOWrapper(path.open("rb"), encoding="utf-8-sig", newline="")
    try:
        sample = text.read(65_536)
        text.seek(0)
        delimiter = _sniff_delimiter(sample, name)
        reader = csv.reader(text, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        width: list[int] = []
        records = _records(reader, name, width)
        try:
            first = list(itertools.islice(records, CHUNK_ROWS))
        except _Rejected as e:
            return _rejected(LoadReport, name, str(e))
        buf = io.StringIO()
        csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(first)
        p = preview(buf.getvalue().encode("utf-8"), name, engine=engine, **kw)
        if not p.ok or p._mapped is None:
            return commit(engine, p)  # rejected: nothing is written, the report says why
        header_rows = int(p.read_info.get("header_rows") or 1)
        body_at = int(p.read_info.get("first_data_line") or header_rows + 1) - 1  # records before the body
        block = first[body_at - header_rows : body_at]
        first_len = len(first)
        del first, buf
        m = p._mapped
        problems: list[Problem] = list(p.problems)
        skipped = [m.skipped]
        rows_read = [p.row_count]

        def chunks() -> Iterator[dict[str, pd.DataFrame]]:
            head_tables, m.tables = m.tables, {}  # held only until written: memory stays one chunk
            yield _strip(head_tables)
            del head_tables
            start = first_len
            while True:
                part = list(itertools.islice(records, CHUNK_ROWS))
                if not part:
                    return
                numbers = list(range(body_at - header_rows + 1, body_at + 1))
                numbers += list(range(start + 1, start + len(part) + 1))
                start += len(part)
                raw = _build(block + part, numbers, name, header_rows)
                raw.encoding, raw.delimiter = "utf-8", delimiter
                later = validate(_apply(m.source, raw, p.options))
                rows_read[0] += len(raw.rows)
                skipped[0] += later.skipped
                if later.questions:
                    later.problems.add(
                        "error",
                        f"rows {numbers[len(block)]}–{numbers[-1]} raise a question the "
                        f"first {CHUNK_ROWS:,} rows did not: {later.questions[0].prompt}",
                    )
                for prob in later.problems:
                    if len(problems) < MAX_PROBLEMS:
                        problems.append(prob)
                if later.problems.errors or later.questions:
                    raise _Rejected()
                yield _strip(later.tables)

        meta = {
            "source": p.source,
            "columns": p.mapping,
            "read": {**p.read_info, "chunked": CHUNK_ROWS},
            "options": {k: v for k, v in p.options.items() if k != "values" or v},
        }
        rep = LoadReport(name, p.source, list(p.tables), source_label=p.source_label)
        try:
            with _duckdb_memory_cap(engine):
                res = _load.load_tables(
                    engine,
                    chunks(),
                    system=p._system or "custom",
                    file_name=name,
                    sha256=sha,
                    source=p.source or "mapping",
                    mapping=meta,
                    warnings=[w.to_dict() for w in problems if w.severity == "warning"],
                )
        except _Rejected as e:
            rep.problems = problems + ([Problem(name, None, None, None, str(e))] if str(e) else [])
            rep.rejected, rep.rows_rejected = True, rows_read[0]
            return rep
        except _load.RepeatedKeys as e:
            rep.problems = problems + [
                Problem(
                    name,
                    None,
                    None,
                    ", ".join(e.keys),
                    f"{e}. Each row must be unique: remove the duplicate rows.",
                )
            ]
            rep.rejected, rep.rows_rejected = True, rows_read[0]
            return rep
        rep.problems = problems
        rep.seconds = res.seconds
        rep.rows_rejected = skipped[0]
        if res.already_loaded:
            rep.already_loaded, rep.load_id = True, res.previous_load_id
            return rep
        rep.load_id = res.load_id
        rep.tables = list(res.counts)
        rep.counts = {t: vars(c) for t, c in res.counts.items()}
        rep.rows_added = sum(c.added for c in res.counts.values())
        rep.rows_updated = sum(c.updated for c in res.counts.values())
        rep.rows_unchanged = sum(c.unchanged for c in res.counts.values())
        return rep
    finally:
        text.close()


@contextlib.contextmanager
def _duckdb_memory_cap(engine: sa.Engine) -> Iterator[None]:
    """DuckDB caches up to 80 % of the machine's memory by default: during a large load it would keep
    the whole file's pages resident. Capped for the load (it spills to disk), restored after."""
    if engine.dialect.name != "duckdb":
        yield
        return
    with engine.connect() as conn:
        before = conn.execute(sa.text("SELECT current_setting('memory_limit')")).scalar()
        conn.execute(sa.text(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'"))
    try:
        yield
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f"SET memory_limit = '{before}'"))


def _apply(source: Any, raw: Any, options: dict[str, Any]) -> Any:
    from cxkpi.ingest.mapping import apply_source

    return apply_source(source, raw, options)


def _strip(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {t: df.drop(columns=[c for c in df.columns if c.startswith("_")]) for t, df in tables.items()}


def _rejected(report_cls: Any, name: str, message: str) -> Any:
    rep = report_cls(name, None, [], rejected=True)
    rep.problems = [Problem(name, None, None, None, message)]
    return rep
