"""How a proposal reads the values of the columns it chose: a duration's unit (seconds, minutes, hours,
clock times; business hours flagged), money (minor units, amounts that include the quantity) and billing
intervals; each reading a decision with its evidence, or a question when the values do not say."""

from __future__ import annotations

from cxkpi.ingest.profile import Profile
from cxkpi.ingest.proposal import WORDS, Ask, Decision, Proposal
from cxkpi.ingest.vocabulary import contains, normalize, says, unit_in, value_words

# Headers that say an amount is a total (already multiplied by the quantity).
_TOTAL = (
    "total",
    "totale",
    "mrr",
    "arr",
    "gesamt",
    "summe",
    "总额",
    "總額",
    "合計",
    "montant total",
    "importe total",
    "valor total",
    "totaal",
)


def read_duration(prop: Proposal, canon: str, p: Profile) -> None:
    h = p.header
    if p.kind == "duration":
        prop.units[canon] = "minutes"  # clock / words / ISO cells carry their own unit
        if canon == "first_reply_minutes" and p.zero_share > 0:
            prop.options["zero_means_unanswered"] = True
            prop.decisions.append(
                Decision(
                    WORDS[canon],
                    h,
                    "note",
                    1.0,
                    "a zero duration means the ticket was never answered: left empty",
                )
            )
        return
    unit = unit_in(h)
    if unit:
        prop.units[canon] = unit
        prop.decisions.append(Decision(f"unit of {WORDS[canon]}", h, "unit", 0.95, f"the header says {unit}"))
        return
    # A plain number with no unit word: hundreds and more read best as seconds, else minutes. Ask.
    guess = "seconds" if (p.high or 0) >= 600 else "minutes"
    prop.units[canon] = guess
    prop.asks.append(
        Ask(f"unit:{h}", f"Is '{h}' in minutes or seconds?", ["minutes", "seconds", "hours"], guess, h)
    )


def read_money(prop: Proposal, by_header: dict[str, Profile]) -> None:
    h = prop.columns.get("amount")
    if not h:
        return
    p = by_header[h]
    scales: dict[str, float] = {}
    if says(h, "minor_units"):
        scales["amount"] = 0.01
        prop.decisions.append(
            Decision("amount unit", h, "unit", 0.95, "the header says cents: divided by 100")
        )
    elif p.kind == "number":
        prop.decisions.append(
            Decision(
                "amount unit",
                h,
                "unit",
                0.9,
                "amounts read as major units ("
                + ("decimals" if not p.integers else "no cents named in the header")
                + ")",
            )
        )
    if scales:
        prop.options["scales"] = scales
    n = normalize(h)
    if prop.table == "subscriptions" and "quantity" in prop.columns and any(contains(n, w) for w in _TOTAL):
        prop.options["amount_is_total"] = True
        prop.decisions.append(
            Decision(
                "amount per unit",
                h,
                "note",
                0.9,
                f"'{h}' already includes the quantity: divided by "
                f"'{prop.columns['quantity']}', not multiplied again",
            )
        )


def read_intervals(prop: Proposal, by_header: dict[str, Profile]) -> None:
    h = prop.columns.get("interval")
    if h:
        prop.values["interval"] = value_table(by_header[h], "intervals", keep_unknown=True)
        return
    prop.asks.append(
        Ask(
            "interval",
            "How often are these subscriptions billed?",
            ["month", "year", "quarter", "week"],
            "month",
        )
    )


def value_table(p: Profile, group: str, keep_unknown: bool) -> dict[str, str]:
    words = value_words(group)
    out: dict[str, str] = {}
    for v in p.distinct_values:
        hit = words.get(normalize(v))
        if hit:
            out[v] = hit
        elif not keep_unknown:
            out[v] = "open"  # a stage that is neither won nor lost: the renewal is still open
    return out
