"""Read-side queries over the projections: inboxes, case pages, notices. Never touches workflow state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.domain.filters import TaskFilter
from engine.domain.model import (
    AuditEvent,
    CaseStatus,
    CaseSummary,
    DefinitionInfo,
    HumanTask,
    Notice,
    NoticeKind,
    TaskStatus,
)
from engine.persistence.tables import (
    AuditEventRow,
    CaseRow,
    HumanTaskRow,
    NoticeRow,
    ProcessDefinitionRow,
    TimerRow,
)

# Audit actions that mean "this person worked on the case" (a denied attempt is not one of them).
WORK_ACTIONS = ("case_opened", "claim", "unclaim", "reassign", "complete", "chase")


def _task(row: HumanTaskRow) -> HumanTask:
    return HumanTask(
        id=row.id, case_id=row.case_id, case_number=row.case_number, process_key=row.process_key,
        bpmn_id=row.bpmn_id, title=row.title, department=row.department, lane=row.lane,
        status=TaskStatus(row.status), assignee=row.assignee, created_at=row.created_at,
        due_at=row.due_at, grade=row.grade, completed_at=row.completed_at,
        completed_by=row.completed_by, chase_count=row.chase_count,
    )


def _case(row: CaseRow, version_no: int) -> CaseSummary:
    return CaseSummary(
        id=row.id, number=row.number or "", process_key=row.process_key,
        definition_version=version_no, status=CaseStatus(row.status), complaint=dict(row.complaint),
        received_at=row.received_at, received_by=row.received_by, organisation=row.organisation,
        grade=row.grade, internal_due_at=row.internal_due_at,
        regulatory_due_at=row.regulatory_due_at, supervised=row.supervised,
        closed_at=row.closed_at, version=row.version, calendar_warning=row.calendar_warning,
        regulatory_extensions=list(row.regulatory_extensions or []),
    )


def _notice(row: NoticeRow) -> Notice:
    return Notice(
        id=row.id, kind=NoticeKind(row.kind), case_id=row.case_id, case_number=row.case_number,
        task_id=row.task_id, department=row.department, addressee=row.addressee,
        sender=row.sender, reason=row.reason, created_at=row.created_at, read_at=row.read_at,
    )


class ReadQueries:
    """Queries the inbox, case page, supervisor desk and process owner pages use."""

    def __init__(self, session: Session):
        self.session = session

    def tasks(self, flt: TaskFilter) -> list[HumanTask]:
        """Task rows matching the filter, soonest due first."""
        query = self._task_query(flt).order_by(
            HumanTaskRow.due_at.is_(None), HumanTaskRow.due_at, HumanTaskRow.created_at
        )
        if flt.completed_by:
            query = self._task_query(flt).order_by(HumanTaskRow.completed_at.desc())
        rows = self.session.scalars(query.limit(flt.limit).offset(flt.offset))
        return [_task(r) for r in rows]

    def count_tasks(self, flt: TaskFilter) -> int:
        """How many task rows match the filter."""
        query = self._task_query(flt).with_only_columns(func.count(HumanTaskRow.id))
        return int(self.session.scalar(query) or 0)

    def _task_query(self, flt: TaskFilter) -> Select[Any]:
        query = select(HumanTaskRow).where(HumanTaskRow.status.in_(flt.statuses))
        if flt.departments is not None:
            query = query.where(HumanTaskRow.department.in_(sorted(flt.departments)))
        if flt.assignee is not None:
            query = query.where(HumanTaskRow.assignee == flt.assignee)
        if flt.completed_by is not None:
            query = query.where(HumanTaskRow.completed_by == flt.completed_by)
        if flt.grade:
            query = query.where(HumanTaskRow.grade == flt.grade)
        if flt.process_key:
            query = query.where(HumanTaskRow.process_key == flt.process_key)
        if flt.due_before is not None:
            query = query.where(HumanTaskRow.due_at < flt.due_before)
        return query

    def task(self, task_id: str) -> HumanTask | None:
        """One task row."""
        row = self.session.get(HumanTaskRow, task_id)
        return _task(row) if row else None

    def case(self, case_id: int) -> CaseSummary | None:
        """One case's summary."""
        row = self.session.get(CaseRow, case_id)
        if row is None:
            return None
        version_no = self.session.scalar(
            select(ProcessDefinitionRow.version).where(ProcessDefinitionRow.id == row.definition_id)
        )
        return _case(row, int(version_no or 0))

    def case_definition_id(self, case_id: int) -> int | None:
        """The definition version a case runs on."""
        return self.session.scalar(select(CaseRow.definition_id).where(CaseRow.id == case_id))

    def case_id_by_number(self, number: str) -> int | None:
        """The id of a case by its complaint number."""
        return self.session.scalar(select(CaseRow.id).where(CaseRow.number == number))

    def case_elements(self, case_id: int) -> tuple[list[str], list[str], dict[str, Any]]:
        """Completed and current diagram elements and the latest process data of a case."""
        row = self.session.get(CaseRow, case_id)
        if row is None:
            return [], [], {}
        return list(row.completed_elements), list(row.current_elements), dict(row.process_data)

    def case_tasks(self, case_id: int) -> list[HumanTask]:
        """All task rows of a case, oldest first."""
        rows = self.session.scalars(
            select(HumanTaskRow).where(HumanTaskRow.case_id == case_id)
            .order_by(HumanTaskRow.created_at, HumanTaskRow.id)
        )
        return [_task(r) for r in rows]

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
        """True when the user acted on the case (opened it, claimed or completed a task)."""
        hit = self.session.scalar(
            select(AuditEventRow.id).where(
                AuditEventRow.case_id == case_id, AuditEventRow.actor == username,
                AuditEventRow.action.in_(WORK_ACTIONS),
            ).limit(1)
        )
        return hit is not None

    def case_departments(self, case_id: int) -> set[str]:
        """Departments that held any task of the case."""
        return set(self.session.scalars(
            select(HumanTaskRow.department).where(HumanTaskRow.case_id == case_id).distinct()
        ))

    def notices(
        self, *, case_id: int | None = None, departments: Sequence[str] | None = None,
        addressee: str | None = None, unread_only: bool = False, limit: int = 100,
    ) -> list[Notice]:
        """Notices for a case, or addressed to departments / a person, newest first."""
        query = select(NoticeRow).order_by(NoticeRow.id.desc()).limit(limit)
        if case_id is not None:
            query = query.where(NoticeRow.case_id == case_id)
        if departments is not None:
            visible = NoticeRow.department.in_(list(departments))
            query = query.where(visible | (NoticeRow.addressee == addressee) if addressee else visible)
        if unread_only:
            query = query.where(NoticeRow.read_at.is_(None))
        return [_notice(r) for r in self.session.scalars(query)]

    def notice(self, notice_id: int) -> Notice | None:
        """One notice."""
        row = self.session.get(NoticeRow, notice_id)
        return _notice(row) if row else None

    def notice_email(self, notice_id: int) -> tuple[Notice, str] | None:
        """A notice and its email status."""
        row = self.session.get(NoticeRow, notice_id)
        return (_notice(row), row.email_status) if row else None

    def supervised_cases(self, limit: int = 200) -> list[CaseSummary]:
        """Open cases on the supervision list."""
        rows = self.session.scalars(
            select(CaseRow).where(CaseRow.supervised.is_(True), CaseRow.status == "open")
            .order_by(CaseRow.received_at).limit(limit)
        )
        return [_case(r, 0) for r in rows]

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

    def failed_timers(self) -> list[dict[str, Any]]:
        """Timers kept as failed after their last attempt."""
        rows = self.session.scalars(select(TimerRow).where(TimerRow.status == "failed"))
        return [
            {"case_id": r.case_id, "bpmn_id": r.bpmn_id, "attempts": r.attempts,
             "last_error": r.last_error}
            for r in rows
        ]
