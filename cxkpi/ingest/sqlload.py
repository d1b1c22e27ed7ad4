"""Typed load by SQL: a large UTF-8 CSV read, typed, validated and upserted by DuckDB, not by Python.

Python decides the plan from a sample (the first SAMPLE_ROWS records through api.preview, as any upload:
source, column mapping, date formats, duration units, labels, decimal separator, zones). Then DuckDB's
``read_csv(all_varchar = true)`` reads the whole file into a staging table, and typing, label mapping, unit
conversion, validation and the upsert run as set-based SQL (existing keys matched by a join).

Exactness is checked, not assumed: the sample's rows typed by SQL must equal, value for value, the rows
api.preview typed in pandas; and a cell anywhere in the file that the SQL plan cannot type (a date in
another format, a number with a thousands separator, a label the sample did not show) or that validation
would reject sends the whole file back to the chunked path (cxkpi.ingest.chunked), which reads every
case and names file, row and column in its errors. Each such fall-back is logged at debug level.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from cxkpi.ingest import values as V
from cxkpi.ingest.load import TableCounts, active_load_with, store_frame, upsert_staged
from cxkpi.ingest.mapping import REQUIRED, Frame
from cxkpi.ingest.problems import Problems
from cxkpi.ingest.read import MAX_FIELD_LINES, _build, _sniff_delimiter
from cxkpi.ingest.validate import EARLIEST, ORDER, SCHEDULED
from cxkpi.sources.base import CHANNELS, Field, Source, header_tz
from cxkpi.store.engine import checkpoint
from cxkpi.store.link import relink
from cxkpi.store.loads import next_load_id, record_load
from cxkpi.store.schema import CANONICAL, NATURAL_KEYS

log = logging.getLogger(__name__)

SAMPLE_ROWS = 10_000  # records typed by pandas to decide (and check) the plan
TABLES = ("tickets", "accounts")  # main tables whose validation rules are all written in SQL here
# Sources whose Python hooks this module reproduces: Zendesk's derive only fills handle time from a
# '(min)' column the Field list does not name (then the plan has no Field for it and falls back), and its
# extra table is ticket CSAT answers, rebuilt below from the sample's own answers.
HOOKS_REPRODUCED = frozenset({"zendesk_tickets"})
# What str.strip() strips besides the space (every c with c.isspace()), as a regular-expression class.
_WS = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f\\x85\\xa0\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]"
_WS_CHARS = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
_NUM = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"  # values._NUMBER: the cells pandas reads as they are
_COMMA = r"[+-]?\d+(?:,\d+)?"  # a plain decimal comma, no grouping
_CLOCK = r"\d+:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?"  # values' fast 'hh:mm[:ss]'
_UNIT_MINUTES = {"seconds": 1 / 60, "minutes": 1.0, "hours": 60.0, "milliseconds": 1 / 60_000}
_MESSAGES = (  # validate.py's row-level warnings, recomputed here over the whole file
    "; this row is not loaded.",
    "was left empty for this row",
    "this date is implausible",
    "a negative duration was left empty.",
)


class Unsupported(Exception):
    """This file (or one of its cells) needs a reading the SQL plan does not express: chunked path."""


def ingest(engine: sa.Engine, path: Path, name: str, sha: str, **kw: Any) -> Any:
    """Load `path` by SQL; a LoadReport, or None when the file must take the chunked path."""
    if engine.dialect.name != "duckdb":
        return None  # PostgreSQL has no read_csv of a client file: chunked path
    try:
        return _SqlLoad(engine, path, name, sha, kw).run()
    except Unsupported as e:
        log.debug("%s: loaded by the chunked path, not SQL: %s", name, e)
        return None
    except Exception as e:  # e.g. a cast DuckDB refuses: the chunked path still reads the file exactly
        log.debug("%s: loaded by the chunked path, SQL failed: %s", name, str(e)[:300], exc_info=True)
        return None


def _lines(path: Path) -> int:
    """Lines of the file (a last line without its line break counts)."""
    n, last = 0, b"\n"
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            n += block.count(b"\n")
            last = block[-1:]
    return n + (last != b"\n")


def _q(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _f(x: float) -> str:
    return f"CAST({float(x)!r} AS DOUBLE)"


class _SqlLoad:
    def __init__(self, engine: sa.Engine, path: Path, name: str, sha: str, kw: dict[str, Any]) -> None:
        self.engine, self.path, self.name, self.sha, self.kw = engine, path, name, sha, kw
        self.tag = uuid.uuid4().hex[:10]

    # --- the plan, from a sample ---------------------------------------------------------------------

    def sample(self) -> None:
        from cxkpi.ingest.api import preview

        with self.path.open("r", encoding="utf-8-sig", newline="") as text:
            head = text.read(65_536)
            text.seek(0)
            self.delimiter = _sniff_delimiter(head, self.name)
            reader = csv.reader(text, delimiter=self.delimiter, quotechar='"', doublequote=True, strict=False)
            first = list(itertools.islice(reader, SAMPLE_ROWS))
        buf = io.StringIO()
        csv.writer(buf, delimiter=self.delimiter, lineterminator="\r\n").writerows(first)
        p = preview(buf.getvalue().encode("utf-8"), self.name, engine=self.engine, **self.kw)
        if not p.ok or p._mapped is None:
            raise Unsupported("the sample has errors or questions")
        if p.read_info.get("located") or p.read_info.get("footer_dropped"):
            raise Unsupported("title block, totals or footer rows")
        self.p, self.m, self.src = p, p._mapped, p._mapped.source
        src: Source = self.src
        if src.survey is not None or src.keep_rows is not None:
            raise Unsupported(f"source {src.name} filters or explodes rows in Python")
        if (src.derive is not None or src.extra) and src.name not in HOOKS_REPRODUCED:
            raise Unsupported(f"source {src.name} has Python hooks")
        if src.table not in TABLES or set(self.m.tables) - {src.table, "responses"}:
            raise Unsupported(f"table {src.table}")
        self.header_rows = int(p.read_info.get("header_rows") or 1)
        self.body_at = int(p.read_info.get("first_data_line") or self.header_rows + 1) - 1
        numbers = list(range(1, len(first) + 1))
        self.raw = _build(first, numbers, self.name, None if self.header_rows == 1 else self.header_rows)
        self.names = self.raw.column_names()
        self.width = len(self.names)
        self.last_sample_row = numbers[-1]
        self.fr = Frame(src, self.raw, p.options)

    # --- reading -----------------------------------------------------------------------------------

    def stage(self, conn: sa.Connection) -> None:
        """The used columns' text, trimmed as read.py trims, one row per CSV record in file order."""
        cols = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(self.width))
        src = (
            f"read_csv({_q(str(self.path))}, all_varchar = true, header = false, auto_detect = false, "
            f"delim = {_q(self.delimiter)}, quote = '\"', escape = '\"', null_padding = true, "
            f"strict_mode = false, columns = {{{cols}}}{{parallel}})"
        )
        used = sorted(self.used)
        # DuckDB's trim() with a character set is several times slower than the file's reading: cells
        # are trimmed of spaces, and the rare record with other white space at a cell's edge (a tab, a
        # no-break space) is trimmed exactly as str.strip() does, chosen by one expression per record.
        odd = (
            f"regexp_matches(concat_ws(chr(1), {', '.join(f'c{i}' for i in used)}), "
            f"'(^|\\x01){_WS}|{_WS}(\\x01|$)')"
        )
        ws = _q(_WS_CHARS)
        sel = ", ".join(
            f"coalesce(CASE WHEN _odd THEN trim(c{i}, {ws}) ELSE trim(c{i}) END, '') AS t{i}" for i in used
        )
        # A record with no filled cell is not a row (read.py); exact only where every cell read is blank.
        some = " OR ".join(f"c{i} IS NOT NULL" for i in range(self.width))
        every = " AND ".join(f"t{i} = ''" for i in used) or "true"
        whole = f"trim(concat({', '.join(f'c{i}' for i in range(self.width))}), {ws}) <> ''"
        filled = f"CASE WHEN NOT ({some}) THEN false WHEN {every} THEN {whole} ELSE true END"
        # A quote never closed makes a cell swallow the lines after it; Python's reader rejects such a record
        # (read.MAX_FIELD_LINES, lines that look like rows): a cell spanning that many lines, or holding a
        # line with a row's worth of delimiters, is left to it.
        nl = " OR ".join(f"contains(c{i}, chr(10))" for i in range(self.width))
        rowlike = re.escape(self.delimiter).replace("'", "''")
        spans = " OR ".join(
            f"(contains(c{i}, chr(10)) AND (length(c{i}) - length(replace(c{i}, chr(10), '')) >= {MAX_FIELD_LINES}"
            + (
                f" OR regexp_matches(c{i}, '\\n(?:[^\\n]*{rowlike}){{{self.width - 1}}}')"
                if self.width >= 4
                else ""
            )
            + "))"
            for i in range(self.width)
        )
        swallowed = f"CASE WHEN {nl} THEN {spans} ELSE false END"
        inner = f"SELECT *, {odd} AS _odd FROM {src}"
        typed_cells = f"SELECT *, {sel} FROM ({inner})"
        sql_select = f"SELECT {', '.join(f't{i}' for i in used)}, {filled} AS filled FROM ({typed_cells})"
        self.raw_t = f"_sql_raw_{self.tag}"
        sql = f'CREATE TEMP TABLE "{self.raw_t}" AS {sql_select}'
        for parallel in ("", ", parallel = false"):
            try:
                conn.exec_driver_sql(sql.replace("{parallel}", parallel))
                break
            except Exception as e:  # quoted line breaks with short rows need DuckDB's serial reader
                if parallel or "parallel" not in str(e):
                    raise Unsupported(f"read_csv: {str(e)[:200]}") from e
        src = src.replace("{parallel}", parallel)
        # Rows a transaction adds are numbered from a large base, in file order: the record is rowid - base.
        base = conn.exec_driver_sql(f'SELECT coalesce(min(rowid), 0) FROM "{self.raw_t}"').scalar()
        self.base = int(base)
        self.rec = f"(rowid - {self.base})"
        # As many records as lines: no cell spans lines (nor is a line blank), nothing to look for.
        records = conn.exec_driver_sql(f'SELECT count(*) FROM "{self.raw_t}"').scalar()
        if (
            records != _lines(self.path)
            and conn.exec_driver_sql(f"SELECT count(*) FROM {src} WHERE {swallowed}").scalar()
        ):
            raise Unsupported("a quote that may never be closed")
        header = conn.exec_driver_sql(f"SELECT * FROM {src} LIMIT {self.body_at}").fetchall()
        first = [(c or "").strip() for c in header[self.body_at - self.header_rows]]
        if first:
            first[0] = first[0].lstrip("\ufeff").strip()
        if first != list(self.raw.header):
            raise Unsupported("DuckDB reads another header than Python's reader")

    # --- typing ------------------------------------------------------------------------------------

    def col_plan(self, table: str, name: str, sample: pd.Series) -> tuple[str, str]:
        """(SQL value, SQL 'cannot type this cell') for canonical column `name` of the main table."""
        f: Field | None = self.src.columns.get(name)
        if f is None:
            raise Unsupported(f"{name} is not filled from a declared field")
        if f.const is not None:
            return (_q(str(f.const)) if isinstance(f.const, str) else repr(f.const)), "false"
        header = self.fr.col(*f.names)
        if header is None or self.m.mapping.get(table, {}).get(name) != header:
            raise Unsupported(f"{name} comes from a hook, not its field")
        i = self.names.index(header)
        self.used.add(i)
        t = f"t{i}"
        blank = f"({t} IN ({', '.join(_q(b) for b in sorted(V.BLANKS))}))"
        typ = CANONICAL[table].c[name].type
        given = self.p.options.get("values") or {}
        if f.values is not None or name in given:
            if not isinstance(typ, sa.String):
                raise Unsupported(f"labels into a {typ} column")
            labels = {str(k).casefold(): v for k, v in (f.values or {}).items()}
            labels.update(
                {str(k).casefold(): v for k, v in (given.get(name) or given.get(header) or {}).items()}
            )
            if any(not k.isascii() or (v is not None and not isinstance(v, str)) for k, v in labels.items()):
                raise Unsupported(f"labels of {header}")
            other = f.other if f.values is not None else "keep"
            whens = " ".join(
                f"WHEN lower({t}) = {_q(k)} THEN {'NULL' if v is None else _q(v)}" for k, v in labels.items()
            )
            known = f"lower({t}) IN ({', '.join(_q(k) for k in labels)})" if labels else "false"
            rest = {"keep": t, "null": "NULL"}.get(other or "", "NULL")
            value = (
                f"CASE WHEN {blank} THEN NULL {whens} ELSE {rest} END"
                if labels
                else f"CASE WHEN {blank} THEN NULL ELSE {rest} END"
            )
            # casefold() and DuckDB's lower() agree on ASCII; an unknown label under 'error' is Python's to report
            unsure = f"NOT regexp_full_match({t}, '[\\x00-\\x7f]*')"
            if other not in ("keep", "null"):
                unsure += f" OR NOT {known}"
            return value, f"(NOT {blank} AND ({unsure}))"
        if isinstance(typ, sa.DateTime):
            return self.date_plan(header, t, blank, sample)
        if isinstance(typ, sa.Integer | sa.Float):
            if f.unit:
                if f.unit not in _UNIT_MINUTES and f.unit not in ("hh:mm", "hh:mm:ss"):
                    raise Unsupported(f"duration unit {f.unit}")
                factor = _UNIT_MINUTES.get(f.unit, 60.0)
                parts = f"string_split({t}, ':')"
                h, mi = f"CAST({parts}[1] AS DOUBLE)", f"CAST({parts}[2] AS DOUBLE)"
                sec = f"coalesce(TRY_CAST({parts}[3] AS DOUBLE), {_f(0)})"
                clock = f"CASE WHEN {mi} < 60 AND {sec} < 60 THEN {h} * 60 + {mi} + {sec} / 60 END"
                # plain numbers are read as values.py reads them: the decimal decided over the non-clock cells
                plain = self.number_plan(t, blank, i, f"NOT contains({t}, ':')")
                value = (
                    f"CASE WHEN {blank} THEN NULL WHEN regexp_full_match({t}, '{_CLOCK}') THEN {clock} "
                    f"ELSE ({plain}) * {_f(factor)} END"
                )
            else:
                value = self.number_plan(t, blank, i)
            if f.scale is not None:
                value = f"({value}) * {_f(f.scale)}"
            return value, f"(NOT {blank} AND ({value}) IS NULL)"
        if not isinstance(typ, sa.String):
            raise Unsupported(f"{name}: {typ}")
        value = t
        if f.lower or f.channel:
            value = f"lower({t})"
        if f.upper:
            value = f"upper({value})"
        if f.channel:
            value = "CASE " + " ".join(f"WHEN {value} = {_q(k)} THEN {_q(v)}" for k, v in CHANNELS.items())
            value += f" ELSE lower({t}) END"
        unsure = "false"
        if f.lower or f.upper or f.channel:  # Python's and DuckDB's case mappings agree on ASCII
            unsure = f"NOT regexp_full_match({t}, '[\\x00-\\x7f]*')"
        return f"CASE WHEN {blank} THEN NULL ELSE {value} END", f"(NOT {blank} AND ({unsure}))"

    def number_plan(self, t: str, blank: str, i: int, where: str = "true") -> str:
        """'.' decimals as pandas reads them; a decimal comma only when the whole column shows it
        unmistakably (a comma not followed by exactly three digits) and has no dot, as values.py decides."""
        decisive, dotted = self.conn.exec_driver_sql(
            f"SELECT count(*) FILTER (regexp_full_match({t}, '[+-]?\\d+,\\d+') AND NOT "
            f"regexp_full_match({t}, '[+-]?\\d+,\\d{{3}}')), count(*) FILTER (contains({t}, '.')) "
            f'FROM "{self.raw_t}" WHERE {self.rec} >= {self.body_at} AND {where}'
        ).one()
        if decisive and not dotted:
            return (
                f"CASE WHEN {blank} THEN NULL WHEN regexp_full_match({t}, '{_COMMA}') "
                f"THEN TRY_CAST(replace({t}, ',', '.') AS DOUBLE) END"
            )
        return f"CASE WHEN {blank} THEN NULL WHEN regexp_full_match({t}, '{_NUM}') THEN TRY_CAST({t} AS DOUBLE) END"

    def date_plan(self, header: str, t: str, blank: str, sample: pd.Series) -> tuple[str, str]:
        """The column's own strptime formats, learnt from the sample as values.parse_datetimes learns them."""
        cells = self.fr.cells(header)
        cells = cells[~cells.isin(V.BLANKS)]
        templates: Counter[str] = Counter()
        evidence = {"a": False, "b": False}
        for v in pd.unique(cells)[:400]:
            tpl = V._template(str(v), evidence)
            if tpl:
                templates[tpl] += 1
        ordered = [tpl for tpl, _ in templates.most_common()]
        if not ordered:
            raise Unsupported(f"dates of {header}")
        ymd = [x for x in ordered if "{A}" not in x]
        dmy = [x for x in ordered if "{A}" in x]
        if dmy:
            res = V.parse_datetimes(
                cells, dayfirst=self.fr._dayfirst if self.fr._dayfirst is not None else self.src.dayfirst
            )
            if res.dayfirst is None:
                raise Unsupported(f"day/month order of {header}")
            a, b = ("%d", "%m") if res.dayfirst else ("%m", "%d")
            dmy = [x.replace("{A}", a).replace("{B}", b) for x in dmy]
        fmts = ymd + dmy
        aware = {"%z" in x for x in fmts}
        if len(aware) > 1:
            raise Unsupported(f"{header}: offsets on some dates only")
        tz = self.fr.zones.get(header) or header_tz(header) or self.p.options.get("tz") or self.src.tz
        lst = "[" + ", ".join(_q(x) for x in fmts) + "]"
        parsed = f"try_strptime({t}, {lst})"
        if True in aware:
            value = f"timezone('UTC', {parsed})"
        elif tz and tz != "UTC":
            if not re.fullmatch(r"Etc/GMT[+-]\d{1,2}", tz):
                raise Unsupported(f"{header}: zone {tz} (daylight saving read by pandas)")
            value = f"timezone('UTC', timezone({_q(tz)}, {parsed}))"
        else:
            value = parsed
        value = f"CASE WHEN {blank} THEN NULL ELSE CAST({value} AS TIMESTAMP) END"
        return value, f"(NOT {blank} AND ({value}) IS NULL)"

    # --- the run -----------------------------------------------------------------------------------

    def run(self) -> Any:
        from cxkpi.ingest.api import LoadReport

        self.sample()
        table = self.src.table
        df = self.m.tables[table]
        self.cols = [c for c in df.columns if not c.startswith("_") and c in CANONICAL[table].c]
        rep = LoadReport(self.name, self.p.source, list(self.p.tables), source_label=self.p.source_label)
        problems = Problems(self.name)
        from cxkpi.ingest.chunked import _duckdb_memory_cap

        with _duckdb_memory_cap(self.engine), self.engine.begin() as conn:
            self.conn = conn
            if active_load_with(conn, self.sha) is not None:
                raise Unsupported("loaded meanwhile")
            # Which columns are read is known before read_csv runs (the numbers' decimal needs the text).
            self.used: set[int] = set()
            for name in self.cols:
                f = self.src.columns.get(name)
                h = self.fr.col(*f.names) if f is not None and f.const is None else None
                if h is not None:
                    self.used.add(self.names.index(h))
            extra = self.extra_plan(table)
            self.stage(conn)
            counts = self.load(conn, table, extra, problems)
            # (on an exception the transaction's rollback drops these temporary tables too)
            for t in ("raw", "typed", "resp"):
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "_sql_{t}_{self.tag}"')
        checkpoint(self.engine)
        keep = [x for x in self.p.problems if not any(s in x.message for s in _MESSAGES)]
        rep.problems = keep + list(problems)
        rep.rows_rejected = self.skipped
        rep.load_id = self.load_id
        rep.tables = list(counts)
        rep.counts = {t: vars(c) for t, c in counts.items()}
        rep.rows_added = sum(c.added for c in counts.values())
        rep.rows_updated = sum(c.updated for c in counts.values())
        rep.rows_unchanged = sum(c.unchanged for c in counts.values())
        return rep

    def load(self, conn: sa.Connection, table: str, extra: dict[str, Any] | None, problems: Problems) -> dict:
        typed = f"_sql_typed_{self.tag}"
        sample_df = self.m.tables[table]
        plans = {n: self.col_plan(table, n, sample_df[n]) for n in self.cols}
        self.skipped = 0
        sel = ", ".join(f'{v} AS "{n}"' for n, (v, _) in plans.items())
        bad = " OR ".join(b for _, b in plans.values()) or "false"
        conn.exec_driver_sql(
            f'CREATE TEMP TABLE "{typed}" AS SELECT {self.rec} + 1 AS _row, {sel}, ({bad}) AS _bad, false AS _skip '
            f'FROM "{self.raw_t}" WHERE filled AND {self.rec} >= {self.body_at}'
        )
        nbad = conn.exec_driver_sql(f'SELECT count(*) FROM "{typed}" WHERE _bad').scalar()
        if nbad:
            where = f"filled AND {self.rec} >= {self.body_at}"
            which = [
                f"{n} (row {r})"
                for n, (_, b) in plans.items()
                for r in conn.exec_driver_sql(
                    f'SELECT min({self.rec}) + 1 FROM "{self.raw_t}" WHERE {where} AND {b}'
                ).scalars()
                if r is not None
            ]
            raise Unsupported(f"{nbad} row(s) with cells that need the Python reader, in {', '.join(which)}")
        resp = None
        if extra is not None:
            resp = self.responses(conn, typed, extra)
        self.validate(conn, table, typed, problems)
        if resp is not None:
            self.validate(conn, "responses", resp, problems)
        self.check_sample(conn, table, typed)
        if resp is not None:
            self.check_sample(conn, "responses", resp)
        counts: dict[str, TableCounts] = {}
        self.load_id = next_load_id(conn)
        for t, src in ((table, typed), ("responses", resp)):
            if src is None:
                continue
            stage = f"_sql_stage_{t}_{self.tag}"
            store = CANONICAL[t]
            conn.exec_driver_sql(f'CREATE TEMP TABLE "{stage}" AS SELECT * FROM "{store.name}" WHERE 1 = 0')
            try:
                names = [c for c in (self.cols if t == table else self.resp_cols)]
                sel = ", ".join(self.store_cast(t, c) for c in names)
                col_sql = ", ".join(f'"{c}"' for c in names)
                conn.exec_driver_sql(
                    f'INSERT INTO "{stage}" ({col_sql}, system, load_id) SELECT {sel}, '
                    f'{_q(self.p._system or "custom")}, {int(self.load_id)} FROM "{src}" WHERE NOT _skip'
                )
                n = conn.exec_driver_sql(f'SELECT count(*) FROM "{stage}"').scalar()
                if n:
                    counts[t] = upsert_staged(conn, t, stage, self.load_id, int(n))
            finally:
                conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{stage}"')
        p = self.p
        meta = {
            "source": p.source,
            "columns": p.mapping,
            "read": {**p.read_info, "sql": True},
            "options": {k: v for k, v in p.options.items() if k != "values" or v},
            "counts": {t: vars(c) for t, c in counts.items()},
        }
        warnings = [
            w
            for w in self.p.problems
            if w.severity == "warning" and not any(s in w.message for s in _MESSAGES)
        ]
        record_load(
            conn,
            load_id=self.load_id,
            file_name=self.name,
            sha256=self.sha,
            source=p.source or "mapping",
            table_name="+".join(counts) or "-",
            rows=sum(c.rows for c in counts.values()),
            rows_added=sum(c.added for c in counts.values()),
            rows_updated=sum(c.updated for c in counts.values()),
            is_demo=False,
            mapping=meta,
            warnings=[w.to_dict() for w in warnings + list(problems) if w.severity == "warning"],
        )
        relink(conn, self.load_id, accounts_loaded="accounts" in counts)
        return counts

    def store_cast(self, table: str, name: str) -> str:
        """The value as the store keeps it (load.store_frame): integers rounded half to even."""
        typ = CANONICAL[table].c[name].type
        if isinstance(typ, sa.Integer):
            return f'CAST(round_even(CAST("{name}" AS DOUBLE), 0) AS BIGINT)'
        return f'"{name}"'

    # --- ticket CSAT answers (Zendesk's extra table), learnt from the sample's own answers ------------

    def extra_plan(self, table: str) -> dict[str, Any] | None:
        if not self.src.extra:
            return None
        resp = self.m.tables.get("responses")
        if resp is None or resp.empty:
            raise Unsupported("the sample has no answers to learn the extra table from")
        cols = set(resp.columns)
        if "_column" not in cols or resp["_column"].nunique() != 1:
            raise Unsupported("answers from several columns")
        rating = str(resp["_column"].iloc[0])
        i = self.names.index(rating)
        self.used.add(i)
        main = self.m.tables[table]
        text = self.fr.cells(rating)
        rownum = pd.Series(self.fr.rownum, index=text.index)
        by_row = dict(zip(rownum, text.str.casefold(), strict=True))
        scores: dict[str, float] = {}
        for r, s in zip(resp["_row"], resp["score"], strict=True):
            label = by_row[int(r)]
            if scores.setdefault(label, float(s)) != float(s):
                raise Unsupported("one label, two scores")
        answered = set(resp["_row"].astype(int))
        silent = {by_row[int(r)] for r in rownum if int(r) not in answered}
        if silent & set(scores) or not all(k.isascii() for k in scores | dict.fromkeys(silent)):
            raise Unsupported("labels answered on some rows only")
        const = {}
        for c in ("survey", "kind", "scale_min", "scale_max"):
            if resp[c].nunique(dropna=False) != 1:
                raise Unsupported(f"{c} varies")
            const[c] = resp[c].iloc[0]
        pairs = list(zip(resp["response_id"].astype(str), resp["ticket_id"].astype(str), strict=True))
        suffixes = {a[len(b) :] for a, b in pairs if a.startswith(b)}
        if len(suffixes) != 1 or any(not a.startswith(b) for a, b in pairs):
            raise Unsupported("response ids")
        copied = [c for c in ("account_id", "email", "company", "channel") if c in cols]
        if "comment" in cols:
            raise Unsupported("answer comments")
        # submitted_at is the first filled of the ticket's own timestamps, as typed before validation
        # clears any (so typed again here, not taken from the validated sample)
        typed: dict[str, pd.Series] = {}
        for c in main.columns:
            f = self.src.columns.get(c)
            typ = CANONICAL[table].c[c].type if c in CANONICAL[table].c else None
            h = self.fr.col(*f.names) if f is not None and f.const is None else None
            if isinstance(typ, sa.DateTime) and h is not None:
                typed[c] = self.fr.parse(h, typ, f, c)
        when = None
        for n in range(1, 3):
            for combo in itertools.permutations(typed, n):
                at = None
                for c in combo:
                    at = typed[c] if at is None else at.where(at.notna(), typed[c])
                if at is not None:
                    got = pd.Series(at.to_numpy(), index=rownum.to_numpy()).reindex(resp["_row"].to_numpy())
                    if np.array_equal(
                        got.to_numpy(dtype="datetime64[us]"),
                        resp["submitted_at"].to_numpy(dtype="datetime64[us]"),
                        equal_nan=True,
                    ):
                        when = combo
                        break
            if when:
                break
        if not when:
            raise Unsupported("answer dates")
        return {
            "rating": i,
            "scores": scores,
            "silent": silent,
            "const": const,
            "suffix": suffixes.pop(),
            "copied": copied,
            "when": when,
            "columns": list(resp.columns),
        }

    def responses(self, conn: sa.Connection, typed: str, x: dict[str, Any]) -> str:
        resp = f"_sql_resp_{self.tag}"
        t = f"t{x['rating']}"
        known = ", ".join(_q(k) for k in list(x["scores"]) + list(x["silent"]))
        # The hook's own label table is Python's: a label the sample did not show may be an answer.
        unseen = conn.exec_driver_sql(
            f'SELECT count(*) FROM "{self.raw_t}" WHERE filled AND {self.rec} >= {self.body_at} '
            f"AND {t} <> '' AND (lower({t}) NOT IN ({known}) OR NOT regexp_full_match({t}, '[\\x00-\\x7f]*'))"
        ).scalar()
        if unseen:
            raise Unsupported(f"{unseen} rating(s) the sample did not show")
        score = "CASE " + " ".join(
            f"WHEN lower(r.{t}) = {_q(k)} THEN {_f(v)}" for k, v in x["scores"].items()
        )
        score += " END"
        c = x["const"]
        when = (
            "coalesce(" + ", ".join(f'y."{w}"' for w in x["when"]) + ")"
            if len(x["when"]) > 1
            else f'y."{x["when"][0]}"'
        )
        cols = {
            "response_id": f"CASE WHEN y.ticket_id IS NOT NULL AND y.ticket_id <> '' THEN y.ticket_id || {_q(x['suffix'])} "
            "ELSE y.ticket_id END",
            "ticket_id": "y.ticket_id",
            "survey": _q(str(c["survey"])),
            "kind": _q(str(c["kind"])),
            "score": score,
            "scale_min": _f(c["scale_min"]),
            "scale_max": _f(c["scale_max"]),
            "submitted_at": when,
            **{k: f'y."{k}"' for k in x["copied"]},
        }
        self.resp_cols = list(cols)
        sel = ", ".join(f'{v} AS "{k}"' for k, v in cols.items())
        conn.exec_driver_sql(
            f'CREATE TEMP TABLE "{resp}" AS SELECT y._row, {sel}, false AS _skip FROM "{typed}" y '
            f'JOIN "{self.raw_t}" r ON r.rowid - {self.base} + 1 = y._row WHERE ({score}) IS NOT NULL ORDER BY y._row'
        )
        return resp

    # --- validation (validate.py's rules, as SQL over the whole file) ------------------------------------

    def validate(self, conn: sa.Connection, table: str, src: str, problems: Problems) -> None:
        origin = self.m.mapping.get(table, {})
        key = [k for k in NATURAL_KEYS[table] if k != "system"]
        cols = self.cols if table == self.src.table else self.resp_cols
        for k in key:
            n = conn.exec_driver_sql(
                f'SELECT count(*) FROM "{src}" WHERE regexp_full_match(trim("{k}"), {_q(V._MANGLED.pattern)})'
            ).scalar()
            if n:
                raise Unsupported("ids in scientific notation")
        for col in REQUIRED[table]:
            rows = [
                r
                for (r,) in conn.exec_driver_sql(
                    f'UPDATE "{src}" SET _skip = true WHERE NOT _skip AND "{col}" IS NULL RETURNING _row'
                ).fetchall()
            ]
            if rows:
                rows.sort()
                what = "key" if col in key else "value"
                problems.cells(
                    "warning",
                    f"no {col} ({what}); this row is not loaded.",
                    rows,
                    [""] * len(rows),
                    origin.get(col) or col,
                )
                self.skipped += len(rows)
        keys = ", ".join(f'"{k}"' for k in key)
        dup = conn.exec_driver_sql(
            f'SELECT count(*) FROM (SELECT 1 FROM "{src}" WHERE NOT _skip GROUP BY {keys} HAVING count(*) > 1)'
        ).scalar()
        if dup:
            raise Unsupported("repeated keys")
        if table == "responses":
            bad = conn.exec_driver_sql(
                f"SELECT count(*) FROM \"{src}\" WHERE NOT _skip AND (kind NOT IN ('csat', 'ces', 'nps', 'esat') "
                "OR scale_min >= scale_max OR score < scale_min OR score > scale_max)"
            ).scalar()
            if bad:
                raise Unsupported("answers outside their scale")
        for later, first in ORDER.get(table, []):
            if later in cols and first in cols:
                cond = f'NOT _skip AND "{later}" < "{first}"'
                got = conn.exec_driver_sql(
                    f'SELECT _row, "{later}" FROM "{src}" WHERE {cond} ORDER BY _row'
                ).fetchall()
                if got:
                    conn.exec_driver_sql(f'UPDATE "{src}" SET "{later}" = NULL WHERE {cond}')
                    rows, vals = [r for r, _ in got], [str(pd.Timestamp(v)) for _, v in got]
                    problems.cells(
                        "warning",
                        f"{later} is before {first}; {later} was left empty for this row "
                        "(check the export's time zones).",
                        rows,
                        vals,
                        origin.get(later),
                    )
        now = pd.Timestamp.now(tz="UTC").tz_localize(None)
        ahead = (now + pd.Timedelta(days=1)).to_pydatetime()
        for col in cols:
            if not isinstance(CANONICAL[table].c[col].type, sa.DateTime):
                continue
            cond = f'"{col}" < TIMESTAMP {_q(str(EARLIEST))}'
            if col not in SCHEDULED:
                cond += f' OR "{col}" > TIMESTAMP {_q(str(ahead))}'
            got = conn.exec_driver_sql(
                f'SELECT _row, "{col}" FROM "{src}" WHERE NOT _skip AND ({cond}) ORDER BY _row'
            ).fetchall()
            if got:
                problems.cells(
                    "warning",
                    f"this date is implausible (before {EARLIEST.year} or more than a day "
                    "in the future); it was loaded as is — check the export.",
                    [r for r, _ in got],
                    [str(pd.Timestamp(v)) for _, v in got],
                    origin.get(col) or col,
                )
        for dur in ("first_reply_minutes", "handle_minutes"):
            if dur in cols:
                got = conn.exec_driver_sql(
                    f'SELECT _row, "{dur}" FROM "{src}" WHERE NOT _skip AND "{dur}" < 0 ORDER BY _row'
                ).fetchall()
                if got:
                    conn.exec_driver_sql(f'UPDATE "{src}" SET "{dur}" = NULL WHERE NOT _skip AND "{dur}" < 0')
                    problems.cells(
                        "warning",
                        "a negative duration was left empty.",
                        [r for r, _ in got],
                        [np.float64(v) for _, v in got],
                        origin.get(dur),
                    )
        for cnt in ("reopens", "agent_replies", "quantity", "interval_count"):
            if cnt in cols:
                n = conn.exec_driver_sql(
                    f'SELECT count(*) FROM "{src}" WHERE NOT _skip AND "{cnt}" < 0'
                ).scalar()
                if n:
                    raise Unsupported(f"negative {cnt}")

    # --- exactness -----------------------------------------------------------------------------------

    def check_sample(self, conn: sa.Connection, table: str, src: str) -> None:
        """The sample's rows as SQL typed and validated them must equal those pandas gave, as stored."""
        cols = self.cols if table == self.src.table else self.resp_cols
        want = self.m.tables[table]
        want = want[want["_row"] <= self.last_sample_row]
        picked = ", ".join(f'{self.store_cast(table, c)} AS "{c}"' for c in cols)
        sql = (
            f'SELECT _row, {picked} FROM "{src}" '
            f"WHERE NOT _skip AND _row <= {self.last_sample_row} ORDER BY _row"
        )
        # DuckDB's own DataFrame fetch on the same connection (a tuple per row is most of the check's time)
        mine = conn.connection.driver_connection.execute(sql).df()
        if len(mine) != len(want) or sorted(
            want.columns.drop(["_row", "_column"], errors="ignore")
        ) != sorted(cols):
            raise Unsupported(f"{table}: the sample's rows differ ({len(mine)} vs {len(want)})")
        want = want.sort_values("_row").reset_index(drop=True)
        if not np.array_equal(mine["_row"].to_numpy(dtype="int64"), want["_row"].to_numpy(dtype="int64")):
            raise Unsupported(f"{table}: row numbers differ")
        a = store_frame(table, want[cols])
        b = store_frame(table, mine[cols])
        for c in cols:
            x, y = a[c], b[c]
            same = (x.isna() & y.isna()) | (x == y).fillna(False).astype(bool)
            if not bool(same.all()):
                i = int(np.flatnonzero(~same.to_numpy())[0])
                raise Unsupported(
                    f"{table}.{c} differs at row {int(want['_row'].iloc[i])}: {x.iloc[i]!r} vs {y.iloc[i]!r}"
                )


__all__ = ["SAMPLE_ROWS", "Unsupported", "ingest"]
