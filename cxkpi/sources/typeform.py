"""Typeform — Results > Responses > Download (CSV/XLSX)."""

from __future__ import annotations

from cxkpi.sources.base import F, Source, Survey, register


def _keep(fr) -> None:  # noqa: ANN001
    h = fr.col("Submit Date (UTC)", "Submit Date")
    if h is not None:
        fr.skip(fr.cells(h).eq("").to_numpy(), "partial response (no Submit Date): not loaded.", column=h)


register(Source(
    name="typeform_responses",
    label="Typeform — responses download",
    system="typeform",
    table="responses",
    required=(("#", "Token"), ("Submit Date",), ("Start Date",)),
    optional=("Network ID", "Response Type", "Stage Date", "Tags"),
    columns={
        "response_id": F("#", "Token"),
        "submitted_at": F("Submit Date"),
        "email": F("email", "e-mail"),
        "company": F("company", "company_name"),
        "account_id": F("account_id", "account", "customer_id"),
        "ticket_id": F("ticket_id", "ticket"),
        "respondent": F("name"),
    },
    tz="UTC",
    survey=Survey(skip=("Response Type", "Start Date", "Stage Date", "Network ID", "Tags")),
    keep_rows=_keep,
    doc="Partial responses (no Submit Date) left out with a warning; hidden fields email/company/account_id/"
        "ticket_id; the scale comes from the question text or the answers (highest 5, 7 or 10), else asked.",
))
