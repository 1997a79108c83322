"""Read-side queries over the projections: inboxes, case pages, notices. Never touches workflow state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, false, func, or_, select
from sqlalchemy.orm import Session

from engine.domain.filters import TaskFilter
from engine.domain.model import (
    SYSTEM,
    AuditEvent,
    CaseFailure,
    CaseStatus,
    CaseSummary,
    DefinitionInfo,
    HumanTask,
    Membership,
    Notice,
    NoticeAudience,
    NoticeKind,
    TaskStatus,
)
from engine.domain.paging import PageRequest
from engine.domain.records import ReportScope
from engine.domain.supervision import SupervisionCandidate, SupervisionThresholds
from engine.persistence import desk
from engine.persistence.sealing import Sealer
from engine.persistence.tables import (
    AuditEventRow,
    CaseFactRow,
    CaseRow,
    CustomerNoticeRow,
    HumanTaskRow,
    NoticeRow,
    ProcessDefinitionRow,
    TimerRow,
)

SUPERVISION_COLUMNS: dict[str, Any] = {
    "received": CaseRow.received_at, "internal_due": CaseRow.internal_due_at,
    "regulatory_due": CaseRow.regulatory_due_at, "number": CaseRow.number,
}
# Audit actions that mean "this person worked on the case" (a denied attempt is not one of them).
# Acting on a case's work makes it visible to the actor; a chase does not (it needs the task visible already).
WORK_ACTIONS = ("case_opened", "claim", "unclaim", "reassign", "complete")


def in_queues(queues: frozenset[Membership], table: type[HumanTaskRow | NoticeRow] = HumanTaskRow,
               ) -> ColumnElement[bool]:
    """Rows (tasks or notices) of these (unit, department) queues: plain equalities, so one queue is read
    in index order."""
    if not queues:
        return false()
    return or_(*(and_(table.unit == q.unit, table.department == q.department) for q in sorted(queues)))


_TASK_BY_ID = select(HumanTaskRow.__table__).where(HumanTaskRow.id == bindparam("task_id"))
# When the system last chased a task: through the case's notices (indexed), not a scan of every notice.
_LAST_AUTO_CHASE = (select(func.max(NoticeRow.created_at))
                    .where(NoticeRow.case_id == HumanTaskRow.case_id, NoticeRow.task_id == HumanTaskRow.id,
                           NoticeRow.kind == NoticeKind.CHASE.value, NoticeRow.sender == SYSTEM)
                    .correlate(HumanTaskRow).scalar_subquery())
_WATCHED_TASKS = select(HumanTaskRow.__table__, _LAST_AUTO_CHASE.label("last_auto_chase")).where(
    HumanTaskRow.case_id == bindparam("case_id"), HumanTaskRow.id.in_(bindparam("task_ids", expanding=True)))


def task_from_row(row: Any, regulatory_due_at: datetime | None = None,
                  internal_due_at: datetime | None = None) -> HumanTask:
    """A task from its row (an ORM row or a Core row of the table), with its case's deadlines when given."""
    return HumanTask(
        id=row.id, case_id=row.case_id, case_number=row.case_number, process_key=row.process_key,
        bpmn_id=row.bpmn_id, title=row.title, unit=row.unit, department=row.department, lane=row.lane,
        status=TaskStatus(row.status), assignee=row.assignee, created_at=row.created_at,
        due_at=row.due_at, grade=row.grade, completed_at=row.completed_at,
        completed_by=row.completed_by, chase_count=row.chase_count,
        regulatory_due_at=regulatory_due_at, internal_due_at=internal_due_at,
    )


def _case(row: CaseRow, version_no: int, sealer: Sealer) -> CaseSummary:
    return CaseSummary(
        id=row.id, number=row.number or "", process_key=row.process_key,
        definition_version=version_no, status=CaseStatus(row.status), complaint=sealer.open_fields(row.complaint),
        received_at=row.received_at, received_by=row.received_by, organisation=row.organisation,
        grade=row.grade, internal_due_at=row.internal_due_at,
        regulatory_due_at=row.regulatory_due_at, supervised=row.supervised,
        closed_at=row.closed_at, version=row.version, calendar_warning=row.calendar_warning,
        regulatory_extensions=list(row.regulatory_extensions or []),
        failure=_failure(row.failed_at, row.failure), unit=row.unit,
        merged_into_id=row.merged_into_id, review_of_id=row.review_of_id,
    )


def case_summary(row: CaseRow, sealer: Sealer) -> CaseSummary:
    """A case row as a list shows it (without its definition's version number)."""
    return _case(row, 0, sealer)


def _task_order(flt: TaskFilter) -> tuple[Any, ...]:
    """ORDER BY of a task list: the filter's sort and direction (none: soonest due first, or for the tasks
    someone completed the newest first), ties by arrival and id."""
    t = HumanTaskRow
    sort = flt.sort or ("completed" if flt.completed_by else "due")
    descending = flt.descending if flt.sort else bool(flt.completed_by)
    keys: tuple[Any, ...] = {
        "completed": (t.completed_at,), "created": (t.created_at,), "case": (t.case_number,),
    }.get(sort, (t.due_at.is_(None), t.due_at, t.created_at))
    if descending:
        return (*(k.desc() for k in keys), t.id.desc())
    return keys if sort == "due" else (*keys, t.id)


def _failure(at: datetime | None, record: dict[str, Any] | None) -> CaseFailure | None:
    """The case's recorded failure, or None when its last run succeeded."""
    if at is None or not record:
        return None
    return CaseFailure(element=record.get("element"), code=str(record.get("code", "workflow_error")),
                       params=dict(record.get("params") or {}), message=str(record.get("message", "")),
                       during=str(record.get("during", "")), at=at)


def _notice(row: NoticeRow) -> Notice:
    return Notice(
        id=row.id, kind=NoticeKind(row.kind), case_id=row.case_id, case_number=row.case_number,
        task_id=row.task_id, department=row.department, addressee=row.addressee,
        sender=row.sender, reason=row.reason, created_at=row.created_at, read_at=row.read_at, unit=row.unit,
    )


def _audience_filter(audience: NoticeAudience) -> ColumnElement[bool]:
    """SQL for NoticeAudience.admits: the audience's rule with its departments, queues and units as parameters."""
    reached: ColumnElement[bool] = NoticeRow.department.in_(sorted(audience.departments))
    if audience.queues is not None:
        reached = reached & in_queues(audience.queues, NoticeRow)
    if audience.units is not None:
        reached = reached & NoticeRow.unit.in_(sorted(audience.units))
    return or_(NoticeRow.addressee == audience.addressee, reached)


NOTICE_COLUMNS: dict[str, Any] = {"created": NoticeRow.id, "case": NoticeRow.case_number, "kind": NoticeRow.kind}


def _notice_query(case_id: int | None, audience: NoticeAudience | None, unread_only: bool) -> Select[Any]:
    query = select(NoticeRow)
    if case_id is not None:
        query = query.where(NoticeRow.case_id == case_id)
    if audience is not None:
        query = query.where(_audience_filter(audience))
    if unread_only:
        query = query.where(NoticeRow.read_at.is_(None))
    return query


class ReadQueries:
    """Queries the inbox, case page, supervisor desk and process owner pages use."""

    def __init__(self, session: Session, sealer: Sealer):
        self.session = session
        self.sealer = sealer

    def tasks(self, flt: TaskFilter) -> list[HumanTask]:
        """Task rows matching the filter in the filter's order (default: soonest due first; completed ones:
        newest first)."""
        rows = self._desk_page(flt) if desk.splits(flt) else self._task_page(flt)
        return self._with_regulatory_due(rows)

    def _task_page(self, flt: TaskFilter, part: desk.Part = desk.Part.ALL) -> list[Any]:
        order = desk.order(_task_order(flt), part)
        page = self._task_query(flt, part).order_by(*order).limit(flt.limit).offset(flt.offset)
        if (flt.units is not None or part is not desk.Part.ALL) and not flt.completed_by:
            # A subtree (many units): no index holds its tasks in list order, so the page is found by sorting
            # index entries (unit, status, order..., id) without reading rows, and only its rows are read.
            # The desk's due tasks likewise (without units: from ix_human_task_open_order, in order).
            page = select(HumanTaskRow).where(HumanTaskRow.id.in_(page.with_only_columns(HumanTaskRow.id)))
            page = page.order_by(*order)
        # Core rows, not ORM objects: a list page maps 100 rows and needs no identity map (~4 ms saved per page).
        return list(self.session.connection().execute(page))

    def _desk_page(self, flt: TaskFilter) -> list[Any]:
        """A desk page (see engine/persistence/desk.py): its parts one after another."""
        rows: list[Any] = []
        skip = flt.offset
        for part in desk.PARTS:
            if len(rows) == flt.limit:
                break
            found = self._task_page(replace(flt, limit=flt.limit - len(rows), offset=skip), part)
            skip = skip - self._count(flt, skip, part) if not found and skip else 0
            rows += found
        return rows

    def _with_regulatory_due(self, rows: list[Any]) -> list[HumanTask]:
        """The tasks of task rows with their cases' regulatory and internal deadlines (one look-up by primary key
        for the page)."""
        case_ids = sorted({r.case_id for r in rows})
        if not case_ids:
            return []
        found = self.session.execute(select(CaseRow.id, CaseRow.regulatory_due_at, CaseRow.internal_due_at)
                                     .where(CaseRow.id.in_(case_ids)))
        dues = {c.id: (c.regulatory_due_at, c.internal_due_at) for c in found}
        return [task_from_row(r, *dues.get(r.case_id, (None, None))) for r in rows]

    def count_tasks(self, flt: TaskFilter, cap: int | None = None) -> int:
        """How many task rows match the filter (at most `cap`: counting stops there)."""
        if not desk.counts_in_parts(flt):
            return self._count(flt, cap)
        total = 0
        for part in desk.PARTS:
            if cap is not None and total >= cap:
                break
            total += self._count(flt, None if cap is None else cap - total, part)
        return total

    def count_tasks_together(self, filters: Sequence[TaskFilter], cap: int) -> list[int]:
        """count_tasks(flt, cap) of each filter, in one statement (the navigation's counts) as far as they are
        single counts (a desk filter counts its parts apart)."""
        single = [f for f in filters if not desk.counts_in_parts(f)]
        counted: list[int] = []
        if single:
            firsts = [self._task_query(f).with_only_columns(HumanTaskRow.id).limit(cap).subquery() for f in single]
            row = self.session.execute(select(*[select(func.count()).select_from(first).scalar_subquery()
                                                for first in firsts])).one()
            counted = [int(n or 0) for n in row]
        found = iter(counted)
        return [next(found) if not desk.counts_in_parts(f) else self.count_tasks(f, cap) for f in filters]

    def _count(self, flt: TaskFilter, cap: int | None, part: desk.Part = desk.Part.ALL) -> int:
        if cap is None:
            query = self._task_query(flt, part).with_only_columns(func.count())  # count(*): from the index
            return int(self.session.scalar(query) or 0)
        first = self._task_query(flt, part).with_only_columns(HumanTaskRow.id).limit(cap).subquery()
        return int(self.session.scalar(select(func.count()).select_from(first)) or 0)

    def _task_query(self, flt: TaskFilter, part: desk.Part = desk.Part.ALL) -> Select[Any]:
        query = select(HumanTaskRow).where(desk.statuses(flt))
        if flt.departments is not None:
            query = query.where(HumanTaskRow.department.in_(sorted(flt.departments)))
        if flt.queues is not None:
            query = query.where(in_queues(flt.queues))
        if flt.units is not None:
            query = query.where(HumanTaskRow.unit.in_(sorted(flt.units)))
        if flt.assignee is not None:
            query = query.where(HumanTaskRow.assignee == flt.assignee)
        if flt.completed_by is not None:
            query = query.where(HumanTaskRow.completed_by == flt.completed_by)
        if flt.grade:
            query = query.where(HumanTaskRow.grade == flt.grade)
        if flt.process_key:
            query = query.where(HumanTaskRow.process_key == flt.process_key)
        if flt.due_before is not None:
            query = query.where(desk.due_condition(flt, part))
        return query

    def task(self, task_id: str) -> HumanTask | None:
        """One task row."""
        row = self.session.connection().execute(_TASK_BY_ID, {"task_id": task_id}).first()
        return task_from_row(row) if row else None

    def watched_tasks(self, case_id: int, task_ids: Sequence[str]) -> dict[str, tuple[HumanTask, datetime | None]]:
        """The case's task rows among `task_ids` (those its fired timers watch), each with when the system last
        chased it (None: never), in one statement."""
        rows = self.session.connection().execute(_WATCHED_TASKS, {"case_id": case_id, "task_ids": list(task_ids)})
        return {row.id: (task_from_row(row), row.last_auto_chase) for row in rows}

    def case(self, case_id: int) -> CaseSummary | None:
        """One case's summary."""
        row = self.session.get(CaseRow, case_id)
        if row is None:
            return None
        version_no = self.session.scalar(
            select(ProcessDefinitionRow.version).where(ProcessDefinitionRow.id == row.definition_id)
        )
        return _case(row, int(version_no or 0), self.sealer)

    def case_definition_id(self, case_id: int) -> int | None:
        """The definition version a case runs on."""
        return self.session.scalar(select(CaseRow.definition_id).where(CaseRow.id == case_id))

    def case_id_by_number(self, number: str) -> int | None:
        """The id of a case by its complaint number."""
        return self.session.scalar(select(CaseRow.id).where(CaseRow.number == number))

    def open_cases_on(self, definition_ids: Sequence[int]) -> list[tuple[int, str, int]]:
        """(id, number, definition id) of the open cases running on these definition versions, oldest first."""
        rows = self.session.execute(
            select(CaseRow.id, CaseRow.number, CaseRow.definition_id)
            .where(CaseRow.status == "open", CaseRow.definition_id.in_(list(definition_ids)))
            .order_by(CaseRow.id)
        )
        return [(int(i), str(n or i), int(d)) for i, n, d in rows]

    def case_elements(self, case_id: int) -> tuple[list[str], list[str], dict[str, Any]]:
        """Completed and current diagram elements and the latest process data of a case."""
        row = self.session.get(CaseRow, case_id)
        if row is None:
            return [], [], {}
        return list(row.completed_elements), list(row.current_elements), self.sealer.open_fields(row.process_data)

    def case_tasks(self, case_id: int) -> list[HumanTask]:
        """All task rows of a case, oldest first."""
        rows = self.session.scalars(
            select(HumanTaskRow).where(HumanTaskRow.case_id == case_id)
            .order_by(HumanTaskRow.created_at, HumanTaskRow.id)
        )
        return [task_from_row(r) for r in rows]

    def timeline(self, case_id: int) -> list[AuditEvent]:
        """The audit trail of a case, oldest first."""
        rows = self.session.scalars(
            select(AuditEventRow).where(AuditEventRow.case_id == case_id).order_by(AuditEventRow.id)
        )
        return [
            AuditEvent(r.id, r.at, r.actor, r.action, r.case_id, r.task_id, dict(r.data)) for r in rows
        ]

    def audit_actions(self, action: str | None = None, limit: int = 1000) -> list[AuditEvent]:
        """Recent audit events, optionally of one action."""
        query = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(limit)
        if action:
            query = query.where(AuditEventRow.action == action)
        return [
            AuditEvent(r.id, r.at, r.actor, r.action, r.case_id, r.task_id, dict(r.data))
            for r in self.session.scalars(query)
        ]

    def touched_by(self, username: str, case_id: int) -> bool:
        """True when the user worked on the case (opened it, claimed, gave back, reassigned or completed a task)."""
        hit = self.session.scalar(
            select(AuditEventRow.id).where(
                AuditEventRow.case_id == case_id, AuditEventRow.actor == username,
                AuditEventRow.action.in_(WORK_ACTIONS),
            ).limit(1)
        )
        return hit is not None

    def case_queues(self, case_id: int) -> set[Membership]:
        """The (unit, department) queues that held any task of the case."""
        rows = self.session.execute(
            select(HumanTaskRow.unit, HumanTaskRow.department).where(HumanTaskRow.case_id == case_id).distinct()
        )
        return {Membership(unit, department) for unit, department in rows}

    def notices(
        self, *, case_id: int | None = None, audience: NoticeAudience | None = None,
        unread_only: bool = False, limit: int = 100, page: PageRequest | None = None,
    ) -> list[Notice]:
        """Notices for a case, or those an audience reads (see NoticeAudience): newest first, or the page's."""
        page = page or PageRequest(size=limit, sort="created", descending=True)
        column = NOTICE_COLUMNS.get(page.sort, NoticeRow.id)
        order = (column.desc(), NoticeRow.id.desc()) if page.descending else (column, NoticeRow.id)
        query = _notice_query(case_id, audience, unread_only).order_by(*order).limit(page.size).offset(page.offset)
        return [_notice(r) for r in self.session.scalars(query)]

    def count_notices(self, audience: NoticeAudience, unread_only: bool, cap: int) -> int:
        """How many notices an audience reads (counting at most `cap`)."""
        first = _notice_query(None, audience, unread_only).with_only_columns(NoticeRow.id).limit(cap).subquery()
        return int(self.session.scalar(select(func.count()).select_from(first)) or 0)

    def notice(self, notice_id: int) -> Notice | None:
        """One notice."""
        row = self.session.get(NoticeRow, notice_id)
        return _notice(row) if row else None

    def supervised_cases(self, units: frozenset[str] | None = None, limit: int = 200,
                         page: PageRequest | None = None) -> list[CaseSummary]:
        """Open cases on the supervision list (received in `units`, if given): the page's (default: the first
        `limit`, oldest first)."""
        page = page or PageRequest(size=limit, sort="received")
        column = SUPERVISION_COLUMNS.get(page.sort, CaseRow.received_at)
        order = (column.desc(), CaseRow.id.desc()) if page.descending else (column, CaseRow.id)
        query = self._supervised(units).order_by(*order).limit(page.size).offset(page.offset)
        return [_case(r, 0, self.sealer) for r in self.session.scalars(query)]

    def count_supervised(self, units: frozenset[str] | None, cap: int) -> int:
        """How many open cases are on the supervision list (counting at most `cap`)."""
        first = self._supervised(units).with_only_columns(CaseRow.id).limit(cap).subquery()
        return int(self.session.scalar(select(func.count()).select_from(first)) or 0)

    @staticmethod
    def _supervised(units: frozenset[str] | None) -> Select[Any]:
        query = select(CaseRow).where(CaseRow.supervised.is_(True), CaseRow.status == "open")
        return query if units is None else query.where(CaseRow.unit.in_(sorted(units)))

    def latest_definition_ids(self) -> dict[str, int]:
        """The id of each process's newest version, by process key (one narrow read: no files, no counts)."""
        rows = self.session.execute(select(ProcessDefinitionRow.process_key, ProcessDefinitionRow.id)
                                    .order_by(ProcessDefinitionRow.process_key, ProcessDefinitionRow.version))
        return {key: int(definition_id) for key, definition_id in rows}  # the newest comes last

    def definitions(self) -> list[DefinitionInfo]:
        """Every deployed version, newest first per process, with its running case count."""
        running: dict[int, int] = dict(self.session.execute(  # type: ignore[arg-type]
            select(CaseRow.definition_id, func.count(CaseRow.id))
            .where(CaseRow.status == "open").group_by(CaseRow.definition_id)
        ).all())
        rows = self.session.scalars(
            select(ProcessDefinitionRow).order_by(
                ProcessDefinitionRow.process_key, ProcessDefinitionRow.version.desc()
            )
        )
        return [
            DefinitionInfo(
                r.id, r.process_key, r.version, r.content_hash, r.deployed_at, r.deployed_by,
                sorted(r.files), int(running.get(r.id, 0)),
            )
            for r in rows
        ]

    def timers(self, case_id: int) -> list[dict[str, Any]]:
        """A case's timer rows (for the case page and operations)."""
        rows = self.session.scalars(
            select(TimerRow).where(TimerRow.case_id == case_id).order_by(TimerRow.fire_at)
        )
        return [
            {"bpmn_id": r.bpmn_id, "kind": r.kind, "fire_at": r.fire_at, "status": r.status,
             "attempts": r.attempts, "last_error": r.last_error}
            for r in rows
        ]

    def supervision_candidates(self, now: datetime, limits: SupervisionThresholds) -> list[SupervisionCandidate]:
        """Open cases not yet supervised that some supervision rule might apply to (the rules decide)."""
        return supervision_candidates(self.session, now, limits)

    def failed_cases(self, limit: int = 100, units: frozenset[str] | None = None) -> list[CaseSummary]:
        """Cases whose last engine run failed, most recent first (the supervisor desk); `units` None: the bank."""
        query = (
            select(CaseRow, ProcessDefinitionRow.version)
            .join(ProcessDefinitionRow, ProcessDefinitionRow.id == CaseRow.definition_id)
            .where(CaseRow.failed_at.is_not(None))
        )
        if units is not None:
            # `unit || ''`: no index on the unit, so the planner walks the few failed cases by failed_at
            # (SQLite otherwise read every case of the units: 17 ms at 10,000 cases).
            query = query.where((CaseRow.unit + "").in_(sorted(units)))
        rows = self.session.execute(query.order_by(CaseRow.failed_at.desc()).limit(limit))
        return [_case(row, int(version), self.sealer) for row, version in rows]

    def failed_timers(self) -> list[dict[str, Any]]:
        """Timers kept as failed after their last attempt."""
        rows = self.session.scalars(select(TimerRow).where(TimerRow.status == "failed"))
        return [
            {"case_id": r.case_id, "bpmn_id": r.bpmn_id, "attempts": r.attempts,
             "last_error": r.last_error}
            for r in rows
        ]


def _as_int(value: Any) -> int:
    return int(value or 0)


def _yes(condition: Any) -> Any:
    """1 where `condition` holds, else 0: summed, it counts rows (portable, unlike FILTER)."""
    return case((condition, 1), else_=0)


OPEN_TASK_STATUSES = ("ready", "claimed")
FACT_DIMENSIONS = frozenset({
    "channel", "category", "cause", "grade", "organisation", "product", "received_month", "root_cause",
    "satisfaction", "process_key", "unit",
})


def _where_organisation(scope: ReportScope, organisation: Any, unit: Any) -> list[Any]:
    """The scope's organisation and units as conditions on these columns (the units as parameters)."""
    conditions = [] if not scope.organisation else [organisation == scope.organisation]
    return conditions if scope.units is None else [*conditions, unit.in_(sorted(scope.units))]


class ReportQueries:
    """SQL aggregates over the case_fact projection (plus human_task, notice and the case's deadlines)."""

    def __init__(self, session: Session):
        self.session = session

    @staticmethod
    def _scope(scope: ReportScope, complaints_only: bool = True) -> list[Any]:
        """The cases in scope; complaints only (not merged repeats or review cases) unless told otherwise."""
        conditions = [CaseFactRow.received_day >= scope.first_day, CaseFactRow.received_day <= scope.last_day]
        if complaints_only:
            conditions.append(CaseFactRow.linked_as.is_(None))
        return conditions + _where_organisation(scope, CaseFactRow.organisation, CaseFactRow.unit)

    def customer_notice_timeliness(self, scope: ReportScope, within_seconds: int) -> list[tuple[str, int, int, int]]:
        """Customer notices of the cases in scope (merged and review cases included) per kind: (kind, queued,
        delivered, delivered within `within_seconds` of being queued, i.e. of the event that called for it)."""
        n, f = CustomerNoticeRow, CaseFactRow
        if self.session.get_bind().dialect.name == "sqlite":
            waited = (func.julianday(n.sent_at) - func.julianday(n.created_at)) * 86400
        else:
            waited = func.extract("epoch", n.sent_at - n.created_at)
        sent = n.sent_at.is_not(None)
        query = (
            select(n.kind, func.count(), func.sum(_yes(sent)), func.sum(_yes(sent & (waited <= within_seconds))))
            .select_from(n).join(f, f.case_id == n.case_id)
            .where(*self._scope(scope, complaints_only=False)).group_by(n.kind)
        )
        return [(str(k), int(q), _as_int(d), _as_int(o)) for k, q, d, o in self.session.execute(query).all()]

    def linked_counts(self, scope: ReportScope) -> dict[str, int]:
        """Merged repeats and review cases received in scope, by kind ("merged", "review")."""
        f = CaseFactRow
        query = (select(f.linked_as, func.count()).where(*self._scope(scope, complaints_only=False),
                                                          f.linked_as.is_not(None)).group_by(f.linked_as))
        return {str(kind): int(n) for kind, n in self.session.execute(query).all()}

    def counts_by(self, scope: ReportScope, *dimensions: str) -> list[tuple[Any, ...]]:
        """Cases in scope per combination of values of fact columns: rows (value, ..., count), unordered.

        Grouping several low-cardinality columns at once lets one pass serve several breakdowns (the
        caller adds up the marginals); the order is left to the caller (collations differ per database)."""
        unknown = [d for d in dimensions if d not in FACT_DIMENSIONS]
        if unknown or not dimensions:
            raise ValueError(f"not report dimensions: {unknown or dimensions!r}")
        columns = [getattr(CaseFactRow, d) for d in dimensions]
        query = select(*columns, func.count()).where(*self._scope(scope)).group_by(*columns)
        return [tuple(row) for row in self.session.execute(query).all()]

    def totals(self, scope: ReportScope) -> dict[str, int]:
        """One pass over the cases in scope: counts and sums for volume, quality, money, rectification,
        satisfaction, both clocks (replies on time, unanswered past due, summed reply minutes) and extensions."""
        f = CaseFactRow
        columns = {
            "cases": func.count(),
            "closed": func.sum(_yes(f.closed_at.is_not(None))),
            "replied": func.sum(_yes(f.replied_at.is_not(None))),
            "internal_on_time": func.sum(_yes(f.replied_at <= f.internal_due_at)),
            "internal_open_overdue": func.sum(_yes(f.replied_at.is_(None) & (f.internal_due_at < scope.now))),
            "internal_timed": func.count(f.reply_workday_minutes),
            "internal_minutes": func.sum(f.reply_workday_minutes),
            "regulatory_on_time": func.sum(_yes(f.replied_at <= f.regulatory_due_at)),
            "regulatory_open_overdue": func.sum(_yes(f.replied_at.is_(None) & (f.regulatory_due_at < scope.now))),
            "regulatory_timed": func.count(f.reply_minutes),
            "regulatory_minutes": func.sum(f.reply_minutes),
            "extended": func.sum(_yes(f.regulatory_extensions >= 1)),
            "extended_twice": func.sum(_yes(f.regulatory_extensions >= 2)),
            "extensions": func.sum(f.regulatory_extensions),
            "resolved_on_spot": func.sum(_yes(f.resolved_on_spot.is_(True))),
            "rework_returns": func.sum(f.rework_returns),
            "reworked_cases": func.sum(_yes(f.rework_returns > 0)),
            "review_requested": func.sum(_yes(f.review_requested.is_(True))),
            "review_overturned": func.sum(_yes(f.review_overturned.is_(True))),
            "reopened": func.sum(_yes(f.reopened.is_(True))),
            "rectification_issued": func.sum(_yes(f.rectification_issued.is_(True))),
            "rectification_closed": func.sum(_yes(f.rectification_closed.is_(True))),
            "revisited": func.sum(_yes(f.satisfaction.is_not(None))),
            "amount_cents": func.sum(f.amount_cents),
            "amount_cases": func.sum(_yes(f.amount_cents > 0)),
            "compensation_cents": func.sum(f.compensation_cents),
            "compensated_cases": func.sum(_yes(f.compensation_cents > 0)),
        }
        return self._one(select(*(c.label(name) for name, c in columns.items())).where(*self._scope(scope)))

    def clock_totals(self, scope: ReportScope) -> dict[str, int]:
        """The regulatory clock actions of the cases in scope: extensions (all, to 60 days), pauses, paused days."""
        f = CaseFactRow
        columns = {
            "extensions": func.sum(f.regulatory_extensions),
            "long_extensions": func.sum(f.long_extensions),
            "paused_cases": func.sum(_yes(f.clock_pauses > 0)),
            "pauses": func.sum(f.clock_pauses),
            "paused_days": func.sum(f.clock_paused_days),
        }
        return self._one(select(*(c.label(name) for name, c in columns.items())).where(*self._scope(scope)))

    def _one(self, query: Select[Any]) -> dict[str, int]:
        row = self.session.execute(query).one()
        return {name: _as_int(value) for name, value in row._mapping.items()}

    def reply_minutes_at_rank(self, scope: ReportScope, regulatory: bool, offset: int) -> int | None:
        """The reply time (minutes) at 0-based `offset` in ascending order: percentiles by nearest rank."""
        minutes = CaseFactRow.reply_minutes if regulatory else CaseFactRow.reply_workday_minutes
        value = self.session.scalar(
            select(minutes).where(*self._scope(scope), minutes.is_not(None))
            .order_by(minutes).limit(1).offset(offset)
        )
        return None if value is None else int(value)

    def repeat_cases(self, scope: ReportScope, window_days: int) -> int:
        """Cases in scope whose complainant (any organisation) had complained at most `window_days` days before.

        One pass: each case's previous complaint by the same customer comes from LAG over the customer's
        cases in time order (ties by case id), read from `window_days` before the range on."""
        f = CaseFactRow
        previous_day = func.lag(f.received_day).over(partition_by=f.customer_key, order_by=(f.received_at, f.case_id))
        timeline = (
            select(f.received_day.label("day"), f.organisation.label("organisation"), f.unit.label("unit"),
                   (f.received_day - previous_day).label("gap"))
            .where(f.customer_key.is_not(None), f.linked_as.is_(None),
                   f.received_day >= scope.first_day - window_days,
                   f.received_day <= scope.last_day)
            .subquery()
        )
        query = select(func.count()).select_from(timeline).where(
            timeline.c.day >= scope.first_day, timeline.c.gap <= window_days,
            *_where_organisation(scope, timeline.c.organisation, timeline.c.unit))
        return _as_int(self.session.scalar(query))

    def overdue_tasks_by_department(self, scope: ReportScope) -> list[tuple[str, int]]:
        """Open tasks past their due time, per department, for the cases in scope (as of scope.now)."""
        t, f = HumanTaskRow, CaseFactRow
        n = func.count()
        query = (
            select(t.department, n).select_from(t).join(f, f.case_id == t.case_id)
            .where(*self._scope(scope), t.status.in_(OPEN_TASK_STATUSES), t.due_at < scope.now)
            .group_by(t.department).order_by(n.desc(), t.department)
        )
        return [(dept, int(count)) for dept, count in self.session.execute(query).all()]

    def notices_by_department(self, scope: ReportScope, system_sender: str) -> list[tuple[str, str, bool, int]]:
        """Chase and supervision notices sent within the range to cases of the organisation in scope:
        (department, kind, sent by the system, count)."""
        nt, f = NoticeRow, CaseFactRow
        automatic = nt.sender == system_sender
        query = (
            select(nt.department, nt.kind, automatic, func.count())
            .select_from(nt).join(f, f.case_id == nt.case_id)
            .where(nt.created_at >= scope.received_from, nt.created_at < scope.received_before,
                   *_where_organisation(scope, f.organisation, f.unit))
            .group_by(nt.department, nt.kind, automatic)
        )
        return [(dept, kind, bool(auto), int(count)) for dept, kind, auto, count in self.session.execute(query).all()]

    def regulator_figures(self, scope: ReportScope) -> list[tuple[Any, ...]]:
        """Per (unit, channel, category, cause) of the cases in scope: cases, replied, replied within the
        regulatory limit, amount in dispute and compensation (cents)."""
        f = CaseFactRow
        keys = (f.unit, f.channel, f.category, f.cause)
        query = (
            select(*keys, func.count(), func.sum(_yes(f.replied_at.is_not(None))),
                   func.sum(_yes(f.replied_at <= f.regulatory_due_at)), func.sum(f.amount_cents),
                   func.sum(f.compensation_cents))
            .where(*self._scope(scope)).group_by(*keys)
        )
        return [(*row[:4], *(_as_int(v) for v in row[4:])) for row in self.session.execute(query).all()]

    def cases_without_facts(self) -> list[int]:
        """Ids of cases that have no case_fact row yet (stored before the reports existed)."""
        query = (select(CaseRow.id).outerjoin(CaseFactRow, CaseFactRow.case_id == CaseRow.id)
                 .where(CaseFactRow.case_id.is_(None)).order_by(CaseRow.id))
        return list(self.session.scalars(query))


def supervision_candidates(session: Session, now: datetime,
                           limits: SupervisionThresholds) -> list[SupervisionCandidate]:
    """Open cases not yet supervised that some supervision rule might apply to (the rules decide)."""
    open_task = HumanTaskRow.status.in_(("ready", "claimed"))
    chases = (select(HumanTaskRow.case_id, func.max(HumanTaskRow.chase_count).label("chases"))
              .where(open_task).group_by(HumanTaskRow.case_id).subquery())
    progress = (select(HumanTaskRow.case_id, func.max(HumanTaskRow.completed_at).label("last"))
                .where(HumanTaskRow.status == "completed").group_by(HumanTaskRow.case_id).subquery())
    query = (
        select(CaseRow.id, CaseRow.number, CaseRow.grade, CaseRow.received_at, CaseRow.regulatory_due_at,
               progress.c.last, func.coalesce(chases.c.chases, 0))
        .outerjoin(chases, chases.c.case_id == CaseRow.id)
        .outerjoin(progress, progress.c.case_id == CaseRow.id)
        .where(CaseRow.status == "open", CaseRow.supervised.is_(False))
        .where(CaseRow.clock_paused_at.is_(None))  # a paused clock: no deadline runs, no rule applies
        .where((CaseRow.regulatory_due_at <= now + limits.regulatory_warning)
               | (chases.c.chases >= limits.unanswered_chases) | CaseRow.grade.in_(list(limits.stall_grades)))
        .order_by(CaseRow.id)
    )
    return [SupervisionCandidate(r[0], r[1] or "", r[2], r[3], r[4], r[5], int(r[6] or 0))
            for r in session.execute(query)]
