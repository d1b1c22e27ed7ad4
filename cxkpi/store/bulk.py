"""Fast insert of a DataFrame into a canonical table, on DuckDB and on PostgreSQL.

SQLAlchemy's executemany goes row by row through the driver: ~30 000 tickets take tens of seconds on
DuckDB. Instead DuckDB reads the frame directly (a registered view, one INSERT … SELECT) and PostgreSQL
receives it through COPY. Both run on the caller's connection, inside its transaction.
"""

from __future__ import annotations

import itertools
import uuid

import pandas as pd
import sqlalchemy as sa


def _coerce(table: sa.Table, df: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns cast to the table's column types, so both drivers see exact values.

    Why: a whole-number column that held a NaN arrives as float (3.0), which PostgreSQL's integer input
    rejects; time-zone-aware stamps are stored as naive UTC like everywhere else in the store.
    """
    out: dict[str, pd.Series] = {}
    for name in df.columns:
        col = table.c[name]
        s = df[name]
        t = col.type
        if isinstance(t, sa.Integer):
            out[name] = pd.to_numeric(s).round().astype("Int64")
        elif isinstance(t, sa.Float):
            out[name] = pd.to_numeric(s).astype("float64")
        elif isinstance(t, sa.Boolean):
            out[name] = s.astype("boolean")
        elif isinstance(t, sa.DateTime):
            ts = pd.to_datetime(s)
            if getattr(ts.dt, "tz", None) is not None:
                ts = ts.dt.tz_convert("UTC").dt.tz_localize(None)
            out[name] = ts.astype("datetime64[us]")
        elif isinstance(t, sa.Date):
            out[name] = pd.to_datetime(s).astype("datetime64[us]").dt.normalize()
        else:  # strings: keep text, blanks stay NULL
            out[name] = s.astype("string")
    return pd.DataFrame(out, index=df.index)


def _pylist(s: pd.Series, date_only: bool) -> list:
    """One column as Python objects with None for missing values (what psycopg's COPY expects)."""
    if s.dtype.kind == "M":
        vals = s.to_numpy(dtype="datetime64[us]").tolist()  # NaT -> None, others -> datetime
        if date_only:
            return [v.date() if v is not None else None for v in vals]
        return vals
    arr = s.to_numpy(dtype=object, na_value=None)
    if s.dtype == "Int64":
        return [int(v) if v is not None else None for v in arr]
    if s.dtype == "float64":
        return [None if v is None or v != v else float(v) for v in arr]
    return arr.tolist()


def bulk_insert(conn: sa.Connection, table: sa.Table, df: pd.DataFrame) -> int:
    """Insert every row of ``df`` into ``table``; columns missing from df are NULL. Returns rows inserted."""
    unknown = [c for c in df.columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name}: no such column(s) {unknown}")
    if df.empty:
        return 0
    frame = _coerce(table, df)
    cols = list(frame.columns)
    col_sql = ", ".join(f'"{c}"' for c in cols)
    dialect = conn.dialect.name
    if dialect == "duckdb":
        raw = conn.connection.driver_connection  # duckdb_engine's wrapper; forwards to the duckdb connection
        view = f"_bulk_{uuid.uuid4().hex}"
        raw.register(view, frame)
        try:
            # Column list explicit on both sides: the frame's order need not match the table's.
            raw.execute(f'INSERT INTO "{table.name}" ({col_sql}) SELECT {col_sql} FROM "{view}"')
        finally:
            raw.unregister(view)
    elif dialect == "postgresql":
        columns = [_pylist(frame[c], isinstance(table.c[c].type, sa.Date)) for c in cols]
        raw = conn.connection.driver_connection  # psycopg 3 connection, same transaction as conn
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({col_sql}) FROM STDIN') as copy:
            for row in zip(*columns, strict=True):
                copy.write_row(row)
    else:  # any other backend: plain executemany (slow but correct)
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        for chunk in itertools.batched(records, 5000):
            conn.execute(sa.insert(table), list(chunk))
    return len(frame)

