"""The source registry: every declared export shape is well-formed, listed, and recognizes its fixture.

Adding a tool = one file in cxkpi/sources/ + one line in FIXTURE_SOURCES (or VARIANT tests)."""

from __future__ import annotations

import pytest

from cxkpi.cli import main
from cxkpi.ingest.detect import detect
from cxkpi.ingest.read import read_table
from cxkpi.sources import all_sources, get_source
from cxkpi.store.schema import CANONICAL

# One line per sample export (tests/fixtures): file -> the source it must be recognized as.
FIXTURE_SOURCES = [
    ("zendesk_tickets.csv", "zendesk_tickets"),
    ("freshdesk_tickets.csv", "freshdesk_tickets"),
    ("intercom_conversations.csv", "intercom_conversations"),
    ("qualtrics_csat.csv", "qualtrics_responses"),
    ("surveymonkey_nps.csv", "surveymonkey_responses"),
    ("typeform_ces.csv", "typeform_responses"),
    ("delighted_nps.csv", "delighted_responses"),
    ("google_forms_esat.csv", "google_forms_responses"),
    ("stripe_subscriptions.csv", "stripe_subscriptions"),
    ("stripe_invoices.csv", "stripe_invoices"),
    ("hubspot_companies.csv", "hubspot_companies"),
    ("salesforce_renewals.csv", "salesforce_opportunities"),
]

SYSTEMS = {"zendesk", "freshdesk", "freshservice", "intercom", "hubspot", "salesforce", "stripe", "chargebee",
           "qualtrics", "surveymonkey", "typeform", "delighted", "google_forms", "cxkpi"}


@pytest.mark.parametrize("source", all_sources(), ids=lambda s: s.name)
def test_every_source_is_well_formed(source):
    assert source.table in CANONICAL
    assert source.system in SYSTEMS
    assert source.label and source.required
    for name, field in source.columns.items():
        assert name in CANONICAL[source.table].c, f"{source.name}: {source.table} has no column {name}"
        assert field.names or field.const is not None
    for table in source.tables:
        assert table in CANONICAL


def test_every_canonical_table_has_a_template_source():
    names = {s.name for s in all_sources()}
    assert {f"cxkpi_{t}" for t in CANONICAL} <= names


@pytest.mark.parametrize(("file", "expected"), FIXTURE_SOURCES)
def test_fixture_is_recognized_as_its_source(sample_exports, file, expected):
    raw = read_table((sample_exports / file).read_bytes(), file)
    matches = detect(raw)
    assert matches, f"{file} not recognized"
    assert matches[0].source.name == expected


def test_cli_sources_lists_one_line_per_source(capsys):
    assert main(["sources"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(all_sources())
    zendesk = next(line for line in lines if line.startswith("zendesk_tickets "))
    assert "tickets+responses" in zendesk and "Zendesk Support — tickets CSV" in zendesk


def test_unknown_source_name_says_how_to_list_them():
    with pytest.raises(KeyError, match="cxkpi sources"):
        get_source("nope")


def test_docs_list_every_source():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "ingest.md").read_text(encoding="utf-8")
    missing = [s.name for s in all_sources() if f"`{s.name}`" not in doc and not s.name.startswith("cxkpi_")]
    assert not missing, f"docs/ingest.md does not list {missing}"
