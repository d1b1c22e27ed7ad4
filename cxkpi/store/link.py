"""Link fact rows to accounts: by account_id, else e-mail, else e-mail domain, else company name.

The result lands in ``linked_account_id``. Rows that match no account keep their own identity (their
account_id, else e-mail, else company) so they still count as customers in company-wide metrics.
Relinking runs after every load and removal, so an accounts export loaded later links earlier rows.
"""

from __future__ import annotations

import sqlalchemy as sa

from cxkpi.store.schema import CANONICAL

LINKED_TABLES = ("subscriptions", "payments", "renewals", "tickets", "responses")


def _norm_name(col: str) -> str:
    # case- and space-insensitive company names
    return f"lower(replace({col}, ' ', ''))"


def relink(conn: sa.Connection) -> None:
    for name in LINKED_TABLES:
        conn.execute(
            sa.text(
                f"""
                UPDATE {name} SET linked_account_id = COALESCE(
                  (SELECT min(a.account_id) FROM accounts a WHERE a.account_id = {name}.account_id),
                  (SELECT min(a.account_id) FROM accounts a
                     WHERE {name}.email IS NOT NULL AND lower(a.email) = lower({name}.email)),
                  (SELECT min(a.account_id) FROM accounts a
                     WHERE {name}.email IS NOT NULL AND position('@' in {name}.email) > 0
                       AND lower(a.domain) = lower(split_part({name}.email, '@', 2))),
                  (SELECT min(a.account_id) FROM accounts a
                     WHERE {name}.company IS NOT NULL AND {_norm_name('a.name')} = {_norm_name(f'{name}.company')}),
                  {name}.account_id,
                  lower({name}.email),
                  {_norm_name(f'{name}.company')}
                )
                """
            )
        )


def unlinked_counts(conn: sa.Connection) -> dict[str, int]:
    """Rows per table that match no account (still counted company-wide)."""
    out: dict[str, int] = {}
    acc = CANONICAL["accounts"]
    for name in LINKED_TABLES:
        t = CANONICAL[name]
        q = sa.select(sa.func.count()).select_from(t).where(
            ~sa.exists(sa.select(acc.c.account_id).where(acc.c.account_id == t.c.linked_account_id))
        )
        out[name] = conn.execute(q).scalar() or 0
    return out
