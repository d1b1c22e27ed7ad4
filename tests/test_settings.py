"""Workspace settings: defaults, a round trip on both backends, validation, and the engine reading them."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from cxkpi.benchmarks import BENCHMARK_IDS
from cxkpi.settings import WorkspaceSettings, get_settings, save_settings, update_settings
from cxkpi.store.schema import settings as settings_table


def test_defaults_when_nothing_is_saved(engine: sa.Engine) -> None:
    s = get_settings(engine)
    assert s == WorkspaceSettings()
    assert (s.timezone, s.currency, s.gross_margin, s.metric_options, s.language) == ("UTC", None, 1.0, {}, "en")
    assert s.benchmarks == list(BENCHMARK_IDS)


def test_round_trip(engine: sa.Engine) -> None:
    wanted = WorkspaceSettings(
        timezone="Europe/Berlin",
        currency="eur",
        gross_margin=0.8,
        metric_options={"csat.mode": "mean", "frt.stat": "median"},
        benchmarks=["csat.acsi_us"],
        language="de-CH",
    )
    saved = save_settings(engine, wanted)
    assert saved.currency == "EUR" and saved.language == "de_CH"  # normalised
    assert get_settings(engine) == saved
    # saving again overwrites (upsert), it does not add rows
    save_settings(engine, WorkspaceSettings(timezone="America/New_York"))
    got = get_settings(engine)
    assert got.timezone == "America/New_York" and got.currency is None and got.metric_options == {}


def test_update_keeps_the_rest_and_other_keys_are_left_alone(engine: sa.Engine) -> None:
    with engine.begin() as c:
        c.execute(sa.insert(settings_table).values(key="app.theme", value=json.dumps("dark")))
    save_settings(engine, WorkspaceSettings(currency="USD", gross_margin=0.5))
    update_settings(engine, timezone="Asia/Tokyo")
    got = get_settings(engine)
    assert (got.timezone, got.currency, got.gross_margin) == ("Asia/Tokyo", "USD", 0.5)
    with engine.connect() as c:
        assert c.execute(sa.select(settings_table.c.value).where(settings_table.c.key == "app.theme")).scalar() == '"dark"'
    with pytest.raises(ValueError, match="unknown setting"):
        update_settings(engine, colour="red")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"timezone": ""}, "time zone name"),
        ({"timezone": "../../etc/passwd"}, "unknown time zone"),
        ({"gross_margin": 0.0}, r"\(0, 1\]"),
        ({"gross_margin": 1.01}, r"\(0, 1\]"),
        ({"gross_margin": 80}, r"\(0, 1\]"),  # 80 % is 0.8, not 80
        ({"gross_margin": float("nan")}, r"\(0, 1\]"),
        ({"gross_margin": True}, "number"),
        ({"currency": "EURO"}, "three-letter"),
        ({"currency": "ZZZ"}, "unknown currency"),
        ({"metric_options": {"csat.mode": object()}}, "JSON"),
        ({"metric_options": {"clv.margin": 80}}, "gross_margin instead"),
        ({"benchmarks": ["csat.imaginary"]}, "unknown benchmark"),
        ({"language": "xx"}, "unknown language"),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_written(engine: sa.Engine, change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        save_settings(engine, WorkspaceSettings(**change))
    with engine.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(settings_table)).scalar() == 0


def test_edge_values_that_are_valid(engine: sa.Engine) -> None:
    s = save_settings(engine, WorkspaceSettings(gross_margin=1, timezone="Etc/GMT+5", currency=" chf "))
    assert (s.gross_margin, s.timezone, s.currency) == (1.0, "Etc/GMT+5", "CHF")


def test_a_hand_edited_invalid_value_is_reported_on_read(engine: sa.Engine) -> None:
    with engine.begin() as c:
        c.execute(sa.insert(settings_table).values(key="timezone", value="Nowhere/Town"))  # bare, not JSON
    with pytest.raises(ValueError, match="saved workspace settings are invalid: unknown time zone"):
        get_settings(engine)


def test_the_metric_engine_reads_what_is_saved(engine: sa.Engine) -> None:
    # The engine reads the same rows: timezone, currency and metric_options (with clv.margin in percent).
    from cxkpi.metrics.engine import workspace_options

    save_settings(
        engine,
        WorkspaceSettings(timezone="Europe/Paris", currency="EUR", gross_margin=0.75, metric_options={"csat.mode": "mean"}),
    )
    with engine.connect() as c:
        opts = workspace_options(c)
    assert opts.get("timezone") == "Europe/Paris"
    assert opts.get("currency") == "EUR"
    assert opts.get("csat.mode") == "mean"
    assert opts.get("clv.margin") == 75.0  # 0.75 × 100
    # and the margin written there is not duplicated into metric_options on read
    assert get_settings(engine).metric_options == {"csat.mode": "mean"}
