"""The hostile-input corpus (tests/hostile): every case gets its message and changes nothing in the store.

A rejected file goes through the whole load (preview and commit): it must be rejected with its message,
every table (history and the load log included) identical before and after. A file that would load with
a warning is previewed: the warning must be there and nothing written.
"""

from __future__ import annotations

import pytest

from cxkpi.ingest.api import commit, ingest_file, preview
from tests.hostile import CASES, FIXTURES, Case
from tests.test_ingest_fixtures import snapshot


def test_the_corpus_has_at_least_40_cases() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_gets_its_message_and_changes_nothing(engine, case: Case) -> None:
    ingest_file(engine, FIXTURES / "delighted_nps.csv")  # a store with rows in it, not an empty one
    before = snapshot(engine)
    data = case.make()
    p = preview(data, case.file_name, engine=engine, max_bytes=case.max_bytes)
    texts = [x.text() for x in p.problems]
    assert any(case.expect in t for t in texts), texts
    for t in texts:  # printed as is, no message may carry a control character or run to megabytes
        assert not any(ord(ch) < 32 for ch in t), t
        assert len(t) < 2000, len(t)
    if case.rejected:
        assert p.errors and not p.ok
        rep = commit(engine, p)
        assert rep.rejected and rep.load_id is None
    else:
        assert not any(case.expect in x.text() for x in p.errors)
        assert any(case.expect in x.text() for x in p.warnings)
    assert snapshot(engine) == before
