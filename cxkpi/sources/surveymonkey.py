"""SurveyMonkey — Analyze > Save as > Export file > All responses data (CSV/XLSX, 2 header rows)."""

from __future__ import annotations

from cxkpi.sources.base import F, Source, Survey, register


def _derive(fr) -> None:  # noqa: ANN001
    first, last = fr.col("First Name"), fr.col("Last Name")
    if first and last:
        name = (fr.cells(first) + " " + fr.cells(last)).str.strip()
        fr.set("respondent", name.where(name != "", None), f"{first} + {last}")


register(Source(
    name="surveymonkey_responses",
    label="SurveyMonkey — all responses export",
    system="surveymonkey",
    table="responses",
    required=(("Respondent ID",), ("Collector ID",), ("End Date", "Start Date")),
    optional=("IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1"),
    columns={
        "response_id": F("Respondent ID"),
        "submitted_at": F("End Date", "Date Modified", "Start Date"),
        "email": F("Email Address", "Email"),
        "account_id": F("Custom Data 1", "Custom Data", "account_id"),
    },
    dayfirst=False,  # the CSV writes US dates MM/DD/YYYY
    survey=Survey(skip=("Collector ID", "Start Date", "IP Address", "First Name", "Last Name")),
    derive=_derive,
    doc="2 header rows (question text; Response/Open-Ended Response); US dates; account id from Custom Data 1.",
))
