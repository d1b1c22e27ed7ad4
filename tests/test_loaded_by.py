"""loads.loaded_by names the signed-in person who loaded a file, not the server's OS login name."""

from __future__ import annotations

import getpass

from cxkpi.access import EDITOR, Actor, acting_as
from cxkpi.ingest.api import ingest_file
from cxkpi.store import list_loads
from tests.apphelpers import new_app, no_exception
from tests.pagehelpers import bare_store  # noqa: F401
from tests.test_app_access import EDITOR_USER, _forget_the_actor, rules  # noqa: F401
from tests.test_app_data import _loads, _upload, fixture_file


def test_a_library_load_records_the_acting_person(engine, sample_exports):
    with acting_as(Actor("ana@example.com", EDITOR, "single sign-on")):
        ingest_file(engine, sample_exports / "salesforce_renewals.csv")
    ingest_file(engine, sample_exports / "hubspot_companies.csv")  # the command line: the login name
    with engine.connect() as conn:
        by = {r["file_name"]: r["loaded_by"] for r in list_loads(conn)}
    assert by == {"salesforce_renewals.csv": "ana@example.com", "hubspot_companies.csv": getpass.getuser()}


def test_an_upload_through_the_app_records_the_signed_in_editor(bare_store, rules):  # noqa: F811
    at = new_app()
    at.user = EDITOR_USER  # type: ignore[assignment]
    at.run()
    at.switch_page("pages/data.py").run()
    no_exception(at)
    _upload(at, fixture_file("salesforce_renewals.csv"))
    at.button(key="data_load_all").click().run()
    no_exception(at)
    assert [r["loaded_by"] for r in _loads(bare_store)] == ["ana@example.com"]
    assert getpass.getuser() != "ana@example.com"  # the test can tell the two apart
