"""Helpers to put a handful of readable canonical rows into a store, for metric tests.

    load(engine,
         account("A1", segment="SMB"),
         sub("S1", "A1", 100, "2025-01-01"),
         ticket("T1", "2025-03-02 09:00", solved="2025-03-02 10:00", reopens=0, replies=1))

Each helper returns (table, row); `load` inserts them (load_id 1, system "test" unless given) and relinks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from cxkpi.metrics import Period
from cxkpi.store import CANONICAL, relink

Row = tuple[str, dict[str, Any]]


def ts(text: str | None) -> dt.datetime | None:
    """'2025-03-01' or '2025-03-01 10:00[:00]' as a naive UTC datetime."""
    if text is None:
        return None
    return dt.datetime.fromisoformat(text)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def period(start: str, end: str) -> Period:
    return Period(day(start), day(end))


def account(account_id: str, *, name: str | None = None, segment: str | None = None, region: str | None = None,
            plan: str | None = None, created: str | None = None, churned: str | None = None,
            email: str | None = None, domain: str | None = None) -> Row:  # fmt: skip
    return "accounts", dict(
        account_id=account_id, name=name or f"Company {account_id}", segment=segment, region=region, plan=plan,
        created_at=ts(created), churned_at=ts(churned), email=email, domain=domain,
    )  # fmt: skip


def sub(subscription_id: str, account_id: str | None, amount: float, start: str, end: str | None = None, *,
        interval: str = "month", interval_count: int | None = 1, quantity: float | None = 1, discount: float | None = 0,
        currency: str | None = "USD", status: str = "active", email: str | None = None) -> Row:  # fmt: skip
    return "subscriptions", dict(
        subscription_id=subscription_id, account_id=account_id, email=email, amount=amount, currency=currency,
        interval=interval, interval_count=interval_count, quantity=quantity, discount=discount, status=status,
        started_at=ts(start), ended_at=ts(end), plan="plan",
    )  # fmt: skip


def payment(payment_id: str, account_id: str, amount: float, paid: str, *, status: str | None = "paid",
            currency: str = "USD") -> Row:  # fmt: skip
    return "payments", dict(payment_id=payment_id, account_id=account_id, amount=amount, currency=currency,
                            paid_at=ts(paid), status=status)  # fmt: skip


def renewal(renewal_id: str, account_id: str, due: str, outcome: str | None, amount: float = 1000.0) -> Row:
    return "renewals", dict(renewal_id=renewal_id, account_id=account_id, due_date=day(due), outcome=outcome,
                            amount=amount, currency="USD")  # fmt: skip


def cost(cost_id: str, date: str, amount: float, category: str = "success team", currency: str = "USD") -> Row:
    return "costs", dict(cost_id=cost_id, date=day(date), amount=amount, category=category, currency=currency)


def ticket(ticket_id: str, created: str, *, solved: str | None = None, reply_minutes: float | None = None,
           reply_at: str | None = None, reopens: int | None = None, replies: int | None = None,
           handle: float | None = None, channel: str | None = "email", account_id: str | None = None,
           email: str | None = None) -> Row:  # fmt: skip
    return "tickets", dict(
        ticket_id=ticket_id, account_id=account_id, email=email, channel=channel, created_at=ts(created),
        first_reply_at=ts(reply_at), first_reply_minutes=reply_minutes, solved_at=ts(solved),
        status="solved" if solved else "open", reopens=reopens, agent_replies=replies, handle_minutes=handle,
    )  # fmt: skip


def response(response_id: str, kind: str, score: float | None, scale: tuple[float, float] | None, at: str, *,
             survey: str = "Survey", account_id: str | None = None, reversed: bool | None = None,
             channel: str | None = None, email: str | None = None) -> Row:  # fmt: skip
    lo, hi = scale if scale else (None, None)
    return "responses", dict(
        response_id=response_id, kind=kind, score=score, scale_min=lo, scale_max=hi, submitted_at=ts(at),
        survey=survey, account_id=account_id, reversed=reversed, channel=channel, email=email,
    )  # fmt: skip


def responses_many(prefix: str, kind: str, scores: list[float], scale: tuple[float, float], at: str,
                   **kw: Any) -> list[Row]:  # fmt: skip
    """One response per score, ids prefix1, prefix2, …"""
    return [response(f"{prefix}{i + 1}", kind, s, scale, at, **kw) for i, s in enumerate(scores)]


def load(engine: sa.Engine, *rows: Row | list[Row], load_id: int = 1, system: str = "test") -> None:
    flat: list[Row] = []
    for r in rows:
        flat.extend(r if isinstance(r, list) else [r])
    by_table: dict[str, list[dict[str, Any]]] = {}
    for table, row in flat:
        full = {"load_id": load_id, "system": system, **row}
        by_table.setdefault(table, []).append(full)
    with engine.begin() as conn:
        for table, items in by_table.items():
            t = CANONICAL[table]
            conn.execute(sa.insert(t), items)
        relink(conn)


def set_setting(engine: sa.Engine, key: str, value: Any) -> None:
    import json

    from cxkpi.store.schema import settings

    with engine.begin() as conn:
        conn.execute(sa.delete(settings).where(settings.c.key == key))
        conn.execute(sa.insert(settings).values(key=key, value=json.dumps(value)))
