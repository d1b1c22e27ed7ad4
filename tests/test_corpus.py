"""Every export of the corpus (tests/corpus/generate.py: support desks, survey tools, billing and CRM exports
in nine UI languages, CSV/GBK/European re-saves/XLSX/report-style XLSX/gzip) loads, and the store holds the
figures its generating records imply. Registered tools load with no click; every other export loads with
the proposed reading (`--accept-suggested`, one click on the Data page). The last test prints how many
loaded with no click, with one, and how many needed an answer (each answered with its suggestion)."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from cxkpi.ingest.api import commit, preview
from cxkpi.store import make_engine
from cxkpi.store.schema import CANONICAL, HISTORY, loads, mappings
from tests.corpus.generate import variants

# The closing count needs every export of the corpus in one process: one xdist worker runs the module.
pytestmark = pytest.mark.xdist_group("corpus")

VARIANTS = variants()


def test_the_corpus_is_broad_enough():
    tools = {v.tool for v in VARIANTS}
    assert len(VARIANTS) >= 60 and len(tools) >= 25
    assert {v.kind for v in VARIANTS} == {"desk", "survey", "billing", "payments", "crm"}
    assert {v.lang for v in VARIANTS} >= {"en", "zh", "zhtw", "it", "fr", "de", "es", "pt", "ja"}
    assert any(v.file_name.endswith("_report.xlsx") for v in VARIANTS)
    assert any(v.file_name.endswith(".gz") for v in VARIANTS)
    wjx = next(v for v in VARIANTS if v.tool == "Wenjuanxing")
    assert "1、您对我们的客服满意吗？".encode("gbk") in wjx.data


def _one(conn: sa.Connection, sql: str) -> tuple:
    return tuple(conn.execute(sa.text(sql)).one())


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    engine = make_engine(f"duckdb:///{tmp_path_factory.mktemp('corpus') / 'corpus.duckdb'}")
    yield engine
    engine.dispose()


@pytest.fixture
def engine(corpus_store):
    """One DuckDB store for the whole corpus (fast), emptied before each export: no reading kept from an
    earlier export, no rows from it."""
    with corpus_store.begin() as conn:
        for t in [*CANONICAL.values(), *HISTORY.values(), loads, mappings]:
            conn.execute(sa.delete(t))
    return corpus_store


@pytest.mark.parametrize("v", VARIANTS, ids=[v.name for v in VARIANTS])
def test_export_loads_with_the_figures_of_its_records(v, engine):
    # One preview with --accept-suggested: a registered tool needs no click; any other export is read by
    # meaning (one click, or questions answered with their suggestions). test_recognize.py checks that
    # such a file stops without the flag.
    p = preview(v.data, v.file_name, engine=engine, accept_suggested=True)
    if v.registered:
        assert p.proposal is None, f"{v.name}: not recognized as {v.tool}"
    else:
        assert p.proposal is not None, f"{v.name}: loaded as {p.source} without a confirmation"
    rep = commit(engine, p)
    reading = "\n".join(rep.reading)
    assert not rep.rejected, ([x.text() for x in rep.problems], [q.prompt for q in rep.questions], reading)
    e = v.expect
    with engine.connect() as conn:
        if v.kind == "desk":
            assert _one(conn, "SELECT count(*) FROM tickets") == (e["tickets"],), reading
            if "solved" in e:
                assert _one(conn, "SELECT count(solved_at) FROM tickets") == (e["solved"],), reading
            if "frt" in e:
                n, total = _one(conn, "SELECT count(first_reply_minutes), sum(first_reply_minutes) FROM tickets")
                # never-answered tickets carry no first reply time (not a zero)
                assert (n, round(total or 0, 6)) == e["frt"], reading
            if "handle" in e:
                assert _one(conn, "SELECT round(sum(handle_minutes), 6) FROM tickets") == (e["handle"],), reading
            if "channels" in e:
                got = sorted(r[0] for r in conn.execute(sa.text("SELECT DISTINCT channel FROM tickets")))
                assert got == e["channels"], reading
            if "reopens" in e:
                assert _one(conn, "SELECT sum(reopens) FROM tickets") == (e["reopens"],), reading
        elif v.kind == "survey":
            for kind in ("csat", "nps", "esat", "ces"):
                want = e.get(kind)
                got = _one(conn, f"SELECT count(*), sum(score), min(scale_min), max(scale_max) FROM responses "
                           f"WHERE kind = '{kind}'")
                if want is None:
                    assert got[0] == 0, f"{kind} loaded from {v.name}\n{reading}"
                else:
                    n, total, scale = want
                    assert (got[0], got[1], (got[2], got[3])) == (n, total, scale), reading
        elif v.kind == "billing":
            got = _one(conn, "SELECT count(*), round(sum(amount * coalesce(quantity, 1)), 2) FROM subscriptions")
            assert got == (e["subscriptions"], e["recurring"]), reading
            intervals = sorted(r[0] for r in conn.execute(sa.text("SELECT interval FROM subscriptions")))
            assert intervals == e["intervals"], reading
        elif v.kind == "payments":
            assert _one(conn, "SELECT count(*), round(sum(amount), 2) FROM payments") == (e["payments"], e["paid"]), \
                reading
        elif v.kind == "crm":
            got = dict(conn.execute(sa.text("SELECT outcome, count(*) FROM renewals GROUP BY 1")).all())
            assert got == e["renewals"], reading


def test_zz_how_many_loaded_with_no_click_one_click_or_an_answer(capsys, engine):
    # Counted here over the whole corpus (previews only), not from the tests above: xdist may split them.
    clicks: Counter[str] = Counter()
    answered: list[str] = []
    for v in VARIANTS:
        p = preview(v.data, v.file_name, engine=engine, accept_suggested=True)
        clicks[p.clicks] += 1
        if p.proposal is not None and p.proposal.asks:
            answered.append(f"{v.name}: " + "; ".join(a.prompt for a in p.proposal.asks))
    with capsys.disabled():
        print(f"\ncorpus: {len(VARIANTS)} exports of {len({v.tool for v in VARIANTS})} tools — "
              f"{clicks['none']} loaded with no click, {clicks['one']} with one click, "
              f"{clicks['answer']} needed an answer (its suggestion taken)")
        for line in answered:
            print("  asked:", line)
    assert sum(clicks.values()) == len(VARIANTS)
    assert set(clicks) <= {"none", "one", "answer"}, clicks
