"""An in-memory unit of work for the fast service tier (cosmicpython's FakeUnitOfWork): fake repositories
holding domain objects in one `FakeStore`; what a unit does not commit is thrown away on exit, as the real
one rolls back. Only what the services under test ask for is implemented; the rest says so loudly."""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Any

from engine.domain.customer_notices import CustomerNotice, DeliveryStatus, NewCustomerNotice
from engine.domain.errors import ConcurrentUpdate
from engine.domain.model import (
    SYSTEM,
    AuditEvent,
    CaseStatus,
    CaseSummary,
    HumanTask,
    Membership,
    Notice,
    NoticeKind,
    TaskStatus,
)
from engine.domain.records import (
    CaseFactRecord,
    CaseProjection,
    NewCase,
    StoredCase,
    StoredDefinition,
    StoredUser,
    TaskProjection,
    TimerProjection,
)
from engine.domain.supervision import SupervisionCandidate
from engine.persistence.limits import TEXT_LIMITS

WORK_ACTIONS = ("case_opened", "claim", "unclaim", "reassign", "complete")


@dataclass
class FakeCase:
    """A case as the fake keeps it: what it was opened with and its latest projection."""

    new: NewCase
    id: int
    number: str = ""
    version: int = 0
    state: str = ""
    status: str = "open"
    process_data: dict[str, Any] = field(default_factory=dict)
    completed_elements: list[str] = field(default_factory=list)
    current_elements: list[str] = field(default_factory=list)
    supervised: bool = False
    closed_at: datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class FakeStore:
    """Everything the fake "database" holds."""

    definitions: dict[int, StoredDefinition] = field(default_factory=dict)
    cases: dict[int, FakeCase] = field(default_factory=dict)
    tasks: dict[str, HumanTask] = field(default_factory=dict)
    timers: dict[int, list[TimerProjection]] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    notices: list[tuple[Notice, bool]] = field(default_factory=list)  # (notice, email queued)
    users: dict[str, StoredUser] = field(default_factory=dict)
    case_facts: dict[int, CaseFactRecord] = field(default_factory=dict)
    customer_notices: list[CustomerNotice] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    commits: int = 0


class _Repo:
    def __init__(self, store: FakeStore):
        self.store = store

    def __getattr__(self, name: str) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.{name} is not faked; the fast tier does not need it")


class FakeUrgent(_Repo):
    """Urgent and group complaints are tested on the databases (tests/oversight/test_urgent.py): nothing kept."""

    def add(self, urgent: object) -> None:
        return None

    def queues(self, case_id: int) -> set[Membership]:
        return set()


class FakeDefinitions(_Repo):
    def latest(self, process_key: str) -> StoredDefinition | None:
        versions = [d for d in self.store.definitions.values() if d.process_key == process_key]
        return max(versions, key=lambda d: d.version, default=None)

    def get(self, definition_id: int) -> StoredDefinition | None:
        return self.store.definitions.get(definition_id)

    def lock_process_key(self, process_key: str) -> None:
        """One thread, nothing to wait for."""

    def add(self, definition: StoredDefinition) -> int:
        definition_id = len(self.store.definitions) + 1
        self.store.definitions[definition_id] = replace(definition, id=definition_id)
        return definition_id


class FakeCases(_Repo):
    def add(self, new: NewCase) -> int:
        case_id = len(self.store.cases) + 1
        self.store.cases[case_id] = FakeCase(new, case_id)
        return case_id

    def set_number(self, case_id: int, number: str) -> None:
        self.store.cases[case_id].number = number

    def next_in_sequence(self, scope: str) -> int:
        self.store.sequences[scope] = self.store.sequences.get(scope, 0) + 1
        return self.store.sequences[scope]

    def lock(self, case_id: int) -> None:
        """One thread, nothing to wait for."""

    def load_for_update(self, case_id: int) -> StoredCase | None:
        case = self.store.cases.get(case_id)
        if case is None:
            return None
        new = case.new
        return StoredCase(case.id, case.number, new.definition_id, new.process_key, case.status, case.version,
                          case.state, dict(new.complaint), new.received_at, new.grade, case.supervised)

    def load_for_update_by_task(self, task_id: str) -> StoredCase | None:
        task = self.store.tasks.get(task_id)
        return self.load_for_update(task.case_id) if task else None

    def lock_by_task(self, task_id: str) -> None:
        """One thread, nothing to wait for."""

    def load_for_update_with_task(self, task_id: str) -> tuple[StoredCase | None, HumanTask | None]:
        task = self.store.tasks.get(task_id)
        return self.load_for_update_by_task(task_id), replace(task) if task else None

    def save(self, case_id: int, expected_version: int, proj: CaseProjection) -> int:
        case = self.store.cases[case_id]
        if case.version != expected_version:
            raise ConcurrentUpdate(f"case {case_id} was changed by someone else; reload and retry")
        case.version += 1
        case.state, case.status, case.closed_at = proj.state, proj.status, proj.closed_at
        case.process_data = dict(proj.process_data)
        case.completed_elements, case.current_elements = list(proj.completed_elements), list(proj.current_elements)
        if proj.supervised is not None:
            case.supervised = proj.supervised
        case.fields.update(proj.extra)
        return case.version

    def record_failure(self, case_id: int, failure: Any, status: str | None = None) -> None:
        case = self.store.cases[case_id]
        case.fields.update(failed_at=failure.at, failure=failure)
        case.status = status or case.status

    def update_fields(self, case_id: int, **values: Any) -> None:
        case = self.store.cases[case_id]
        if "supervised" in values:
            case.supervised = bool(values.pop("supervised"))
        case.fields.update(values)


class FakeTasks(_Repo):
    def sync(self, case_id: int, case_number: str, process_key: str, grade: str | None,
             ready: list[TaskProjection], now: datetime, completed: dict[str, str],
             open_ids: Collection[str] | None = None) -> list[str]:
        ready_ids = {t.id for t in ready}
        open_tasks = [t for t in self.store.tasks.values()
                      if t.case_id == case_id and t.status in (TaskStatus.READY, TaskStatus.CLAIMED)]
        for task in open_tasks:
            if task.id not in ready_ids:
                by = completed.get(task.id)
                task.status = TaskStatus.COMPLETED if by else TaskStatus.CANCELLED
                task.completed_at, task.completed_by = now, by
        created = [new for new in ready if new.id not in {t.id for t in open_tasks}]
        for new in created:
            self.store.tasks[new.id] = HumanTask(
                new.id, case_id, case_number, process_key, new.bpmn_id, new.title, new.department, new.lane,
                TaskStatus.READY, None, now, new.due_at, grade, unit=new.unit)
        return [new.id for new in created]

    def set_assignee(self, task_id: str, assignee: str | None, expect: dict[str, Any]) -> bool:
        task = self.store.tasks.get(task_id)
        current = {"status": task.status.value, "assignee": task.assignee} if task else {}
        if task is None or any(current[k] != v for k, v in expect.items()):
            return False
        task.assignee, task.status = assignee, TaskStatus.CLAIMED if assignee else TaskStatus.READY
        return True

    def claim_ready(self, task_id: str, assignee: str) -> HumanTask | None:
        task = self.store.tasks.get(task_id)
        if task is None or task.status != TaskStatus.READY or task.assignee is not None:
            return None
        task.assignee, task.status = assignee, TaskStatus.CLAIMED
        return replace(task)

    def note_chase(self, task_id: str, at: datetime) -> None:
        self.store.tasks[task_id].chase_count += 1


class FakeTimers(_Repo):
    def replace(self, case_id: int, timers: list[TimerProjection],
                before: Collection[TimerProjection] | None = None) -> None:
        self.store.timers[case_id] = list(timers)


class FakeAudit(_Repo):
    def add(self, at: datetime, actor: str, action: str, case_id: int | None = None,
            task_id: str | None = None, data: dict[str, Any] | None = None) -> None:
        self.store.audit.append(AuditEvent(len(self.store.audit) + 1, at, actor, action, case_id, task_id,
                                           dict(data or {})))

    def denied(self, at: datetime, actor: str, action: str, case_id: int | None = None,
               task_id: str | None = None, **details: Any) -> None:
        self.add(at, actor, "access_denied", case_id, task_id, {"action": action, **details})


class FakeNotices(_Repo):
    def add(self, notice: Notice, email: bool) -> int:
        stored = replace(notice, id=len(self.store.notices) + 1)
        self.store.notices.append((stored, email))
        return stored.id

    def add_all(self, notices: Sequence[Notice], email: bool) -> None:
        for notice in notices:
            self.add(notice, email)

    def last_for_task(self, task_id: str, kind: str, sender: str | None = None) -> datetime | None:
        times = [n.created_at for n, _ in self.store.notices
                 if n.task_id == task_id and n.kind.value == kind and sender in (None, n.sender)]
        return max(times, default=None)

    def last_manual_chase(self, task_id: str) -> datetime | None:
        times = [n.created_at for n, _ in self.store.notices
                 if n.task_id == task_id and n.kind == NoticeKind.CHASE and n.sender != SYSTEM]
        return max(times, default=None)


class FakeCustomerNotices(_Repo):
    def add(self, new: NewCustomerNotice, status: DeliveryStatus) -> int:
        notice_id = len(self.store.customer_notices) + 1
        self.store.customer_notices.append(CustomerNotice(
            notice_id, new.case_id, new.case_number, new.unit, new.kind, new.channel, new.subject, new.content,
            new.address, status, 0, new.created_at, new.created_at if status == DeliveryStatus.PENDING else None))
        return notice_id

    def for_case(self, case_id: int) -> list[CustomerNotice]:
        return [n for n in self.store.customer_notices if n.case_id == case_id]


class FakeUsers(_Repo):
    def get(self, username: str) -> StoredUser | None:
        return self.store.users.get(username)


class FakeCaseFacts(_Repo):
    def kept(self, case_id: int) -> tuple[datetime | None, datetime | None, int] | None:
        row = self.store.case_facts.get(case_id)
        return (row.replied_at, row.regulatory_due_at, row.regulatory_extensions) if row else None

    def save(self, facts: CaseFactRecord) -> None:
        self.store.case_facts[facts.case_id] = facts

    def created(self, case_id: int) -> None:
        """The store knows which cases have a facts row."""


class FakeCaseLinks(_Repo):
    """No customer has complained before in the fast tier."""

    def count_received(self, *_: Any) -> int:
        return 0

    def same_customer(self, *_: Any, **__: Any) -> list[Any]:
        return []


class FakeReads(_Repo):
    """The read side, answered from the same store."""

    def task(self, task_id: str) -> HumanTask | None:
        task = self.store.tasks.get(task_id)
        return replace(task) if task else None

    def watched_tasks(self, case_id: int, task_ids: Sequence[str]) -> dict[str, tuple[HumanTask, datetime | None]]:
        chases = FakeNotices(self.store)
        return {t.id: (replace(t), chases.last_for_task(t.id, NoticeKind.CHASE.value, SYSTEM))
                for i in task_ids if (t := self.store.tasks.get(i)) is not None and t.case_id == case_id}

    def case(self, case_id: int) -> CaseSummary | None:
        case = self.store.cases.get(case_id)
        if case is None:
            return None
        new, definition = case.new, self.store.definitions[case.new.definition_id]
        return CaseSummary(
            case.id, case.number, new.process_key, definition.version, CaseStatus(case.status),
            dict(new.complaint), new.received_at, new.received_by, new.organisation, new.grade,
            case.fields.get("internal_due_at", new.internal_due_at),
            case.fields.get("regulatory_due_at", new.regulatory_due_at), case.supervised, case.closed_at,
            case.version, new.calendar_warning, list(case.fields.get("regulatory_extensions", [])))

    def case_definition_id(self, case_id: int) -> int | None:
        case = self.store.cases.get(case_id)
        return case.new.definition_id if case else None

    def case_elements(self, case_id: int) -> tuple[list[str], list[str], dict[str, Any]]:
        case = self.store.cases.get(case_id)
        if case is None:
            return [], [], {}
        return list(case.completed_elements), list(case.current_elements), dict(case.process_data)

    def case_tasks(self, case_id: int) -> list[HumanTask]:
        return [replace(t) for t in self.store.tasks.values() if t.case_id == case_id]

    def timeline(self, case_id: int) -> list[AuditEvent]:
        return [replace(e) for e in self.store.audit if e.case_id == case_id]

    def case_queues(self, case_id: int) -> set[Membership]:
        return {Membership(t.unit, t.department) for t in self.store.tasks.values() if t.case_id == case_id}

    def touched_by(self, username: str, case_id: int) -> bool:
        return any(e.case_id == case_id and e.actor == username and e.action in WORK_ACTIONS
                   for e in self.store.audit)

    def notice(self, notice_id: int) -> Notice | None:
        return next((replace(n) for n, _ in self.store.notices if n.id == notice_id), None)

    def supervision_candidates(self, now: datetime, limits: Any) -> list[SupervisionCandidate]:
        """Every open, unsupervised case (the SQL only narrows them down; the rules decide)."""
        return [self._candidate(c) for c in self.store.cases.values() if c.status == "open" and not c.supervised]

    def _candidate(self, case: FakeCase) -> SupervisionCandidate:
        tasks = [t for t in self.store.tasks.values() if t.case_id == case.id]
        done = [t.completed_at for t in tasks if t.status == TaskStatus.COMPLETED and t.completed_at]
        chases = [t.chase_count for t in tasks if t.status in (TaskStatus.READY, TaskStatus.CLAIMED)]
        return SupervisionCandidate(
            case.id, case.number, case.new.grade, case.new.received_at,
            case.fields.get("regulatory_due_at", case.new.regulatory_due_at), max(done, default=None),
            max(chases, default=0))


class FakeUnitOfWork:
    """Fake repositories over one FakeStore; changes not committed are undone on exit."""

    def __init__(self, store: FakeStore, writing: bool = True):
        self.store = store
        self.writing = writing
        self.committed = False

    def __enter__(self) -> FakeUnitOfWork:
        self._before = copy.deepcopy(self.store) if self.writing else self.store
        self.definitions, self.cases = FakeDefinitions(self.store), FakeCases(self.store)
        self.tasks, self.timers = FakeTasks(self.store), FakeTimers(self.store)
        self.audit, self.notices = FakeAudit(self.store), FakeNotices(self.store)
        self.users, self.case_facts = FakeUsers(self.store), FakeCaseFacts(self.store)
        self.customer_notices = FakeCustomerNotices(self.store)
        self.api_keys = self.idempotency = self.reports = self.typical_cases = self.alerts = _Repo(self.store)
        self.links = FakeCaseLinks(self.store)
        self.urgent = FakeUrgent(self.store)
        self.read = FakeReads(self.store)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.rollback()

    def commit(self) -> None:
        """Keep what this unit did (the next rollback goes back to here)."""
        self.store.commits += 1
        self.committed = True
        if self.writing:
            self._before = copy.deepcopy(self.store)

    def expire(self) -> None:
        """Nothing is cached: every read looks at the store."""

    def rollback(self) -> None:
        """Undo everything since the last commit (a reading unit changed nothing)."""
        if not self.writing:
            return
        for name in vars(self._before):
            setattr(self.store, name, getattr(self._before, name))
        self._before = copy.deepcopy(self.store)


class FakeDatabase:
    """Hands out FakeUnitOfWorks over one store; no database anywhere."""

    dialect = "fake"
    text_limits = TEXT_LIMITS  # the real columns' lengths, so input checks behave as on a database

    def __init__(self) -> None:
        self.store = FakeStore()

    def write(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)

    def read(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, writing=False)

    def upgrade(self, home_units: Any = None, root_unit: str = "") -> None:
        """No schema to create."""

    def checkpoint(self) -> None:
        """No log to fold."""

    def ping(self, timeout_seconds: float) -> str:
        return "fake"

    def dispose(self) -> None:
        """Nothing to close."""
