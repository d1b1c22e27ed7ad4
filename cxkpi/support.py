"""Support-page breakdowns the scorecard does not carry: first-response-time distribution per channel and the
accounts with the most reopened tickets. Computed in SQL (SQLAlchemy Core, DuckDB and PostgreSQL alike).

Ticket selection is the metric engine's own (cxkpi.metrics.tickets): FRT over tickets *created* in the period
that got a reply, reopens over tickets *solved* in the period, same filters and time zone, so these tables add
up to the numbers on the Scorecard. Reopen counts over time are `cxkpi.metrics.trend("ticket_reopens")`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from cxkpi.metrics import Filters, Period, make_context
from cxkpi.metrics.base import Ctx

# The engine's definitions, imported rather than copied so the page and the scorecard cannot drift apart.
from cxkpi.metrics.tickets import _hours_to_reply, _scope
from cxkpi.store.schema import accounts, tickets

# Histogram bin edges in hours. FRT is heavily right-skewed (chat in minutes, e-mail in hours or days), so the
# bins widen; the last one is open-ended.
FRT_BINS: tuple[float, ...] = (0.0, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 24.0, 48.0)
NO_CHANNEL = "(none)"


def bin_label(i: int) -> str:
    """'0–15 min', '1–2 h', '≥ 48 h' for bin i of FRT_BINS."""

    def h(x: float) -> str:
        return f"{int(x * 60)} min" if x < 1 else f"{x:g} h"

    if i >= len(FRT_BINS) - 1:
        return f"≥ {h(FRT_BINS[-1])}"
    lo, hi = FRT_BINS[i], FRT_BINS[i + 1]
    if hi <= 1:
        return f"{int(lo * 60)}–{int(hi * 60)} min"
    return f"{lo:g}–{hi:g} h" if lo >= 1 else f"{int(lo * 60)} min–{h(hi)}"


def _ctx(conn: sa.Connection, period: Period, filters: Filters | None, options: Any) -> Ctx:
    return make_context(conn, period, filters, options)


def _channel(t: sa.Table) -> sa.ColumnElement[str]:
    return sa.func.coalesce(sa.func.nullif(sa.func.lower(sa.func.trim(t.c.channel)), ""), sa.literal(NO_CHANNEL))


def frt_distribution(
    engine: sa.Engine, period: Period, filters: Filters | None = None, options: Any = None
) -> pd.DataFrame:
    """Per channel, over tickets created in the period with a first reply: n, mean, min, p25, median, p75,
    p90, max (hours). Sorted by channel. Empty frame (same columns) when no ticket qualifies."""
    t = tickets
    h = _hours_to_reply(t)
    ch = _channel(t).label("channel")
    pct = lambda q: sa.func.percentile_cont(sa.literal_column(str(q))).within_group(h)  # noqa: E731
    with engine.connect() as conn:
        ctx = _ctx(conn, period, filters, options)
        q = (
            sa.select(
                ch,
                sa.func.count().label("n"),
                sa.func.avg(h).label("mean"),
                sa.func.min(h).label("min"),
                pct(0.25).label("p25"),
                pct(0.5).label("median"),
                pct(0.75).label("p75"),
                pct(0.9).label("p90"),
                sa.func.max(h).label("max"),
            )
            .where(*_scope(ctx, t.c.created_at), h.is_not(None), h >= 0)
            .group_by(ch)
            .order_by(ch)
        )
        rows = conn.execute(q).all()
    cols = ["channel", "n", "mean", "min", "p25", "median", "p75", "p90", "max"]
    df = pd.DataFrame([tuple(r) for r in rows], columns=cols)
    df["n"] = df["n"].astype("int64")
    for c in cols[2:]:
        df[c] = df[c].astype("float64")
    return df


def frt_histogram(
    engine: sa.Engine, period: Period, filters: Filters | None = None, options: Any = None
) -> pd.DataFrame:
    """Tickets per FRT bin and channel (bins: FRT_BINS, labels: bin_label). Columns: channel, bin, label,
    tickets, share (% of that channel's tickets). Only bins with tickets appear."""
    t = tickets
    h = _hours_to_reply(t)
    ch = _channel(t).label("channel")
    # bin index = how many inner edges the value reaches: 0.3 h -> 1 ('15–30 min'); literal edges, no params,
    # so GROUP BY sees the identical expression on both backends.
    idx = sum(
        (sa.case((h >= sa.literal_column(repr(edge)), 1), else_=0) for edge in FRT_BINS[1:]),
        sa.literal_column("0"),
    ).label("bin")
    with engine.connect() as conn:
        ctx = _ctx(conn, period, filters, options)
        sub = (
            sa.select(ch, idx).where(*_scope(ctx, t.c.created_at), h.is_not(None), h >= 0).subquery("binned")
        )
        rows = conn.execute(
            sa.select(sub.c.channel, sub.c.bin, sa.func.count().label("tickets"))
            .group_by(sub.c.channel, sub.c.bin)
            .order_by(sub.c.channel, sub.c.bin)
        ).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=["channel", "bin", "tickets"])
    df["bin"] = df["bin"].astype("int64")
    df["tickets"] = df["tickets"].astype("int64")
    df.insert(2, "label", [bin_label(i) for i in df["bin"]])
    totals = df.groupby("channel")["tickets"].transform("sum")
    df["share"] = (df["tickets"] / totals * 100).astype("float64")
    return df


def top_reopened_accounts(
    engine: sa.Engine, period: Period, filters: Filters | None = None, options: Any = None, limit: int = 10
) -> pd.DataFrame:
    """Accounts with the most tickets solved in the period and reopened at least once.

    Columns: account_id (None when the tickets link to no account), account (name, else the ticket's company or
    e-mail), reopened (tickets with reopens ≥ 1), events (Σ reopens), solved (tickets solved in the period with a
    known reopen count), rate (reopened ÷ solved × 100). Ordered by reopened, events, then name.
    """
    t, a = tickets, accounts
    who = sa.func.coalesce(t.c.linked_account_id, sa.func.lower(sa.func.trim(t.c.company)), sa.func.lower(t.c.email))
    with engine.connect() as conn:
        ctx = _ctx(conn, period, filters, options)
        per = (
            sa.select(
                who.label("who"),
                sa.func.max(t.c.linked_account_id).label("account_id"),
                sa.func.max(sa.func.coalesce(t.c.company, t.c.email)).label("label"),
                sa.func.sum(sa.case((t.c.reopens >= 1, 1), else_=0)).label("reopened"),
                sa.func.coalesce(sa.func.sum(t.c.reopens), 0).label("events"),
                sa.func.count().label("solved"),
            )
            .where(*_scope(ctx, t.c.solved_at), t.c.reopens.is_not(None))
            .group_by(who)
            .subquery("per")
        )
        name = sa.func.coalesce(a.c.name, per.c.label, sa.literal("(not linked)"))
        q = (
            # a.account_id, not the ticket's: an unlinked row's linked_account_id is its own identity key
            sa.select(a.c.account_id, name.label("account"), per.c.reopened, per.c.events, per.c.solved)
            .select_from(per.outerjoin(a, a.c.account_id == per.c.account_id))
            .where(per.c.reopened >= 1)
            .order_by(per.c.reopened.desc(), per.c.events.desc(), name)
            .limit(limit)
        )
        rows = conn.execute(q).all()
    df = pd.DataFrame([tuple(r) for r in rows], columns=["account_id", "account", "reopened", "events", "solved"])
    for c in ("reopened", "events", "solved"):
        df[c] = df[c].astype("int64")
    df["rate"] = (df["reopened"] / df["solved"] * 100).astype("float64")
    return df
