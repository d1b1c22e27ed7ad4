"""Qualtrics — Data & Analysis > Export Data (CSV/TSV/XLSX), numeric values or choice text."""

from __future__ import annotations

from cxkpi.sources.base import F, Source, Survey, register

# Status: 0 = IP Address (a real response), 4 = Imported; 1 preview, 2 test, 8 spam, 16 offline … are not.
_REAL_STATUS = {"0", "4", "ip address", "imported", "ipaddress"}


def _keep(fr) -> None:  # noqa: ANN001
    h = fr.col("Status")
    if h is not None:
        cells = fr.cells(h).str.casefold()
        fake = ~cells.isin(_REAL_STATUS) & (cells != "")
        n = int((fake.to_numpy() & fr.keep).sum())
        if n:
            fr.problems.add("warning", f"{n} preview/test/spam response(s) (Status not 0 or 4) were left out.",
                            column=h)
        fr.drop(fake.to_numpy())
    h = fr.col("Finished")
    if h is not None:
        unfinished = fr.cells(h).str.casefold().isin(["0", "false", "no"])
        n = int((unfinished.to_numpy() & fr.keep).sum())
        if n:
            fr.problems.add("warning", f"{n} unfinished response(s) (Finished = 0) were left out.", column=h)
        fr.drop(unfinished.to_numpy())


def _derive(fr) -> None:  # noqa: ANN001
    first, last = fr.col("RecipientFirstName"), fr.col("RecipientLastName")
    if first and last:
        name = (fr.cells(first) + " " + fr.cells(last)).str.strip()
        fr.set("respondent", name.where(name != "", None), f"{first} + {last}")


register(Source(
    name="qualtrics_responses",
    label="Qualtrics — survey responses export",
    system="qualtrics",
    table="responses",
    required=(("ResponseId", "ResponseID", "_recordId"), ("Status",), ("RecordedDate", "EndDate")),
    optional=("StartDate", "IPAddress", "Progress", "Duration (in seconds)", "Finished", "RecipientEmail",
              "ExternalReference", "DistributionChannel", "UserLanguage"),
    columns={
        "response_id": F("ResponseId", "ResponseID", "_recordId"),
        "submitted_at": F("RecordedDate", "EndDate"),
        "email": F("RecipientEmail"),
        "account_id": F("ExternalReference", "ExternalDataReference", "account_id", "AccountId"),
        "company": F("Company", "company", "CompanyName"),
        "ticket_id": F("TicketId", "ticket_id", "Ticket ID", "TicketID"),
    },
    survey=Survey(
        text_row=1,
        skip=("StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
              "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
              "RecipientFirstName", "RecipientLastName", "Q_RecaptchaScore", "Q_RelevantIDDuplicate",
              "Q_RelevantIDDuplicateScore", "Q_RelevantIDFraudScore", "Q_DuplicateRespondent"),
    ),
    keep_rows=_keep,
    derive=_derive,
    doc="3 header rows (names, question text, ImportId with the time zone); Status not 0/4 and Finished = 0 "
        "rows left out; the question text decides the kind (satisfied → csat, easy/effort → ces, likely to "
        "recommend → nps); `_NPS_GROUP` columns ignored; choice text (Extremely satisfied …) read as 1–5.",
))
