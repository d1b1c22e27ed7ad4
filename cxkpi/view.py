"""A dashboard view as plain data: period preset, comparison, filters, metric options, trend choices.

The pages keep one ``View`` per session and mirror it into the URL query string, so a reload or a shared
link reproduces what was on screen. Everything here is pure Python (no Streamlit) and round-trips:
``View.from_query(v.to_query()) == v``. Invalid or unknown query values fall back to defaults instead of
failing, because URLs get hand-edited and truncated.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

import sqlalchemy as sa

import cxkpi.i18n_readings  # noqa: F401  (English for the readings every page shows; tests see it too)
from cxkpi.store.schema import accounts, responses, tickets

PRESETS = ("last_month", "last_quarter", "ytd", "last_12_months", "custom")
COMPARES = {"prev": "previous_period", "yoy": "same_period_last_year"}
FILTER_FIELDS = ("segment", "region", "plan", "channel")
GRAINS = ("week", "month", "quarter")
SPLITS = ("", "segment", "region", "plan", "channel")
CSAT_MODES = ("top2box", "mean")
FRT_STATS = ("median", "mean")


def _month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _month_end(d: dt.date) -> dt.date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, 1)


def preset_range(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) of a preset, relative to `today` (in the workspace time zone)."""
    this_month = _month_start(today)
    if preset == "last_quarter":
        q_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        start = _add_months(q_start, -3)
        return start, q_start - dt.timedelta(days=1)
    if preset == "ytd":
        return dt.date(today.year, 1, 1), today
    if preset == "last_12_months":
        return _add_months(this_month, -12), this_month - dt.timedelta(days=1)
    # last_month (and the fallback for anything unknown)
    last = this_month - dt.timedelta(days=1)
    return _month_start(last), last


def _parse_date(text: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text))
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class View:
    preset: str = "last_month"
    start: dt.date | None = None  # custom period only
    end: dt.date | None = None
    compare: str = "prev"  # prev / yoy
    segment: str | None = None
    region: str | None = None
    plan: str | None = None
    channel: str | None = None
    csat_mode: str = "top2box"
    frt_stat: str = "median"
    metric: str = "csat"  # the Trends page's metric
    by: str = "month"
    split: str = ""  # trends: one line per value of this dimension

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        if self.preset == "custom" and self.start and self.end:
            return (self.start, self.end) if self.start <= self.end else (self.end, self.start)
        return preset_range(self.preset if self.preset != "custom" else "last_month", today)

    def filters(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in FILTER_FIELDS if getattr(self, k)}

    def options(self) -> dict[str, str]:
        """Metric-engine option overrides carried by this view (cxkpi.metrics Options names)."""
        return {"csat.mode": self.csat_mode, "frt.stat": self.frt_stat}

    def to_query(self) -> dict[str, str]:
        """The URL query parameters for this view; defaults for page-specific choices are left out."""
        q: dict[str, str] = {"period": self.preset}
        if self.preset == "custom" and self.start and self.end:
            q["from"], q["to"] = self.start.isoformat(), self.end.isoformat()
        q["compare"] = self.compare
        q.update(self.filters())
        q["csat"] = self.csat_mode
        q["frt"] = self.frt_stat
        default = View()
        for name in ("metric", "by", "split"):
            if getattr(self, name) != getattr(default, name):
                q[name] = getattr(self, name)
        return q

    @classmethod
    def from_query(cls, query: Mapping[str, Any], defaults: View | None = None) -> View:
        base = defaults or cls()

        def pick(key: str, allowed: tuple[str, ...] | None, current: Any) -> Any:
            value = query.get(key)
            if isinstance(value, list):  # st.query_params.to_dict() gives the last value; lists elsewhere
                value = value[-1] if value else None
            if value is None or value == "":
                return current
            value = str(value).strip()
            return value if allowed is None or value in allowed else current

        preset = pick("period", PRESETS, base.preset)
        start, end = _parse_date(query.get("from")), _parse_date(query.get("to"))
        if preset == "custom" and not (start and end):
            preset, start, end = base.preset, base.start, base.end
        from cxkpi.metrics import REGISTRY  # lazily: view parsing must not import the engine at startup

        return cls(
            preset=preset,
            start=start if preset == "custom" else None,
            end=end if preset == "custom" else None,
            compare=pick("compare", tuple(COMPARES), base.compare),
            segment=pick("segment", None, base.segment),
            region=pick("region", None, base.region),
            plan=pick("plan", None, base.plan),
            channel=pick("channel", None, base.channel),
            csat_mode=pick("csat", CSAT_MODES, base.csat_mode),
            frt_stat=pick("frt", FRT_STATS, base.frt_stat),
            metric=pick("metric", tuple(REGISTRY), base.metric),
            by=pick("by", GRAINS, base.by),
            split=pick("split", SPLITS, base.split),
        )

    def with_(self, **changes: Any) -> View:
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in changes.items() if k in known})


def tile_rows(n: int, per_row: int) -> list[int]:
    """Tiles per row with no lone tile on the last row: 10 by 3 -> 3, 3, 2, 2 (not 3, 3, 3, 1)."""
    rows = -(-n // per_row)
    base, extra = divmod(n, rows) if rows else (0, 0)
    return [base + 1] * extra + [base] * (rows - extra)


def filter_choices(engine: sa.Engine) -> dict[str, list[str]]:
    """The values each filter can take in the store: account segment/region/plan, channel, survey name."""
    out: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for name in ("segment", "region", "plan"):
            col = accounts.c[name]
            rows = conn.execute(sa.select(col).where(col.is_not(None)).distinct()).scalars().all()
            out[name] = sorted({str(v).strip() for v in rows if str(v).strip()})
        chans = sa.union(
            sa.select(tickets.c.channel.label("c")).where(tickets.c.channel.is_not(None)),
            sa.select(responses.c.channel.label("c")).where(responses.c.channel.is_not(None)),
        ).subquery()
        rows = conn.execute(sa.select(chans.c.c)).scalars().all()
        out["channel"] = sorted({str(v).strip() for v in rows if str(v).strip()})
        col = responses.c.survey
        rows = conn.execute(sa.select(col).where(col.is_not(None)).distinct()).scalars().all()
        out["survey"] = sorted({str(v).strip() for v in rows if str(v).strip()})
    return out


# What each metric reads, to tell "load an export" (the workspace has no such data at all) from "none in
# this period" (it has some, elsewhere in time): the export advice is only right in the first case.
_SURVEY_KINDS = ("csat", "ces", "nps", "esat")
_TICKET_COLUMNS = {
    "ticket_reopens": ("reopens",),
    "frt": ("first_reply_at", "first_reply_minutes"),
    "aht": ("handle_minutes",),
    "fcr": ("agent_replies",),
}


def metrics_with_data(engine: sa.Engine) -> frozenset[str]:
    """The metric keys for which the workspace holds any rows at all, whatever their dates."""
    from cxkpi.store.schema import costs, payments, renewals, subscriptions

    def exists(conn: sa.Connection, query: sa.Select) -> bool:
        return conn.execute(query.limit(1)).first() is not None

    have: set[str] = set()
    with engine.connect() as conn:
        kinds = conn.execute(
            sa.select(responses.c.kind).where(responses.c.kind.is_not(None)).distinct()
        ).scalars()
        have.update(k for k in (str(x).strip().lower() for x in kinds) if k in _SURVEY_KINDS)
        billing = exists(conn, sa.select(subscriptions.c.subscription_id)) or exists(
            conn, sa.select(payments.c.payment_id)
        )
        if billing:
            have.update(("churn_rate", "clv", "mrr"))
        elif exists(conn, sa.select(accounts.c.account_id).where(accounts.c.created_at.is_not(None))):
            have.add("churn_rate")  # without subscriptions, churn reads accounts' created/churned dates
        if exists(conn, sa.select(costs.c.cost_id)):
            have.add("crc")
        if exists(conn, sa.select(renewals.c.renewal_id)):
            have.add("renewal_rate")
        for key, cols in _TICKET_COLUMNS.items():
            if exists(
                conn, sa.select(tickets.c.ticket_id).where(sa.or_(*(tickets.c[c].is_not(None) for c in cols)))
            ):
                have.add(key)
    return frozenset(have)
