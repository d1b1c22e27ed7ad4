"""Zendesk Support — ticket CSV export (Admin Center > Account > Tools > Reports > Export)."""

from __future__ import annotations

from cxkpi.sources._util import survey_from_tickets
from cxkpi.sources.base import F, Source, register

# Only Good/Bad are answers; Offered = survey sent, unanswered; Not Offered = never sent.
_SATISFACTION = {"good": "good", "bad": "bad", "good with comment": "good", "bad with comment": "bad",
                 "offered": None, "not offered": None, "unoffered": None}


def _csat(fr):  # noqa: ANN001, ANN202
    # Two-way rating: Good = 1, Bad = 0 on a 0–1 scale (metrics.md counts Good as positive). The export
    # has no rating time: the ticket's solve time stands in (surveys go out when a ticket is solved).
    h = fr.col("Satisfaction Score", "Satisfaction score")
    if h is not None:
        filled = fr.cells(h)[lambda c: ~c.str.casefold().isin(list(_SATISFACTION) + [""])]
        if len(filled) and filled.str.fullmatch(r"[1-5]").all():
            # An account with the 1–5 rating scale exports the number: CSAT answers on 1–5, not dropped.
            scores = {str(i): float(i) for i in range(1, 6)}  # Offered / Not Offered: no answer
            return survey_from_tickets(fr, rating=h, scale=(1, 5), scores=scores, survey="Zendesk satisfaction",
                                       when=("solved_at", "created_at"),
                                       comment=("Satisfaction Comment", "Satisfaction comment"))
    return survey_from_tickets(
        fr, rating="Satisfaction Score", scale=(0, 1),
        scores={"good": 1.0, "bad": 0.0, "good with comment": 1.0, "bad with comment": 0.0},
        survey="Zendesk satisfaction", when=("solved_at", "created_at"),
        comment=("Satisfaction Comment", "Satisfaction comment"))


def _derive(fr) -> None:  # noqa: ANN001
    # A Time Tracking field the admin created in minutes ('Total time spent (min)') is minutes, not seconds.
    if "handle_minutes" not in fr.out:
        h = fr.col("Total time spent (min)", "Total time spent (minutes)", "Total time spent (mins)")
        if h is not None:
            from cxkpi.sources.base import Field

            fr.set("handle_minutes", fr.parse(h, sa_float(), Field(names=(h,), unit="minutes")), h)


def sa_float():  # noqa: ANN201
    import sqlalchemy as sa

    return sa.Float()


register(Source(
    name="zendesk_tickets",
    label="Zendesk Support — tickets CSV",
    system="zendesk",
    table="tickets",
    required=(("Id", "ID", "Ticket ID"), ("Created at",), ("Via",), ("Solved at",)),
    optional=("Summation column", "Requester email", "Satisfaction Score", "Reopens", "Replies",
              "First reply time in minutes", "Organization", "Assignee", "Resolution time"),
    columns={
        "ticket_id": F("Id", "ID", "Ticket ID"),
        "email": F("Requester email", "Requester Email"),
        "company": F("Organization", "Organization name"),
        "channel": F("Via", channel=True),
        "created_at": F("Created at"),
        "solved_at": F("Solved at"),
        "status": F("Status", lower=True),
        "reopens": F("Reopens"),
        "agent_replies": F("Replies"),
        "first_reply_minutes": F("First reply time in minutes", unit="minutes"),
        # Time Tracking app field, seconds; never derived from resolution time (metrics.md, AHT).
        "handle_minutes": F("Total time spent (sec)", "Total time spent (seconds)", "Total time spent",
                            unit="seconds"),
        "satisfaction": F("Satisfaction Score", "Satisfaction score", values=_SATISFACTION, other="keep"),
        "subject": F("Subject"),
        "agent": F("Assignee"),
    },
    derive=_derive,
    extra=(("responses", _csat),),
    doc="Good/Bad answers also become csat responses (Good 1, Bad 0 on 0–1; dated by Solved at); "
        "handle time only from the Time Tracking field `Total time spent (sec)` (or `(min)`, read as minutes); "
        "a numeric 1–5 Satisfaction Score becomes csat answers on 1–5.",
))
