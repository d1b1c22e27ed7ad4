"""Share links (signed, expiring, revocable) and pinned figures, on both backends."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from cxkpi.access import EDITOR, VIEWER, Actor, acting_as
from cxkpi.access import shares as sh
from cxkpi.ingest.api import ingest_file, remove_load
from cxkpi.report import build_snapshot, pinned_state, scorecard_csv, scorecard_xlsx
from cxkpi.store import list_loads

ANA = Actor("ana", EDITOR, "password")
BOB = Actor("bob", VIEWER, "share link")
TODAY = dt.date(2025, 4, 15)  # "last month" = March 2025
HEADER = b"response_id,kind,score,scale_min,scale_max,submitted_at\n"


def csat_csv(first: int, scores: list[int], day: str = "2025-03-05") -> bytes:
    rows = [f"R{first + i},csat,{s},1,5,{day} 12:00:00" for i, s in enumerate(scores)]
    return HEADER + "\n".join(rows).encode() + b"\n"


def test_link_round_trip_revoke_expire_tamper(engine: sa.Engine) -> None:
    with acting_as(ANA):
        share, token = sh.create_share(engine, "", {"period": "last_month"}, sh.LIVE, "1:1:0",
                                       expires_in=dt.timedelta(days=7))  # fmt: skip
    assert share.created_by == "ana" and share.mode == "live" and share.expires_at is not None
    opened = sh.open_share(engine, token)
    assert opened.ok and opened.share == share
    # tampered: one character of the signature changed — its first: the last base64 character of a signature
    # also carries padding bits, so changing it alone can leave the signature's bytes as they were
    head, sig = token.rsplit(".", 1)
    bad = head + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
    assert sh.open_share(engine, bad).status == "tampered"
    assert sh.open_share(engine, "not-a-token").status == "tampered"
    # a signature from another store's key is tampered too
    other = sh.URLSafeTimedSerializer("another-key", salt=sh.SALT).dumps({"share": share.share_id})
    assert sh.open_share(engine, other).status == "tampered"
    # expired: 7 days + 1 second later
    later = share.created_at + dt.timedelta(days=7, seconds=1)
    assert sh.open_share(engine, token, now=later).status == "expired"
    # a viewer cannot revoke; the editor can, once
    with acting_as(BOB), pytest.raises(PermissionError, match="revoke a share link"):
        sh.revoke_share(engine, share.share_id)
    assert sh.open_share(engine, token).ok
    with acting_as(ANA):
        assert sh.revoke_share(engine, share.share_id) is True
        assert sh.revoke_share(engine, share.share_id) is False
    opened = sh.open_share(engine, token)
    assert opened.status == "revoked" and opened.share is not None and opened.share.revoked_by == "ana"
    assert [s.share_id for s in sh.list_shares(engine)] == [share.share_id]


def test_viewer_cannot_create_links_and_modes_are_checked(engine: sa.Engine) -> None:
    with acting_as(BOB), pytest.raises(PermissionError, match="create a share link"):
        sh.create_share(engine, "", {}, sh.LIVE, "0:0:0")
    with acting_as(ANA):
        with pytest.raises(ValueError, match="needs the figures"):
            sh.create_share(engine, "", {}, sh.PINNED, "0:0:0")
        with pytest.raises(ValueError, match="unknown share mode"):
            sh.create_share(engine, "", {}, "forever", "0:0:0")
        with pytest.raises(ValueError, match="at most 400 days"):
            sh.create_share(engine, "", {}, sh.LIVE, "0:0:0", expires_in=dt.timedelta(days=401))
    assert sh.list_shares(engine) == []


def test_print_pass_is_separate_from_share_links(engine: sa.Engine) -> None:
    with acting_as(ANA):
        share, token = sh.create_share(engine, "", {}, sh.LIVE, "0:0:0")
    pt = sh.print_pass(engine, share_id=share.share_id)
    assert sh.open_print_pass(engine, pt) == {"share": share.share_id}
    view_pass = sh.print_pass(engine, query={"period": "ytd"})
    assert sh.open_print_pass(engine, view_pass) == {"query": {"period": "ytd"}}
    assert sh.open_print_pass(engine, token) is None  # a share link is not a print pass
    assert sh.open_share(engine, pt).status == "tampered"  # nor the other way round
    with pytest.raises(ValueError, match="not both"):
        sh.print_pass(engine, share_id="x", query={})


def test_pinned_figures_survive_newer_uploads_and_say_when_data_was_removed(engine: sa.Engine) -> None:
    with acting_as(ANA):
        ingest_file(engine, csat_csv(1, [5, 5, 5, 2]), "march.csv")
        snap = build_snapshot(engine, {"period": "last_month", "csat": "top2box"}, TODAY)
        # March 2025; CSAT top-2-box = 3 of 4 answers at 4–5 = 75 %
        assert snap["period"] == ["2025-03-01", "2025-03-31"]
        assert snap["scorecard"]["csat"]["value"] == pytest.approx(75.0)
        assert snap["scorecard"]["csat"]["n"] == 4
        share, token = sh.create_share(
            engine, "", snap["query"], sh.PINNED, snap["data_version"], snapshot=snap
        )
        assert pinned_state(engine, sh.open_share(engine, token).share.snapshot).state == "same"
        # a newer upload: four more answers, all 1 → live CSAT 3 of 8 = 37.5 %
        ingest_file(engine, csat_csv(10, [1, 1, 1, 1]), "late.csv")
        live = build_snapshot(engine, snap["query"], TODAY)
        assert live["scorecard"]["csat"]["value"] == pytest.approx(37.5)
        opened = sh.open_share(engine, token).share
        assert opened.snapshot["scorecard"]["csat"]["value"] == pytest.approx(75.0)  # the figures as sent
        state = pinned_state(engine, opened.snapshot)
        with engine.connect() as conn:
            late_id = max(r["load_id"] for r in list_loads(conn))
        assert state.state == "newer" and state.added == (late_id,)
        # the load the figures were computed on is removed: the link says so
        first_id = snap["loads"][0]
        remove_load(engine, first_id)
        state = pinned_state(engine, opened.snapshot)
        assert state.state == "removed" and state.removed == (first_id,)


def test_scorecard_exports_are_formula_safe() -> None:
    snap = {
        "period": ["2025-03-01", "2025-03-31"],
        "data_version": "2:2:0",
        "scorecard": {"csat": {"label": '=HYPERLINK("http://x")', "value": 75.0, "unit": "%", "n": 4}},
    }
    csv_text = scorecard_csv(snap).decode()
    assert "\"'=HYPERLINK" in csv_text and ",75.0," in csv_text
    import io

    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(scorecard_xlsx(snap))).active
    header = [c.value for c in ws[1]]
    row = dict(zip(header, [c.value for c in ws[2]], strict=True))
    assert row["label"] == '\'=HYPERLINK("http://x")' and row["value"] == 75.0
    assert row["period"] == "2025-03-01 – 2025-03-31" and row["data_version"] == "2:2:0"


def test_a_viewer_opening_the_first_link_of_a_store_gets_an_answer(engine: sa.Engine) -> None:
    # no link was ever made here, so the store has no signing key yet: making it is not the viewer's write
    with acting_as(BOB):
        assert sh.open_share(engine, "eyJzaGFyZSI6IngifQ.abc.def").status == "tampered"


def test_a_print_pass_lasts_two_minutes(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    import itsdangerous.timed

    real = time.time()
    # minted 121 s ago: one second past PRINT_MAX_AGE (120 s)
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real - 121)
    old = sh.print_pass(engine, query={"period": "ytd"})
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real - 100)
    recent = sh.print_pass(engine, query={"period": "ytd"})
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real)
    assert sh.open_print_pass(engine, old) is None
    assert sh.open_print_pass(engine, recent) == {"query": {"period": "ytd"}}


def test_cli_print_url_for_a_share_link_and_a_view_link(monkeypatch: pytest.MonkeyPatch) -> None:
    from urllib.parse import parse_qsl, urlsplit

    from cxkpi.report.commands import print_url

    # a share link is a viewer pass already: printed as it is, at the dashboard's root
    assert (
        print_url("https://cx.example.com/report?share=abc.def", None)
        == "https://cx.example.com/?share=abc.def"
    )
    # a view link gets a print pass signed with $CXKPI_SECRET, carrying the view and nothing else
    monkeypatch.setenv(sh.ENV_SECRET, "same-secret-as-the-dashboard")
    url = print_url("http://localhost:8501/report?period=ytd&region=EMEA&junk=1", None)
    assert url.startswith("http://localhost:8501/?print=")
    token = dict(parse_qsl(urlsplit(url).query))["print"]
    assert sh.open_print_pass(None, token) == {"query": {"period": "ytd", "region": "EMEA"}}  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="dashboard link"):
        print_url("cx.example.com/report", None)
