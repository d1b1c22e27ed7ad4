"""The map stage: apply a chosen reading (a registered Source or a user's column mapping) to a RawTable,
giving canonical rows.

The result (Mapped) holds one DataFrame per canonical table with a ``_row`` column (the spreadsheet row
each record came from), the column mapping used, the problems found while typing cells, and questions
the user must answer (ambiguous day/month order, a survey question's kind or scale) — never a guess.
Typing cells is cxkpi.ingest.frame's job, surveys cxkpi.ingest.surveys', score ladders
cxkpi.ingest.scales', suggestions for unknown files cxkpi.ingest.suggest', saved readings cxkpi.ingest.saved'.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from cxkpi.ingest import values as V
from cxkpi.ingest.frame import (
    BOOKKEEPING,
    KINDS,
    REQUIRED,
    Frame,
    Mapped,
    answer_bool,
    canonical_columns,
    frame_of,
)
from cxkpi.ingest.read import RawTable
from cxkpi.ingest.saved import find_mapping, header_signature, save_mapping
from cxkpi.ingest.scales import label_scale, parse_score_field
from cxkpi.ingest.suggest import Suggestion, suggest_mapping
from cxkpi.ingest.surveys import explode_survey, kind_from_text, plain_responses
from cxkpi.sources._util import survey_from_tickets
from cxkpi.sources.base import Field, Source, Survey
from cxkpi.sources.canonical import derive_generic
from cxkpi.store.schema import CANONICAL

# Names importers used when all of this lived here (api.py, pages/, validate.py, tests).
__all__ = [
    "BOOKKEEPING",
    "KINDS",
    "REQUIRED",
    "Frame",
    "Mapped",
    "Suggestion",
    "apply_source",
    "canonical_columns",
    "find_mapping",
    "header_signature",
    "kind_from_text",
    "save_mapping",
    "source_from_spec",
    "suggest_mapping",
]


# --- applying a source -------------------------------------------------------------------------------


def apply_source(source: Source, raw: RawTable, options: dict[str, Any] | None = None) -> Mapped:
    """Type and map every row of `raw` as `source` declares. Nothing is written."""
    options = dict(options or {})
    fr = Frame(source, raw, options)
    if source.aliases:
        said: dict[str, str] = {}
        for declared, header in source.aliases:
            said.setdefault(header, declared)
        fr.problems.add(
            "warning",
            f"read as {source.label}: " + "; ".join(f"'{h}' as '{d}'" for h, d in said.items()) + ".",
        )
    table = source.table
    columns = dict(source.columns)
    for name in columns:
        if name not in CANONICAL[table].c:
            raise ValueError(f"source {source.name}: {table} has no column {name!r}")
    if source.keep_rows:
        source.keep_rows(fr)
    for name, f in columns.items():
        if table == "responses" and name == "score" and f.values is None and not f.scale and f.const is None:
            header = fr.col(*f.names)
            if header is not None:
                parse_score_field(fr, name, header)
            continue
        fr.parse_field(table, name, f)
    fr.settle_dates(table)
    if source.derive:
        source.derive(fr)
    tables: dict[str, pd.DataFrame] = {}
    mapping: dict[str, dict[str, str]] = {}
    if source.survey is not None:
        df = explode_survey(fr, source.survey)
        mapping["responses"] = dict(fr.origin)
    else:
        df = frame_of(fr, table)
        if table == "responses":
            df = plain_responses(fr, df)
        mapping[table] = {k: v for k, v in fr.origin.items() if k in CANONICAL[table].c}
    tables[table] = df
    for t, hook in source.extra:
        extra_df = hook(fr)
        if extra_df is not None:
            tables[t] = pd.concat([tables[t], extra_df], ignore_index=True) if t in tables else extra_df
            if "_column" in extra_df and len(extra_df):
                mapping.setdefault(t, {})["score"] = str(extra_df["_column"].iloc[0])
            for c in ("ticket_id", "account_id", "email", "company", "channel", "submitted_at"):
                if c in extra_df and c in fr.origin:
                    mapping.setdefault(t, {}).setdefault(c, fr.origin[c])
            if "ticket_id" in fr.origin:  # '<ticket>:csat': errors on the id point at the ticket id column
                mapping.setdefault(t, {}).setdefault("response_id", fr.origin["ticket_id"])
    return Mapped(source, tables, mapping, fr.problems, fr.questions, fr.skipped, len(fr.text))


# --- mapping specs (the TOML file / the mapping screen) ---------------------------------------------


def source_from_spec(spec: dict[str, Any], name: str = "mapping") -> Source:
    """A Source built from a user's mapping: {"table": "tickets", "columns": {"ticket_id": "Case Number"},
    "values": {"status": {"Closed Won": "renewed"}}, "options": {...}}."""
    table = spec.get("table")
    if table not in CANONICAL:
        raise ValueError(f"mapping: table must be one of {', '.join(CANONICAL)} (got {table!r})")
    opts = spec.get("options") or {}
    values = spec.get("values") or {}
    columns: dict[str, Field] = {}
    for canon, header in (spec.get("columns") or {}).items():
        if canon not in CANONICAL[table].c or canon in BOOKKEEPING:
            raise ValueError(
                f"mapping: {table} has no column {canon!r}; columns are {', '.join(canonical_columns(table))}"
            )
        names = (header,) if isinstance(header, str) else tuple(header)
        vals = values.get(canon)
        unit = (opts.get("units") or {}).get(canon)
        if unit is None and canon in ("first_reply_minutes", "handle_minutes"):
            unit = V.unit_from_header(names[0]) or "minutes"
        columns[canon] = Field(
            names=names,
            values=vals,
            other="keep" if vals is not None else None,
            unit=unit,
            channel=canon == "channel" and not vals,
            lower=canon in ("status", "channel"),
        )
    for canon, value in (spec.get("constants") or {}).items():
        columns[canon] = Field(const=value)
    scales = opts.get("scales") or {}
    for canon, factor in scales.items():
        if canon in columns:
            columns[canon] = dataclasses.replace(columns[canon], scale=float(factor))
    survey = None
    if table == "responses" and isinstance(spec.get("survey"), dict):
        # A survey mapped as a survey: the score questions with their kind and scale, not columns.
        qs = tuple(
            ((q["column"],), q.get("kind"), tuple(q["scale"]) if q.get("scale") else None)
            for q in spec["survey"].get("questions") or []
        )
        survey = Survey(questions=qs, survey_name=opts.get("survey"))
        columns.pop("score", None)
    required = tuple((f.names[0],) for f in columns.values() if f.names)
    system = str(opts.get("system") or "custom")
    extra: tuple = ()
    if table == "tickets" and "satisfaction" in columns and columns["satisfaction"].names:
        # A rating kept on the ticket is also the customer's CSAT answer (as for Zendesk and Freshdesk).
        extra = (("responses", ticket_csat(columns["satisfaction"].names[0])),)
    return Source(
        name=name,
        label=f"column mapping {name!r}",
        system=system,
        table=table,
        required=required,
        columns=columns,
        dayfirst=answer_bool(opts.get("dayfirst")),
        tz=opts.get("tz"),
        derive=derive_generic,
        survey=survey,
        extra=extra,
    )


def ticket_csat(header: str):  # noqa: ANN202
    """Ticket rows' satisfaction ratings -> CSAT responses: a known label ladder (Très satisfait…, 非常满意…)
    on 1..n, or whole numbers on 1–5 / 1–7 / 0–10. Anything else (Good/Bad, free text) stays on the ticket."""

    def csat(fr: Frame) -> pd.DataFrame | None:
        h = fr.col(header)
        if h is None:
            return None
        cells = fr.cells(h)
        filled = cells[~cells.isin(V.BLANKS) & pd.Series(fr.keep, index=cells.index)]
        if filled.empty:
            return None
        found = label_scale(filled)
        if found is not None:
            ladder, scale = found
            scores: dict[str, float] | None = {k.casefold(): float(v) for k, v in ladder.items()}
        else:
            nums = pd.to_numeric(filled.str.replace(",", ".", regex=False), errors="coerce")
            if nums.isna().any() or (nums % 1 != 0).any() or nums.min() < 0:
                return None
            hi, lo = float(nums.max()), float(nums.min())
            scale = (0.0, 10.0) if hi > 7 or lo == 0 else (1.0, 7.0) if hi > 5 else (1.0, 5.0)
            scores = None
        return survey_from_tickets(
            fr,
            rating=h,
            scores=scores,
            scale=scale,
            survey=f"ticket rating ({h})",
            when=("solved_at", "created_at"),
        )

    return csat
