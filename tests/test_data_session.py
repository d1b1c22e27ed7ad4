"""The Data page keeps little of an upload in the Streamlit session: the rows it shows and the verdict, not the
frames of the whole file (a 150 MB export once kept 2.2 GB per session after its preview). Loading reads the
uploaded bytes again, so the whole file still gets in."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

from cxkpi import store
from tests.apphelpers import new_app, no_exception, texts
from tests.pagehelpers import bare_store  # noqa: F401

ROWS = 30_000


def _large_export() -> bytes:
    # a canonical ticket export: one header line + 30 000 rows, ~1.1 MB
    lines = ["ticket_id,created_at,channel,first_reply_minutes"]
    lines += [f"T{i},2025-03-{1 + i % 28:02d} 10:00,email,{i % 90}" for i in range(ROWS)]
    return ("\n".join(lines) + "\n").encode()


def test_a_large_upload_keeps_only_the_shown_rows_in_the_session(bare_store: Path) -> None:  # noqa: F811
    data = _large_export()
    at = new_app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="data_upload").set_value([("big.csv", data, "text/csv")]).run()
    no_exception(at)
    assert "1 file(s) · 1 ready to load" in texts(at)

    previews = list(at.session_state["data_state"]["previews"].values())
    assert len(previews) == 1
    kept = previews[0]
    assert kept.row_count == ROWS and kept.ok  # the verdict is kept...
    assert kept._mapped is None and len(kept.rows) <= 200  # ...the whole file's frames are not
    # Everything the session holds for the upload, pickled field by field (the class lives in the page script),
    # is far smaller than the file it describes; the whole file's frames would be larger than the file.
    held = len(pickle.dumps({f.name: getattr(kept, f.name) for f in dataclasses.fields(kept)}))
    assert held < len(data) / 10, (held, len(data))

    [b for b in at.button if b.key and b.key.startswith("data_load_") and b.key != "data_load_all"][
        0
    ].click().run()
    no_exception(at)
    assert "big.csv loaded as load #1" in texts(at).replace("\\", "")
    eng = store.make_engine(f"duckdb:///{bare_store}")
    with eng.connect() as conn:
        assert store.row_counts(conn)["tickets"] == ROWS  # every row of the file, read again from its bytes
    eng.dispose()
