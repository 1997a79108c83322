"""Rewriting the personal data of every stored case: encrypt rows kept in clear (migration 0010), re-encrypt
under the newest key and recompute matching keys (`complaintflow keys rotate`), or decrypt (downgrade).

Core statements on lightweight table definitions (not the ORM models), so the migration keeps working
as the models change. Each case is rewritten only if its version did not move meanwhile: a concurrent
save has already written it under the newest key.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from engine.persistence.sealing import Sealer

BATCH = 500

_cases = sa.table(
    "complaint_case", sa.column("id", sa.Integer), sa.column("version", sa.Integer),
    sa.column("state", sa.Text), sa.column("complaint", sa.JSON), sa.column("process_data", sa.JSON),
)
_facts = sa.table("case_fact", sa.column("case_id", sa.Integer), sa.column("customer_key", sa.String))


def seal_all(conn: Connection, sealer: Sealer) -> int:
    """Encrypt every case's personal data under the newest key (clear or sealed by an older key) and
    recompute its matching key; returns how many cases were rewritten."""
    return _rewrite(conn, sealer.reseal, sealer.reseal_fields, sealer)


def open_all(conn: Connection, sealer: Sealer) -> int:
    """Decrypt every case's personal data in place (to go back before migration 0010)."""
    return _rewrite(conn, sealer.open, sealer.open_fields, None)


def _rewrite(
    conn: Connection, text: Callable[[str], str], fields: Callable[[Mapping[str, Any]], dict[str, Any]],
    matcher: Sealer | None,
) -> int:
    done, last_id = 0, 0
    while True:
        rows = conn.execute(
            sa.select(_cases).where(_cases.c.id > last_id).order_by(_cases.c.id).limit(BATCH)
        ).all()
        if not rows:
            return done
        for row in rows:
            done += _rewrite_case(conn, row, text, fields, matcher)
        last_id = rows[-1].id


def _rewrite_case(
    conn: Connection, row: Any, text: Callable[[str], str],
    fields: Callable[[Mapping[str, Any]], dict[str, Any]], matcher: Sealer | None,
) -> int:
    changed = conn.execute(
        sa.update(_cases).where(_cases.c.id == row.id, _cases.c.version == row.version).values(
            state=text(row.state or ""), complaint=fields(row.complaint or {}),
            process_data=fields(row.process_data or {}),
        )
    ).rowcount
    if changed and matcher is not None:
        key = matcher.customer_key(matcher.open_fields(row.complaint or {}))
        conn.execute(sa.update(_facts).where(_facts.c.case_id == row.id).values(customer_key=key))
    return int(changed)
