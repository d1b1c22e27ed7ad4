"""`cxkpi scorecard`, `cxkpi trend` and `cxkpi explain` (../shared/reference/cli.md)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import sys
from typing import Any

from cxkpi.i18n import get_locale, t, t_reading
from cxkpi.metrics.base import Options
from cxkpi.metrics.engine import explain, scorecard, trend
from cxkpi.metrics.registry import REGISTRY
from cxkpi.metrics.types import Filters, MetricResult, Period
from cxkpi.safety import clamp_buckets, clamp_period
from cxkpi.store import make_engine

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Excel/Sheets run a cell starting with = + - @ tab or CR as a formula: prefix such text with '."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, dt.datetime | dt.date):  # pandas Timestamps are datetimes
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    import pandas as pd  # only explain rows get here (NaT, numpy scalars)

    if pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)


def _parse_common(args: argparse.Namespace) -> tuple[Period, Filters, Options]:
    period = Period.parse(args.date_from, args.date_to)
    filters = Filters.from_pairs(getattr(args, "segment", []) or [])
    overrides: dict[str, str] = {}
    for item in getattr(args, "option", []) or []:
        if "=" not in item:
            raise ValueError(f"--option takes KEY=VALUE (e.g. csat.mode=mean), got {item!r}")
        k, v = item.split("=", 1)
        overrides[k.strip()] = v.strip()
    return period, filters, Options(overrides)


def _fail(message: str) -> int:
    print(f"cxkpi: {message}", file=sys.stderr)
    return 2


def fmt_value(r: MetricResult, value: float | None = None) -> str:
    """Rounded for display (the JSON keeps values unrounded)."""
    v = r.value if value is None else value
    if v is None:
        return t("cli.not_available")
    unit = r.unit
    if unit == "%":
        return f"{v:.1f} %"
    if unit == "points":
        return f"{v:+.1f}"
    if unit == "count":
        return f"{v:,.0f}"
    if unit == "hours":
        return f"{v:.2f} h"
    if unit == "minutes":
        return f"{v:.1f} min"
    return f"{v:,.2f} {unit}"


def _label(r: Any) -> str:
    """The metric's name for people: the registry's label in English, the catalog's in another language."""
    return r.label if get_locale() == "en" else t(f"metric.{r.key}")


def _detail(r: MetricResult) -> str:
    if r.value is None:
        return r.reason or ""
    bits = []
    if r.n is not None:
        bits.append(f"n={r.n}" + (t("cli.small_sample") if r.small_sample else ""))
    if r.ci_low is not None and r.ci_high is not None:
        bits.append(t("cli.interval", low=f"{r.ci_low:.1f}", high=f"{r.ci_high:.1f}"))
    if r.key == "ticket_reopens":
        bits.append(t("cli.reopens", rate=f"{r.extra['rate']:.1f}", events=r.extra["events"]))
    if r.key == "mrr" and r.extra.get("per_customer") is not None:
        bits.append(t("cli.per_customer", amount=f"{r.extra['per_customer']:,.2f}", unit=r.unit))
    if r.key == "renewal_rate" and r.extra.get("pending"):
        bits.append(t("cli.pending", n=r.extra["pending"]))
    if r.key == "churn_rate" and r.extra.get("won_and_lost"):
        bits.append(t("cli.won_and_lost", n=r.extra["won_and_lost"]))
    bits.append(t_reading(r.definition))  # the reading, part by part where the catalogs know it
    return "; ".join(bits)


def _table(rows: list[tuple[str, str, str]]) -> str:
    w0 = max(len(a) for a, _, _ in rows)
    w1 = max(len(b) for _, b, _ in rows)
    return "\n".join(f"{a:<{w0}}  {b:>{w1}}  {c}" for a, b, c in rows)


def _write_csv(header: list[str], rows: list[list[Any]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow([safe_cell("" if v is None else v) for v in row])
    sys.stdout.write(buf.getvalue())


def cmd_scorecard(args: argparse.Namespace) -> int:
    try:
        period, filters, options = _parse_common(args)
    except ValueError as exc:
        return _fail(str(exc))
    engine = make_engine(args.db)
    try:
        results = scorecard(engine, period, filters, options)
    finally:
        engine.dispose()
    if args.format == "json":
        out = {
            "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            "filters": filters.as_dict(),
            "metrics": {k: _jsonable(r.to_json()) for k, r in results.items()},
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        header = ["metric", "label", "value", "unit", "n", "ci_low", "ci_high", "definition", "rate", "reason"]
        _write_csv(header, [
            [k, r.label, r.value, r.unit, r.n, r.ci_low, r.ci_high, r.definition, r.extra.get("rate"), r.reason]
            for k, r in results.items()
        ])  # fmt: skip
    else:
        title = t("cli.scorecard_title", period=period) + ("  (" + ", ".join(f"{k}={v}" for k, v in filters.as_dict().items()) + ")" if filters.as_dict() else "")
        print(title)
        print(_table([(_label(r), fmt_value(r), _detail(r)) for r in results.values()]))
    return 0


def cmd_trend(args: argparse.Namespace) -> int:
    if args.metric not in REGISTRY:
        return _fail(f"unknown metric {args.metric!r}; known: {', '.join(REGISTRY)}")
    try:
        period, filters, options = _parse_common(args)
    except ValueError as exc:
        return _fail(str(exc))
    # Years 2000–2100 and a bounded number of buckets: 1900–2100 by week would run for minutes.
    start, end, note = clamp_period(period.start, period.end)
    start, too_many = clamp_buckets(start, end, args.by)
    for msg in (note, too_many):
        if msg:
            print(f"cxkpi: {msg}", file=sys.stderr)
    engine = make_engine(args.db)
    try:
        points = trend(engine, args.metric, start, end, args.by, filters, options)
    finally:
        engine.dispose()
    if args.format == "json":
        out = {
            "metric": args.metric,
            "by": args.by,
            "unit": points[0].result.unit if points else None,
            "points": [
                {"from": p.start.isoformat(), "to": p.end.isoformat(), **_jsonable(p.result.to_json())} for p in points
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        _write_csv(
            ["from", "to", "value", "unit", "n", "ci_low", "ci_high", "reason"],
            [[p.start, p.end, p.result.value, p.result.unit, p.result.n, p.result.ci_low, p.result.ci_high,
              p.result.reason] for p in points],  # fmt: skip
        )
    else:
        label = _label(REGISTRY[args.metric])
        print(t("cli.trend_title", metric=label, by=t(f"trends.by.{args.by}").lower()))
        print(_table([(f"{p.start} – {p.end}", fmt_value(p.result), _detail(p.result)) for p in points]))
    return 0


def cmd_explain(args: argparse.Namespace) -> int:
    if args.metric not in REGISTRY:
        return _fail(f"unknown metric {args.metric!r}; known: {', '.join(REGISTRY)}")
    try:
        period, filters, options = _parse_common(args)
    except ValueError as exc:
        return _fail(str(exc))
    engine = make_engine(args.db)
    try:
        ex = explain(engine, args.metric, period, filters, options)
    finally:
        engine.dispose()
    parts = [("numerator", ex.numerator_rows), ("denominator", ex.denominator_rows)]
    if args.format == "json":
        out = {
            "metric": args.metric,
            "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            "method": ex.method,
            "reason": ex.reason,
        }
        for name, df in parts:
            out[name] = {
                "total": ex.numerator_total() if name == "numerator" else ex.denominator_total(),
                "sum_of": ex.numerator_sum if name == "numerator" else ex.denominator_sum,
                "rows": [_jsonable(r) for r in df.to_dict(orient="records")],
            }
        print(json.dumps(out, ensure_ascii=False, indent=1))
    elif args.format == "csv":
        cols = ex.columns
        rows = [[name, *[_csv_value(rec.get(c)) for c in cols]] for name, df in parts for rec in df.to_dict(orient="records")]
        _write_csv(["part", *cols], rows)
    else:
        print(ex.method if ex.reason is None else f"{ex.method}\n{ex.reason}")
        for name, df in parts:
            total = ex.numerator_total() if name == "numerator" else ex.denominator_total()
            print(f"\n{name}: {len(df)} rows, total {total:g}")
            if len(df):
                print(df.to_string(index=False, max_rows=200))
    return 0


def _csv_value(v: Any) -> Any:
    v = _jsonable(v)
    return "" if v is None else v
