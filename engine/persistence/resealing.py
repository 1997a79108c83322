"""Rewriting the personal data of every stored case: encrypt rows kept in clear (migration 0010), re-encrypt
under the newest key and recompute matching keys (`complaintflow keys rotate`), compute the phone and ID-number
matching keys (migration 0017), or decrypt (downgrade).

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
# The phone and ID-number keys (migration 0017): migration 0010 runs this module before they exist.
_case_keys = sa.table("complaint_case", sa.column("id", sa.Integer), sa.column("phone_key", sa.String),
                      sa.column("id_key", sa.String))
# The name's key (migration 0023, the case search).
_name_keys = sa.table("complaint_case", sa.column("id", sa.Integer), sa.column("name_key", sa.String))
_facts = sa.table("case_fact", sa.column("case_id", sa.Integer), sa.column("customer_key", sa.String))


def seal_all(conn: Connection, sealer: Sealer) -> int:
    """Encrypt every case's personal data under the newest key (clear or sealed by an older key) and
    recompute its matching key; returns how many cases were rewritten."""
    return _rewrite(conn, sealer.reseal, sealer.reseal_fields, sealer)


def rematch_all(conn: Connection, sealer: Sealer) -> int:
    """Compute every case's phone and ID-number matching keys (migration 0017); returns how many cases."""
    return _each_case_complaint(conn, sealer, _set_case_keys)


def name_keys_all(conn: Connection, sealer: Sealer) -> int:
    """Compute every case's name key (migration 0023); returns how many cases."""
    return _each_case_complaint(conn, sealer, _set_name_key)


def _each_case_complaint(conn: Connection, sealer: Sealer,
                         write: Callable[[Connection, int, Sealer, Mapping[str, Any]], None]) -> int:
    """Call `write` with every case's complaint in clear, BATCH cases at a time in id order; how many cases."""
    done, last_id = 0, 0
    while True:
        rows = conn.execute(
            sa.select(_cases.c.id, _cases.c.complaint).where(_cases.c.id > last_id).order_by(_cases.c.id).limit(BATCH)
        ).all()
        if not rows:
            return done
        for row in rows:
            write(conn, row.id, sealer, sealer.open_fields(row.complaint or {}))
        done += len(rows)
        last_id = rows[-1].id


def _set_name_key(conn: Connection, case_id: int, sealer: Sealer, complaint: Mapping[str, Any]) -> None:
    conn.execute(sa.update(_name_keys).where(_name_keys.c.id == case_id)
                 .values(name_key=sealer.name_key(complaint.get("complainant_name"))))


def open_all(conn: Connection, sealer: Sealer) -> int:
    """Decrypt every case's personal data in place (to go back before migration 0010)."""
    return _rewrite(conn, sealer.open, sealer.open_fields, None)


def _rewrite(
    conn: Connection, text: Callable[[str], str], fields: Callable[[Mapping[str, Any]], dict[str, Any]],
    matcher: Sealer | None,
) -> int:
    done, last_id = 0, 0
    columns = {c["name"] for c in sa.inspect(conn).get_columns("complaint_case")}
    case_keys = "phone_key" in columns
    name_keys = "name_key" in columns
    while True:
        rows = conn.execute(
            sa.select(_cases).where(_cases.c.id > last_id).order_by(_cases.c.id).limit(BATCH)
        ).all()
        if not rows:
            return done
        for row in rows:
            done += _rewrite_case(conn, row, text, fields, matcher, case_keys, name_keys)
        last_id = rows[-1].id


def _rewrite_case(
    conn: Connection, row: Any, text: Callable[[str], str],
    fields: Callable[[Mapping[str, Any]], dict[str, Any]], matcher: Sealer | None, case_keys: bool,
    name_keys: bool = False,
) -> int:
    changed = conn.execute(
        sa.update(_cases).where(_cases.c.id == row.id, _cases.c.version == row.version).values(
            state=text(row.state or ""), complaint=fields(row.complaint or {}),
            process_data=fields(row.process_data or {}),
        )
    ).rowcount
    if changed and matcher is not None:
        complaint = matcher.open_fields(row.complaint or {})
        if case_keys:
            _set_case_keys(conn, row.id, matcher, complaint)
        if name_keys:
            _set_name_key(conn, row.id, matcher, complaint)
        conn.execute(sa.update(_facts).where(_facts.c.case_id == row.id)
                     .values(customer_key=matcher.customer_key(complaint)))
    return int(changed)


def _set_case_keys(conn: Connection, case_id: int, sealer: Sealer, complaint: Mapping[str, Any]) -> None:
    keys = sealer.match_keys(complaint)
    conn.execute(sa.update(_case_keys).where(_case_keys.c.id == case_id)
                 .values(phone_key=keys.phone, id_key=keys.id_number))
