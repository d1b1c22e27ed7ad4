"""Freshdesk ticket export (Tickets > Export) and Freshservice's Title Case variant."""

from __future__ import annotations

import dataclasses

from cxkpi.sources._util import fill_from, survey_from_tickets
from cxkpi.sources.base import F, Source, register

# Survey labels by API code 103 … -103; the scale size is read from the labels present (7-point has
# "Extremely …", 5-point "Very …", 3-point only Happy/Neutral/Unhappy; the classic survey Awesome/Just
# Okay/Not Good).
_LADDERS = [
    # The newer survey's labels ("Slightly dissatisfied" …).
    ({"slightly satisfied", "slightly dissatisfied"},
     {"very satisfied": 7, "satisfied": 6, "slightly satisfied": 5, "neutral": 4, "slightly dissatisfied": 3,
      "dissatisfied": 2, "very dissatisfied": 1}, (1, 7)),
    ({"very satisfied", "very dissatisfied", "satisfied", "dissatisfied"},
     {"very satisfied": 5, "satisfied": 4, "neutral": 3, "dissatisfied": 2, "very dissatisfied": 1}, (1, 5)),
    ({"extremely happy", "extremely unhappy"},
     {"extremely happy": 7, "very happy": 6, "happy": 5, "neutral": 4, "unhappy": 3, "very unhappy": 2,
      "extremely unhappy": 1}, (1, 7)),
    ({"very happy", "very unhappy"}, {"very happy": 5, "happy": 4, "neutral": 3, "unhappy": 2, "very unhappy": 1},
     (1, 5)),
    ({"happy", "unhappy", "neutral"}, {"happy": 3, "neutral": 2, "unhappy": 1}, (1, 3)),
    ({"awesome", "just okay", "not good"}, {"awesome": 3, "just okay": 2, "not good": 1}, (1, 3)),
]


def _derive(fr) -> None:  # noqa: ANN001
    fill_from(fr, "solved_at", "Closed time")
    # "First response time (in hrs)" is often empty even when both timestamps exist: compute it then.
    if "first_reply_at" in fr.out and "created_at" in fr.out:
        computed = (fr.out["first_reply_at"] - fr.out["created_at"]).dt.total_seconds() / 60.0
        cur = fr.out.get("first_reply_minutes")
        fr.out["first_reply_minutes"] = computed if cur is None else cur.where(cur.notna(), computed)
        fr.origin.setdefault("first_reply_minutes", f"{fr.origin['first_reply_at']} − {fr.origin['created_at']}")
    # 0:00:00 on a ticket no agent ever answered means "never answered", not an instant first response.
    frm = fr.out.get("first_reply_minutes")
    if frm is not None and "agent_replies" in fr.out:
        never = (frm == 0) & (fr.out["agent_replies"].fillna(0) == 0)
        fr.out["first_reply_minutes"] = frm.where(~never)


def _csat(fr):  # noqa: ANN001, ANN202
    h = fr.col("Survey results", "Survey Results", "Satisfaction rating")
    if h is None:
        return None
    labels = {v.casefold() for v in fr.cells(h) if v}
    hit = next(((lad, sc) for marks, lad, sc in _LADDERS if labels & marks and labels <= set(lad)), None)
    if hit is not None:
        ladder, scale = hit
    else:
        ladder, scale = _LADDERS[0][1], _LADDERS[0][2]
        unknown = sorted(labels - set(ladder))
        if unknown:
            import numpy as np

            pos = np.flatnonzero(fr.cells(h).str.casefold().isin(unknown).to_numpy())
            fr.problems.cells("error", "is not a Freshdesk survey label (Extremely Happy … Extremely Unhappy). "
                              "Give its score in a mapping file's [values] table.", fr.rows(pos),
                              list(fr.cells(h).iloc[pos]), h)
    return survey_from_tickets(fr, rating=h, scores=ladder, scale=scale, survey="Freshdesk satisfaction",
                               when=("solved_at", "created_at"))


_COLUMNS = {
    "ticket_id": F("Ticket ID", "Ticket Id"),
    "subject": F("Subject"),
    "status": F("Status", lower=True),
    "channel": F("Source", channel=True),
    "agent": F("Agent"),
    "created_at": F("Created time", "Created Date"),
    "solved_at": F("Resolved time"),
    "first_reply_at": F("Initial response time"),
    # hh:mm:ss despite "(in hrs)"; a plain number there is hours.
    "first_reply_minutes": F("First response time (in hrs)", unit="hours"),
    "handle_minutes": F("Time tracked", unit="hh:mm"),
    "agent_replies": F("Agent interactions"),
    "satisfaction": F("Survey results", lower=True),
    "email": F("Email", "Contact email", "Requester Email"),
    "company": F("Company Name", "Company", "Department"),
}

FRESHDESK = Source(
    name="freshdesk_tickets",
    label="Freshdesk — tickets export",
    system="freshdesk",
    table="tickets",
    required=(("Ticket ID", "Ticket Id"), ("Created time", "Created Date"), ("Agent interactions",),
              ("Resolved time", "Closed time")),
    optional=("First response time (in hrs)", "Time tracked", "Survey results", "Source", "Initial response time",
              "Customer interactions", "Full name", "Email", "Company Name"),
    columns=_COLUMNS,
    derive=_derive,
    extra=(("responses", _csat),),
    doc="No reopen count in the export (reopens stay empty); Survey results labels become csat responses on "
        "the label set's own scale (7-point when 'Extremely …' appears).",
)
register(FRESHDESK)
register(dataclasses.replace(
    FRESHDESK,
    name="freshservice_tickets",
    label="Freshservice — tickets export (Title Case headers)",
    system="freshservice",
    required=FRESHDESK.required + (("Requester Email", "Requester Name"),),
    doc="Same columns as Freshdesk in Title Case, requester columns instead of contact columns.",
))
