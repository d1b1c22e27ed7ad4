"""A realistic volume: 30 000 tickets in one export go through the bulk path on both backends."""

from __future__ import annotations

import time

from cxkpi.ingest.api import ingest_file, remove_load
from tests.test_ingest_fixtures import query
from tests.test_ingest_variants import rows_of, to_csv


def _big(sample_exports, n, start):
    rows = rows_of(sample_exports / "zendesk_tickets.csv")
    h, data = rows[0], rows[1:]
    i = h.index("Id")
    out = [h]
    for k in range(n):
        r = list(data[k % len(data)])
        r[i] = str(start + k)
        out.append(r)
    return to_csv(out)


def test_30000_tickets_load_update_and_remove(engine, sample_exports):
    first = _big(sample_exports, 30_000, 1_000_000)
    t0 = time.perf_counter()
    a = ingest_file(engine, first, "big.csv")
    t1 = time.perf_counter()
    # 30 000 rows cycle through the 48 fixture rows: 625 cycles × 34 rated (26 Good + 8 Bad) = 21 250 responses.
    assert a.counts == {"tickets": {"added": 30_000, "updated": 0, "unchanged": 0},
                        "responses": {"added": 21_250, "updated": 0, "unchanged": 0}}
    # The next export shifts by 48 rows (one cycle): 29 952 overlap, identical -> unchanged; 48 new.
    b = ingest_file(engine, _big(sample_exports, 30_000, 1_000_048), "big2.csv")
    t2 = time.perf_counter()
    assert b.counts["tickets"] == {"added": 48, "updated": 0, "unchanged": 29_952}
    assert query(engine, "SELECT count(*) FROM tickets") == [(30_048,)]
    remove_load(engine, b.load_id)
    assert query(engine, "SELECT count(*), min(load_id), max(load_id) FROM tickets") == [(30_000, a.load_id, a.load_id)]
    print(f"\n{engine.dialect.name}: 30k load {t1 - t0:.1f}s, overlapping re-load {t2 - t1:.1f}s")
