"""HubSpot — companies export (-> accounts) and tickets export (property labels as headers)."""

from __future__ import annotations

from cxkpi.sources.base import F, Source, register

register(Source(
    name="hubspot_companies",
    label="HubSpot — companies export",
    system="hubspot",
    table="accounts",
    required=(("Record ID", "Company ID"), ("Company name", "Name"), ("Company Domain Name", "Create Date")),
    optional=("Company owner", "Lifecycle Stage", "Industry", "Country/Region", "Number of Employees",
              "Customer segment", "Region", "Plan"),
    forbidden=("Ticket name", "Deal Name"),
    columns={
        "account_id": F("Record ID", "Company ID"),
        "name": F("Company name", "Name"),
        "domain": F("Company Domain Name", "Website URL", "Domain"),
        "owner": F("Company owner", "Owner"),
        "created_at": F("Create Date", "Created Date"),
        # Custom properties by label: segment / region / plan under the names teams give them.
        "segment": F("Customer segment", "Customer Segment", "Segment", "Tier", "Customer tier", "Company size"),
        "region": F("Region", "Sales region", "Territory", "Country/Region"),
        "plan": F("Plan", "Subscription plan", "Product plan", "Current plan"),
        "churned_at": F("Churn date", "Churned date", "Cancellation date"),
        "churn_reason": F("Churn reason", "Cancellation reason"),
    },
    doc="Record ID is the account id; segment/region/plan from custom properties (Customer segment, "
        "Region — else Country/Region —, Plan).",
))

register(Source(
    name="hubspot_tickets",
    label="HubSpot — tickets export",
    system="hubspot",
    table="tickets",
    required=(("Ticket ID", "Record ID"), ("Ticket name",), ("Ticket status",)),
    optional=("Pipeline", "Create date", "Close date", "Source", "Ticket owner", "Priority"),
    columns={
        "ticket_id": F("Ticket ID", "Record ID"),
        "subject": F("Ticket name"),
        "status": F("Ticket status", lower=True),
        "created_at": F("Create date"),
        "solved_at": F("Close date"),
        "channel": F("Source", "Ticket source", channel=True),
        "agent": F("Ticket owner"),
        "company": F("Associated Company", "Company name"),
        "email": F("Associated Contact email", "Contact email", "Email"),
        # HubSpot stores these durations as milliseconds and the export shows the raw number.
        "first_reply_minutes": F("Time to first agent reply", "Time to first agent reply (HH:mm:ss)",
                                 unit="milliseconds"),
    },
    doc="Durations (Time to first agent reply) are milliseconds; CSAT lives in separate feedback exports.",
))
