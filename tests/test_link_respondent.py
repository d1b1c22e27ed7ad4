"""A survey answer's `respondent` (metrics.md: e-mail or name) links it to an account when it has no e-mail or
company of its own — so a segment filter counts it, rather than the column being dropped silently."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cxkpi.metrics import Filters, compute
from cxkpi.store import CANONICAL
from tests.metric_fixtures import account, load, period, response


def _answer(rid: str, score: int, respondent: str | None, email: str | None = None) -> tuple[str, dict]:
    table, row = response(rid, "csat", score, (1, 5), "2025-03-03", email=email)
    return table, {**row, "respondent": respondent}


@pytest.fixture
def linked(engine: sa.Engine) -> sa.Engine:
    load(
        engine,
        account("A1", name="Acme Corp", email="alice@acme.example", domain="acme.example", segment="SMB"),
        account("B2", name="Bob Smith", segment="Consumer"),
        _answer("r1", 5, "alice@acme.example"),  # the account's e-mail → A1
        _answer("r2", 2, "Carol@ACME.example"),  # its domain → A1
        _answer("r3", 4, "  bob smith "),  # a name, case- and space-insensitive → B2
        _answer("r4", 5, "Nobody Known"),  # no account: keeps its own identity
        _answer("r5", 1, "Bob Smith", email="bob@elsewhere.example"),  # e-mail matches nothing; name → B2
        _answer("r6", 3, None),  # nothing to link by
    )
    return engine


def test_respondent_links_by_email_domain_and_name(linked: sa.Engine) -> None:
    r = CANONICAL["responses"]
    with linked.connect() as c:
        got = dict(c.execute(sa.select(r.c.response_id, r.c.linked_account_id)).all())
    assert got == {"r1": "A1", "r2": "A1", "r3": "B2", "r4": "nobodyknown", "r5": "B2", "r6": None}


def test_segment_filter_counts_answers_linked_by_respondent(linked: sa.Engine) -> None:
    march = period("2025-03-01", "2025-03-31")
    smb = compute(linked, "csat", march, Filters(segment="SMB"))
    assert (smb.numerator, smb.denominator) == (1, 2)  # r1 (5) positive, r2 (2) not
    consumer = compute(linked, "csat", march, Filters(segment="Consumer"))
    assert (consumer.numerator, consumer.denominator) == (1, 2)  # r3 (4) positive, r5 (1) not
