"""Readings and rows a CS lead or a finance lead can take away: what a tile says when its period has no data
or a filter cannot apply, the scorecard as a table (and CSV), and survey rows with the customer's name,
e-mail and segment instead of internal ids.

Pure library code (no Streamlit): the pages draw what these functions return.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa

import cxkpi.i18n_readings  # noqa: F401  (merges this module's English entries into t())
from cxkpi import formatting as fmt
from cxkpi.i18n import t
from cxkpi.i18n_messages import localize
from cxkpi.store.schema import accounts, responses

SURVEY_KEYS = ("csat", "ces", "nps", "esat")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ------------------------------------------------------------------------------------------------ tiles


def blocked_filters(res: Any) -> list[str]:
    """The filters that make this result not available (metrics.md: a filter its rows cannot carry)."""
    return list((getattr(res, "extra", None) or {}).get("filters_not_applied") or [])


def latest_of(res: Any) -> Any:
    """The latest value of another period (cxkpi.metrics LatestValue) when the period itself has none."""
    if getattr(res, "value", None) is not None:
        return None
    return getattr(res, "latest", None)


def latest_line(res: Any, start: dt.date, end: dt.date, currency: str = "USD") -> str | None:
    """'No answers in Oct 2026 — latest +31, Sep 2026, n = 412', or None when there is no latest value."""
    latest = latest_of(res)
    if latest is None:
        return None
    value = latest_value_text(res)
    where = fmt.period(latest.start, latest.end)
    here = fmt.period(start, end)
    if res.key in SURVEY_KEYS:
        return t(
            "tile.no_answers_latest", period=here, value=value, latest_period=where, n=fmt.count(latest.n)
        )
    if latest.n is None:
        return t("tile.no_data_latest", period=here, value=value, latest_period=where)
    return t("tile.no_data_latest_n", period=here, value=value, latest_period=where, n=fmt.count(latest.n))


def latest_value_text(res: Any) -> str:
    """The latest value in its unit; NPS with its sign (+31), as the issue's reading shows it."""
    latest = latest_of(res)
    if latest is None:
        return fmt.DASH
    if res.unit == "points":
        return fmt.signed_number(latest.value, 0)
    return fmt.value(latest.value, res.unit)


def margin_assumed(res: Any) -> bool:
    """CLV computed with the default 100 % margin because nobody set one."""
    return bool((getattr(res, "extra", None) or {}).get("margin_assumed"))


def clv_basis(res: Any) -> str | None:
    """'churn over May 2026 – Oct 31, 2026: 7 churned customers', from the CLV result's window extras."""
    x = getattr(res, "extra", None) or {}
    if x.get("window_from") is None or x.get("churned") is None:
        return None
    start = dt.date.fromisoformat(str(x["window_from"]))
    end = dt.date.fromisoformat(str(x.get("window_to") or start))
    return t("tile.clv_window", window=fmt.months(start, end), churned=fmt.count(x["churned"]))


# ------------------------------------------------------------------------------------- scorecard table


def _stable_number(v: float | None) -> float | None:
    # 12 significant digits: the same figure reads the same in every run and on both backends
    return None if v is None else float(f"{float(v):.12g}")


def scorecard_table(results: Mapping[str, Any], start: dt.date, end: dt.date, filters: Mapping[str, str],
                    labels: Mapping[str, str] | None = None) -> pd.DataFrame:  # fmt: skip
    """One row per metric, readable headers: Metric, Value, Unit, n, Period, Filters, Note.

    A metric that is not available has no value and says why in Note (a filter it cannot apply, missing
    data); a latest value of another period goes into Note only, never into Value, so nobody reads a
    September figure as October's.
    """
    period = f"{start.isoformat()} – {end.isoformat()}"
    shown_filters = ", ".join(f"{k} = {v}" for k, v in filters.items()) or t("scorecard_table.no_filters")
    rows = []
    for key, res in results.items():
        label = (labels or {}).get(key) or res.label
        if res.value is None:
            latest = latest_of(res)
            if latest is not None:
                note = t("scorecard_table.latest_note", value=latest_value_text(res),
                         latest_period=fmt.period(latest.start, latest.end), n=fmt.count(latest.n))  # fmt: skip
            else:
                note = f"{t('scorecard_table.not_available')}: {localize(res.reason)}".rstrip(": ")
            value, n = None, None
        else:
            value, n = _stable_number(res.value), res.n
            bits = [str(x) for x in ((res.extra or {}).get("note"),) if x]
            if getattr(res, "small_sample", False):
                bits.append(t("scorecard.small_sample"))
            note = "; ".join(bits)
        unit = res.unit if res.unit != "currency" else (res.extra or {}).get("currency", res.unit)
        rows.append({
            t("scorecard_table.col_metric"): label,
            t("scorecard_table.col_value"): value,
            t("scorecard_table.col_unit"): unit,
            t("scorecard_table.col_n"): n,
            t("scorecard_table.col_period"): period,
            t("scorecard_table.col_filters"): shown_filters,
            t("scorecard_table.col_note"): note,
        })  # fmt: skip
    df = pd.DataFrame(rows)
    n_col = t("scorecard_table.col_n")
    if n_col in df:
        df[n_col] = df[n_col].astype("Int64")  # a count reads 412, not 412.0
    return df


def _safe(x: Any) -> Any:
    if isinstance(x, str) and x.startswith(FORMULA_START):
        return "'" + x
    return x


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 CSV a spreadsheet opens safely: text that would run as a formula gets a leading quote."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_safe)
    out.columns = [_safe(str(c)) for c in out.columns]
    return out.to_csv(index=False, quoting=csv.QUOTE_MINIMAL).encode("utf-8")


# ----------------------------------------------------------------------------------- readable rows


def _answer(score: Any, lo: Any, hi: Any) -> str:
    """The score as answered: 5 not 5.0; a two-way rating (0–1) as Good/Bad."""
    if score is None or pd.isna(score):
        return ""
    s = float(score)
    if (
        lo is not None
        and hi is not None
        and not pd.isna(lo)
        and not pd.isna(hi)
        and (float(lo), float(hi)) == (0.0, 1.0)
    ):
        return "Good" if s >= 1 else "Bad"
    return str(int(s)) if s.is_integer() else f"{s:g}"


def _scale(lo: Any, hi: Any) -> str:
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
        return ""
    return f"{float(lo):g}–{float(hi):g}"


def yes_no(v: Any) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return t("rows.yes") if bool(v) else t("rows.no")


def _people(engine: sa.Engine, response_ids: Iterable[str], account_ids: Iterable[str]) -> tuple[dict, dict]:
    """respondent and comment per response; name, e-mail and segment per account."""
    rids = sorted({str(r) for r in response_ids if r is not None and not pd.isna(r)})
    aids = sorted({str(a) for a in account_ids if a is not None and not pd.isna(a)})
    resp: dict[str, tuple] = {}
    accts: dict[str, tuple] = {}
    with engine.connect() as conn:
        for i in range(0, len(rids), 1000):  # bounded IN lists
            q = sa.select(responses.c.response_id, responses.c.respondent, responses.c.comment).where(
                responses.c.response_id.in_(rids[i : i + 1000])
            )
            resp.update({r[0]: (r[1], r[2]) for r in conn.execute(q)})
        for i in range(0, len(aids), 1000):
            q = sa.select(accounts.c.account_id, accounts.c.name, accounts.c.email, accounts.c.segment).where(
                accounts.c.account_id.in_(aids[i : i + 1000])
            )
            accts.update({r[0]: (r[1], r[2], r[3]) for r in conn.execute(q)})
    return resp, accts


def readable_survey_rows(
    engine: sa.Engine, rows: pd.DataFrame, positive_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """Survey rows as a CS lead reads them: when, customer, e-mail, segment, survey, score as answered,
    scale, what it counts as, channel, comment, response id.

    `positive_ids`: the responses the metric counts as positive (its numerator rows), for a "Positive"
    yes/no column; NPS rows say promoter / passive / detractor instead.
    """
    cols = {k: t(f"rows.col_{k}") for k in ("submitted", "customer", "email", "segment", "survey", "score", "scale",
                                             "counts_as", "positive", "reversed", "channel", "comment", "response")}  # fmt: skip
    if rows.empty or "response_id" not in rows:
        return pd.DataFrame(columns=list(cols.values()))
    account_col = "linked_account_id" if "linked_account_id" in rows else "account_id"
    resp, accts = _people(engine, rows["response_id"], rows.get(account_col, []))
    positive = set(map(str, positive_ids)) if positive_ids is not None else None
    out = []
    for r in rows.to_dict("records"):
        respondent, comment = resp.get(str(r["response_id"]), (None, None))
        name, acct_email, segment = accts.get(str(r.get(account_col)), (None, None, None))
        respondent = respondent or ""
        email = respondent if "@" in respondent else (acct_email or "")
        customer = name or ("" if "@" in respondent else respondent)
        when = r.get("submitted_at")
        row = {
            cols["submitted"]: ""
            if when is None or pd.isna(when)
            else pd.Timestamp(when).strftime("%Y-%m-%d %H:%M"),
            cols["customer"]: customer,
            cols["email"]: email,
            cols["segment"]: segment or "",
            cols["survey"]: r.get("survey") or "",
            cols["score"]: _answer(r.get("score"), r.get("scale_min"), r.get("scale_max")),
            cols["scale"]: _scale(r.get("scale_min"), r.get("scale_max")),
        }
        if "nps_group" in r:
            row[cols["counts_as"]] = r.get("nps_group") or ""
        elif positive is not None:
            row[cols["positive"]] = yes_no(str(r["response_id"]) in positive)
        if "is_reversed" in r:
            row[cols["reversed"]] = yes_no(r.get("is_reversed"))
        row[cols["channel"]] = r.get("channel") or ""
        row[cols["comment"]] = comment or ""
        row[cols["response"]] = str(r["response_id"])
        out.append(row)
    return pd.DataFrame(out)
