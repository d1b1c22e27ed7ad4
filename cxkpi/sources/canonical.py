"""cxkpi's own templates: one CSV per canonical table, headers = the canonical column names."""

from __future__ import annotations

from cxkpi.sources.base import F, Field, Source, register
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


def _derive(fr) -> None:  # noqa: ANN001 - a mapping.Frame
    from cxkpi.ingest.mapping import _derive_generic

    if fr.source.table == "costs":
        _derive_generic(fr)
    _warn_unused(fr)


def _warn_unused(fr) -> None:  # noqa: ANN001 - a mapping.Frame
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
