"""Urgent and group complaints: the urgent handling of a case, its task force's departments, its daily progress."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, and_, delete, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.domain.model import Membership
from engine.domain.urgent import ContactMethod, FirstContact, ProgressEntry, UrgentCase, UrgentFilter
from engine.persistence.tables import Base, CaseRow


class UrgentCaseRow(Base):
    """The urgent handling of one case (紧急、群体性投诉): deadlines, first contact, task force, chase marks."""

    __tablename__ = "urgent_case"

    case_id: Mapped[int] = mapped_column(ForeignKey("complaint_case.id"), primary_key=True)
    case_number: Mapped[str] = mapped_column(String(40))
    unit: Mapped[str] = mapped_column(String(40), index=True)
    grade: Mapped[str | None] = mapped_column(String(20))
    is_group: Mapped[bool] = mapped_column(Boolean)
    received_at: Mapped[datetime]
    registered_at: Mapped[datetime]
    manager_unit: Mapped[str] = mapped_column(String(40))
    manager_department: Mapped[str] = mapped_column(String(80))
    first_contact_due_at: Mapped[datetime]
    task_force_due_at: Mapped[datetime]
    first_contact_at: Mapped[datetime | None]
    first_contact_by: Mapped[str | None] = mapped_column(String(80))
    first_contact_method: Mapped[str | None] = mapped_column(String(20))
    first_contact_note: Mapped[str] = mapped_column(Text, default="")
    task_force_at: Mapped[datetime | None]
    task_force_by: Mapped[str | None] = mapped_column(String(80))
    lead_unit: Mapped[str | None] = mapped_column(String(40))
    lead_department: Mapped[str | None] = mapped_column(String(80))
    lead_person: Mapped[str] = mapped_column(String(80), default="")
    first_contact_chased_at: Mapped[datetime | None]
    task_force_chased_at: Mapped[datetime | None]
    progress_checked_through: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class UrgentMemberRow(Base):
    """One department of a case's task force (专项小组); `lead` marks the lead department."""

    __tablename__ = "urgent_member"
    __table_args__ = (Index("ix_urgent_member_queue", "unit", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("urgent_case.case_id"), index=True)
    unit: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(80))
    lead: Mapped[bool] = mapped_column(Boolean)


class UrgentProgressRow(Base):
    """One progress entry of a task force (每日进展), by the China date it was recorded on."""

    __tablename__ = "urgent_progress"
    __table_args__ = (Index("ix_urgent_progress_case_day", "case_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("urgent_case.case_id"))
    day: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(80))
    unit: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)


class UrgentRepository:
    """The urgent_case, urgent_member and urgent_progress tables."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, urgent: UrgentCase) -> None:
        """Register a case's urgent handling (its deadlines)."""
        self.session.add(UrgentCaseRow(
            case_id=urgent.case_id, case_number=urgent.case_number, unit=urgent.unit, grade=urgent.grade,
            is_group=urgent.group, received_at=urgent.received_at, registered_at=urgent.registered_at,
            manager_unit=urgent.manager.unit, manager_department=urgent.manager.department,
            first_contact_due_at=urgent.first_contact_due_at, task_force_due_at=urgent.task_force_due_at,
            first_contact_note="", lead_person="", version=1))
        self.session.flush()

    def get(self, case_id: int, for_update: bool = False) -> UrgentCase | None:
        """A case's urgent handling with its task force and progress (its row locked when `for_update`)."""
        query = select(UrgentCaseRow).where(UrgentCaseRow.case_id == case_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.scalars(query).first()
        return self._record(row) if row is not None else None

    def change(self, case_id: int, expected_version: int, **values: Any) -> bool:
        """Set columns if the row is still at `expected_version` (the version moves on); False if it moved."""
        result = self.session.execute(
            update(UrgentCaseRow)
            .where(UrgentCaseRow.case_id == case_id, UrgentCaseRow.version == expected_version)
            .values(version=expected_version + 1, **values))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def set_members(self, case_id: int, members: tuple[Membership, ...], lead: Membership) -> None:
        """The task force's departments (replacing any before)."""
        self.session.execute(delete(UrgentMemberRow).where(UrgentMemberRow.case_id == case_id))
        self.session.add_all(UrgentMemberRow(case_id=case_id, unit=m.unit, department=m.department, lead=m == lead)
                             for m in members)
        self.session.flush()

    def add_progress(self, case_id: int, entry: ProgressEntry) -> int:
        """Store a progress entry; its id."""
        row = UrgentProgressRow(case_id=case_id, day=entry.day, recorded_at=entry.recorded_at,
                                recorded_by=entry.recorded_by, unit=entry.unit, department=entry.department,
                                text=entry.text)
        self.session.add(row)
        self.session.flush()
        return row.id

    def queues(self, case_id: int) -> set[Membership]:
        """The (unit, department) queues of a case's task force and its managing queue (none: not urgent)."""
        rows = self.session.execute(select(UrgentMemberRow.unit, UrgentMemberRow.department)
                                    .where(UrgentMemberRow.case_id == case_id))
        manager = self.session.execute(select(UrgentCaseRow.manager_unit, UrgentCaseRow.manager_department)
                                       .where(UrgentCaseRow.case_id == case_id))
        return {Membership(unit, department) for unit, department in [*rows, *manager]}

    def open_cases(self) -> list[UrgentCase]:
        """The urgent handling of every case still open (the sweep's candidates), oldest first."""
        query = (select(UrgentCaseRow).join(CaseRow, CaseRow.id == UrgentCaseRow.case_id)
                 .where(CaseRow.status == "open").order_by(UrgentCaseRow.received_at, UrgentCaseRow.case_id))
        return [self._record(row) for row in self.session.scalars(query)]

    def find(self, flt: UrgentFilter) -> list[UrgentCase]:
        """Urgent cases matching the filter, newest first."""
        u = UrgentCaseRow
        query = select(u)
        if flt.open_only:
            query = query.join(CaseRow, CaseRow.id == u.case_id).where(CaseRow.status == "open")
        member = select(UrgentMemberRow.case_id)
        if flt.units is not None:
            units = sorted(flt.units)
            query = query.where(u.unit.in_(units) | u.case_id.in_(member.where(UrgentMemberRow.unit.in_(units))))
        if flt.queues is not None or flt.departments is not None:
            query = query.where(
                u.case_id.in_(member.where(or_(*_in_queues(flt, UrgentMemberRow.unit, UrgentMemberRow.department))))
                | or_(*_in_queues(flt, u.manager_unit, u.manager_department)))
        query = query.order_by(u.received_at.desc(), u.case_id.desc()).limit(flt.limit)
        return [self._record(row) for row in self.session.scalars(query)]

    def _record(self, row: UrgentCaseRow) -> UrgentCase:
        members = self.session.scalars(select(UrgentMemberRow).where(UrgentMemberRow.case_id == row.case_id)
                                       .order_by(UrgentMemberRow.id)).all()
        progress = self.session.scalars(select(UrgentProgressRow).where(UrgentProgressRow.case_id == row.case_id)
                                        .order_by(UrgentProgressRow.recorded_at, UrgentProgressRow.id)).all()
        lead = (Membership(row.lead_unit, row.lead_department)
                if row.lead_unit is not None and row.lead_department is not None else None)
        contact = (FirstContact(row.first_contact_by or "", row.first_contact_at,
                                ContactMethod(row.first_contact_method or "other"), row.first_contact_note)
                   if row.first_contact_at is not None else None)
        return UrgentCase(
            case_id=row.case_id, case_number=row.case_number, unit=row.unit, grade=row.grade, group=row.is_group,
            received_at=row.received_at, first_contact_due_at=row.first_contact_due_at,
            task_force_due_at=row.task_force_due_at, registered_at=row.registered_at,
            manager=Membership(row.manager_unit, row.manager_department), first_contact=contact,
            task_force_at=row.task_force_at, task_force_by=row.task_force_by, lead=lead,
            lead_person=row.lead_person, members=tuple(Membership(m.unit, m.department) for m in members),
            progress=tuple(ProgressEntry(p.id, p.day, p.recorded_at, p.recorded_by, p.unit, p.department, p.text)
                           for p in progress),
            first_contact_chased_at=row.first_contact_chased_at, task_force_chased_at=row.task_force_chased_at,
            progress_checked_through=row.progress_checked_through, version=row.version)


def _in_queues(flt: UrgentFilter, unit: Any, department: Any) -> list[Any]:
    """A staff member's queues (or, without units, departments) as conditions on a (unit, department) pair of
    columns; one that matches nothing when there are none."""
    conditions: list[Any] = [and_(unit == q.unit, department == q.department)
                             for q in sorted(flt.queues or (), key=str)]
    if flt.departments:
        conditions.append(department.in_(sorted(flt.departments)))
    return conditions or [unit.is_(None)]
