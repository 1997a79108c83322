"""The audit trail as a hash chain: each event's hash covers its content and the previous event's hash.

Events get their place in the chain (`seq`) when their transaction commits, under a lock on the one
`audit_chain` row that holds the chain's head, so concurrent writers never fork the chain. Sealing is
the last thing a transaction does before COMMIT, so that lock is never held while waiting for another.
Editing, deleting or reordering a committed event breaks the chain at that event; dropping events at
the end no longer matches the head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.records import ChainReport
from engine.persistence.tables import AuditChainRow, AuditEventRow

GENESIS = "0" * 64
HEAD_ID = 1


def event_hash(seq: int, prev_hash: str, at: datetime, actor: str, action: str, case_id: int | None,
               task_id: str | None, data: dict[str, Any]) -> str:
    """SHA-256 over the event's canonical JSON (UTC time, sorted keys) and the previous hash."""
    moment = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    canonical = json.dumps([seq, prev_hash, moment, actor, action, case_id, task_id, data],
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _row_hash(row: AuditEventRow) -> str:
    return event_hash(row.seq or 0, row.prev_hash or "", row.at, row.actor, row.action, row.case_id,
                      row.task_id, row.data or {})


def seal(session: Session, rows: list[AuditEventRow]) -> None:
    """Give `rows` (new events of this transaction, in order) their place and hash in the chain."""
    if not rows:
        return
    head = session.get(AuditChainRow, HEAD_ID, with_for_update=True)
    if head is None:
        head = AuditChainRow(id=HEAD_ID, last_seq=0, last_hash=GENESIS)
        session.add(head)
    for row in rows:
        row.seq = head.last_seq + 1
        row.prev_hash = head.last_hash
        row.hash = _row_hash(row)
        head.last_seq, head.last_hash = row.seq, row.hash


def _in_chain_order(session: Session, batch: int = 2000) -> Iterator[AuditEventRow]:
    last = 0
    while True:
        rows = session.scalars(select(AuditEventRow).where(AuditEventRow.seq > last)
                               .order_by(AuditEventRow.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq or last
        session.expunge_all()


def verify(session: Session) -> ChainReport:
    """Walk the chain from the start; report the first event whose link or content does not hold."""
    unsealed = session.scalars(select(AuditEventRow.id).where(AuditEventRow.seq.is_(None))
                               .order_by(AuditEventRow.id).limit(1)).first()
    if unsealed is not None:
        return ChainReport(0, unsealed, f"event id {unsealed} is not in the chain (no seq)")
    checked, prev = 0, GENESIS
    for row in _in_chain_order(session):
        problem = _link_problem(row, checked + 1, prev)
        if problem:
            return ChainReport(checked, checked + 1, problem)
        checked, prev = checked + 1, row.hash or ""
    head = session.get(AuditChainRow, HEAD_ID)
    if head is not None and (head.last_seq, head.last_hash) != (checked, prev):
        return ChainReport(checked, checked + 1,
                           f"the chain ends at seq {checked} but its head says {head.last_seq}: events were removed")
    return ChainReport(checked)


def _link_problem(row: AuditEventRow, expected_seq: int, prev: str) -> str | None:
    if row.seq != expected_seq:
        return f"seq {expected_seq} is missing (next is {row.seq}): an event was removed"
    if row.prev_hash != prev:
        return f"seq {row.seq} (id {row.id}) does not link to the event before it"
    if row.hash != _row_hash(row):
        return f"seq {row.seq} (id {row.id}, {row.action}) was changed after it was written"
    return None
