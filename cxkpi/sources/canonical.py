"""cxkpi's own templates: one CSV per canonical table, headers = the canonical column names."""

from __future__ import annotations

import hashlib

from cxkpi.sources._util import derive_cost_ids
from cxkpi.sources.base import F, Field, Frame, Source, register
from cxkpi.store.schema import CANONICAL

# The key column that tells the templates apart, and the columns a template must carry.
_REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "accounts": (("account_id",), ("name",)),
    "subscriptions": (("subscription_id",), ("amount",), ("interval",), ("started_at",)),
    "payments": (("payment_id",), ("amount",), ("paid_at",)),
    "renewals": (("renewal_id",), ("due_date",), ("outcome",)),
    "tickets": (("ticket_id",), ("created_at",)),
    "responses": (("response_id",), ("score",), ("submitted_at",)),
    "costs": (("date", "period"), ("category",), ("amount",)),
}
_LABELS = {
    "accounts": "accounts",
    "subscriptions": "subscriptions",
    "payments": "payments",
    "renewals": "renewals",
    "tickets": "tickets",
    "responses": "survey responses",
    "costs": "retention costs",
}
_SKIP = {"load_id", "system", "linked_account_id"}
_UNITS = {"first_reply_minutes": "minutes", "handle_minutes": "minutes"}


def _columns(table: str) -> dict[str, Field]:
    cols: dict[str, Field] = {}
    for c in CANONICAL[table].columns:
        if c.name in _SKIP:
            continue
        if table == "costs" and c.name == "date":
            cols["date"] = F("date", "period")
        elif c.name in ("status", "interval", "outcome", "kind", "currency") and table != "tickets":
            cols[c.name] = F(c.name, upper=c.name == "currency", lower=c.name != "currency")
        elif c.name == "channel":
            cols[c.name] = F(c.name, channel=True)
        else:
            cols[c.name] = F(c.name, unit=_UNITS.get(c.name))
    return cols


def template_header(table: str) -> list[str]:
    """The header of the downloadable template for `table` (canonical column names, in schema order)."""
    return [n for n in _columns(table)]


def derive_generic(fr: Frame) -> None:
    """What a plain table (a template, a user's mapping) can lack: keys from the row's cells or from
    date + category + occurrence, and the readings a mapping's options ask for."""
    t = fr.source.table
    opts = fr.options
    if t == "responses" and "response_id" not in fr.out:
        # No response id in the export: the answer's own cells identify it across later downloads.
        cells = fr.text.fillna("").astype(str).agg("\x1f".join, axis=1)
        fr.set(
            "response_id",
            cells.map(lambda k: "r-" + hashlib.sha1(k.encode()).hexdigest()[:16]).astype(object),
            "the row's cells",
        )
    if t == "payments" and "payment_id" not in fr.out and "paid_at" in fr.out:
        cells = fr.text.fillna("").astype(str).agg("\x1f".join, axis=1)
        fr.set(
            "payment_id",
            cells.map(lambda k: "p-" + hashlib.sha1(k.encode()).hexdigest()[:16]).astype(object),
            "the row's cells",
        )
    if t == "subscriptions" and opts.get("amount_is_total") and "amount" in fr.out and "quantity" in fr.out:
        # The export's amount already includes the quantity: cxkpi stores the price per unit.
        q = fr.out["quantity"].where(fr.out["quantity"] > 0)
        fr.out["amount"] = (fr.out["amount"] / q).where(q.notna(), fr.out["amount"])
    if t == "tickets" and opts.get("zero_means_unanswered") and "first_reply_minutes" in fr.out:
        # 0:00:00 on a ticket nobody answered is "never answered", not an instant reply.
        frm = fr.out["first_reply_minutes"]
        unanswered = frm == 0
        if "agent_replies" in fr.out:
            unanswered &= fr.out["agent_replies"].fillna(0) == 0
        fr.out["first_reply_minutes"] = frm.where(~unanswered)
    if t == "renewals" and "outcome" in fr.out:
        out = fr.out["outcome"]
        fr.out["outcome"] = out.where(out.isin(["renewed", "churned", "open"]) | out.isna(), "open")
    if t == "costs" and "date" in fr.out:
        derived = derive_cost_ids(fr.out["date"], fr.out.get("category"))
        cur = fr.out.get("cost_id")
        if cur is None or cur.isna().any():
            fr.set(
                "cost_id",
                derived if cur is None else cur.where(cur.notna(), derived),
                (fr.origin.get("cost_id", "") + " else " if cur is not None else "") + "date + category",
            )


def _derive(fr: Frame) -> None:
    if fr.source.table == "costs":
        derive_generic(fr)
    _warn_unused(fr)


def _warn_unused(fr: Frame) -> None:
    """Name every column of the file that no template column read: a column is never dropped silently."""
    read = set(fr.origin.values())
    # A blank header over blank cells (a trailing delimiter) is no column at all.
    unused = [
        n
        for n, h, cells in zip(fr.raw.column_names(), fr.raw.header, fr.text.T.values, strict=False)
        if n not in read and (h.strip() or any(str(c or "").strip() for c in cells))
    ]
    if unused:
        names = ", ".join(repr(h) for h in unused)
        fr.problems.add(
            "warning",
            f"column(s) {names} not used: the {_LABELS[fr.source.table]} template has no such column, so "
            f"cxkpi did not load it (its columns: {', '.join(template_header(fr.source.table))}).",
        )


for _t in CANONICAL:
    register(
        Source(
            name=f"cxkpi_{_t}",
            label=f"cxkpi template — {_LABELS[_t]}",
            system="cxkpi",
            table=_t,
            required=_REQUIRED[_t],
            optional=tuple(n for n in _columns(_t) if (n,) not in _REQUIRED[_t]),
            columns=_columns(_t),
            derive=_derive,
            doc="Headers are the canonical column names; dates ISO; durations in minutes; scores with their scale.",
        )
    )
