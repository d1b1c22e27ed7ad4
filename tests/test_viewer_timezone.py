"""Displayed timestamps follow the viewer's zone (link ``?tz=`` or browser); metric periods do not."""

from __future__ import annotations

import datetime as dt

from cxkpi.i18n import set_locale
from pages.common import shown_time
from tests.apphelpers import new_app, no_exception
from tests.pagehelpers import bare_store  # noqa: F401
from tests.test_app_data import _loads, _open, _upload, fixture_file


def test_a_stored_utc_time_read_in_three_zones():
    set_locale("en")
    moment = dt.datetime(2026, 11, 29, 23, 30)  # stored naive, in UTC
    assert shown_time(moment, "UTC") == "Nov 29, 2026 23:30 UTC"
    assert shown_time(moment, "Europe/Rome") == "Nov 30, 2026 00:30 CET"  # winter: UTC+1, past midnight
    assert shown_time(moment, "Asia/Singapore") == "Nov 30, 2026 07:30 +08"  # 23:30 + 8 h
    assert shown_time("2026-07-01T12:00:00", "Europe/Rome") == "Jul 1, 2026 14:00 CEST"  # summer: UTC+2
    assert shown_time(None, "UTC") == ""


def test_the_load_history_shows_the_viewers_zone_from_the_link(bare_store):  # noqa: F811
    at = _upload(_open(new_app(tz="Asia/Singapore")), fixture_file("salesforce_renewals.csv"))
    at.button(key="data_load_all").click().run()
    no_exception(at)
    stored = _loads(bare_store)[0]["loaded_at"]  # naive UTC
    local = stored + dt.timedelta(hours=8)  # Singapore is UTC+8 all year
    history = [d.value for d in at.dataframe if "Recognized as" in d.value.columns][0]
    assert list(history["Loaded"]) == [f"{local:%b} {local.day}, {local:%Y %H:%M} +08"]
    assert at.session_state["cx_timezone"] == "Asia/Singapore"


def test_an_unknown_zone_in_the_link_falls_back_to_utc(bare_store):  # noqa: F811
    at = _upload(_open(new_app(tz="Mars/Olympus")), fixture_file("salesforce_renewals.csv"))
    at.button(key="data_load_all").click().run()
    no_exception(at)
    stored = _loads(bare_store)[0]["loaded_at"]
    history = [d.value for d in at.dataframe if "Recognized as" in d.value.columns][0]
    assert list(history["Loaded"]) == [f"{stored:%b} {stored.day}, {stored:%Y %H:%M} UTC"]
