"""The renewals behind the renewal rate: each contract due in the period, its account and outcome (SQL Core).

Selection and outcome reading are the renewal-rate metric's (cxkpi.metrics.customers): due_date between the
period's two dates inclusive, segment/region/plan through the linked account, outcome read as renewed /
churned / open (anything else is open = pending).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from cxkpi.metrics import Filters, Period, make_context
from cxkpi.metrics.base import date_in_period, linked_filter

# The metric's own outcome reading, imported so the list and the rate cannot disagree.
from cxkpi.metrics.customers import _renewal_outcome
from cxkpi.store.schema import accounts, renewals

OUTCOMES = ("renewed", "churned", "open")


def renewals_due(
    engine: sa.Engine, period: Period, filters: Filters | None = None, options: Any = None
) -> pd.DataFrame:
    """Columns: renewal_id, account, due_date, outcome (renewed / churned / open), amount, currency.
    Ordered by due date, then account."""
    r, a = renewals, accounts
    out = _renewal_outcome(r)
    who = sa.func.coalesce(a.c.name, r.c.company, r.c.account_id, r.c.email).label("account")
    with engine.connect() as conn:
        ctx = make_context(conn, period, filters, options)
        rows = conn.execute(
            sa.select(r.c.renewal_id, who, r.c.due_date, out.label("outcome"), r.c.amount, r.c.currency)
            .select_from(r.outerjoin(a, a.c.account_id == r.c.linked_account_id))
            .where(date_in_period(ctx, r.c.due_date), *linked_filter(ctx, r))
            .order_by(r.c.due_date, who, r.c.renewal_id)
        ).all()
    df = pd.DataFrame([tuple(x) for x in rows], columns=["renewal_id", "account", "due_date", "outcome", "amount",
                                                         "currency"])  # fmt: skip
    df["amount"] = df["amount"].astype("float64")
    return df


def outcome_counts(df: pd.DataFrame) -> dict[str, int]:
    """renewed / churned / open counts of a renewals_due frame (every outcome present, 0 when none)."""
    counts = df["outcome"].value_counts() if len(df) else pd.Series(dtype="int64")
    return {o: int(counts.get(o, 0)) for o in OUTCOMES}
