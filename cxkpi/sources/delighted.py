"""Delighted — Dashboard > Export (CSV). Shape inferred from the API fields."""

from __future__ import annotations

from cxkpi.sources.base import F, Source, Survey, register

register(Source(
    name="delighted_responses",
    label="Delighted — responses export",
    system="delighted",
    table="responses",
    required=(("Response ID",), ("Score",), ("Response timestamp", "Created at", "Timestamp")),
    optional=("Comment", "Person ID", "Email", "Name", "Permalink", "Survey type", "Tags", "Notes"),
    columns={
        "response_id": F("Response ID"),
        "submitted_at": F("Response timestamp", "Created at", "Timestamp"),
        "email": F("Email", "Person email"),
        "respondent": F("Name", "Person name"),
        "company": F("Company", "Company name"),
        "account_id": F("account_id", "Account ID", "Customer ID"),
        "comment": F("Comment"),
    },
    survey=Survey(
        questions=((("Score",), None, None),),
        default_kind="nps",  # Delighted's default survey; a `Survey type` column or [options] kind overrides
        kind_column=("Survey type", "Survey Type", "survey_type"),
        kind_values={"nps": ("nps", (0, 10)), "enps": None, "csat": ("csat", (1, 5)), "ces": ("ces", (1, 7)),
                     "smileys": ("csat", (1, 5)), "5-star": ("csat", (1, 5)), "five-star": ("csat", (1, 5)),
                     "thumbs": ("csat", (0, 1)), "pmf": None},
        survey_name="Delighted",
    ),
    doc="Score 0–10 read as NPS unless a `Survey type` column (or [options] kind) says csat/ces.",
))
