"""Salesforce — opportunities report (Details Only CSV/XLSX) -> renewals."""

from __future__ import annotations

import re

from cxkpi.sources.base import F, Source, register


def _keep(fr) -> None:  # noqa: ANN001
    # A renewal is Type = Renewal (or a custom type/field that says renewal); other opportunities are not.
    h = fr.col("Type", "Opportunity Type", "Renewal")
    if h is None:
        return
    cells = fr.cells(h).str.casefold()
    if h.casefold() == "renewal":  # a checkbox-like custom field
        not_renewal = ~cells.isin(["1", "true", "yes", "y", "x"])
    else:
        not_renewal = ~cells.str.contains("renewal|rinnovo|verlängerung|renouvellement", regex=True)
    n = int((not_renewal.to_numpy() & fr.keep).sum())
    if n:
        fr.problems.add("warning", f"{n} opportunity row(s) whose {h} is not Renewal were left out.", column=h)
    fr.drop(not_renewal.to_numpy())


_WON = re.compile(r"closed\s*won|^won$|gewonnen|chiusa\s*vinta|renewed", re.I)
_LOST = re.compile(r"closed\s*lost|^lost$|verloren|chiusa\s*persa|churn", re.I)


def _derive(fr) -> None:  # noqa: ANN001
    h = fr.col("Stage", "Opportunity Stage", "Stage Name")
    if h is not None:
        stage = fr.cells(h)
        fr.set("outcome", stage.map(lambda v: "renewed" if _WON.search(v) else "churned" if _LOST.search(v)
                                    else "open").astype(object), h)
    if "renewal_id" not in fr.out:
        # No Opportunity ID column in the report: account + opportunity name is the identity.
        acc = fr.col("Account Name")
        opp = fr.col("Opportunity Name")
        if opp is not None:
            import pandas as pd

            a = fr.cells(acc) if acc else pd.Series("", index=fr.text.index)
            fr.set("renewal_id", (a + " | " + fr.cells(opp)).where(fr.cells(opp) != "", None),
                   f"{acc} + {opp}" if acc else opp)
    if "currency" not in fr.out and "amount" in fr.out and fr.origin.get("amount"):
        # 'USD 12,000.00' in a formatted export: the currency is the prefix.
        pref = fr.cells(fr.origin["amount"]).str.extract(r"^([A-Za-z]{3})\s", expand=False)
        if pref.notna().any():
            fr.set("currency", pref.str.upper().astype(object), fr.origin["amount"])


register(Source(
    name="salesforce_opportunities",
    label="Salesforce — opportunities report (renewals)",
    system="salesforce",
    table="renewals",
    required=(("Opportunity Name", "Opportunity ID"), ("Stage", "Stage Name"), ("Close Date",)),
    optional=("Opportunity Owner", "Account Name", "Type", "Amount", "Amount Currency", "Probability (%)",
              "Fiscal Period", "Created Date"),
    columns={
        "renewal_id": F("Opportunity ID", "Opportunity 18 Digit ID"),
        "account_id": F("Account ID"),
        "company": F("Account Name"),
        "due_date": F("Close Date"),
        "amount": F("Amount", "Total Contract Value", "Amount (converted)"),
        "currency": F("Amount Currency", "Opportunity Currency", "Currency", upper=True),
    },
    keep_rows=_keep,
    derive=_derive,
    doc="Type = Renewal rows only; Stage Closed Won → renewed, Closed Lost → churned, other → open; Close "
        "Date → due_date (locale dates: day/month order from the data or asked); renewal id = Opportunity "
        "ID, else Account Name | Opportunity Name; footer lines dropped by the reader.",
))
