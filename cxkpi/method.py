"""How a number is computed: one metric's method card, its rows as safe CSV, and what another definition changes.

Built on the metric engine only (compute / explain / scorecard), so the card shows exactly what the scorecard
computed: the same numerator, denominator and n, the options in force, and the loads whose rows fed it.
No Streamlit here; the Explain page draws a MethodCard.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa

import cxkpi.i18n_explain  # noqa: F401  (merges the explain catalogue into t())
import cxkpi.i18n_readings  # noqa: F401  (the lifespan cap's option text)
from cxkpi.i18n import t
from cxkpi.metrics import (
    REGISTRY,
    Explanation,
    Filters,
    MetricResult,
    Options,
    Period,
    compute,
    explain,
    scorecard,
)
from cxkpi.metrics.base import fmt_scale
from cxkpi.metrics.engine import workspace_options
from cxkpi.store.schema import loads as loads_table

# A spreadsheet runs a cell starting with one of these as a formula (CSV injection); text cells get a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LoadInfo:
    """One import whose rows fed the number."""

    load_id: int
    file_name: str
    source: str
    table_name: str
    loaded_at: dt.datetime | None
    status: str


@dataclass(frozen=True)
class OptionInForce:
    name: str  # "csat.mode"
    value: Any
    text: str  # human reading, e.g. "Top-2-box: 4–5 of 1–5 counted positive"


@dataclass
class MethodCard:
    key: str
    label: str
    unit: str  # resolved: a currency code for money metrics
    definition: str  # the registry's definition sentence
    reading: str  # the engine's short reading of this result ("top-2-box, 1–5 scale")
    method: str  # the explanation's formula over the rows
    period: Period
    filters: dict[str, str]
    filters_not_applied: list[str]
    options: list[OptionInForce]
    result: MetricResult
    explanation: Explanation
    loads: list[LoadInfo]
    numerator_unit: str  # how to format the numerator: count / number / hours / minutes / a currency code
    denominator_unit: str
    factor: float | None  # value = numerator ÷ denominator × factor, when that holds (1 or 100); else None
    reason: str | None = None  # why the metric is not available
    source: str = ""  # the export that would supply it
    extra: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what a finance lead asks: CLV window, cap, margin

    @property
    def available(self) -> bool:
        return self.result.value is not None

    @property
    def value(self) -> float | None:
        return self.result.value

    @property
    def numerator(self) -> float | None:
        return self.result.numerator

    @property
    def denominator(self) -> float | None:
        return self.result.denominator

    @property
    def n(self) -> int | None:
        return self.result.n

    @property
    def interval(self) -> tuple[float, float] | None:
        r = self.result
        return None if r.ci_low is None or r.ci_high is None else (r.ci_low, r.ci_high)


# ------------------------------------------------------------------------------------------ option texts


def _scales(rows: pd.DataFrame) -> list[tuple[float, float]]:
    """The distinct (min, max) scales of the survey rows behind a number."""
    if rows.empty or "scale_min" not in rows or "scale_max" not in rows:
        return []
    pairs = rows[["scale_min", "scale_max"]].dropna().drop_duplicates()
    return sorted((float(a), float(b)) for a, b in pairs.itertuples(index=False))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def top2_text(lo: float, hi: float) -> str:
    """Which answers top-2-box counts on one scale: '4–5 of 1–5'; a two-way rating counts its top only."""
    if hi - lo <= 1:
        return t("explain.scale_of", positive=_num(hi), scale=fmt_scale(lo, hi))
    return t("explain.scale_of", positive=fmt_scale(hi - 1, hi), scale=fmt_scale(lo, hi))


def above_mid_text(lo: float, hi: float) -> str:
    """CES/ESAT: answers above the scale midpoint ('4–5 of 1–5', '6–10 of 0–10')."""
    first = math.floor((lo + hi) / 2) + 1
    return t("explain.scale_of", positive=fmt_scale(first, hi), scale=fmt_scale(lo, hi))


def _option_text(key: str, name: str, value: Any, scales: list[tuple[float, float]]) -> str:
    opt = name.split(".", 1)[1]
    if key == "csat" and opt == "mode":
        if value == "mean":
            per = "; ".join(t("explain.mean_of", scale=fmt_scale(a, b), max=_num(b)) for a, b in scales)
            return t("explain.opt.csat_mean") + (f": {per}" if per else "")
        per = "; ".join(top2_text(a, b) for a, b in scales)
        return t("explain.opt.csat_top2") + (": " + t("explain.counted_positive", scales=per) if per else "")
    if key == "frt" and opt == "stat":
        return t("explain.opt.frt_median") if value == "median" else t("explain.opt.frt_mean")
    if key == "churn_rate" and opt == "basis":
        return t("explain.opt.churn_revenue") if value == "revenue" else t("explain.opt.churn_logo")
    if key == "churn_rate" and opt == "include_in_period":
        return t("explain.opt.won_lost_in") if value else t("explain.opt.won_lost_out")
    if key == "clv" and opt == "margin":
        return t("explain.opt.margin", margin=_num(float(value)))
    if key == "clv" and opt == "lifespan_cap":
        return t("explain.opt.lifespan_cap", months=_num(float(value))) if value else t("explain.opt.no_cap")
    if key == "fcr" and opt == "null_reopens":
        return t("explain.opt.fcr_no_reopen") if value == "no_reopen" else t("explain.opt.fcr_exclude")
    if key == "ces" and opt == "reversed_surveys":
        return (
            t("explain.opt.ces_reversed", surveys=", ".join(value))
            if value
            else t("explain.opt.ces_none_reversed")
        )
    return f"{name} = {value}"


def _implicit_rules(key: str, scales: list[tuple[float, float]]) -> list[OptionInForce]:
    """Fixed readings that behave like options: the scale mapping of CES, ESAT and NPS."""
    if key in ("ces", "esat") and scales:
        per = "; ".join(above_mid_text(a, b) for a, b in scales)
        return [OptionInForce(f"{key}.scale", None, t("explain.counted_positive", scales=per))]
    if key == "nps":
        return [OptionInForce("nps.scale", None, t("explain.opt.nps_groups"))]
    return []


def options_in_force(key: str, result: MetricResult, ex: Explanation, opts: Options) -> list[OptionInForce]:
    scales = _scales(ex.denominator_rows)
    out = [
        OptionInForce(name, value, _option_text(key, name, value, scales))
        for name, value in result.options.items()
    ]
    out += _implicit_rules(key, scales)
    overrides = opts.get("survey.scales") or {}
    if REGISTRY[key].proportion and overrides:
        out.append(OptionInForce("survey.scales", overrides, t("explain.opt.scale_overrides",
                                 surveys=", ".join(f"{k}: {v}" for k, v in overrides.items()))))  # fmt: skip
    out.append(
        OptionInForce("timezone", opts.get("timezone"), t("explain.opt.timezone", tz=opts.get("timezone")))
    )
    return out


# ------------------------------------------------------------------------------------------------- loads


def load_ids(df: pd.DataFrame) -> set[int]:
    """Every load id in a frame: a `load_id` column, or `load_ids` ('3, 5') on per-customer rows."""
    ids: set[int] = set()
    if df.empty:
        return ids
    if "load_id" in df:
        ids.update(int(x) for x in df["load_id"].dropna())
    if "load_ids" in df:
        for cell in df["load_ids"].dropna():
            ids.update(int(p) for p in str(cell).split(",") if p.strip().isdigit())
    return ids


def loads_for(engine: sa.Engine, ids: set[int]) -> list[LoadInfo]:
    if not ids:
        return []
    lt = loads_table
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(lt.c.load_id, lt.c.file_name, lt.c.source, lt.c.table_name, lt.c.loaded_at, lt.c.status)
            .where(lt.c.load_id.in_(sorted(ids)))
            .order_by(lt.c.load_id)
        ).all()
    return [
        LoadInfo(int(r.load_id), r.file_name, r.source, r.table_name, r.loaded_at, r.status) for r in rows
    ]


def with_load_files(df: pd.DataFrame, loads: list[LoadInfo]) -> pd.DataFrame:
    """The rows with a `load_file` column beside their load id: which file each row came from."""
    if df.empty:
        return df
    names = {x.load_id: x.file_name for x in loads}
    out = df.copy()
    if "load_id" in out:
        out["load_file"] = [names.get(int(i), "") if pd.notna(i) else "" for i in out["load_id"]]
    elif "load_ids" in out:
        out["load_file"] = [
            ", ".join(names.get(int(p), "") for p in str(c).split(",") if p.strip().isdigit())
            if pd.notna(c)
            else ""
            for c in out["load_ids"]
        ]
    return out


# -------------------------------------------------------------------------------------------- the card


def _part_units(key: str, result: MetricResult) -> tuple[str, str]:
    """How numerator and denominator read: counts, a money sum, hours, minutes, a sum of shares."""
    opts = result.options
    money = result.unit
    if key in ("mrr", "clv", "crc"):
        return money, "count"
    if key == "churn_rate" and opts.get("churn_rate.basis") == "revenue":
        return money, money
    if key == "frt":
        return "hours", "count"
    if key == "aht":
        return "minutes", "count"
    if key == "csat" and opts.get("csat.mode") == "mean":
        return "number", "count"
    return "count", "count"


def _factor(result: MetricResult) -> float | None:
    v, a, b = result.value, result.numerator, result.denominator
    if v is None or a is None or not b:
        return None
    for k in (100.0, 1.0):
        if math.isclose(a / b * k, v, rel_tol=1e-9, abs_tol=1e-9):
            return k
    return None


def clv_notes(result: MetricResult) -> list[str]:
    """CLV's method card lines: the churn window, the churned count, whether the cap applied, the margin note."""
    x = result.extra
    if result.key != "clv" or "window_from" not in x:
        return []
    out = [f"Churn window: {x['window_from']} – {x['window_to']} ({x['window_months']} calendar months)"]
    small = " — small sample (under 5)" if x["churned"] < 5 else ""
    out.append(
        f"{x['churned']} customers churned in the window, of {x['active_at_month_starts']} active at the month "
        f"starts{small}"
    )
    cap = x.get("lifespan_cap")
    if "lifespan_months" in x:
        uncapped = x["lifespan_uncapped_months"]
        if x.get("cap_applied"):
            out.append(f"Lifespan capped at {cap:g} months (1 ÷ monthly churn = {uncapped:.1f} months)")
        elif cap:
            out.append(f"Lifespan {uncapped:.1f} months, under the {cap:g}-month cap (not applied)")
        else:
            out.append(f"Lifespan {uncapped:.1f} months, no cap set")
    if x.get("margin_assumed"):
        out.append(f"{x.get('note', 'margin not set — 100 % assumed')}: set the gross margin in Settings")
    return out


def _filters(filters: Filters | Mapping[str, str] | None) -> Filters:
    if filters is None:
        return Filters()
    return filters if isinstance(filters, Filters) else Filters.from_pairs(dict(filters))


def method_card(
    engine: sa.Engine,
    key: str,
    period: Period,
    filters: Filters | Mapping[str, str] | None = None,
    options: Options | Mapping[str, Any] | None = None,
) -> MethodCard:
    """Everything the Explain page shows about one metric for one period, filters and options."""
    f = _filters(filters)
    m = REGISTRY[key]
    result = compute(engine, key, period, f, options)
    ex = explain(engine, key, period, f, options)
    with engine.connect() as conn:
        opts = workspace_options(conn, options)
    ids = load_ids(ex.numerator_rows) | load_ids(ex.denominator_rows)
    num_unit, den_unit = _part_units(key, result)
    return MethodCard(
        key=key,
        label=m.label,
        unit=result.unit,
        definition=m.description,
        reading=result.definition,
        method=ex.method,
        period=period,
        filters=f.as_dict(),
        filters_not_applied=list(result.extra.get("filters_not_applied", [])),
        options=options_in_force(key, result, ex, opts),
        result=result,
        explanation=ex,
        loads=loads_for(engine, ids),
        numerator_unit=num_unit,
        denominator_unit=den_unit,
        factor=_factor(result),
        reason=result.reason or ex.reason,
        source=result.source or m.source,
        extra=dict(result.extra),
        notes=clv_notes(result),
    )


# ------------------------------------------------------------------------------------------- rows as CSV


def _safe_cell(x: Any) -> Any:
    if isinstance(x, str) and x.startswith(FORMULA_START):
        return "'" + x
    return x


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would run as a formula get a leading quote; numbers stay numbers."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_safe_cell)
    out.columns = [_safe_cell(str(c)) for c in out.columns]
    return out


def rows_csv(df: pd.DataFrame) -> bytes:
    """The rows as UTF-8 CSV, formula-safe (cells starting with = + - @ tab or CR are prefixed with ').

    Text is always quoted: a CR inside a cell must not end the row in a spreadsheet.
    """
    return safe_frame(df).to_csv(index=False, quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")


def filter_rows(df: pd.DataFrame, text: str) -> pd.DataFrame:
    """Rows where any cell contains `text` (case-insensitive); all rows for an empty filter."""
    needle = (text or "").strip().lower()
    if not needle or df.empty:
        return df
    hay = df.astype(str).apply(lambda col: col.str.lower().str.contains(needle, regex=False))
    return df[hay.any(axis=1)]


# ----------------------------------------------------------------------------------- another definition


def _same(a: MetricResult, b: MetricResult) -> bool:
    if (a.value is None) != (b.value is None):
        return False
    if a.value is None:
        return True
    return math.isclose(a.value, b.value, rel_tol=1e-12, abs_tol=1e-12)


def compare_definitions(
    engine: sa.Engine,
    key: str,
    period: Period,
    filters: Filters | Mapping[str, str] | None,
    base_options: Mapping[str, Any] | None,
    new_options: Mapping[str, Any] | None,
) -> tuple[MetricResult, MetricResult, list[str]]:
    """The metric under `base_options` and under base + `new_options`, and every metric whose value changed.

    The whole scorecard is computed both ways, so a definition switch that leaks into another metric shows up
    (switching csat.mode must change csat only).
    """
    f = _filters(filters)
    base = dict(base_options or {})
    after_opts = {**base, **dict(new_options or {})}
    before_all = scorecard(engine, period, f, base)
    after_all = scorecard(engine, period, f, after_opts)
    changed = [k for k in REGISTRY if not _same(before_all[k], after_all[k])]
    return before_all[key], after_all[key], changed
