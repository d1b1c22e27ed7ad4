"""values: numbers, durations, datetimes, booleans, header time zones, mangled ids.

Expected values are worked out by hand in the comments next to them.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from cxkpi.ingest.read import read_table
from cxkpi.ingest.values import (
    detect_decimal,
    looks_mangled_id,
    parse_bool,
    parse_datetimes,
    parse_duration,
    parse_number,
    parse_numbers,
    strip_header_tz,
    unit_from_header,
)


def S(*cells: str) -> pd.Series:
    return pd.Series(list(cells), dtype=object)


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


# --- numbers --------------------------------------------------------------------------------------

NUMBER_CELLS = [
    ("1,234.56", 1234.56),
    ("1.234,56", 1234.56),
    ("1 234,56", 1234.56),
    ("1\u00a0234,56", 1234.56),  # NBSP
    ("1\u202f234,56", 1234.56),  # narrow NBSP (fr-FR)
    ("12,5", 12.5),
    ("USD 1,234.56", 1234.56),
    ("$1,234.56", 1234.56),
    ("€ 12,00", 12.0),
    ("12,00 €", 12.0),
    ("(12.00)", -12.0),
    ("-$5", -5.0),
    ("45%", 45.0),  # percent points
    ("1'234.50", 1234.5),  # Swiss
    ("2,15E+14", 215_000_000_000_000.0),
    ("42", 42.0),
    ("", None),
    ("n/a", None),
    ("twelve", None),
]


@pytest.mark.parametrize(("text", "expected"), NUMBER_CELLS, ids=[c[0] or "blank" for c in NUMBER_CELLS])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


COLUMNS = [
    # (cells, decimal separator decided for the column, values)
    (["1.234,56", "12,5", "7"], ",", [1234.56, 12.5, 7.0]),
    # '1.234' alone would be 1.234; next to '12,5' the column is decimal-comma, so it is 1234.
    (["1.234", "12,5"], ",", [1234.0, 12.5]),
    (["1,234", "12.5"], ".", [1234.0, 12.5]),
    (["1,234", "5,678"], ".", [1234.0, 5678.0]),  # comma + exactly 3 digits everywhere -> thousands
    (["1,234,567", "8"], ".", [1234567.0, 8.0]),
    (["1.234.567", "8"], ",", [1234567.0, 8.0]),
    (["€ 1.234,00", "€ 12,00", "(3,50)"], ",", [1234.0, 12.0, -3.5]),
]


@pytest.mark.parametrize(("cells", "dec", "values"), COLUMNS)
def test_parse_numbers_decides_decimal_per_column(cells, dec, values):
    assert detect_decimal(S(*cells)) == dec
    got, bad = parse_numbers(S(*cells))
    assert got.tolist() == pytest.approx(values)
    assert got.attrs["decimal"] == dec
    assert bad == []


def test_parse_numbers_bad_positions_and_index_alignment():
    s = pd.Series(["1,5", "", "abc", "2,25", "-"], index=[10, 11, 12, 13, 14], dtype=object)
    got, bad = parse_numbers(s)
    assert list(got.index) == [10, 11, 12, 13, 14]
    assert got[10] == 1.5 and math.isnan(got[11]) and math.isnan(got[12]) and got[13] == 2.25
    assert bad == [2]  # position of 'abc'; blanks and '-' are empty, not bad


def test_parse_numbers_explicit_decimal():
    got, _ = parse_numbers(S("1,234"), decimal=",")
    assert got.tolist() == [1.234]


# --- durations ------------------------------------------------------------------------------------

DURATIONS = [
    # (cells, unit, minutes)
    (["07:43:00", "56:30:00", "00:00:30"], "hh:mm:ss", [463.0, 3390.0, 0.5]),  # 7*60+43; 56*60+30; 30/60
    (["00:08", "1:30"], "hh:mm", [8.0, 90.0]),
    (["07:43:00"], "hours", [463.0]),  # Freshdesk "(in hrs)" column that holds hh:mm:ss
    (["1.5", "2"], "hours", [90.0, 120.0]),
    (["90", "30"], "seconds", [1.5, 0.5]),
    (["12", "0,5"], "minutes", [12.0, 0.5]),
    (["90000"], "milliseconds", [1.5]),  # 90 000 ms = 90 s = 1.5 min
    (["55秒", "2分30秒", "1h 20m"], "auto", [55 / 60, 2.5, 80.0]),
    (["1 day, 02:00:00"], "auto", [1560.0]),  # 24*60 + 120
]


@pytest.mark.parametrize(("cells", "unit", "minutes"), DURATIONS)
def test_parse_duration(cells, unit, minutes):
    got, bad = parse_duration(S(*cells), unit)
    assert got.tolist() == pytest.approx(minutes)
    assert bad == []


def test_parse_duration_blank_and_bad():
    got, bad = parse_duration(S("01:00:00", "", "soon", "01:75:00"), "hh:mm:ss")
    assert got[0] == 60.0 and math.isnan(got[1])
    assert bad == [2, 3]  # 75 minutes is not a clock reading


def test_parse_duration_auto_refuses_plain_numbers():
    with pytest.raises(ValueError, match="unit"):
        parse_duration(S("12", "30"), "auto")


@pytest.mark.parametrize(("header", "unit"), [
    ("First response time (seconds)", "seconds"), ("Total time spent (sec) [int]", "seconds"),
    ("First reply time in minutes", "minutes"), ("First reply time (min)", "minutes"),
    ("Resolution time (in hrs)", "hours"), ("Full resolution time (hrs)", "hours"),
    ("Time to first agent reply (ms)", "milliseconds"), ("Subject", None),
])
def test_unit_from_header(header, unit):
    assert unit_from_header(header) == unit


# --- datetimes ------------------------------------------------------------------------------------

DATE_STYLES = [
    # (label, cells, kwargs, expected naive UTC, format label)
    ("iso seconds", ["2025-03-04 10:22:11"], {}, ["2025-03-04 10:22:11"], "YYYY-MM-DD HH:MM:SS"),
    ("iso minutes", ["2025-03-04 10:22"], {}, ["2025-03-04 10:22:00"], "YYYY-MM-DD HH:MM"),
    ("iso date", ["2025-03-04"], {}, ["2025-03-04 00:00:00"], "YYYY-MM-DD"),
    ("iso T Z", ["2025-03-04T10:22:11Z"], {}, ["2025-03-04 10:22:11"], "YYYY-MM-DDTHH:MM:SS+offset"),
    # 10:22:11 at +01:00 is 09:22:11 UTC; at -05:00 15:22:11 UTC.
    ("iso offsets", ["2025-03-04T10:22:11+01:00", "2025-03-04T10:22:11-0500"], {},
     ["2025-03-04 09:22:11", "2025-03-04 15:22:11"], "YYYY-MM-DDTHH:MM:SS+offset"),
    ("us am/pm", ["03/04/2025 10:22:11 AM", "12/31/2025 11:59:59 PM"], {},
     ["2025-03-04 10:22:11", "2025-12-31 23:59:59"], "MM/DD/YYYY hh:mm:ss AM"),
    ("us 12 am", ["01/25/2025 12:05:00 AM", "01/25/2025 12:05:00 PM"], {},
     ["2025-01-25 00:05:00", "2025-01-25 12:05:00"], "MM/DD/YYYY hh:mm:ss AM"),
    ("eu dots", ["04.03.2025 10:22", "05.03.2025 08:00"], {}, ["2025-03-04 10:22:00", "2025-03-05 08:00:00"],
     "DD.MM.YYYY HH:MM"),
    ("eu slashes", ["31/03/2025", "04/03/2025"], {}, ["2025-03-31", "2025-03-04"], "DD/MM/YYYY"),
    ("freshdesk dd-mm", ["20-01-2025 17:23:06", "04-03-2025 10:22:11"], {},
     ["2025-01-20 17:23:06", "2025-03-04 10:22:11"], "DD-MM-YYYY HH:MM:SS"),
    # 3:28:48 PM at GMT+1 = 15:28:48 - 1 h = 14:28:48 UTC.
    ("google forms", ["2025/01/22 3:28:48 PM GMT+1"], {}, ["2025-01-22 14:28:48"],
     "YYYY/MM/DD hh:mm:ss AM +offset"),
    ("zh 上午/下午", ["2025/3/4 下午 2:22:11", "2025/3/4 上午 9:05:00"], {},
     ["2025-03-04 14:22:11", "2025-03-04 09:05:00"], "YYYY/MM/DD AM hh:mm:ss"),
    ("wenjuanxing", ["2025/3/4 10:22:11"], {}, ["2025-03-04 10:22:11"], "YYYY/MM/DD HH:MM:SS"),
    ("salesforce us", ["1/15/2025", "11/1/2024"], {}, ["2025-01-15", "2024-11-01"], "MM/DD/YYYY"),
    # Excel serial: 45720 days after 1899-12-30 = 2025-03-04; .43 day = 37 152 s = 10:19:12.
    ("excel serial", ["45720.43", "45720.5"], {}, ["2025-03-04 10:19:12", "2025-03-04 12:00:00"],
     "Excel serial (1900)"),
    ("epoch s", ["1741083731"], {}, ["2025-03-04 10:22:11"], "epoch seconds"),
    ("epoch ms", ["1741083731000"], {}, ["2025-03-04 10:22:11"], "epoch milliseconds"),
    # New York is UTC-5 in March before DST (9 March 2025): 10:22:11 -> 15:22:11 UTC; UTC-4 in July.
    ("tz new york", ["2025-03-04 10:22:11", "2025-07-04 10:22:11"], {"tz": "America/New_York"},
     ["2025-03-04 15:22:11", "2025-07-04 14:22:11"], "YYYY-MM-DD HH:MM:SS"),
    ("tz denver us dates", ["01/05/2025 10:00"], {"tz": "America/Denver", "dayfirst": False},
     ["2025-01-05 17:00:00"], "MM/DD/YYYY HH:MM"),
    ("own offset beats tz", ["2025-03-04T10:00:00Z"], {"tz": "America/New_York"}, ["2025-03-04 10:00:00"],
     "YYYY-MM-DDTHH:MM:SS+offset"),
    # Month names have no shape label: the per-cell parser reads them, and the label says so.
    ("month names", ["4 Mar 2025", "Mar 5, 2025"], {}, ["2025-03-04", "2025-03-05"], "unrecognised"),
    # Mixed shapes: the label names the first cell's shape; the per-cell parser reads the others.
    ("mixed shapes", ["2025-03-04 10:22:11", "03/05/2025 10:00 AM", "4 Mar 2025", "2025/3/6 下午 1:00:00"],
     {"dayfirst": False}, ["2025-03-04 10:22:11", "2025-03-05 10:00:00", "2025-03-04", "2025-03-06 13:00:00"],
     "YYYY-MM-DD HH:MM:SS"),
    ("two-digit years", ["3/4/25", "12/31/99"], {}, ["2025-03-04", "1999-12-31"], "MM/DD/YY"),
]


@pytest.mark.parametrize(("label", "cells", "kw", "expected", "fmt"), DATE_STYLES, ids=[c[0] for c in DATE_STYLES])
def test_date_styles(label, cells, kw, expected, fmt):
    r = parse_datetimes(S(*cells), **kw)
    assert not r.ambiguous
    assert r.bad_positions == []
    assert r.values.tolist() == [ts(e) for e in expected]
    assert str(r.values.dtype).startswith("datetime64")
    assert r.format == fmt


def test_ambiguous_column_is_reported_not_guessed():
    r = parse_datetimes(S("03/04/2025", "05/06/2025", ""))
    assert r.ambiguous and r.dayfirst is None
    assert r.values.isna().all()  # nothing guessed
    assert "ambiguous" in r.format


def test_ambiguous_column_resolved_by_a_day_over_12():
    r = parse_datetimes(S("03/04/2025", "05/06/2025", "13/04/2025"))
    assert not r.ambiguous and r.dayfirst is True
    assert r.values.tolist() == [ts("2025-04-03"), ts("2025-06-05"), ts("2025-04-13")]


def test_ambiguous_column_resolved_by_the_caller():
    us = parse_datetimes(S("03/04/2025"), dayfirst=False)
    eu = parse_datetimes(S("03/04/2025"), dayfirst=True)
    assert us.values.tolist() == [ts("2025-03-04")] and eu.values.tolist() == [ts("2025-04-03")]


def test_month_over_12_in_second_field_means_month_first():
    r = parse_datetimes(S("03/04/2025", "12/31/2025"))
    assert r.dayfirst is False and r.values.tolist() == [ts("2025-03-04"), ts("2025-12-31")]


def test_bad_dates_are_reported_by_position():
    r = parse_datetimes(S("2025-02-30 10:00:00", "", "2025-03-01 10:00:00", "soon"))
    assert r.bad_positions == [0, 3]  # 30 February does not exist; 'soon' is no date
    assert pd.isna(r.values[1]) and r.values[2] == ts("2025-03-01 10:00:00")


def test_dates_keep_the_callers_index():
    r = parse_datetimes(pd.Series(["13/04/2025", "bad", ""], index=[7, 8, 9], dtype=object))
    assert list(r.values.index) == [7, 8, 9]
    assert r.values[7] == ts("2025-04-13") and r.bad_positions == [1]  # positions, not labels


def test_numbers_that_are_not_serials_are_bad():
    r = parse_datetimes(S("3", "12"))
    assert r.bad_positions == [0, 1]


def test_sample_export_date_columns(sample_exports):
    def col(name: str, column: str, **kw):
        t = read_table((sample_exports / name).read_bytes(), name)
        return parse_datetimes(t.frame()[column], **kw)

    sm = col("surveymonkey_nps.csv", "Start Date")
    assert sm.bad_positions == [] and sm.values[0] == ts("2025-01-25 08:57:10")
    gf = col("google_forms_esat.csv", "Timestamp")
    assert gf.bad_positions == [] and gf.values[0] == ts("2025-01-22 14:28:48")
    sf = col("salesforce_renewals.csv", "Close Date")
    assert sf.bad_positions == [] and sf.dayfirst is False and sf.values[0] == ts("2025-01-15")
    # Intercom times are New York wall clock: 2025-01-20 17:23:06 EST (UTC-5) = 22:23:06 UTC.
    ic = col("intercom_conversations.csv", "Conversation started at (America/New_York)", tz="America/New_York")
    assert ic.values[0] == ts("2025-01-20 22:23:06")


FIXTURE_DATES = [
    # (file, column, first value) - every cell of the column must parse
    ("zendesk_tickets.csv", "Created at", "2025-01-20 17:23:06"),
    # Qualtrics row 3 says America/Denver (UTC-7 in January): 16:21:25 local = 23:21:25 UTC.
    ("qualtrics_csat.csv", "StartDate", "2025-01-06 23:21:25"),
    ("typeform_ces.csv", "Submit Date (UTC)", "2025-01-26 14:54:08"),
    ("stripe_subscriptions.csv", "Canceled At (UTC)", "2025-08-14 16:40:00"),
    ("hubspot_companies.csv", "Create Date", "2023-01-02 09:30:00"),
    ("delighted_nps.csv", "Response timestamp", "2025-01-12 16:22:54"),
]
FIXTURE_DURATIONS = [
    # (file, column, unit, first value in minutes) - every cell of the column must parse
    ("zendesk_tickets.csv", "First reply time in minutes", "minutes", 463.0),
    ("zendesk_tickets.csv", "Total time spent (sec) [int]", "seconds", 8.0),  # 480 s / 60
    ("freshdesk_tickets.csv", "First response time (in hrs)", "hours", 463.0),  # '07:43:00' = 7*60+43
    ("freshdesk_tickets.csv", "Resolution time (in hrs)", "hours", 3390.0),  # '56:30:00' = 56*60+30
    ("freshdesk_tickets.csv", "Time tracked", "hh:mm", 8.0),  # '00:08'
    ("intercom_conversations.csv", "First response time (seconds)", "seconds", 463.0),  # 27 780 s / 60
]


@pytest.mark.parametrize(("name", "column", "first"), FIXTURE_DATES, ids=[f"{c[0]}:{c[1]}" for c in FIXTURE_DATES])
def test_sample_export_date_columns_parse_cleanly(sample_exports, name, column, first):
    t = read_table((sample_exports / name).read_bytes(), name)
    i = t.column_names().index(column)
    r = parse_datetimes(t.frame()[column], tz=t.column_timezones().get(i))
    assert r.bad_positions == [] and not r.ambiguous
    assert r.values.dropna().iloc[0] == ts(first)


@pytest.mark.parametrize(("name", "column", "unit", "first"), FIXTURE_DURATIONS,
                         ids=[f"{c[0]}:{c[1]}" for c in FIXTURE_DURATIONS])
def test_sample_export_duration_columns_parse_cleanly(sample_exports, name, column, unit, first):
    t = read_table((sample_exports / name).read_bytes(), name)
    v, bad = parse_duration(t.frame()[column], unit)
    assert bad == []
    assert v.dropna().iloc[0] == pytest.approx(first)


# --- booleans, header time zones, mangled ids -----------------------------------------------------

def test_parse_bool():
    got, bad = parse_bool(S("true", "FALSE", "Yes", "no", "1", "0", "y", "N", "sì", "是", "否", "", "maybe"))
    assert got.tolist()[:11] == [True, False, True, False, True, False, True, False, True, True, False]
    assert pd.isna(got[11]) and pd.isna(got[12])
    assert bad == [12]


@pytest.mark.parametrize(("name", "expected"), [
    ("Conversation started at (America/New_York)", ("Conversation started at", "America/New_York")),
    ("Created (UTC)", ("Created", "UTC")),
    ("Start Date (UTC)", ("Start Date", "UTC")),
    ("Updated at (Europe/Berlin)", ("Updated at", "Europe/Berlin")),
    ("First response time (in hrs)", ("First response time (in hrs)", None)),
    ("Handling time (seconds)", ("Handling time (seconds)", None)),
    ("Probability (%)", ("Probability (%)", None)),
    ("account_id (metadata)", ("account_id (metadata)", None)),
    ("Ticket ID", ("Ticket ID", None)),
])
def test_strip_header_tz(name, expected):
    assert strip_header_tz(name) == expected


@pytest.mark.parametrize(("text", "mangled"), [
    ("2,15E+14", True), ("2.15E+14", True), ("1.23457E+15", True),
    ("215000000000000", False), ("C001", False), ("", False),
])
def test_looks_mangled_id(text, mangled):
    assert looks_mangled_id(text) is mangled


# --- speed ----------------------------------------------------------------------------------------

def test_100k_rows_parse_every_value():
    # Speed is measured in bench/run.py; here: a large column parses completely and correctly.
    n = 100_000
    dates = pd.Series([f"{1 + i % 12:02d}/{1 + i % 28:02d}/2025 {1 + i % 12}:{i % 60:02d}:00 PM" for i in range(n)])
    nums = pd.Series([f"{i:,}.{i % 100:02d}".replace(",", " ") for i in range(n)])
    durs = pd.Series([f"{i % 90}:{i % 60:02d}:00" for i in range(n)])
    d = parse_datetimes(dates, dayfirst=False)
    assert d.bad_positions == [] and d.values.notna().all()
    assert d.values.iloc[13] == pd.Timestamp("2025-02-14 14:13:00")  # 02/14/2025 2:13:00 PM
    values, bad = parse_numbers(nums)
    assert bad == [] and values.iloc[12345] == 12345.45
    minutes, bad = parse_duration(durs, "hh:mm:ss")
    assert bad == [] and minutes.iloc[61] == 61 * 60 + 1  # "61:01:00" = 61 h 1 min
