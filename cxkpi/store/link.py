"""Link fact rows to accounts: by account_id, else e-mail, else e-mail domain, else company name.

The result lands in ``linked_account_id``. Rows that match no account keep their own identity (their
account_id, else e-mail, else company) so they still count as customers in company-wide metrics. A survey
answer's ``respondent`` (an e-mail or a name) is used when its e-mail or company is missing.
Relinking runs after every load and removal, so an accounts export loaded later links earlier rows.
"""

from __future__ import annotations

import sqlalchemy as sa

from cxkpi.store.schema import CANONICAL

LINKED_TABLES = ("subscriptions", "payments", "renewals", "tickets", "responses")


def _norm_name(col: str) -> str:
    # case- and space-insensitive company names
    return f"lower(replace({col}, ' ', ''))"


def _touched(name: str, load_id: int, accounts_loaded: bool) -> str:
    """SQL condition: the rows of `name` one load can change the link of. Its own rows; and when it loaded
    accounts, rows linked to no account yet and rows that match (or were linked to) an account it wrote or
    replaced, by id, e-mail, domain or company name."""
    own = f"{name}.load_id = {int(load_id)}"
    email, company = _identity(name)
    if not accounts_loaded:
        return own
    acc = (
        f"(SELECT account_id, email, domain, name FROM accounts WHERE load_id = {int(load_id)} "
        f"UNION ALL SELECT account_id, email, domain, name FROM accounts_history "
        f"WHERE replaced_by_load = {int(load_id)})"
    )
    return f"""({own}
      OR {name}.linked_account_id IS NULL
      OR NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = {name}.linked_account_id)
      OR EXISTS (SELECT 1 FROM {acc} t WHERE t.account_id = {name}.linked_account_id
                   OR t.account_id = {name}.account_id
                   OR ({email} IS NOT NULL AND (lower(t.email) = lower({email})
                       OR lower(t.domain) = lower(split_part({email}, '@', 2))))
                   OR ({company} IS NOT NULL AND {_norm_name("t.name")} = {_norm_name(company)})))"""


def _identity(name: str) -> tuple[str, str]:
    """SQL for a row's e-mail and company. A survey answer's `respondent` (metrics.md: e-mail or name) stands in
    for a missing e-mail when it holds an '@', else for a missing company name."""
    if name != "responses":
        return f"{name}.email", f"{name}.company"
    r = f"trim({name}.respondent)"
    return (
        f"COALESCE({name}.email, CASE WHEN position('@' in {r}) > 0 THEN {r} END)",
        f"COALESCE({name}.company, CASE WHEN position('@' in {r}) = 0 AND {r} <> '' THEN {r} END)",
    )


def relink(conn: sa.Connection, load_id: int | None = None, accounts_loaded: bool = True) -> None:
    """Refresh links: every row (load_id None, e.g. after a removal), or only the rows one load can affect
    (a 100 k-row load into a 10 M-row store must not rewrite every link)."""
    for name in LINKED_TABLES:
        email, company = _identity(name)
        where = "" if load_id is None else "WHERE " + _touched(name, load_id, accounts_loaded)
        conn.execute(
            sa.text(
                f"""
                UPDATE {name} SET linked_account_id = COALESCE(
                  (SELECT min(a.account_id) FROM accounts a WHERE a.account_id = {name}.account_id),
                  (SELECT min(a.account_id) FROM accounts a
                     WHERE {email} IS NOT NULL AND lower(a.email) = lower({email})),
                  (SELECT min(a.account_id) FROM accounts a
                     WHERE {email} IS NOT NULL AND position('@' in {email}) > 0
                       AND lower(a.domain) = lower(split_part({email}, '@', 2))),
                  (SELECT min(a.account_id) FROM accounts a
                     WHERE {company} IS NOT NULL AND {_norm_name("a.name")} = {_norm_name(company)}),
                  {name}.account_id,
                  lower({email}),
                  {_norm_name(company)}
                )
                {where}
                """
            )
        )


def unlinked_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows per table that match no account (still counted company-wide)."""
    out: dict[str, int] = {}
    acc = CANONICAL["accounts"]
    for name in LINKED_TABLES:
        t = CANONICAL[name]
        q = (
            sa.select(sa.func.count())
            .select_from(t)
            .where(~sa.exists(sa.select(acc.c.account_id).where(acc.c.account_id == t.c.linked_account_id)))
        )
        out[name] = conn.execute(q).scalar() or 0
    return out
