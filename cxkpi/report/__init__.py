"""The report for management: one view's figures as plain data, then CSV / XLSX / PDF.

``build_snapshot`` computes what a Report page shows (scorecard, key trends with their intervals and
benchmark bands, period, filters, the loads it was computed on). A pinned share link stores exactly this
dict, so the figures as sent can be shown again however the data changed since; a live link builds it
again when opened. ``pinned_state`` says how the store moved since a snapshot was taken.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pandas as pd
import sqlalchemy as sa

from cxkpi.store.loads import data_version
from cxkpi.store.schema import loads
from cxkpi.view import View

KEY_TRENDS = ("csat", "nps", "churn_rate", "mrr")  # the four lines management asks about first
TREND_MONTHS = 12


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def active_loads(conn: sa.Connection) -> list[int]:
    q = sa.select(loads.c.load_id).where(loads.c.status == "active").order_by(loads.c.load_id)
    return [int(x) for x in conn.execute(q).scalars()]


def build_snapshot(engine: sa.Engine, query: dict[str, str], today: dt.date) -> dict[str, Any]:
    """Every figure the report shows for the view in `query`, resolved against `today`, as JSON-able data."""
    import cxkpi.metrics as metrics
    from cxkpi.benchmarks import benchmarks_for

    v = View.from_query(query)
    start, end = v.period(today)
    period = metrics.Period(start, end)
    filters = metrics.Filters(**v.filters())
    card = metrics.scorecard(engine, period, filters, v.options())
    trend_from = _add_months(end.replace(day=1), -(TREND_MONTHS - 1))
    trends: dict[str, Any] = {}
    for key in KEY_TRENDS:
        if key not in card:
            continue
        points = metrics.trend(engine, key, trend_from, end, "month", filters, v.options())
        trends[key] = {
            "label": card[key].label,
            "unit": card[key].unit,
            "points": [
                {
                    "start": p.start.isoformat(),
                    "end": p.end.isoformat(),
                    "value": p.result.value,
                    "ci_low": p.result.ci_low,
                    "ci_high": p.result.ci_high,
                }
                for p in points
            ],  # fmt: skip
            "benchmarks": [
                {
                    "label": b.label,
                    "kind": b.kind,
                    "low": b.low,
                    "high": b.high,
                    "value": b.value,
                    "colour": b.colour,
                }
                for b in benchmarks_for(key)
            ],
        }
    with engine.connect() as conn:
        version, active = data_version(conn), active_loads(conn)
    return {
        "computed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "query": v.to_query(),
        "period": [start.isoformat(), end.isoformat()],
        "filters": v.filters(),
        "options": v.options(),
        "data_version": version,
        "loads": active,
        "scorecard": {k: r.to_json() for k, r in card.items()},
        "trends": trends,
    }


@dataclass(frozen=True)
class PinnedState:
    """How the store moved since a snapshot: ``same``, ``newer`` (loads added) or ``removed`` (some of the
    loads the figures were computed on are gone), with the load ids concerned."""

    state: str
    added: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()


def pinned_state(engine: sa.Engine, snapshot: dict[str, Any]) -> PinnedState:
    with engine.connect() as conn:
        now = set(active_loads(conn))
    then = {int(x) for x in snapshot.get("loads", [])}
    removed, added = tuple(sorted(then - now)), tuple(sorted(now - then))
    if removed:
        return PinnedState("removed", added, removed)
    if added:
        return PinnedState("newer", added, removed)
    return PinnedState("same")


def scorecard_frame(snapshot: dict[str, Any]) -> pd.DataFrame:
    """One row a metric: what the tiles show, plus the numerator, denominator and interval behind it."""
    rows = []
    for key, r in snapshot["scorecard"].items():
        rows.append({
            "metric": key, "label": r.get("label"), "value": r.get("value"), "unit": r.get("unit"),
            "n": r.get("n"), "numerator": r.get("numerator"), "denominator": r.get("denominator"),
            "ci_low": r.get("ci_low"), "ci_high": r.get("ci_high"), "not_available_because": r.get("reason"),
            "definition": r.get("definition"),
        })  # fmt: skip
    df = pd.DataFrame(rows)
    start, end = snapshot["period"]
    df.insert(0, "period", f"{start} – {end}")
    df["data_version"] = snapshot["data_version"]
    return df


def scorecard_csv(snapshot: dict[str, Any]) -> bytes:
    from cxkpi.method import rows_csv  # formula-safe, text quoted

    return rows_csv(scorecard_frame(snapshot))


def scorecard_xlsx(snapshot: dict[str, Any]) -> bytes:
    """The scorecard as a workbook; text that a spreadsheet would run as a formula is quoted."""
    from cxkpi.method import safe_frame

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        safe_frame(scorecard_frame(snapshot)).to_excel(xw, index=False, sheet_name="Scorecard")
    return buf.getvalue()
