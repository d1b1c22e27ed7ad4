"""The sample exports, ingested through `cxkpi ingest`, give the figures their README states.

tests/fixtures/README.md: Qualtrics CSAT top-2-box 70.0 %, NPS 20.0 in each NPS export, Typeform CES
69.7 % (23 of 33 completed at 5–7), Google Forms ESAT 75.0 %, Salesforce renewals 18 renewed / 3 churned /
4 open → 85.71 %, Zendesk 42 solved of which 6 reopened, 26 Good / 8 Bad; C006 Foxglove Studio, C012 Lumen
Legal and C019 Saffron Travel cancel in Stripe.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from cxkpi.cli import main
from cxkpi.metrics import Filters, compute, explain
from tests.metric_fixtures import period

YEAR = period("2025-01-01", "2025-12-31")


@pytest.fixture
def fixtures_store(engine: sa.Engine, sample_exports: Path) -> sa.Engine:
    files = sorted(str(p) for p in sample_exports.glob("*.csv"))
    rc = main(["ingest", *files, "--db", engine.url.render_as_string(hide_password=False)])
    assert rc == 0
    return engine


def test_survey_figures_match_the_fixture_readme(fixtures_store: sa.Engine) -> None:
    e = fixtures_store
    q1 = compute(e, "csat", YEAR, Filters(survey="Overall, how satisfied are you with the support you received? — Q1"))
    assert (q1.numerator, q1.n) == (28, 40) and q1.value == pytest.approx(70.0)
    zd = compute(e, "csat", YEAR, Filters(survey="Zendesk satisfaction"))
    assert (zd.numerator, zd.n) == (26, 34)  # Good / (Good + Bad)
    ces = compute(e, "ces", YEAR)
    assert (ces.numerator, ces.n) == (23, 33) and ces.value == pytest.approx(69.69697)
    nps = compute(e, "nps", YEAR)
    assert nps.value == pytest.approx(20.0) and nps.n == 120  # three exports of 40, each NPS 20
    esat = compute(e, "esat", YEAR)
    assert esat.value == pytest.approx(75.0) and esat.n == 32


def test_renewals_reopens_and_churn_match_the_fixture_readme(fixtures_store: sa.Engine) -> None:
    e = fixtures_store
    ren = compute(e, "renewal_rate", YEAR)
    assert (ren.numerator, ren.denominator, ren.extra["pending"]) == (18, 21, 4)
    assert ren.value == pytest.approx(100 * 18 / 21)  # 85.71 %
    reo = compute(e, "ticket_reopens", YEAR)
    # only Zendesk exports a reopen count: 6 of its 42 solved tickets
    assert reo.value == 6 and reo.denominator == 42 and reo.extra["rate"] == pytest.approx(100 * 6 / 42)
    churned = explain(e, "churn_rate", YEAR).numerator_rows
    assert sorted(churned["name"]) == ["Foxglove Studio", "Lumen Legal", "Saffron Travel"]
