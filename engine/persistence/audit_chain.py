"""The audit trail as hash chains: SHARDS chains, each event's hash covering its content and the previous
event's hash in its chain, and anchors that tie the chains together.

Why shards: one chain has one head row, and every committing writer locks it, so two sweep workers and the
web workers queue behind each other. With SHARDS heads a transaction locks one head that no one else holds
(PostgreSQL `SKIP LOCKED`, starting from this process's own shard), and waits only when all are busy.

The proof `verify` checks (docs: README "Security"):
- within a shard, event `seq` n links to event n-1 by `prev_hash`, and its `hash` covers its content: editing an
  event breaks its hash, deleting one leaves a gap in `seq`, reordering breaks the links;
- each shard's head row (`audit_chain`) holds the shard's last seq and hash: dropping events at the end of a
  shard no longer matches its head;
- anchors (`audit_anchor`, written by the timer sweep every ANCHOR_EVERY) record every shard's head at one
  moment and are chained to each other: an event an anchor names must still be there with the hash the anchor
  recorded, so rewriting a shard wholesale (re-hashing it and its head) is caught unless every later anchor is
  rewritten too; the newest anchor's hash is printed by `complaintflow audit verify` to be kept outside the
  database.
Events get their place (`shard`, `seq`) when their transaction commits; sealing is the last thing a transaction
does before COMMIT, so a head lock is never held while waiting for another lock. Each event is inserted once,
with its place and hash (no insert-then-update).

The head a process left its own shard at is remembered (`_left_at`): the next transaction moves the head with an
UPDATE guarded by that seq and hash, so the head is not read first when no one else wrote the shard meanwhile
(one statement fewer per writing transaction; on PostgreSQL the guarded move and the INSERT of the events are one
statement, and a head another transaction holds is skipped, not waited for). The guard compares the row itself:
a stale memory (another process wrote the shard, a rollback, another database) only misses, and the head is then
read and locked as before. The chain is the same either way.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Connection, Executable, Table, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.domain.records import ChainReport
from engine.persistence.batched import row_params, rows_after
from engine.persistence.tables import AuditAnchorRow, AuditChainRow, AuditEventRow

GENESIS = "0" * 64
HEADS = cast(Table, AuditChainRow.__table__)
EVENTS = cast(Table, AuditEventRow.__table__)
HEAD_ID = 1  # the first shard: the single chain of databases written before sharding
SHARDS = 8
ANCHOR_EVERY = timedelta(minutes=10)


def event_hash(seq: int, prev_hash: str, at: datetime, actor: str, action: str, case_id: int | None,
               task_id: str | None, data: dict[str, Any]) -> str:
    """SHA-256 over the event's canonical JSON (UTC time, sorted keys) and the previous hash."""
    canonical = json.dumps([seq, prev_hash, _utc(at), actor, action, case_id, task_id, data],
                           sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def anchor_hash(anchor_id: int, prev_hash: str, at: datetime, heads: dict[str, list[Any]]) -> str:
    """SHA-256 over an anchor's place, time, the shard heads it records and the previous anchor's hash."""
    canonical = json.dumps([anchor_id, prev_hash, _utc(at), heads], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _utc(at: datetime) -> str:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).isoformat()


def _row_hash(row: AuditEventRow) -> str:
    return event_hash(row.seq or 0, row.prev_hash or "", row.at, row.actor, row.action, row.case_id,
                      row.task_id, row.data or {})


def own_shard() -> int:
    """The shard this process and thread tries first (workers spread over the shards)."""
    return (os.getpid() * 31 + threading.get_ident()) % SHARDS + 1


_HEAD_COLUMNS = (HEADS.c.id, HEADS.c.last_seq, HEADS.c.last_hash)
_FREE_HEAD = select(*_HEAD_COLUMNS).order_by((HEADS.c.id - bindparam("first") + SHARDS) % SHARDS).limit(1) \
    .with_for_update(skip_locked=True)
_OWN_HEAD = select(*_HEAD_COLUMNS).where(HEADS.c.id == bindparam("first")).with_for_update()
_MOVE_HEAD = update(HEADS).where(HEADS.c.id == bindparam("shard"))


def _lock_head(conn: Connection) -> tuple[int, int, str, bool]:
    """A shard head locked for this transaction: a free one if any (PostgreSQL), else this process's own.
    Returns (shard, last seq, last hash, whether its row exists)."""
    first = {"first": own_shard()}
    if conn.dialect.name == "postgresql":
        free = conn.execute(_FREE_HEAD, first).first()
        if free is not None:
            return free.id, free.last_seq, free.last_hash, True
    head = conn.execute(_OWN_HEAD, first).first()
    if head is None:  # a schema created without the shard rows (never by the migrations)
        return first["first"], 0, GENESIS, False
    return head.id, head.last_seq, head.last_hash, True


# shard -> (last seq, last hash) as this process's own transactions last left it: a guess, checked by the UPDATE.
_left_at: dict[int, tuple[int, str]] = {}
_EVENT_COLUMNS = ("at", "actor", "action", "case_id", "task_id", "data", "shard", "seq", "prev_hash", "hash")
_MOVE_GUESSED = update(HEADS).where(
    HEADS.c.id == bindparam("_shard"), HEADS.c.last_seq == bindparam("_seen_seq"),
    HEADS.c.last_hash == bindparam("_seen_hash")).values(last_seq=bindparam("_seq"), last_hash=bindparam("_hash"))


@lru_cache(maxsize=8)
def _append_guessed(count: int) -> Executable:
    """PostgreSQL: one statement that moves the guessed head (unless another transaction holds it: skipped, not
    waited for) and inserts `count` events only if it moved (returning their ids); the events are parameters
    `<column>_<i>`."""
    free = select(HEADS.c.id).where(HEADS.c.id == bindparam("_shard")).with_for_update(skip_locked=True)
    moved = _MOVE_GUESSED.where(HEADS.c.id.in_(free.scalar_subquery())).returning(HEADS.c.id).cte("moved")
    source = rows_after(moved, EVENTS, _EVENT_COLUMNS, count)
    return insert(EVENTS).from_select(list(_EVENT_COLUMNS), source).add_cte(moved).returning(EVENTS.c.id)


def _chained(shard: int, seq: int, last: str, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events with their place in `shard` after (seq, last) and their hashes."""
    rows = []
    for event in events:
        seq += 1
        digest = event_hash(seq, last, event["at"], event["actor"], event["action"], event["case_id"],
                            event["task_id"], event["data"])
        rows.append(event | {"shard": shard, "seq": seq, "prev_hash": last, "hash": digest})
        last = digest
    return rows


def _on_guess(conn: Connection, shard: int, events: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The events appended to `shard` where this process last left it, if its head is still there (and, on
    PostgreSQL, not held by another transaction); None when it is not (nothing was written)."""
    seen = _left_at.get(shard)
    if seen is None:
        return None
    rows = _chained(shard, seen[0], seen[1], events)
    move = {"_shard": shard, "_seen_seq": seen[0], "_seen_hash": seen[1], "_seq": rows[-1]["seq"],
            "_hash": rows[-1]["hash"]}
    if conn.dialect.name == "postgresql":
        params = move | row_params(rows, _EVENT_COLUMNS)
        return rows if len(conn.execute(_append_guessed(len(rows)), params).all()) == len(rows) else None
    if conn.execute(_MOVE_GUESSED, move).rowcount != 1:
        return None
    conn.execute(insert(EVENTS), rows)
    return rows


def seal(session: Session, events: list[dict[str, Any]]) -> None:
    """Insert `events` (this transaction's, in order: at, actor, action, case_id, task_id, data) each once
    with its place and hash, and move the shard's head past them."""
    if not events:
        return
    conn = session.connection()
    rows = _on_guess(conn, own_shard(), events)
    if rows is None:
        shard, seq, last, exists = _lock_head(conn)
        rows = _chained(shard, seq, last, events)
        if exists:
            conn.execute(_MOVE_HEAD, {"shard": shard, "last_seq": rows[-1]["seq"], "last_hash": rows[-1]["hash"]})
        else:
            conn.execute(insert(HEADS).values(id=shard, last_seq=rows[-1]["seq"], last_hash=rows[-1]["hash"]))
        conn.execute(insert(EVENTS), rows)
    _left_at[rows[-1]["shard"]] = (rows[-1]["seq"], rows[-1]["hash"])


def anchor(session: Session, now: datetime, every: timedelta = ANCHOR_EVERY) -> int | None:
    """Record every shard's head in a new anchor if the last one is older than `every`; its id, else None."""
    last = session.scalars(select(AuditAnchorRow).order_by(AuditAnchorRow.id.desc()).limit(1)).first()
    if last is not None and _aware(last.at) > now - every:
        return None
    heads = {str(h.id): [h.last_seq, h.last_hash] for h in session.scalars(select(AuditChainRow))}
    anchor_id = (last.id if last else 0) + 1
    prev = last.hash if last else GENESIS
    try:
        with session.begin_nested():
            session.execute(insert(AuditAnchorRow).values(
                id=anchor_id, at=now, heads=heads, prev_hash=prev, hash=anchor_hash(anchor_id, prev, now, heads)))
    except IntegrityError:  # another worker anchored at the same moment
        return None
    return anchor_id


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _shard_events(session: Session, shard: int, batch: int = 2000) -> Iterator[AuditEventRow]:
    last = 0
    while True:
        rows = session.scalars(select(AuditEventRow).where(AuditEventRow.shard == shard, AuditEventRow.seq > last)
                               .order_by(AuditEventRow.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq or last
        session.expunge_all()


def verify(session: Session) -> ChainReport:
    """Walk every shard from its start, then the anchors; report the first link that does not hold."""
    unsealed = session.scalars(select(AuditEventRow.id).where(AuditEventRow.seq.is_(None))
                               .order_by(AuditEventRow.id).limit(1)).first()
    if unsealed is not None:
        return ChainReport(0, unsealed, f"event id {unsealed} is not in the chain (no seq)")
    heads = {h.id: (h.last_seq, h.last_hash) for h in session.scalars(select(AuditChainRow))}
    shards = sorted(set(heads) | set(session.scalars(select(AuditEventRow.shard).distinct())))
    checked = 0
    for shard in shards:
        report = _verify_shard(session, shard, heads.get(shard, (0, GENESIS)))
        if not report.intact:
            return ChainReport(checked + report.checked, report.broken_at, report.problem)
        checked += report.checked
    newest = latest_anchor(session)
    anchored = f"{newest[0]}:{newest[1]}" if newest else None
    return ChainReport(checked, None, _anchor_problem(session), anchored)


def _verify_shard(session: Session, shard: int, head: tuple[int, str]) -> ChainReport:
    checked, prev = 0, GENESIS
    for row in _shard_events(session, shard):
        problem = _link_problem(row, checked + 1, prev)
        if problem:
            return ChainReport(checked, checked + 1, f"shard {shard}: {problem}")
        checked, prev = checked + 1, row.hash or ""
    if head != (checked, prev):
        return ChainReport(checked, checked + 1, f"shard {shard}: the chain ends at seq {checked} but its head "
                                                 f"says {head[0]}: events were removed")
    return ChainReport(checked)


def _link_problem(row: AuditEventRow, expected_seq: int, prev: str) -> str | None:
    if row.seq != expected_seq:
        return f"seq {expected_seq} is missing (next is {row.seq}): an event was removed"
    if row.prev_hash != prev:
        return f"seq {row.seq} (id {row.id}) does not link to the event before it"
    if row.hash != _row_hash(row):
        return f"seq {row.seq} (id {row.id}, {row.action}) was changed after it was written"
    return None


def _anchor_problem(session: Session) -> str | None:
    """The first anchor that is not chained, or names an event that is gone or changed."""
    prev, expected = GENESIS, 1
    for a in session.scalars(select(AuditAnchorRow).order_by(AuditAnchorRow.id)):
        if a.id != expected or a.prev_hash != prev or a.hash != anchor_hash(a.id, a.prev_hash, a.at, a.heads):
            return f"anchor {expected} is missing, out of order or changed"
        for shard, (seq, digest) in a.heads.items():
            if seq and session.scalar(select(AuditEventRow.hash).where(
                    AuditEventRow.shard == int(shard), AuditEventRow.seq == seq)) != digest:
                return f"anchor {a.id} recorded shard {shard} at seq {seq}, which is no longer there as anchored"
        prev, expected = a.hash, expected + 1
    return None


def rechain_in_id_order(conn: Connection, columns: Any) -> tuple[int, str]:
    """Chain every event of `columns` (the audit_event table's columns as a migration sees them) into one chain
    in id order; the new head (last seq, last hash). For migrations that build or merge the one chain."""
    seq, prev = 0, GENESIS
    rows = conn.execute(select(columns.id, columns.at, columns.actor, columns.action, columns.case_id,
                               columns.task_id, columns.data).order_by(columns.id)).all()
    for row in rows:
        seq += 1
        digest = event_hash(seq, prev, row.at, row.actor, row.action, row.case_id, row.task_id, row.data or {})
        conn.execute(update(columns.id.table).where(columns.id == row.id)
                     .values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    return seq, prev


def latest_anchor(session: Session) -> tuple[int, str] | None:
    """The newest anchor's id and hash (to keep outside the database), if any."""
    row = session.execute(select(AuditAnchorRow.id, AuditAnchorRow.hash).order_by(AuditAnchorRow.id.desc())
                          .limit(1)).first()
    return (row.id, row.hash) if row else None
