"""The data-quality report: what in the store makes a number wrong, smaller or unavailable, and how to fix it.

Every check runs in the database (a handful of statements for the whole report), so the report stays cheap
on a store of tens of thousands of tickets. Each `Finding` names the metric keys of the registry it changes,
what it does to them, and what the user should do. Rules and fixes: docs/quality.md.

Severity:
- error: rows contradict themselves (a score outside its own scale, an end before its start, no start date);
  a metric drops or misplaces them and no setting makes them right;
- warning: consistent rows that a metric leaves out or may count twice (unlinked, another currency, no
  scale, the same record from two systems, a month missing from an export); a setting, a mapping or a
  better export fixes them;
- info: nothing wrong with the rows; something is missing (a metric without data) or worth knowing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa

from cxkpi.metrics.base import eq_text, norm
from cxkpi.metrics.types import Period
from cxkpi.store.link import LINKED_TABLES
from cxkpi.store.schema import CANONICAL, NATURAL_KEYS, accounts, loads

SEVERITIES = ("error", "warning", "info")
KINDS = ("csat", "ces", "nps", "esat")
EXAMPLES = 5  # ids quoted per finding

# The metrics (registry keys) that read each table's rows; responses go by their kind.
TABLE_METRICS: dict[str, list[str]] = {
    "tickets": ["ticket_reopens", "frt", "aht", "fcr"],
    "subscriptions": ["mrr", "clv", "churn_rate", "crc"],  # crc: its denominator is active customers
    "payments": ["clv"],
    "renewals": ["renewal_rate"],
    "costs": ["crc"],
    "accounts": ["churn_rate", "clv", "crc"],  # customers counted from accounts when there are no subscriptions
}
# The date that places a row in time (period scope, coverage, same-record test).
DATE_COL: dict[str, str] = {
    "tickets": "created_at",
    "responses": "submitted_at",
    "payments": "paid_at",
    "renewals": "due_date",
    "costs": "date",
    "subscriptions": "started_at",
}
EVENT_TABLES = ("tickets", "responses", "payments", "renewals", "costs")  # rows that arrive every month
GAP_MIN_MONTHS = 4  # a source needs this many months of range before a missing month means anything
GAP_MIN_MEDIAN = 10  # … and a typical month of at least this many rows
GAP_MIN_DENSITY = 0.75  # … and rows in most months: quarterly survey waves are not gaps


@dataclass
class Finding:
    code: str  # stable id, "<table>.<check>"
    severity: str  # error / warning / info
    title: str
    detail: str  # how many and why, with a few ids
    table: str | None
    count: int
    affects: list[str]  # metric keys of the registry
    effect: str  # what it does to them, one sentence
    fix: str  # what the user should do
    load_ids: list[int] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ------------------------------------------------------------------------------------------------ scope


@dataclass(frozen=True)
class _Scope:
    """What one run looks at: the period (as naive UTC bounds), the reporting currency, survey scale overrides."""

    start: dt.datetime | None
    end: dt.datetime | None
    period: Period | None
    currency: str
    scales: dict[str, tuple[float | None, float | None, bool | None]]
    has_accounts: bool
    tables: frozenset[str]

    def in_period(self, table: str) -> list[sa.ColumnElement[bool]]:
        """Rows of `table` that belong to the period (all rows without one)."""
        if self.period is None:
            return []
        t = CANONICAL[table]
        if table == "subscriptions":  # running at any time in the period, or not placeable at all
            s, e = t.c.started_at, t.c.ended_at
            return [sa.or_(s.is_(None), sa.and_(s < self.end, sa.or_(e.is_(None), e >= self.start)),
                           sa.and_(e.is_not(None), e >= self.start, e < self.end))]
        if table == "accounts":
            return []
        col = t.c[DATE_COL[table]]
        if table in ("renewals", "costs"):  # date-only fields: the two dates inclusive
            return [col >= self.period.start, col <= self.period.end]
        return [col >= self.start, col < self.end]


def _make_scope(conn: sa.Connection, period: Period | tuple[Any, Any] | None, tables: Iterable[str] | None) -> _Scope:
    # The engine's own reading of the workspace: same reporting currency and survey scales as the metrics.
    from cxkpi.metrics.engine import make_context
    from cxkpi.metrics.surveys import _parse_scale

    p = period if isinstance(period, Period) or period is None else Period.parse(*period)
    ctx = make_context(conn, p or Period(dt.date(2000, 1, 1), dt.date(2000, 1, 1)))
    start, end = (ctx.start, ctx.end) if p else (None, None)
    scales = {name: _parse_scale(v) for name, v in (ctx.options.get("survey.scales") or {}).items()}
    has_accounts = bool(conn.execute(sa.select(sa.exists(sa.select(accounts.c.account_id)))).scalar())
    return _Scope(start, end, p, ctx.currency, scales, has_accounts, frozenset(tables or CANONICAL))


# ------------------------------------------------------------------------------------------- row checks


@dataclass(frozen=True)
class _RowCheck:
    """Rows of one table matching a predicate: counted, with a breakdown, a few ids and the loads they came from."""

    code: str
    table: str
    severity: str
    title: str
    why: str  # completes "<n> tickets …" in the detail
    effect: str
    fix: str
    where: Callable[[_Scope], list[sa.ColumnElement[bool]]]
    parts: Callable[[_Scope], list[sa.ColumnElement[Any]]] = lambda s: []  # up to two breakdown columns
    affects: Callable[[dict[tuple, int]], list[str]] | None = None  # from the breakdown; default TABLE_METRICS
    when: Callable[[_Scope], bool] = lambda s: True


def _scale(scope: _Scope) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """The scale each response is judged on, as the engine does: survey.scales overrides, NPS 0–10 by default."""
    r = CANONICAL["responses"]
    lo: sa.ColumnElement[Any] = r.c.scale_min
    hi: sa.ColumnElement[Any] = r.c.scale_max
    los = [(eq_text(r.c.survey, n), sa.literal(a)) for n, (a, _, _) in scope.scales.items() if a is not None]
    his = [(eq_text(r.c.survey, n), sa.literal(b)) for n, (_, b, _) in scope.scales.items() if b is not None]
    if los:
        lo = sa.case(*los, else_=lo)
    if his:
        hi = sa.case(*his, else_=hi)
    is_nps = norm(r.c.kind) == "nps"
    lo = sa.case((is_nps, sa.func.coalesce(lo, 0.0)), else_=lo)
    hi = sa.case((is_nps, sa.func.coalesce(hi, 10.0)), else_=hi)
    return lo, hi


def _kind(scope: _Scope) -> list[sa.ColumnElement[Any]]:
    return [norm(CANONICAL["responses"].c.kind)]


def _by_kind(parts: dict[tuple, int]) -> list[str]:
    return sorted({p[0] for p in parts if p[0] in KINDS}, key=KINDS.index)


def _currency(table: str) -> Callable[[_Scope], list[sa.ColumnElement[Any]]]:
    return lambda s: [sa.func.upper(sa.func.trim(CANONICAL[table].c.currency))]


def _other_currency(table: str) -> Callable[[_Scope], list[sa.ColumnElement[bool]]]:
    def where(s: _Scope) -> list[sa.ColumnElement[bool]]:
        c = CANONICAL[table].c.currency
        return [c.is_not(None), sa.func.upper(sa.func.trim(c)) != s.currency]

    return where


# Metrics that add up each table's amounts (logo churn and CRC's customer count ignore the currency).
CURRENCY_METRICS: dict[str, list[str]] = {"subscriptions": ["mrr", "clv"], "payments": ["clv"], "costs": ["crc"],
                                          "renewals": []}
_CURRENCY_EFFECT = {
    "subscriptions": "MRR and CLV (and churn read as revenue churn) add up only subscriptions in the reporting "
    "currency, so these are left out of the totals and of ARPA",
    "payments": "CLV from payments adds up only payments in the reporting currency, so these are left out",
    "costs": "retention cost adds up only costs in the reporting currency, so these are left out of CRC",
    "renewals": "no metric adds renewal amounts today (the renewal rate counts outcomes), so nothing changes yet",
}
_CURRENCY_FIX = ("If the reporting currency is wrong, set it in Settings (currency); otherwise convert these "
                 "amounts to the reporting currency before loading (cxkpi does not convert without a rate).")


def _unlinked(table: str) -> Callable[[_Scope], list[sa.ColumnElement[bool]]]:
    def where(s: _Scope) -> list[sa.ColumnElement[bool]]:
        t = CANONICAL[table]
        # NOT IN over the (non-null) account ids: PostgreSQL hashes it once, where a correlated NOT EXISTS
        # inside a FILTER would probe per row; an empty linked_account_id (nothing to link by) is unlinked too
        linked = t.c.linked_account_id
        preds = [sa.or_(linked.is_(None), linked.not_in(sa.select(accounts.c.account_id)))]
        if table == "responses":  # employee answers (ESAT) belong to no customer by design
            preds.append(sa.or_(t.c.kind.is_(None), norm(t.c.kind) != "esat"))
        return preds

    return where


def _unlinked_parts(table: str) -> Callable[[_Scope], list[sa.ColumnElement[Any]]]:
    def parts(s: _Scope) -> list[sa.ColumnElement[Any]]:
        t = CANONICAL[table]
        nothing = sa.and_(t.c.account_id.is_(None), t.c.email.is_(None), t.c.company.is_(None))
        reason = sa.case((nothing, sa.literal_column("'nothing to link by'")), else_=sa.literal_column("'no such account'"))
        return [reason, norm(t.c.kind)] if table == "responses" else [reason]

    return parts


def _unlinked_affects(table: str) -> Callable[[dict[tuple, int]], list[str]]:
    if table == "responses":
        return lambda parts: sorted({p[1] for p in parts if p[1] in KINDS}, key=KINDS.index)
    return lambda parts: TABLE_METRICS[table]


_R = CANONICAL["responses"].c
_T = CANONICAL["tickets"].c


_SCALE_FIX = ("Set the survey's scale in Settings (survey.scales, e.g. {\"Onboarding\": \"1-7\"}) or in a mapping "
              "file's [options] scale_min/scale_max, and load the export again.")
_NEVER_ACTIVE = ("such a subscription is never active, so it is left out of MRR, churn, CLV and the customers "
                 "that CRC divides by")


def _row_checks() -> list[_RowCheck]:
    checks: list[_RowCheck] = []

    def lohi(s: _Scope) -> tuple[Any, Any]:
        return _scale(s)

    checks += [
        _RowCheck(
            "responses.score_out_of_scale", "responses", "error", "Survey scores outside their scale",
            "have a score below scale_min or above scale_max (after any survey.scales setting)",
            "the engine cannot judge such an answer, so it is left out of the metric (its n is smaller)",
            "If the question really uses another scale, set it (Settings → survey.scales, or a mapping file's "
            "[options] scale_min/scale_max); otherwise correct the answers in the export and load it again.",
            lambda s: [_R.score.is_not(None), lohi(s)[0].is_not(None), lohi(s)[1].is_not(None),
                       lohi(s)[1] > lohi(s)[0], sa.or_(_R.score < lohi(s)[0], _R.score > lohi(s)[1])],
            _kind, _by_kind,
        ),
        _RowCheck(
            "responses.bad_scale", "responses", "error", "Survey scales that run backwards",
            "have scale_min at or above scale_max",
            "no score can lie on such a scale, so these answers are left out of the metric",
            _SCALE_FIX,
            lambda s: [lohi(s)[0].is_not(None), lohi(s)[1].is_not(None), lohi(s)[0] >= lohi(s)[1]],
            _kind, _by_kind,
        ),
        _RowCheck(
            "responses.no_scale", "responses", "warning", "Survey answers without a scale",
            "have a kind but no scale_min/scale_max",
            "without a scale the engine cannot tell a good answer from a bad one, so they are left out of the metric",
            _SCALE_FIX,
            lambda s: [norm(_R.kind).in_(["csat", "ces", "esat"]), sa.or_(lohi(s)[0].is_(None), lohi(s)[1].is_(None))],
            _kind, _by_kind,
        ),
        _RowCheck(
            "responses.nps_not_0_10", "responses", "warning", "NPS answers on a scale other than 0–10 or 1–10",
            "are marked kind nps but use another scale, such as 1–5",
            "these answers are left out (NPS is defined on 0–10 or 1–10 only)",
            "If the question is a satisfaction rating, map its kind to csat; if it is the recommend question, "
            "correct its scale to 0–10 (Settings → survey.scales or the mapping file) and load it again.",
            lambda s: [norm(_R.kind) == "nps", lohi(s)[0].is_not(None), lohi(s)[1].is_not(None),
                       lohi(s)[1] > lohi(s)[0], sa.not_(sa.and_(lohi(s)[1] == 10.0, lohi(s)[0].in_([0.0, 1.0])))],
            _kind, lambda parts: ["nps"],
        ),
        _RowCheck(
            "responses.unknown_kind", "responses", "warning", "Survey answers of no known kind",
            "have a kind that is empty or not csat, ces, nps or esat",
            "no metric reads them, so they count in none of CSAT, CES, NPS or ESAT",
            "Map the question's kind (a mapping file's [answers] or the Data page question) and load again.",
            lambda s: [sa.or_(_R.kind.is_(None), ~norm(_R.kind).in_(KINDS))],
            lambda s: [_R.kind], lambda parts: list(KINDS),
        ),
        _RowCheck(
            "responses.no_score", "responses", "warning", "Survey answers without a score",
            "have no score",
            "an answer without a score counts in no metric",
            "Check the export's score column (a text answer such as 'Very satisfied' needs its scale mapped).",
            lambda s: [_R.score.is_(None)],
            _kind, _by_kind,
        ),
        _RowCheck(
            "tickets.solved_before_created", "tickets", "error", "Tickets solved before they were created",
            "have solved_at before created_at",
            "reopens, AHT and FCR count a ticket in the period of its solved_at, here a time before it existed",
            "Check the export's time zones (one column local, one UTC?) and export again; the importer clears "
            "such a solved_at, so these rows came in another way.",
            lambda s: [_T.solved_at < _T.created_at],
            affects=lambda parts: ["ticket_reopens", "aht", "fcr"],
        ),
        _RowCheck(
            "tickets.reply_before_created", "tickets", "error", "Tickets answered before they were created",
            "have first_reply_at before created_at or a negative first_reply_minutes",
            "FRT leaves out a negative wait, so these tickets are missing from first response time",
            "Check the export's time zones and export again (the importer clears such values on load).",
            lambda s: [sa.or_(_T.first_reply_at < _T.created_at, _T.first_reply_minutes < 0)],
            affects=lambda parts: ["frt"],
        ),
        _RowCheck(
            "tickets.negative_handle_time", "tickets", "error", "Tickets with a negative handle time",
            "have handle_minutes below 0",
            "AHT leaves them out, as if no handle time were recorded",
            "Correct the export's time-tracking column and load it again.",
            lambda s: [_T.handle_minutes < 0],
            affects=lambda parts: ["aht"],
        ),
        _RowCheck(
            "tickets.negative_counts", "tickets", "error", "Tickets with a negative reopen or reply count",
            "have reopens or agent_replies below 0",
            "a negative count can never be a reopen or a one-touch resolution, so reopens and FCR read them wrong",
            "Correct the export's reopen/reply count columns and load it again.",
            lambda s: [sa.or_(_T.reopens < 0, _T.agent_replies < 0)],
            affects=lambda parts: ["ticket_reopens", "fcr"],
        ),
        _RowCheck(
            "subscriptions.no_start", "subscriptions", "error", "Subscriptions without a start date",
            "have no started_at", _NEVER_ACTIVE,
            "Export the subscriptions with their start (created / activated) date, or map that column, and load again.",
            lambda s: [CANONICAL["subscriptions"].c.started_at.is_(None)],
        ),
        _RowCheck(
            "subscriptions.ended_before_started", "subscriptions", "error", "Subscriptions that end before they start",
            "have ended_at before started_at", _NEVER_ACTIVE,
            "Check the export's start and end columns (swapped? time zones?) and load it again.",
            lambda s: [CANONICAL["subscriptions"].c.ended_at < CANONICAL["subscriptions"].c.started_at],
        ),
        _RowCheck(
            "accounts.churned_before_created", "accounts", "error", "Accounts that churned before they were created",
            "have churned_at before created_at",
            "without subscriptions, customers are counted from account dates, and such an account is never active",
            "Check the CRM export's created and churned date columns and load it again.",
            lambda s: [accounts.c.churned_at < accounts.c.created_at],
        ),
    ]
    for table in ("subscriptions", "payments", "costs", "renewals"):
        checks.append(_RowCheck(
            f"{table}.other_currency", table, "info" if table == "renewals" else "warning",
            f"{table.capitalize()} in another currency than the reporting one",
            "carry a currency other than the reporting currency",
            _CURRENCY_EFFECT[table], _CURRENCY_FIX, _other_currency(table), _currency(table),
            affects=lambda parts, t=table: CURRENCY_METRICS[t],
        ))
    for table in LINKED_TABLES:
        checks.append(_RowCheck(
            f"{table}.unlinked", table, "warning", f"{table.capitalize()} that match no account",
            "match no account (by account_id, e-mail, e-mail domain or company name)",
            "they still count company-wide" + (" (each as a customer of its own)" if table in ("subscriptions", "payments") else "")
            + ", but a segment, region or plan filter leaves them out",
            "Load an accounts export that contains these customers (HubSpot, Salesforce…), or export the "
            f"{table} with the account id or customer e-mail.",
            _unlinked(table), _unlinked_parts(table), _unlinked_affects(table),
            when=lambda s: s.has_accounts,
        ))
    for table in DATE_COLUMNS:
        checks.append(_RowCheck(
            f"{table}.implausible_date", table, "warning", f"{table.capitalize()} with implausible dates",
            f"have a date before {EARLIEST.year} or more than a day in the future",
            "such a row is counted in a period it almost certainly does not belong to (or in none shown)",
            "A typo, a placeholder (0001, 1677, 9999) or a clock set wrong is more likely than a real event: "
            "correct the date in the export and load it again.",
            _implausible(table), _implausible_column(table),
            affects=(lambda parts: list(KINDS)) if table == "responses" else None,
        ))
    return checks


# Every date column; a renewal's due date and a subscription's end are meant to lie ahead (only too early counts).
DATE_COLUMNS: dict[str, list[str]] = {
    "accounts": ["created_at", "churned_at"],
    "subscriptions": ["started_at", "ended_at"],
    "payments": ["paid_at"],
    "renewals": ["due_date"],
    "tickets": ["created_at", "first_reply_at", "solved_at"],
    "responses": ["submitted_at"],
    "costs": ["date"],
}
SCHEDULED = {"due_date", "ended_at"}
EARLIEST = dt.datetime(1990, 1, 1)  # no customer-success tool has real events before this (as the importer)


def _implausible_conds(table: str) -> list[tuple[str, sa.ColumnElement[bool]]]:
    t = CANONICAL[table]
    # read at each run, not at import: a long-running dashboard's "future" moves on
    latest = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=1)
    out = []
    for name in DATE_COLUMNS[table]:
        col = t.c[name]
        is_date = not isinstance(col.type, sa.DateTime)
        early = col < (EARLIEST.date() if is_date else EARLIEST)
        late = col > (latest.date() if is_date else latest)
        out.append((name, early if name in SCHEDULED else sa.or_(early, late)))
    return out


def _implausible(table: str) -> Callable[[_Scope], list[sa.ColumnElement[bool]]]:
    return lambda s: [sa.or_(*[cond for _, cond in _implausible_conds(table)])]


def _implausible_column(table: str) -> Callable[[_Scope], list[sa.ColumnElement[Any]]]:
    # the first column with such a date names the row's part of the breakdown
    return lambda s: [sa.case(*[(cond, sa.literal(name)) for name, cond in _implausible_conds(table)], else_=sa.null())]


ROW_CHECKS = _row_checks()


def _row_check_select(check: _RowCheck, scope: _Scope) -> sa.Select:
    t = CANONICAL[check.table]
    idc = t.c[NATURAL_KEYS[check.table][-1]]
    parts = check.parts(scope)
    p = [sa.cast(x, sa.String).label(f"p{i}") for i, x in enumerate(parts)]
    p += [sa.cast(sa.null(), sa.String).label(f"p{i}") for i in range(len(parts), 2)]
    rn = sa.func.row_number().over(order_by=idc)
    sub = (
        sa.select(*p, sa.cast(idc, sa.String).label("id"), t.c.load_id, rn.label("rn"))
        .where(*check.where(scope), *scope.in_period(check.table))
        .subquery(check.code.replace(".", "_"))
    )
    example = sa.case((sub.c.rn <= EXAMPLES, sub.c.id), else_=sa.null())
    return (
        sa.select(
            sa.literal_column(f"'{check.code}'", sa.String).label("code"),
            sub.c.p0,
            sub.c.p1,
            sa.func.count().label("n"),
            sa.func.string_agg(example, sa.literal_column("','")).label("ex"),
            sa.func.string_agg(sa.cast(sub.c.load_id, sa.String).distinct(), sa.literal_column("','")).label("loads"),
        )
        .select_from(sub)
        .group_by(sub.c.p0, sub.c.p1)
    )


def _split(text: str | None) -> list[str]:
    return [x for x in (text or "").split(",") if x]


def _ids(raw: Iterable[str]) -> list[int]:
    return sorted({int(x) for x in raw})


def _breakdown(parts: dict[tuple, int], check: _RowCheck) -> str:
    """'csat 3, nps 2' or 'no such account 4, nothing to link by 2' (the first breakdown column)."""
    first: dict[str, int] = defaultdict(int)
    for key, n in parts.items():
        if key[0] is not None:
            first[key[0]] += n
    # one kind only says nothing the title does not; reasons and currencies are worth naming even alone
    if not first or (len(first) == 1 and not check.code.endswith((".unlinked", ".other_currency", ".implausible_date"))):
        return ""
    return " (" + ", ".join(f"{k} {v}" for k, v in sorted(first.items(), key=lambda kv: (-kv[1], kv[0]))) + ")"


def _found(conn: sa.Connection, checks: list[_RowCheck], scope: _Scope) -> list[_RowCheck]:
    """The checks with at least one row: one scan per table, every check a filtered count.

    Why two passes: on a store in good shape (the usual case) this one cheap statement is the whole cost;
    breakdowns, examples and loads are then fetched only for the checks that found something.
    """
    by_table: dict[str, list[_RowCheck]] = defaultdict(list)
    for c in checks:
        by_table[c.table].append(c)
    cols: list[sa.ColumnElement[Any]] = []
    frm: Any = None
    for table, cs in by_table.items():
        t = CANONICAL[table]
        counts = [sa.func.count().filter(sa.and_(*c.where(scope))).label(f"n{i}") for i, c in enumerate(cs)]
        sub = sa.select(*counts).select_from(t).where(*scope.in_period(table)).subquery(f"count_{table}")
        cols += [sub.c[f"n{i}"].label(c.code.replace(".", "__")) for i, c in enumerate(cs)]
        frm = sub if frm is None else frm.join(sub, sa.true())  # one-row subqueries side by side
    row = conn.execute(sa.select(*cols).select_from(frm)).mappings().one()
    return [c for c in checks if row[c.code.replace(".", "__")]]


def _run_row_checks(conn: sa.Connection, scope: _Scope) -> list[Finding]:
    checks = [c for c in ROW_CHECKS if c.table in scope.tables and c.when(scope)]
    checks = _found(conn, checks, scope) if checks else []
    if not checks:
        return []
    rows = conn.execute(sa.union_all(*[_row_check_select(c, scope) for c in checks])).all()
    got: dict[str, dict[str, Any]] = defaultdict(lambda: {"parts": {}, "ex": [], "loads": set()})
    for code, p0, p1, n, ex, lds in rows:
        g = got[code]
        key = (p0, p1)  # positions kept: affects() reads the kind from its own slot
        g["parts"][key] = g["parts"].get(key, 0) + int(n)
        g["ex"] += _split(ex)
        g["loads"].update(_split(lds))
    out = []
    for c in checks:
        if c.code not in got:
            continue
        g = got[c.code]
        n = sum(g["parts"].values())
        ex = sorted(g["ex"])[:EXAMPLES]
        affects = c.affects(g["parts"]) if c.affects else TABLE_METRICS.get(c.table, [])
        detail = f"{n} {_noun(c.table, n)} {c.why}{_breakdown(g['parts'], c)}; e.g. {', '.join(ex)}."
        if c.code.endswith(".other_currency"):
            detail = detail.replace("the reporting currency", f"the reporting currency {scope.currency}")
        if c.code.endswith(".unlinked"):
            detail += " 'nothing to link by' = no account_id, e-mail or company in the row."
        out.append(Finding(c.code, c.severity, c.title, detail, c.table, n, affects, _effect(c.effect, affects),
                           c.fix, _ids(g["loads"]), ex))
    return out


_NOUNS = {"accounts": "account", "subscriptions": "subscription", "payments": "payment", "renewals": "renewal",
          "tickets": "ticket", "responses": "survey response", "costs": "cost row"}
_LABELS = {"csat": "CSAT", "ces": "CES", "nps": "NPS", "esat": "ESAT", "churn_rate": "churn rate", "clv": "CLV",
           "crc": "retention cost", "renewal_rate": "renewal rate", "mrr": "MRR", "ticket_reopens": "ticket reopens",
           "frt": "FRT", "aht": "AHT", "fcr": "FCR"}


def _noun(table: str, n: int) -> str:
    w = _NOUNS.get(table, table)
    return w if n == 1 else (w[:-1] + "ies" if w.endswith("y") and not w.endswith("ey") else w + "s")


def _effect(text: str, affects: list[str]) -> str:
    """The effect sentence, naming the metrics it changes."""
    if not affects:
        return text[0].upper() + text[1:] + "."
    names = ", ".join(_LABELS.get(k, k) for k in affects)
    return f"{names}: {text}."


# ----------------------------------------------------------------------------------- duplicate records


def _dup_select(table: str, scope: _Scope) -> sa.Select:
    """Ids present in two or more systems with the same date: one record loaded twice under two system names."""
    t = CANONICAL[table]
    idc = t.c[NATURAL_KEYS[table][-1]]
    day = sa.cast(t.c[DATE_COL[table]], sa.Date)
    kind = norm(t.c.kind) if table == "responses" else sa.cast(sa.null(), sa.String)
    # min <> max rather than count(DISTINCT …): the cheap test decides; details only for the groups kept
    return (
        sa.select(
            sa.literal_column(f"'{table}'", sa.String).label("tbl"),
            sa.cast(idc, sa.String).label("id"),
            day.label("day"),
            sa.func.count().label("n"),
            sa.func.min(kind).label("kind"),
        )
        .where(day.is_not(None), *scope.in_period(table))
        .group_by(idc, day)
        .having(sa.func.min(t.c.system) != sa.func.max(t.c.system))
    )


def _dup_details(conn: sa.Connection, table: str, keys: list[tuple[str, Any]]) -> tuple[list[str], list[int]]:
    """Systems and loads of the duplicated records (a few hundred keys at most are looked up)."""
    t = CANONICAL[table]
    idc = t.c[NATURAL_KEYS[table][-1]]
    keys = keys[:500]
    rows = conn.execute(
        sa.select(t.c.system, t.c.load_id).where(sa.cast(idc, sa.String).in_([k[0] for k in keys])).distinct()
    ).all()
    return sorted({r.system for r in rows}), sorted({int(r.load_id) for r in rows})


def _duplicates(conn: sa.Connection, scope: _Scope) -> list[Finding]:
    tables = [t for t in DUP_TABLES if t in scope.tables]
    if not tables:
        return []
    rows = conn.execute(sa.union_all(*[_dup_select(t, scope) for t in tables])).all()
    by: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        by[r.tbl].append(r)
    out = []
    for table in tables:
        rs = sorted(by.get(table, []), key=lambda r: r.id)
        if not rs:
            continue
        systems, load_ids = _dup_details(conn, table, [(r.id, r.day) for r in rs])
        extra = sum(int(r.n) - 1 for r in rs)
        affects = (_by_kind({(r.kind,): 1 for r in rs}) if table == "responses" else TABLE_METRICS[table])
        ex = [r.id for r in rs[:EXAMPLES]]
        out.append(Finding(
            f"{table}.same_id_two_systems", "warning", f"The same {_NOUNS[table]} loaded from two systems",
            f"{len(rs)} {_NOUNS[table]} ids appear under more than one system ({', '.join(systems)}) with "
            f"the same {DATE_COL[table]} date, {extra} extra rows in all; e.g. {', '.join(ex)}. Ids that collide "
            "on different dates are taken for two tools numbering alike and not reported.",
            table, len(rs), affects,
            _effect("each of these records counts twice (once per system)", affects),
            "Keep one source of these records: remove the load that repeats them (Data page or `cxkpi remove "
            "LOAD_ID`), or export each system without the other's records.",
            load_ids, ex,
        ))
    return out


# Same record under another id: one person, one instant (to the second), two systems. Why these columns:
# a ticket or an answer is created by one person at one moment; two tools recording the same second for the
# same person (and, for a survey, the same kind and score) is the same event exported twice.
SAME_RECORD_TABLES = ("tickets", "responses")


def _same_record_select(table: str, scope: _Scope) -> sa.Select:
    t = CANONICAL[table]
    idc = t.c[NATURAL_KEYS[table][-1]]
    who = sa.func.coalesce(sa.func.lower(sa.func.trim(t.c.email)), t.c.account_id, sa.func.lower(t.c.company))
    at = t.c[DATE_COL[table]]
    group: list[sa.ColumnElement[Any]] = [who, at]
    kind: sa.ColumnElement[Any] = sa.cast(sa.null(), sa.String)
    if table == "responses":
        group += [norm(t.c.kind), t.c.score]
        kind = norm(t.c.kind)
    return (
        sa.select(
            sa.literal_column(f"'{table}'", sa.String).label("tbl"),
            sa.func.min(sa.cast(idc, sa.String)).label("id_a"),
            sa.func.max(sa.cast(idc, sa.String)).label("id_b"),
            sa.func.count().label("n"),
            sa.func.min(kind).label("kind"),
        )
        .where(who.is_not(None), at.is_not(None), *scope.in_period(table))
        .group_by(*group)
        # two systems and two ids: a same-id repeat is the other finding
        .having(sa.func.min(t.c.system) != sa.func.max(t.c.system), sa.func.min(idc) != sa.func.max(idc))
    )


def _same_records(conn: sa.Connection, scope: _Scope) -> list[Finding]:
    tables = [t for t in SAME_RECORD_TABLES if t in scope.tables]
    if not tables:
        return []
    rows = conn.execute(sa.union_all(*[_same_record_select(t, scope) for t in tables])).all()
    out = []
    for table in tables:
        rs = sorted((r for r in rows if r.tbl == table), key=lambda r: r.id_a)
        if not rs:
            continue
        ids = [x for r in rs[:200] for x in (r.id_a, r.id_b)]
        t = CANONICAL[table]
        idc = t.c[NATURAL_KEYS[table][-1]]
        found = conn.execute(sa.select(t.c.system, t.c.load_id).where(sa.cast(idc, sa.String).in_(ids)).distinct()).all()
        systems = sorted({r.system for r in found})
        affects = _by_kind({(r.kind,): 1 for r in rs}) if table == "responses" else TABLE_METRICS[table]
        ex = [f"{r.id_a} = {r.id_b}" for r in rs[:EXAMPLES]]
        extra = sum(int(r.n) - 1 for r in rs)
        same = "customer, the same second" + (", kind and score" if table == "responses" else "")
        out.append(Finding(
            f"{table}.same_record_other_id", "warning", f"The same {_NOUNS[table]} under two ids from two systems",
            f"{len(rs)} {_noun(table, len(rs))} appear in more than one system ({', '.join(systems)}) under "
            f"different ids — same {same} — {extra} extra rows in all; e.g. {'; '.join(ex)}.",
            table, len(rs), affects,
            _effect("each of these records counts twice (once per system)", affects),
            "If both systems exported the same records (a migration, a sync), keep one: remove the load that "
            "repeats them or export each system without the other's records. If they are truly separate, "
            "nothing to do.",
            sorted({int(r.load_id) for r in found}), ex,
        ))
    return out


def _accounts_shared(conn: sa.Connection, scope: _Scope) -> list[Finding]:
    """Two accounts with one e-mail (or one company name): the same customer twice."""
    if "accounts" not in scope.tables or not scope.has_accounts:
        return []
    a = accounts
    out = []
    keys = [
        ("email", sa.func.lower(sa.func.trim(a.c.email)), "warning"),
        ("name", sa.func.lower(sa.func.replace(a.c.name, " ", "")), "info"),
    ]
    for what, key, severity in keys:
        rows = conn.execute(
            sa.select(
                key.label("k"),
                (key if what == "email" else sa.func.min(a.c.name)).label("shown"),  # e-mail as compared, name as written
                sa.func.count().label("n"),
                sa.func.string_agg(a.c.account_id, sa.literal_column("','")).label("ids"),
                sa.func.string_agg(sa.cast(a.c.load_id, sa.String).distinct(), sa.literal_column("','")).label("loads"),
            )
            .where(key.is_not(None), key != "")
            .group_by(key)
            .having(sa.func.count() > 1)
            .order_by(key)
        ).all()
        if not rows:
            continue
        ex = [f"{r.shown}: {' / '.join(sorted(_split(r.ids)))}" for r in rows[:EXAMPLES]]
        n_acc = sum(int(r.n) for r in rows)
        affects = TABLE_METRICS["accounts"] + ["mrr"] if what == "email" else []
        effect = ("the same customer counts as two (churn, CLV per customer, CRC's customers), and rows linked by "
                  "e-mail all go to the lowest account id" if what == "email" else
                  "rows linked by company name all go to the lowest account id; if they are two customers nothing "
                  "is wrong")
        out.append(Finding(
            f"accounts.shared_{what}", severity, f"Accounts sharing one {'e-mail' if what == 'email' else 'company name'}",
            f"{len(rows)} {'e-mail addresses' if what == 'email' else 'company names'} belong to {n_acc} accounts; "
            f"e.g. {'; '.join(ex)}.",
            "accounts", len(rows), affects, _effect(effect, affects),
            "Merge the duplicate accounts in the CRM (or keep one CRM export) and load the accounts again."
            if what == "email" else "Nothing if they are different customers; otherwise merge them in the CRM.",
            _ids(x for r in rows for x in _split(r.loads)), ex,
        ))
    return out


def _survey_scales(conn: sa.Connection, scope: _Scope) -> list[Finding]:
    """One survey (by name) and kind answered on more than one stored scale: pooled, each on its own scale."""
    if "responses" not in scope.tables:
        return []
    r = CANONICAL["responses"]
    name, kind = norm(r.c.survey), norm(r.c.kind)
    rows = conn.execute(
        sa.select(
            sa.func.min(r.c.survey).label("survey"), kind.label("kind"), sa.func.count().label("n"),
            sa.func.min(r.c.scale_min).label("lo_min"), sa.func.max(r.c.scale_min).label("lo_max"),
            sa.func.min(r.c.scale_max).label("hi_min"), sa.func.max(r.c.scale_max).label("hi_max"),
        )
        .where(r.c.survey.is_not(None), kind.in_(KINDS), *scope.in_period("responses"))
        .group_by(name, kind)
        .having(sa.or_(sa.func.min(r.c.scale_min) != sa.func.max(r.c.scale_min),
                       sa.func.min(r.c.scale_max) != sa.func.max(r.c.scale_max)))
        .order_by(name, kind)
    ).all()
    if not rows:
        return []
    ex = [f"{x.survey} ({x.kind}): minimum {x.lo_min:g}…{x.lo_max:g}, maximum {x.hi_min:g}…{x.hi_max:g}"
          for x in rows[:EXAMPLES]]
    affects = sorted({x.kind for x in rows}, key=KINDS.index)
    names = [x.survey.strip().lower() for x in rows]
    lids = conn.execute(sa.select(r.c.load_id).where(name.in_(names)).distinct()).scalars()
    return [Finding(
        "responses.survey_mixed_scales", "info", "One survey answered on several scales",
        f"{len(rows)} survey(s) carry answers of one kind on more than one scale; e.g. {'; '.join(ex)}.",
        "responses", len(rows), affects,
        _effect("the answers are pooled, each judged on its own scale; right if the survey changed scale, "
                "wrong if some rows got the wrong scale at import", affects),
        "Nothing if the survey really changed scale; otherwise set its scale (Settings → survey.scales) or "
        "correct the mapping and load it again.",
        sorted(int(x) for x in lids), [x.survey for x in rows[:EXAMPLES]],
    )]


# -------------------------------------------------------------------------------------------- coverage


def _month_no(col: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.cast(sa.extract("year", col) * 12 + sa.extract("month", col) - 1, sa.Integer)


def _coverage_select(table: str, scope: _Scope) -> sa.Select:
    t = CANONICAL[table]
    m = _month_no(t.c[DATE_COL[table]])
    kind = norm(t.c.kind) if table == "responses" else sa.cast(sa.null(), sa.String)
    return (
        sa.select(
            sa.literal_column(f"'{table}'", sa.String).label("tbl"),
            t.c.system,
            kind.label("kind"),
            m.label("m"),
            sa.func.count().label("n"),
        )
        .where(t.c[DATE_COL[table]].is_not(None), *scope.in_period(table))
        .group_by(t.c.system, kind, m)
    )


def _month_text(m: int) -> str:
    return f"{m // 12:04d}-{m % 12 + 1:02d}"


def _source_loads(conn: sa.Connection, table: str, system: str, kind: str | None) -> list[int]:
    t = CANONICAL[table]
    preds = [t.c.system == system] + ([norm(t.c.kind) == kind] if kind else [])
    return sorted(int(x) for x in conn.execute(sa.select(t.c.load_id).where(*preds).distinct()).scalars())


def _coverage(conn: sa.Connection, scope: _Scope) -> list[Finding]:
    tables = [t for t in EVENT_TABLES if t in scope.tables]
    if not tables:
        return []
    rows = conn.execute(sa.union_all(*[_coverage_select(t, scope) for t in tables])).all()
    series: dict[tuple[str, str, str | None], dict[int, int]] = defaultdict(dict)
    for r in rows:
        key = (r.tbl, r.system, r.kind)
        series[key][int(r.m)] = series[key].get(int(r.m), 0) + int(r.n)
    out = []
    for (table, system, kind), months in sorted(series.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        first, last = min(months), max(months)
        span = last - first + 1
        empty = [m for m in range(first, last + 1) if m not in months]
        if not empty or span < GAP_MIN_MONTHS:
            continue
        if statistics.median(months.values()) < GAP_MIN_MEDIAN or len(months) / span < GAP_MIN_DENSITY:
            continue  # a thin or periodic source: an empty month is normal there
        what = f"{table} from {system}" + (f" ({kind})" if kind else "")
        around = []
        for m in empty[:EXAMPLES]:
            before = max((x for x in months if x < m), default=None)
            after = min((x for x in months if x > m), default=None)
            around.append(f"{_month_text(m)} (0 rows; {_month_text(before)}: {months[before]}, "
                          f"{_month_text(after)}: {months[after]})")
        affects = [kind] if table == "responses" and kind in KINDS else TABLE_METRICS.get(table, [])
        out.append(Finding(
            f"{table}.coverage_gap", "warning", f"Months missing from the {what}",
            f"{len(empty)} month(s) between {_month_text(first)} and {_month_text(last)} have no {table} from "
            f"{system}{f' of kind {kind}' if kind else ''} although a typical month has "
            f"{statistics.median(months.values()):g}: {'; '.join(around)}.",
            table, len(empty), affects,
            _effect("a month with no rows reads as not available or as zero activity in that month, and a "
                    "quarter or year containing it is computed from the other months only", affects),
            f"Export the missing month(s) from {system} and load the file (overlapping exports are merged, not "
            "doubled).",
            _source_loads(conn, table, system, kind), [_month_text(m) for m in empty[:EXAMPLES]],
        ))
    return out


# ------------------------------------------------------------------------------------ missing metric data


def _missing(conn: sa.Connection, scope: _Scope) -> list[Finding]:
    """Metrics of the registry with no data at all in the store (whole store, whatever the period)."""
    from cxkpi.metrics.registry import REGISTRY

    r, t, s, a = CANONICAL["responses"], CANONICAL["tickets"], CANONICAL["subscriptions"], accounts
    n = sa.func.count
    # one scan per table, every figure a filtered count
    per_table: list[tuple[sa.Table, dict[str, sa.ColumnElement[Any]]]] = [
        (r, {**{f"resp_{k}": n().filter(norm(r.c.kind) == k) for k in KINDS},
             "resp_customer": n().filter(sa.or_(r.c.kind.is_(None), norm(r.c.kind) != "esat"))}),
        (s, {"subs": n()}),
        (a, {"accts": n(), "accts_dated": n().filter(a.c.created_at.is_not(None))}),
        (CANONICAL["payments"], {"pays": n()}),
        (CANONICAL["costs"], {"costs": n()}),
        (CANONICAL["renewals"], {"renewals": n()}),
        (t, {"tickets": n(), "reopens": n().filter(t.c.reopens.is_not(None)),
             "replies": n().filter(sa.or_(t.c.first_reply_at.is_not(None), t.c.first_reply_minutes.is_not(None))),
             "handle": n().filter(t.c.handle_minutes.is_not(None)),
             "agent_replies": n().filter(t.c.agent_replies.is_not(None))}),
    ]
    cols: list[sa.ColumnElement[Any]] = []
    frm: Any = None
    for tbl, figures in per_table:
        sub = sa.select(*[v.label(k) for k, v in figures.items()]).select_from(tbl).subquery(f"have_{tbl.name}")
        cols += [sub.c[k] for k in figures]
        frm = sub if frm is None else frm.join(sub, sa.true())
    c = conn.execute(sa.select(*cols).select_from(frm)).mappings().one()
    facts = c["resp_customer"] + c["tickets"] + c["subs"] + c["renewals"] + c["pays"]
    out: list[Finding] = []

    def add(code: str, table: str, title: str, why: str, keys: list[str]) -> None:
        source = REGISTRY[keys[0]].source
        out.append(Finding(code, "info", title, why, table, 0, keys,
                           _effect("shows not available (never zero, never a guess)", keys), source))

    for k in KINDS:
        if not c[f"resp_{k}"]:
            add(f"responses.no_{k}", "responses", f"No {_LABELS[k]} answers loaded",
                f"The store holds no survey responses of kind {k}.", [k])
    if not c["subs"]:
        keys = ["mrr"] + ([] if c["accts_dated"] else ["churn_rate"]) + ([] if c["pays"] else ["clv"])
        add("subscriptions.empty", "subscriptions", "No subscriptions loaded",
            "The store holds no subscriptions" + (", and no accounts with created dates to count customers from"
                                                   if "churn_rate" in keys else "") + ".", keys)
    if not c["costs"]:
        add("costs.empty", "costs", "No retention costs loaded", "The store holds no retention costs.", ["crc"])
    if not c["renewals"]:
        add("renewals.empty", "renewals", "No renewals loaded", "The store holds no renewals.", ["renewal_rate"])
    if not c["tickets"]:
        add("tickets.empty", "tickets", "No tickets loaded", "The store holds no support tickets.",
            ["ticket_reopens", "frt", "aht", "fcr"])
    else:
        for col, key, what, code in (("reopens", "ticket_reopens", "a reopen count", "no_reopen_counts"),
                                     ("replies", "frt", "a first-reply time", "no_reply_times"),
                                     ("handle", "aht", "a handle time", "no_handle_times"),
                                     ("agent_replies", "fcr", "an agent-reply count", "no_reply_counts")):
            if not c[col]:
                add(f"tickets.{code}", "tickets", f"No ticket has {what}",
                    f"{int(c['tickets'])} tickets are loaded, none with {what}.", [key])
    if not c["accts"] and facts:
        out.append(Finding(
            "accounts.empty", "info", "No accounts loaded",
            "The store holds no accounts, so no row is linked to a customer with a segment, region or plan.",
            "accounts", 0, [],
            "Company-wide figures are unaffected; a segment, region or plan filter finds nothing.",
            "Load a CRM accounts export (HubSpot companies, Salesforce accounts…) or the cxkpi accounts template.",
        ))
    return out


# ----------------------------------------------------------------------------------------------- API

DUP_TABLES = ("tickets", "responses", "subscriptions", "payments", "renewals", "costs")
MISSING_CODES = (
    *(f"responses.no_{k}" for k in KINDS), "subscriptions.empty", "costs.empty", "renewals.empty", "tickets.empty",
    "tickets.no_reopen_counts", "tickets.no_reply_times", "tickets.no_handle_times", "tickets.no_reply_counts",
    "accounts.empty",
)
# Every code the report can give (docs/quality.md documents each; a test keeps the two in step).
ALL_CODES: tuple[str, ...] = (
    *(c.code for c in ROW_CHECKS),
    *(f"{t}.same_id_two_systems" for t in DUP_TABLES),
    *(f"{t}.same_record_other_id" for t in SAME_RECORD_TABLES),
    "accounts.shared_email", "accounts.shared_name", "responses.survey_mixed_scales",
    *(f"{t}.coverage_gap" for t in EVENT_TABLES),
    *MISSING_CODES,
)


def _report(conn: sa.Connection, period: Any, tables: Iterable[str] | None = None) -> list[Finding]:
    scope = _make_scope(conn, period, tables)
    found = [
        *_run_row_checks(conn, scope),
        *_duplicates(conn, scope),
        *_same_records(conn, scope),
        *_accounts_shared(conn, scope),
        *_survey_scales(conn, scope),
        *_coverage(conn, scope),
        *(_missing(conn, scope) if tables is None else []),
    ]
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(found, key=lambda f: (order[f.severity], f.table or "", f.code))


def report(engine: sa.Engine, *, period: Period | tuple[Any, Any] | None = None) -> list[Finding]:
    """Every finding about the store (rows dated in `period` when given), errors first."""
    with engine.connect() as conn:
        return _report(conn, period)


def findings_for_load(engine: sa.Engine, load_id: int) -> list[Finding]:
    """The findings that concern one load: those whose rows include rows of that load (shown after an import).

    Only the tables the load wrote are checked; an accounts load also brings the unlinked findings of the other
    tables, since linking depends on it.
    """
    with engine.connect() as conn:
        row = conn.execute(sa.select(loads.c.table_name).where(loads.c.load_id == load_id)).first()
        if row is None:
            raise LookupError(f"no load {load_id}; `cxkpi loads` lists them")
        tables = {t for t in str(row[0]).split("+") if t in CANONICAL}
        if "accounts" in tables:
            tables |= set(LINKED_TABLES)
        found = _report(conn, None, tables)
    return [f for f in found if load_id in f.load_ids or ("accounts" in tables and f.code.endswith(".unlinked"))]


# ----------------------------------------------------------------------------------------------- CLI


def cmd_quality(args: argparse.Namespace) -> int:
    """`cxkpi quality [--db URL] [--format table|json]`: the data-quality report; exit 0 even with findings."""
    from cxkpi.store.engine import make_engine

    engine = make_engine(getattr(args, "db", None))
    try:
        found = report(engine)
    finally:
        engine.dispose()
    out = sys.stdout
    if getattr(args, "format", "table") == "json":
        out.write(json.dumps({"findings": [f.to_dict() for f in found]}, ensure_ascii=False, indent=2) + "\n")
        return 0
    from cxkpi.i18n import t
    from cxkpi.i18n_messages import localize

    if not found:
        out.write(t("cli.quality.none") + "\n")
        return 0
    counts = {s: sum(1 for f in found if f.severity == s) for s in SEVERITIES}
    out.write(t("cli.quality.counts", errors=counts["error"], warnings=counts["warning"], infos=counts["info"]) + "\n\n")
    for f in found:
        count = f"  ({f.count})" if f.count else ""
        out.write(f"{t(f'data.severity.{f.severity}').upper():<8}{f.code}{count}  {localize(f.title)}\n")
        out.write(f"        {localize(f.detail)}\n")
        if f.affects:
            out.write(f"        {t('cli.quality.affects', metrics=', '.join(f.affects))}\n")
        out.write(f"        {t('cli.quality.effect', effect=localize(f.effect))}\n")
        out.write(f"        {t('cli.quality.fix', fix=localize(f.fix))}\n")
        if f.load_ids:
            out.write(f"        {t('cli.quality.loads', loads=', '.join(map(str, f.load_ids)))}\n")
        out.write("\n")
    return 0
