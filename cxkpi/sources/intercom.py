"""Intercom — conversations dataset export, and the separate conversation-rating (CSAT) export."""

from __future__ import annotations

from cxkpi.sources._util import survey_from_tickets
from cxkpi.sources.base import F, Source, Survey, register

_RATINGS = {"1": 1.0, "2": 2.0, "3": 3.0, "4": 4.0, "5": 5.0}


def _csat(fr):  # noqa: ANN001, ANN202
    h = fr.col("Last teammate rating", "Conversation rating")
    if h is None:
        return None
    return survey_from_tickets(fr, rating=h, scores=None, scale=(1, 5), survey="Intercom conversation rating",
                               when=("solved_at", "created_at"),
                               comment=("Last teammate rating remark", "Conversation rating remark"))


register(Source(
    name="intercom_conversations",
    label="Intercom — conversations export",
    system="intercom",
    table="tickets",
    # Header names carry the workspace zone '(America/New_York)': compared without it, zone kept for dates.
    required=(("Conversation ID",), ("Conversation started at", "Conversation created at"), ("Channel",)),
    optional=("Conversation first replied at", "First response time (seconds)", "Handling time (seconds)",
              "Last teammate rating", "Resolved on first contact", "Current conversation state"),
    columns={
        "ticket_id": F("Conversation ID"),
        "created_at": F("Conversation started at", "Conversation created at"),
        "first_reply_at": F("Conversation first replied at"),
        "solved_at": F("Conversation last closed at", "Conversation first closed at"),
        "first_reply_minutes": F("First response time (seconds)", unit="seconds"),
        "handle_minutes": F("Handling time (seconds)", unit="seconds"),
        # Teammate replies it took to close: the reply count FCR needs. No reopen count exists.
        "agent_replies": F("Replies to close a conversation"),
        "status": F("Current conversation state", lower=True),
        "channel": F("Channel", channel=True),
        "agent": F("Teammate currently assigned"),
        "company": F("Company name"),
        "account_id": F("Company ID"),
        "email": F("User email"),
        "satisfaction": F("Last teammate rating", "Conversation rating"),
    },
    extra=(("responses", _csat),),
    doc="Durations in seconds; dates in the zone named in the header; ratings 1–5 become csat responses "
        "(dated by last close); reopens stay empty; 15-digit ids kept as text.",
))

register(Source(
    name="intercom_csat",
    label="Intercom — conversation ratings export",
    system="intercom",
    table="responses",
    required=(("Conversation ID",), ("Conversation rating",), ("Updated at",)),
    forbidden=("Channel",),
    columns={
        "response_id": F("Conversation ID"),
        "ticket_id": F("Conversation ID"),
        "submitted_at": F("Updated at"),
        "company": F("Company name"),
        "respondent": F("User name"),
        "comment": F("Conversation rating remark"),
    },
    survey=Survey(questions=((("Conversation rating",), "csat", (1, 5)),), survey_name="Intercom conversation rating",
                  skip=("Agent rated type",)),
    doc="Conversation rating 1–5 → csat; response id = conversation id + ':csat' (same as the conversations "
        "export, so loading both does not double-count).",
))
