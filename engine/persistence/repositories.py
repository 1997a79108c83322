"""Write-side repositories: each works inside the unit of work's session."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict
from datetime import datetime
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, Table, and_, bindparam, delete, func, insert, null, select, update
from sqlalchemy import case as sql_case
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.domain.errors import ConcurrentUpdate
from engine.domain.model import ApiKey, CaseFailure, HumanTask, Membership, Notice
from engine.domain.records import (
    CaseFactRecord,
    CaseProjection,
    ChainReport,
    Claim,
    DueTimer,
    NewCase,
    StoredCase,
    StoredDefinition,
    StoredIdempotencyKey,
    StoredUser,
    TaskProjection,
    TimerProjection,
)
from engine.persistence import audit_chain
from engine.persistence.batched import row_params, rows_after
from engine.persistence.customer_notices import reseal_customer_notices
from engine.persistence.evidence import reseal_comments
from engine.persistence.queries import task_from_row
from engine.persistence.resealing import seal_all
from engine.persistence.sealing import Sealer
from engine.persistence.tables import (
    ApiKeyRow,
    AuditEventRow,
    CaseFactRow,
    CaseNumberSequenceRow,
    CaseRow,
    HumanTaskRow,
    IdempotencyKeyRow,
    NoticeRow,
    ProcessDefinitionRow,
    TimerRow,
    UserMembershipRow,
    UserRow,
)

# The tables themselves, for the write path's Core statements (no ORM unit-of-work bookkeeping).
CASE = cast(Table, CaseRow.__table__)
TASK = cast(Table, HumanTaskRow.__table__)
TIMER = cast(Table, TimerRow.__table__)
FACT = cast(Table, CaseFactRow.__table__)
NOTICE = cast(Table, NoticeRow.__table__)
OPEN = ("ready", "claimed")
_STORED_COLUMNS = (CASE.c.id, CASE.c.number, CASE.c.definition_id, CASE.c.process_key, CASE.c.status,
                   CASE.c.version, CASE.c.state, CASE.c.complaint, CASE.c.received_at, CASE.c.grade,
                   CASE.c.supervised, CASE.c.unit)


_LOCK_CASE = select(CASE.c.id).where(CASE.c.id == bindparam("case_id")).with_for_update()
_CASE_OF_TASK = select(TASK.c.case_id).where(TASK.c.id == bindparam("task_id")).scalar_subquery()
_LOCK_CASE_OF_TASK = select(CASE.c.id).where(CASE.c.id == _CASE_OF_TASK).with_for_update()
_CLAIM_READY = update(TASK).where(TASK.c.id == bindparam("_task_id"), TASK.c.status == "ready",
                                  TASK.c.assignee.is_(None)).values(status="claimed").returning(*TASK.c)
_LOAD_CASE = select(*_STORED_COLUMNS).where(CASE.c.id == bindparam("case_id")).with_for_update()
_LOAD_CASE_OF_TASK = select(*_STORED_COLUMNS).where(CASE.c.id == _CASE_OF_TASK).with_for_update()
# SQLite: the case and the task in one read (its writers take turns at BEGIN IMMEDIATE: no row locks to order).
_LOAD_CASE_WITH_TASK = select(*_STORED_COLUMNS, *(c.label(f"task_{c.name}") for c in TASK.c)).join_from(
    TASK, CASE, CASE.c.id == TASK.c.case_id).where(TASK.c.id == bindparam("task_id"))
_TASK_BY_ID = select(TASK).where(TASK.c.id == bindparam("task_id"))
_SAVE_CASE = update(CASE).where(CASE.c.id == bindparam("_case_id"), CASE.c.version == bindparam("_expected")).values(
    failure=null())
_NOTE_CHASE = update(TASK).where(TASK.c.id == bindparam("task_id")).values(
    chase_count=TASK.c.chase_count + 1, last_chased_at=bindparam("at"))
_COMPLETE_TASK = update(TASK).where(
    TASK.c.id == bindparam("task_id"), TASK.c.status == "claimed", TASK.c.assignee == bindparam("by")).values(
    status="completed", completed_by=bindparam("by"))


_TASK_ROW_COLUMNS = ("id", "case_id", "case_number", "process_key", "bpmn_id", "title", "unit", "department", "lane",
                     "grade", "status", "assignee", "created_at", "due_at", "chase_count")


@lru_cache(maxsize=8)
def _complete_and_insert(count: int) -> Executable:
    """PostgreSQL: `_COMPLETE_TASK` as a CTE and the INSERT of `count` new task rows that happens only if it
    closed the row (parameters `<column>_<i>`), returning the ids inserted."""
    done = update(TASK).where(
        TASK.c.id == bindparam("task_id"), TASK.c.status == "claimed", TASK.c.assignee == bindparam("by")).values(
        status="completed", completed_by=bindparam("by"), completed_at=bindparam("done_at")).returning(
        TASK.c.id).cte("done")
    source = rows_after(done, TASK, _TASK_ROW_COLUMNS, count)
    return insert(TASK).from_select(list(_TASK_ROW_COLUMNS), source).add_cte(done).returning(TASK.c.id)


@lru_cache(maxsize=16)
def _assign_task(guard: tuple[tuple[str, bool], ...]) -> Executable:
    """The UPDATE that sets a task's assignee and status if its row still has the guarded values
    ((column, is null) pairs; the values are the parameters `_<column>`)."""
    return update(TASK).where(TASK.c.id == bindparam("_task_id"), *(
        TASK.c[k].is_(None) if is_null else TASK.c[k] == bindparam(f"_{k}") for k, is_null in guard))


def _stored_case(row: Any, sealer: Sealer) -> StoredCase:
    """The case of a row holding `_STORED_COLUMNS`, its state and complaint opened."""
    return StoredCase(
        row.id, row.number or "", row.definition_id, row.process_key, row.status, row.version,
        sealer.open(row.state), sealer.open_fields(row.complaint), row.received_at, row.grade, row.supervised,
        row.unit,
    )


def _timer_key(t: TimerProjection) -> tuple[str, str, str, str | None, datetime]:
    return (t.task_id, t.bpmn_id, t.kind, t.attached_task_id, t.fire_at)


class _CoreWriter:
    """Runs the write path's Core statements on the session's connection: its rows are not ORM objects, so
    the ORM's per-statement bookkeeping (autoflush, identity map) is skipped."""

    session: Session

    def _execute(self, statement: Executable, params: Any = None) -> CursorResult[Any]:
        return self.session.connection().execute(statement, params)


def _definition(row: ProcessDefinitionRow) -> StoredDefinition:
    return StoredDefinition(
        row.id, row.process_key, row.name, row.version, row.content_hash,
        dict(row.files), row.deployed_at, row.deployed_by,
    )


class DefinitionRepository:
    """Deployed process definitions."""

    def __init__(self, session: Session):
        self.session = session

    def latest(self, process_key: str) -> StoredDefinition | None:
        """The newest version of a process."""
        row = self.session.scalars(
            select(ProcessDefinitionRow)
            .where(ProcessDefinitionRow.process_key == process_key)
            .order_by(ProcessDefinitionRow.version.desc())
            .limit(1)
        ).first()
        return _definition(row) if row else None

    def get(self, definition_id: int) -> StoredDefinition | None:
        """A definition version by id."""
        row = self.session.get(ProcessDefinitionRow, definition_id)
        return _definition(row) if row else None

    def add(self, definition: StoredDefinition) -> int:
        """Store a new version; returns its id."""
        row = ProcessDefinitionRow(
            process_key=definition.process_key, name=definition.name, version=definition.version,
            content_hash=definition.content_hash, files=definition.files,
            deployed_at=definition.deployed_at, deployed_by=definition.deployed_by,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def lock_process_key(self, process_key: str) -> None:
        """Serialize concurrent deploys of one process (PostgreSQL advisory lock)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(process_key))))


class CaseRepository(_CoreWriter):
    """Cases and their workflow state, with optimistic versioning; personal data sealed at rest."""

    def __init__(self, session: Session, sealer: Sealer):
        self.session = session
        self.sealer = sealer

    def add(self, new: NewCase) -> int:
        """Insert a case (state filled in by the first save) with its complainant's matching keys; returns its id."""
        keys = self.sealer.match_keys(new.complaint)
        row = CaseRow(
            phone_key=keys.phone, id_key=keys.id_number,
            definition_id=new.definition_id, process_key=new.process_key, status="open",
            version=0, state="", complaint=self.sealer.seal_fields(new.complaint), channel=new.channel,
            organisation=new.organisation, unit=new.unit, grade=new.grade, category=new.category,
            cause=new.cause, received_at=new.received_at, received_by=new.received_by,
            internal_due_at=new.internal_due_at, regulatory_due_at=new.regulatory_due_at,
            calendar_warning=new.calendar_warning, created_at=new.now, updated_at=new.now,
            process_data={}, completed_elements=[], current_elements=[], regulatory_extensions=[],
            name_key=self.sealer.name_key(new.complaint.get("complainant_name")),
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def set_number(self, case_id: int, number: str) -> None:
        """Give a new case its complaint number."""
        self.session.execute(update(CaseRow).where(CaseRow.id == case_id).values(number=number))

    def next_in_sequence(self, scope: str) -> int:
        """The scope's next number (1, 2, ...), in one statement: concurrent writers queue on the scope's row
        until commit, and a rolled-back case gives its number back."""
        dialect_insert: Any = sqlite_insert if self.session.get_bind().dialect.name == "sqlite" else postgresql_insert
        row = CaseNumberSequenceRow
        upsert = dialect_insert(row).values(scope=scope, last=1).on_conflict_do_update(
            index_elements=[row.scope], set_={"last": row.last + 1}).returning(row.last)
        return int(self.session.execute(upsert).scalar_one())

    def lock(self, case_id: int) -> None:
        """Lock the case row until commit (writers of one case take turns), without loading its state.
        SQLite's writers already take turns (BEGIN IMMEDIATE locks the database): nothing to do there."""
        if self.session.get_bind().dialect.name != "sqlite":
            self._execute(_LOCK_CASE, {"case_id": case_id})

    def lock_by_task(self, task_id: str) -> None:
        """Lock the case of a task as `lock` does (nothing on SQLite), found by the task's id."""
        if self.session.get_bind().dialect.name != "sqlite":
            self._execute(_LOCK_CASE_OF_TASK, {"task_id": task_id})

    def load_for_update(self, case_id: int) -> StoredCase | None:
        """The case, locked against concurrent writers until commit."""
        return self._stored(_LOAD_CASE, {"case_id": case_id})

    def load_for_update_by_task(self, task_id: str) -> StoredCase | None:
        """The case of a task, locked as load_for_update (None when there is no such task)."""
        return self._stored(_LOAD_CASE_OF_TASK, {"task_id": task_id})

    def load_for_update_with_task(self, task_id: str) -> tuple[StoredCase | None, HumanTask | None]:
        """The case of a task, locked as load_for_update, and the task as it is once the lock is held. On
        PostgreSQL two reads, the case first (every writer locks case, then task: one statement locking both
        could take them the other way round); on SQLite, whose writers already take turns, one."""
        if self.session.get_bind().dialect.name != "sqlite":
            case = self.load_for_update_by_task(task_id)
            row = self._execute(_TASK_BY_ID, {"task_id": task_id}).first()
            return case, task_from_row(row) if row is not None else None
        row = self._execute(_LOAD_CASE_WITH_TASK, {"task_id": task_id}).first()
        if row is None:
            return None, None
        task = SimpleNamespace(**{k[5:]: v for k, v in row._mapping.items() if k.startswith("task_")})
        return _stored_case(row, self.sealer), task_from_row(task)

    def _stored(self, query: Executable, params: dict[str, Any]) -> StoredCase | None:
        row = self._execute(query, params).first()
        return None if row is None else _stored_case(row, self.sealer)

    def save(self, case_id: int, expected_version: int, proj: CaseProjection) -> int:
        """Write the new state and projections if nobody else did first; returns the new version."""
        values: dict[str, Any] = {
            "state": self.sealer.seal(proj.state), "status": proj.status,
            "process_data": self.sealer.seal_fields(proj.process_data),
            "completed_elements": proj.completed_elements,
            "current_elements": proj.current_elements, "updated_at": proj.now,
            "version": expected_version + 1, "closed_at": proj.closed_at, "failed_at": None, **proj.extra,
            "_case_id": case_id, "_expected": expected_version,
        }
        if proj.supervised is not None:
            values["supervised"] = proj.supervised
        result = self._execute(_SAVE_CASE, values)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"case {case_id} was changed by someone else; reload and retry")
        return expected_version + 1

    def record_failure(self, case_id: int, failure: CaseFailure, status: str | None = None) -> None:
        """Note that the case's workflow failed (shown to supervisors until a later run succeeds)."""
        values: dict[str, Any] = {"failed_at": failure.at, "failure": failure.as_record()}
        if status is not None:
            values["status"] = status
        self.session.execute(update(CaseRow).where(CaseRow.id == case_id).values(**values))

    def extensions(self, case_id: int) -> list[dict[str, Any]]:
        """The regulatory extensions recorded on a case, oldest first."""
        row = self.session.get(CaseRow, case_id)
        return list(row.regulatory_extensions) if row is not None else []

    def update_fields(self, case_id: int, **values: Any) -> None:
        """Set plain columns on a case (deadlines, flags)."""
        self.session.execute(update(CaseRow).where(CaseRow.id == case_id).values(**values))

    def reseal_all(self) -> int:
        """Every case's personal data (and its customer notices and comments) encrypted under the newest key,
        matching keys recomputed; the count of cases."""
        cases = seal_all(self.session.connection(), self.sealer)
        reseal_customer_notices(self.session, self.sealer)
        reseal_comments(self.session, self.sealer)
        return cases


class TaskRepository(_CoreWriter):
    """The human_task projection."""

    def __init__(self, session: Session):
        self.session = session

    def sync(
        self, case_id: int, case_number: str, process_key: str, grade: str | None,
        ready: Sequence[TaskProjection], now: datetime, completed: dict[str, str],
        open_ids: Collection[str] | None = None,
    ) -> list[str]:
        """Make the rows of a case match its ready tasks; finished rows keep their history. Returns the ids
        of the rows it created. `open_ids`: the case's open rows when the caller knows them (no read then;
        their element names are taken as unchanged). Raises ConcurrentUpdate when a row in `completed` is no
        longer claimed by its completer (given back or handed on meanwhile)."""
        shown = {t.id: (t.bpmn_id, t.title, t.lane) for t in ready}
        existing = self._open_rows(case_id) if open_ids is None else dict.fromkeys(open_ids)
        for task_id, names in existing.items():
            if names is not None and task_id in shown and names != shown[task_id]:  # moved to a new version
                bpmn_id, title, lane = shown[task_id]
                self._execute(update(TASK).where(TASK.c.id == task_id)
                                     .values(bpmn_id=bpmn_id, title=title, lane=lane))
        finished = [task_id for task_id in existing if task_id not in shown]
        closing = [task_id for task_id in finished if task_id in completed]
        cancelled = [task_id for task_id in finished if task_id not in completed]
        if cancelled:
            self._execute(update(TASK).where(TASK.c.id.in_(cancelled), TASK.c.status.in_(OPEN))
                                 .values(status="cancelled", completed_at=now, completed_by=None))
        created = [task for task in ready if task.id not in existing]
        rows = [{"id": task.id, "case_id": case_id, "case_number": case_number, "process_key": process_key,
                 "bpmn_id": task.bpmn_id, "title": task.title, "unit": task.unit, "department": task.department,
                 "lane": task.lane, "grade": grade, "status": "ready", "assignee": None, "created_at": now,
                 "due_at": task.due_at, "chase_count": 0} for task in created]
        if len(closing) == 1 and rows and self.session.get_bind().dialect.name == "postgresql":
            self._complete_and_insert(closing[0], completed[closing[0]], now, rows)
            return [task.id for task in created]
        for task_id in closing:
            self._complete(task_id, completed[task_id], now)
        if rows:
            self._execute(insert(TASK), rows)
        return [task.id for task in created]

    def _complete_and_insert(self, task_id: str, by: str, now: datetime, rows: list[dict[str, Any]]) -> None:
        """PostgreSQL: the completed row closed (guarded as `_complete`) and the new rows inserted in one
        statement; the new rows only if the guard held (else ConcurrentUpdate, and the caller rolls back)."""
        params = {"task_id": task_id, "by": by, "done_at": now} | row_params(rows, _TASK_ROW_COLUMNS)
        inserted = self._execute(_complete_and_insert(len(rows)), params).all()
        if len(inserted) != len(rows):
            raise ConcurrentUpdate(f"task {task_id} was changed by someone else while it was completed")

    def _open_rows(self, case_id: int) -> dict[str, tuple[str, str, str | None] | None]:
        rows = self._execute(select(TASK.c.id, TASK.c.bpmn_id, TASK.c.title, TASK.c.lane)
                                    .where(TASK.c.case_id == case_id, TASK.c.status.in_(OPEN))).all()
        return {row.id: (row.bpmn_id, row.title, row.lane) for row in rows}

    def _complete(self, task_id: str, by: str, now: datetime) -> None:
        done = self._execute(_COMPLETE_TASK, {"task_id": task_id, "by": by, "completed_at": now})
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(f"task {task_id} was changed by someone else while it was completed")

    def set_assignee(self, task_id: str, assignee: str | None, expect: dict[str, Any]) -> bool:
        """Claim, unclaim or reassign if the row still looks like `expect`; False if it changed."""
        guard = tuple((k, v is None) for k, v in sorted(expect.items()))
        params = {f"_{k}": v for k, v in expect.items() if v is not None}
        result = self._execute(_assign_task(guard), params | {
            "_task_id": task_id, "assignee": assignee, "status": "claimed" if assignee else "ready"})
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def claim_ready(self, task_id: str, assignee: str) -> HumanTask | None:
        """Claim the task for `assignee` if it is ready and unassigned: the task as written, or None (nothing
        changed: no such task, or it is claimed, completed or cancelled)."""
        row = self._execute(_CLAIM_READY, {"_task_id": task_id, "assignee": assignee}).first()
        return task_from_row(row) if row is not None else None

    def note_chase(self, task_id: str, at: datetime) -> None:
        """Count a chase on the task row."""
        self._execute(_NOTE_CHASE, {"task_id": task_id, "at": at})


# The case of a due timer, locked unless another transaction holds it; its state read only when the claim holds
# (the version as read with the timer, the clock running, the timer still due): a case another worker has just
# fired costs no read of its state.
_CLAIMABLE = and_(CASE.c.version == bindparam("version"), CASE.c.clock_paused_at.is_(None), select(TIMER.c.id).where(
    TIMER.c.id == bindparam("timer_id"), TIMER.c.status == "armed", TIMER.c.fire_at < bindparam("now")).exists())
_CLAIM_CASE = (select(*(sql_case((_CLAIMABLE, c), else_=null()).label(c.name) if c is CASE.c.state else c
                        for c in _STORED_COLUMNS), _CLAIMABLE.label("claimable"))
               .where(CASE.c.id == bindparam("case_id")).with_for_update(skip_locked=True, of=CASE))


class TimerRepository(_CoreWriter):
    """The timer table the worker sweeps."""

    def __init__(self, session: Session, sealer: Sealer):
        self.session = session
        self.sealer = sealer

    def replace(self, case_id: int, timers: Sequence[TimerProjection],
                before: Collection[TimerProjection] | None = None) -> None:
        """Make the case's armed timer rows match what the workflow waits for. `before`: the timers its rows
        show when the caller knows them; then only the rows of timers that went or came are written."""
        if before is None:
            self._execute(delete(TIMER).where(TIMER.c.case_id == case_id))
            gone, new = [], list(timers)
        else:
            was, now = {_timer_key(t) for t in before}, {_timer_key(t) for t in timers}
            gone = [t.task_id for t in before if _timer_key(t) not in now]
            new = [t for t in timers if _timer_key(t) not in was]
        rows = [{"case_id": case_id, "task_id": t.task_id, "bpmn_id": t.bpmn_id, "kind": t.kind,
                 "attached_task_id": t.attached_task_id, "fire_at": t.fire_at, "status": "armed", "attempts": 0}
                for t in new]
        drop = delete(TIMER).where(TIMER.c.case_id == case_id, TIMER.c.task_id.in_(gone))
        if gone and rows and self.session.get_bind().dialect.name == "postgresql":
            # one round trip: the rows that went deleted and the new ones inserted in one statement
            self._execute(insert(TIMER).values(rows).add_cte(drop.returning(TIMER.c.id).cte("gone")))
            return
        if gone:
            self._execute(drop)
        if rows:
            self._execute(insert(TIMER), rows)

    def due_batch(self, now: datetime, limit: int, exclude: Sequence[int] = ()) -> list[DueTimer]:
        """The earliest due armed timer of each case among the first `limit` due timers (earliest first), with
        the case's version as read: what a sweep claims next, case by case (`claim`). No lock is taken: two
        workers may read the same batch; `claim` gives each case to one of them."""
        query = (
            select(TimerRow.id, TimerRow.case_id, TimerRow.bpmn_id, TimerRow.kind, TimerRow.attempts,
                   TimerRow.fire_at, CaseRow.version)
            .join(CaseRow, CaseRow.id == TimerRow.case_id)
            .where(TimerRow.status == "armed", TimerRow.fire_at < now, CaseRow.clock_paused_at.is_(None))
            .order_by(TimerRow.fire_at, TimerRow.id)
            .limit(limit)
        )
        if exclude:
            query = query.where(TimerRow.case_id.not_in(list(exclude)))
        first: dict[int, DueTimer] = {}
        for row in self.session.execute(query):
            first.setdefault(row.case_id, DueTimer(*row))
        return list(first.values())

    def claim(self, due: DueTimer, now: datetime) -> tuple[Claim, StoredCase | None]:
        """Lock the due timer's case for this transaction unless another transaction holds it (`held`: skipped,
        not waited for); `changed` when the case was saved or its clock paused since `due` was read, or the
        timer is no longer due (the caller lets it go); else `claimed`, with the case as `load_for_update`
        reads it (the same statement: a sweep reads each case once).

        The lock is on the case, not the timer: a case with two due timers must not be fired by two workers at
        once, and case first is the order every writer follows. PostgreSQL (READ COMMITTED) returns the newest
        version of a row it locks but evaluates the subquery on the statement's snapshot: a save committed
        meanwhile shows in the version, a failure recorded on the timer row before the statement in the EXISTS.
        """
        row = self._execute(_CLAIM_CASE, {"case_id": due.case_id, "version": due.case_version, "timer_id": due.id,
                                          "now": now}).first()
        if row is None:
            return "held", None
        if not row.claimable:
            return "changed", None
        return "claimed", _stored_case(row, self.sealer)

    def record_failure(self, timer_id: int, error: str, retry_at: datetime | None) -> None:
        """Count a failed attempt; retry later, or keep it as failed when retry_at is None."""
        row = self.session.get(TimerRow, timer_id)
        if row is None:
            return
        row.attempts += 1
        row.last_error = error[:4000]
        if retry_at is None:
            row.status = "failed"
        else:
            row.fire_at = retry_at

    def give_up_case(self, case_id: int, error: str) -> None:
        """Keep every armed timer of the case as failed: its workflow cannot run on (a limit violation)."""
        self.session.execute(
            update(TimerRow).where(TimerRow.case_id == case_id, TimerRow.status == "armed")
            .values(status="failed", last_error=error[:4000])
        )


class AuditRepository:
    """The append-only audit trail."""

    def __init__(self, session: Session):
        self.session = session
        self._unsealed: list[dict[str, Any]] = []

    def add(
        self, at: datetime, actor: str, action: str, case_id: int | None = None,
        task_id: str | None = None, data: dict[str, Any] | None = None,
    ) -> None:
        """Append one event (it is inserted, in the hash chain, when the unit of work commits)."""
        self._unsealed.append({"at": at, "actor": actor, "action": action, "case_id": case_id, "task_id": task_id,
                               "data": data or {}})

    def denied(
        self, at: datetime, actor: str, action: str, case_id: int | None = None, task_id: str | None = None,
        **details: Any,
    ) -> None:
        """Record a refused attempt at `action` (an `access_denied` event), with any further details."""
        self.add(at, actor, "access_denied", case_id, task_id, {"action": action, **details})

    def seal(self) -> None:
        """Chain this transaction's events; called by the unit of work right before COMMIT."""
        audit_chain.seal(self.session, self._unsealed)
        self._unsealed = []

    def forget_unsealed(self) -> None:
        """After a rollback, the events added so far are gone."""
        self._unsealed = []

    def count_since(self, actor: str, action: str, since: datetime) -> int:
        """How many `action` events `actor` has since `since` (e.g. failed sign-ins)."""
        query = select(func.count()).select_from(AuditEventRow).where(
            AuditEventRow.actor == actor, AuditEventRow.action == action, AuditEventRow.at >= since)
        return int(self.session.scalar(query) or 0)

    def verify(self) -> ChainReport:
        """Check the whole chain."""
        return audit_chain.verify(self.session)

    def anchor(self, now: datetime) -> int | None:
        """Tie the shards together in a new anchor if the last one is old enough; its id, else None."""
        return audit_chain.anchor(self.session, now)


class NoticeRepository:
    """Chase and supervision notices."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, notice: Notice, email: bool) -> int:
        """Store a notice (its email queued when `email`); returns its id."""
        row = NoticeRow(
            kind=notice.kind.value, case_id=notice.case_id, case_number=notice.case_number,
            task_id=notice.task_id, department=notice.department, unit=notice.unit, addressee=notice.addressee,
            sender=notice.sender, reason=notice.reason, created_at=notice.created_at,
            email_status="pending" if email else "none",
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def add_all(self, notices: Sequence[Notice], email: bool) -> None:
        """Store notices in one statement (their emails queued when `email`), without ORM bookkeeping."""
        self.session.connection().execute(insert(NOTICE), [{
            "kind": n.kind.value, "case_id": n.case_id, "case_number": n.case_number, "task_id": n.task_id,
            "department": n.department, "unit": n.unit, "addressee": n.addressee, "sender": n.sender,
            "reason": n.reason, "created_at": n.created_at, "email_status": "pending" if email else "none"}
            for n in notices])

    def last_for_task(self, task_id: str, kind: str, sender: str | None = None) -> datetime | None:
        """When the latest notice of this kind (and sender, if given) was sent for a task."""
        query = select(func.max(NoticeRow.created_at)).where(
            NoticeRow.task_id == task_id, NoticeRow.kind == kind
        )
        if sender is not None:
            query = query.where(NoticeRow.sender == sender)
        return self.session.scalar(query)

    def last_manual_chase(self, task_id: str) -> datetime | None:
        """When a person last chased this task."""
        return self.session.scalar(
            select(func.max(NoticeRow.created_at)).where(
                NoticeRow.task_id == task_id, NoticeRow.kind == "chase", NoticeRow.sender != "system"
            )
        )

    def mark_read(self, notice_id: int, at: datetime) -> None:
        """Mark a notice read."""
        self.session.execute(
            update(NoticeRow).where(NoticeRow.id == notice_id, NoticeRow.read_at.is_(None))
            .values(read_at=at)
        )

    def pending_emails(self, limit: int = 50) -> list[int]:
        """Ids of notices whose email is still to be sent."""
        return list(self.session.scalars(
            select(NoticeRow.id).where(NoticeRow.email_status == "pending")
            .order_by(NoticeRow.id).limit(limit).with_for_update(skip_locked=True)
        ))

    def set_email_status(self, notice_id: int, status: str, at: datetime | None) -> None:
        """Record the email outcome of a notice."""
        self.session.execute(
            update(NoticeRow).where(NoticeRow.id == notice_id)
            .values(email_status=status, email_sent_at=at)
        )


def _user(row: UserRow, memberships: list[Membership]) -> StoredUser:
    return StoredUser(
        row.id, row.username, row.display_name, row.password_hash, memberships,
        list(row.roles), row.email, row.active,
    )


class UserRepository:
    """User accounts."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, username: str) -> StoredUser | None:
        """A user by name."""
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return _user(row, self._memberships([row.id]).get(row.id, [])) if row else None

    def _memberships(self, user_ids: Sequence[int] | None = None) -> dict[int, list[Membership]]:
        query = select(UserMembershipRow).order_by(UserMembershipRow.unit, UserMembershipRow.department)
        if user_ids is not None:
            query = query.where(UserMembershipRow.user_id.in_(list(user_ids)))
        found: dict[int, list[Membership]] = {}
        for row in self.session.scalars(query):
            found.setdefault(row.user_id, []).append(Membership(row.unit, row.department))
        return found

    def add(self, user: StoredUser, now: datetime) -> None:
        """Create a user with their memberships."""
        row = UserRow(
            username=user.username, display_name=user.display_name,
            password_hash=user.password_hash, roles=user.roles,
            email=user.email, active=user.active, created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        self.session.add_all(UserMembershipRow(user_id=row.id, unit=m.unit, department=m.department)
                             for m in user.memberships)
        self.session.flush()

    def update(self, username: str, **values: Any) -> bool:
        """Change a user's columns; False if there is no such user."""
        result = self.session.execute(
            update(UserRow).where(UserRow.username == username).values(**values)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]

    def set_memberships(self, username: str, memberships: Sequence[Membership]) -> None:
        """Replace a user's memberships."""
        user_id = self.session.scalar(select(UserRow.id).where(UserRow.username == username))
        self.session.execute(delete(UserMembershipRow).where(UserMembershipRow.user_id == user_id))
        self.session.add_all(UserMembershipRow(user_id=user_id, unit=m.unit, department=m.department)
                             for m in memberships)
        self.session.flush()

    def all(self) -> list[StoredUser]:
        """Every user, by name."""
        memberships = self._memberships()
        rows = self.session.scalars(select(UserRow).order_by(UserRow.username))
        return [_user(r, memberships.get(r.id, [])) for r in rows]

    def in_department(self, department: str, unit: str | None = None) -> list[StoredUser]:
        """Active users of a department, or of its queue at one unit (reassignment, notices), by name."""
        member = select(UserMembershipRow.user_id).where(UserMembershipRow.department == department)
        if unit is not None:
            member = member.where(UserMembershipRow.unit == unit)
        rows = self.session.scalars(select(UserRow).where(UserRow.active.is_(True), UserRow.id.in_(member))
                                    .order_by(UserRow.username)).all()
        memberships = self._memberships([r.id for r in rows])
        return [_user(r, memberships.get(r.id, [])) for r in rows]


class CaseFactRepository(_CoreWriter):
    """The case_fact projection the reports read: each row read at most once per unit of work, and written
    only with what changed."""

    def __init__(self, session: Session):
        self.session = session
        self._rows: dict[int, dict[str, Any] | None] = {}

    def kept(self, case_id: int) -> tuple[datetime | None, datetime | None, int] | None:
        """What a case's facts row keeps between saves: (replied_at, regulatory_due_at, regulatory_extensions)."""
        row = self._row(case_id)
        return None if row is None else (row["replied_at"], row["regulatory_due_at"],
                                         int(row["regulatory_extensions"] or 0))

    def set_regulatory(self, case_id: int, due: datetime | None, extensions: int) -> None:
        """Record a case's current regulatory deadline and how often it was extended."""
        self._rows.pop(case_id, None)
        self._execute(update(FACT).where(FACT.c.case_id == case_id)
                             .values(regulatory_due_at=due, regulatory_extensions=extensions))

    def save(self, facts: CaseFactRecord) -> None:
        """Insert the facts row of a case, or update the columns that changed (nothing when none did)."""
        values = asdict(facts)
        row = self._row(facts.case_id)
        if row is None:
            self._execute(insert(FACT).values(**values))
        else:
            changed = {k: v for k, v in values.items() if row[k] != v}
            if changed:
                self._execute(update(FACT).where(FACT.c.received_day == row["received_day"],
                                                        FACT.c.case_id == facts.case_id).values(**changed))
        self._rows[facts.case_id] = values

    def created(self, case_id: int) -> None:
        """Note that the case was inserted in this unit of work: it has no facts row (none is read)."""
        self._rows[case_id] = None

    def _row(self, case_id: int) -> dict[str, Any] | None:
        """The case's facts row as read once in this unit of work (and as this unit last wrote it)."""
        if case_id not in self._rows:
            row = self._execute(select(FACT).where(FACT.c.case_id == case_id)).first()
            self._rows[case_id] = None if row is None else dict(row._mapping)
        return self._rows[case_id]

    def bulk_insert(self, facts: Sequence[CaseFactRecord]) -> None:
        """Insert many new facts rows at once (seeding, benchmarks)."""
        if facts:
            self.session.execute(insert(CaseFactRow), [asdict(f) for f in facts])


def _api_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(
        row.name, row.prefix, list(row.scopes), list(row.departments), list(row.roles), row.created_at,
        row.created_by, row.revoked_at, row.revoked_by,
    )


class ApiKeyRepository:
    """API keys of calling systems."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, key: ApiKey, secret_hash: str) -> int:
        """Store a new key with the hash of its secret; returns its id."""
        row = ApiKeyRow(
            name=key.name, prefix=key.prefix, secret_hash=secret_hash, scopes=key.scopes,
            departments=key.departments, roles=key.roles, created_at=key.created_at,
            created_by=key.created_by,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def by_name(self, name: str) -> ApiKey | None:
        """A key by its name."""
        row = self.session.scalars(select(ApiKeyRow).where(ApiKeyRow.name == name)).first()
        return _api_key(row) if row else None

    def by_prefix(self, prefix: str) -> tuple[ApiKey, str] | None:
        """A key by the public prefix of its token, with the stored hash of its secret."""
        row = self.session.scalars(select(ApiKeyRow).where(ApiKeyRow.prefix == prefix)).first()
        return (_api_key(row), row.secret_hash) if row else None

    def all(self) -> list[ApiKey]:
        """Every key, by name."""
        return [_api_key(r) for r in self.session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.name))]

    def revoke(self, name: str, at: datetime, by: str) -> bool:
        """Revoke a key that is still active; False if there is none of that name."""
        result = self.session.execute(
            update(ApiKeyRow).where(ApiKeyRow.name == name, ApiKeyRow.revoked_at.is_(None))
            .values(revoked_at=at, revoked_by=by)
        )
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


class IdempotencyRepository:
    """Idempotency-Keys of open-complaint requests (one per caller and key)."""

    def __init__(self, session: Session):
        self.session = session

    def find(self, caller: str, key: str) -> StoredIdempotencyKey | None:
        """The record of an earlier request of this caller with this key."""
        row = self.session.scalars(
            select(IdempotencyKeyRow).where(IdempotencyKeyRow.caller == caller, IdempotencyKeyRow.key == key)
        ).first()
        return StoredIdempotencyKey(row.caller, row.key, row.fingerprint, row.case_id) if row else None

    def add(self, record: StoredIdempotencyKey, now: datetime) -> bool:
        """Record the key; False when a concurrent request of the same caller stored it first."""
        try:
            with self.session.begin_nested():
                self.session.add(IdempotencyKeyRow(
                    caller=record.caller, key=record.key, fingerprint=record.fingerprint,
                    case_id=record.case_id, created_at=now,
                ))
        except IntegrityError:
            return False
        return True
