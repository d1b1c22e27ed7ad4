"""The canonical tables every export is mapped into (../shared/reference/metrics.md), declared once.

DuckDB's SQLAlchemy dialect cannot reflect, so every table lives here in code and nothing is reflected.
Each fact table has a twin ``<table>_history`` that keeps row versions replaced by a later load, so that
removing that load restores them exactly.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Columns every canonical row carries: which load wrote it and which tool it came from.
def _bookkeeping() -> list[sa.Column]:
    return [
        sa.Column("load_id", sa.BigInteger, nullable=False),
        sa.Column("system", sa.String, nullable=False),  # the tool family: zendesk, stripe, cxkpi, demo…
    ]


# Fact rows link to an account by account_id, else e-mail / domain, else company name; the resolved
# account lands in linked_account_id (see cxkpi.store.link).
def _link_columns() -> list[sa.Column]:
    return [
        sa.Column("account_id", sa.String),
        sa.Column("email", sa.String),
        sa.Column("company", sa.String),
        sa.Column("linked_account_id", sa.String),
    ]


# Natural keys: the id the tool gives a row, within that tool.
NATURAL_KEYS: dict[str, tuple[str, ...]] = {
    "accounts": ("account_id",),
    "subscriptions": ("system", "subscription_id"),
    "payments": ("system", "payment_id"),
    "renewals": ("system", "renewal_id"),
    "tickets": ("system", "ticket_id"),
    "responses": ("system", "response_id"),
    "costs": ("system", "cost_id"),
}


def _columns(table: str) -> list[sa.Column]:
    S, D, T, F, Int, B = sa.String, sa.Date, sa.DateTime, sa.Double, sa.Integer, sa.Boolean
    cols: dict[str, list[sa.Column]] = {
        "accounts": [
            sa.Column("account_id", S),
            sa.Column("name", S),
            sa.Column("email", S),
            sa.Column("domain", S),
            sa.Column("segment", S),
            sa.Column("region", S),
            sa.Column("plan", S),
            sa.Column("owner", S),
            sa.Column("created_at", T),
            sa.Column("churned_at", T),
            sa.Column("churn_reason", S),
        ],
        "subscriptions": [
            sa.Column("subscription_id", S),
            *_link_columns(),
            sa.Column("plan", S),
            sa.Column("amount", F),  # price per unit per billing interval, major currency units
            sa.Column("currency", S),
            sa.Column("interval", S),  # day / week / month / quarter / year
            sa.Column("interval_count", Int),
            sa.Column("quantity", F),
            sa.Column("discount", F),  # fraction 0..1
            sa.Column("status", S),
            sa.Column("started_at", T),
            sa.Column("ended_at", T),
            sa.Column("cancel_reason", S),
        ],
        "payments": [
            sa.Column("payment_id", S),
            *_link_columns(),
            sa.Column("amount", F),
            sa.Column("currency", S),
            sa.Column("paid_at", T),
            sa.Column("status", S),
        ],
        "renewals": [
            sa.Column("renewal_id", S),
            *_link_columns(),
            sa.Column("due_date", D),
            sa.Column("outcome", S),  # renewed / churned / open
            sa.Column("amount", F),
            sa.Column("currency", S),
        ],
        "tickets": [
            sa.Column("ticket_id", S),
            *_link_columns(),
            sa.Column("channel", S),
            sa.Column("created_at", T),
            sa.Column("first_reply_at", T),
            sa.Column("first_reply_minutes", F),
            sa.Column("solved_at", T),
            sa.Column("status", S),
            sa.Column("reopens", Int),
            sa.Column("agent_replies", Int),
            sa.Column("handle_minutes", F),
            sa.Column("satisfaction", S),  # good / bad / a score as text, as the desk exported it
            sa.Column("subject", S),
            sa.Column("agent", S),
        ],
        "responses": [
            sa.Column("response_id", S),
            *_link_columns(),
            sa.Column("survey", S),
            sa.Column("kind", S),  # csat / ces / nps / esat
            sa.Column("score", F),
            sa.Column("scale_min", F),
            sa.Column("scale_max", F),
            sa.Column("reversed", B),  # CES surveys where 1 = very easy
            sa.Column("submitted_at", T),
            sa.Column("respondent", S),
            sa.Column("comment", S),
            sa.Column("channel", S),
            sa.Column("ticket_id", S),
        ],
        "costs": [
            sa.Column("cost_id", S),
            sa.Column("date", D),
            sa.Column("category", S),
            sa.Column("amount", F),
            sa.Column("currency", S),
        ],
    }
    return cols[table]


CANONICAL: dict[str, sa.Table] = {}
HISTORY: dict[str, sa.Table] = {}
REMOVED: dict[str, sa.Table] = {}

for _name, _key in NATURAL_KEYS.items():
    _cols = _columns(_name) + _bookkeeping()
    for _c in _cols:
        if _c.name in _key:
            _c.nullable = False
    CANONICAL[_name] = sa.Table(_name, metadata, *_cols, sa.PrimaryKeyConstraint(*_key))
    HISTORY[_name] = sa.Table(
        f"{_name}_history",
        metadata,
        *[sa.Column(c.name, c.type) for c in _cols],
        sa.Column("replaced_by_load", sa.BigInteger, nullable=False),
    )
    # The rows of a removed load, kept so that restoring it brings exactly them back.
    REMOVED[_name] = sa.Table(f"{_name}_removed", metadata, *[sa.Column(c.name, c.type) for c in _cols])

accounts = CANONICAL["accounts"]
subscriptions = CANONICAL["subscriptions"]
payments = CANONICAL["payments"]
renewals = CANONICAL["renewals"]
tickets = CANONICAL["tickets"]
responses = CANONICAL["responses"]
costs = CANONICAL["costs"]

# Every import, the data version: a metric result is valid for one state of this table.
loads = sa.Table(
    "loads",
    metadata,
    sa.Column("load_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("file_name", sa.String, nullable=False),
    sa.Column("sha256", sa.String, nullable=False),
    sa.Column("source", sa.String, nullable=False),  # the recognized export shape, e.g. zendesk_tickets
    sa.Column("table_name", sa.String, nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
    sa.Column("rows_added", sa.Integer, nullable=False, default=0),
    sa.Column("rows_updated", sa.Integer, nullable=False, default=0),
    sa.Column("loaded_at", sa.DateTime, nullable=False),
    sa.Column("loaded_by", sa.String),
    sa.Column("status", sa.String, nullable=False, default="active"),  # active / removed
    sa.Column("is_demo", sa.Boolean, nullable=False, default=False),
    sa.Column("mapping", sa.Text),  # JSON of the column mapping used
    sa.Column("warnings", sa.Text),  # JSON list of validation warnings
)

# Named column mappings confirmed by a user, applied again when the same header shows up.
mappings = sa.Table(
    "mappings",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("header_signature", sa.String, nullable=False),
    sa.Column("table_name", sa.String, nullable=False),
    sa.Column("spec", sa.Text, nullable=False),  # JSON
    sa.Column("created_at", sa.DateTime, nullable=False),
)

goals = sa.Table(
    "goals",
    metadata,
    sa.Column("goal_id", sa.String, primary_key=True),
    sa.Column("metric", sa.String, nullable=False),
    sa.Column("baseline_from", sa.Date, nullable=False),
    sa.Column("baseline_to", sa.Date, nullable=False),
    sa.Column("target_kind", sa.String, nullable=False),  # relative (+10 %) / absolute (+5 points)
    sa.Column("target_value", sa.Double, nullable=False),
    sa.Column("label", sa.String),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

# Workspace settings as JSON values: time zone, currency, metric options, benchmarks shown.
settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

# Sign-in and sharing (cxkpi.access): local editors with hashed passwords, share links, the audit trail of
# every write, and the key that signs share links (one per store, made on first use).
users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("password_hash", sa.String, nullable=False),  # argon2id, never the password
    sa.Column("role", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

shares = sa.Table(
    "shares",
    metadata,
    sa.Column("share_id", sa.String, primary_key=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String, nullable=False),
    sa.Column("page", sa.String, nullable=False),
    sa.Column("view_query", sa.Text, nullable=False),  # JSON of the view's query string
    sa.Column("mode", sa.String, nullable=False),  # pinned (these exact figures) / live (always the latest)
    sa.Column("expires_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),
    sa.Column("revoked_by", sa.String),
    sa.Column("data_version", sa.String, nullable=False),
    sa.Column("snapshot", sa.Text),  # JSON: the figures as sent (pinned links)
    sa.Column("language", sa.String),
    sa.Column("timezone", sa.String),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("entry_id", sa.String, primary_key=True),
    sa.Column("done_at", sa.DateTime, nullable=False),
    sa.Column("actor", sa.String, nullable=False),
    sa.Column("role", sa.String, nullable=False),
    sa.Column("how", sa.String, nullable=False),
    sa.Column("action", sa.String, nullable=False),
    sa.Column("detail", sa.Text),
)

signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("name", sa.String, primary_key=True),
    sa.Column("secret", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

# Derived, not loaded: the ticket and survey figures per day in the workspace zone (cxkpi.metrics.rollups),
# kept for one data version and time zone (`stamp`) and rebuilt from the fact tables when either changes.
# `dims` names the filter attributes a build keeps apart ("" = none, "channel", "channel,region"…).
EXACT_SUM = sa.Numeric(38, 12)  # the metrics' exact sums (cxkpi.metrics.base.EXACT), added again exactly

rollup_builds = sa.Table(
    "rollup_builds",
    metadata,
    sa.Column("stamp", sa.String, primary_key=True),
    sa.Column("dims", sa.String, primary_key=True),
    sa.Column("built_at", sa.DateTime, nullable=False),
)


def _rollup_keys() -> list[sa.Column]:
    return [
        sa.Column("stamp", sa.String, nullable=False),
        sa.Column("dims", sa.String, nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("channel", sa.String),
        sa.Column("segment", sa.String),
        sa.Column("region", sa.String),
        sa.Column("plan", sa.String),
    ]


# Tickets solved that day (reopens, AHT, FCR) and created that day (FRT's counts and exact sum), per channel.
rollup_ticket_days = sa.Table(
    "rollup_ticket_days",
    metadata,
    *_rollup_keys(),
    *[sa.Column(name, sa.BigInteger) for name in ("solved", "known", "reopened", "events", "aht_n")],
    sa.Column("aht_total", EXACT_SUM),
    *[
        sa.Column(name, sa.BigInteger)
        for name in ("fcr_n", "fcr_resolved", "fcr_reopens_unknown", "fcr_n_known", "fcr_resolved_known",
                     "created", "replied", "negative")  # fmt: skip
    ],
    sa.Column("total", EXACT_SUM),
)

# One row per replied ticket (hours to first reply ≥ 0): a median cannot be added up, so it is taken over
# these values, kept narrow and in day order, one copy per stamp whatever the filters.
rollup_frt = sa.Table(
    "rollup_frt",
    metadata,
    sa.Column("stamp", sa.String, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("channel", sa.String),
    sa.Column("linked_account_id", sa.String),  # account filters look the account up (no copy per filter)
    sa.Column("hours", sa.Double, nullable=False),
)

# Survey answers counted per day and distinct kind, scale, reversed flag, score and survey.
rollup_answers = sa.Table(
    "rollup_answers",
    metadata,
    *_rollup_keys(),
    sa.Column("kind", sa.String),
    sa.Column("scale_min", sa.Double),
    sa.Column("scale_max", sa.Double),
    sa.Column("reversed", sa.Boolean),
    sa.Column("score", sa.Double),
    sa.Column("survey", sa.String),
    sa.Column("cnt", sa.BigInteger, nullable=False),
)
# PostgreSQL reads a period's days through these; DuckDB skips row groups by their min/max day instead (the
# rows are written in day order), and an index there would only slow the build.
for _table in (rollup_ticket_days, rollup_frt, rollup_answers):
    _keys = [_table.c.stamp, *([_table.c.dims] if "dims" in _table.c else []), _table.c.day]
    sa.Index(f"{_table.name}_days", *_keys).ddl_if(dialect="postgresql")
ROLLUPS = (rollup_builds, rollup_ticket_days, rollup_frt, rollup_answers)
