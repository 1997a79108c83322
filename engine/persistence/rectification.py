"""Rectification notices: insert, change with a version check, list by filter, and the figures of the reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from engine.domain.rectification import (
    NewRectification,
    Rectification,
    RectificationFilter,
    RectificationStatus,
)
from engine.persistence.tables import RectificationRow

CLOSED = RectificationStatus.CLOSED.value


def _yes(condition: Any) -> Any:
    return case((condition, 1), else_=0)


class RectificationRepository:
    """The rectification table."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, new: NewRectification, case_number: str, issued_by: str, issued_at: datetime,
            due_at: datetime) -> int:
        """Store an issued notice (its number: the one given, else `ZG-<id>`); returns its id."""
        row = RectificationRow(
            number=new.number or "", case_id=new.case_id, case_number=case_number, unit=new.unit,
            department=new.department, requirement=new.requirement, workdays=new.workdays, issued_at=issued_at,
            due_at=due_at, issued_by=issued_by, issuer_unit=new.issuer_unit,
            issuer_department=new.issuer_department, status=RectificationStatus.OPEN.value, measures="",
            evidence="", evidence_files=[], check_note="", returns=0, chases=0, version=1,
        )
        self.session.add(row)
        self.session.flush()
        if not row.number:
            row.number = f"ZG-{row.id:06d}"
            self.session.flush()
        return row.id

    def get(self, notice_id: int, for_update: bool = False) -> Rectification | None:
        """One notice (its row locked until commit when `for_update`)."""
        query = select(RectificationRow).where(RectificationRow.id == notice_id)
        if for_update:
            query = query.with_for_update()
        row = self.session.scalars(query).first()
        return _record(row) if row is not None else None

    def change(self, notice_id: int, expected_version: int, **values: Any) -> bool:
        """Set columns if the row is still at `expected_version` (the version moves on); False if it moved."""
        result = self.session.execute(
            update(RectificationRow)
            .where(RectificationRow.id == notice_id, RectificationRow.version == expected_version)
            .values(version=expected_version + 1, **values)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def find(self, flt: RectificationFilter) -> list[Rectification]:
        """Notices matching the filter, soonest due first."""
        r = RectificationRow
        query = select(r)
        if flt.status is not None:
            query = query.where(r.status == flt.status.value)
        if flt.overdue_at is not None:
            query = query.where(r.status != CLOSED, r.due_at < flt.overdue_at)
        if flt.units is not None:
            units = sorted(flt.units)
            query = query.where(r.unit.in_(units) | r.issuer_unit.in_(units))
        if flt.case_id is not None:
            query = query.where(r.case_id == flt.case_id)
        if flt.queues is not None or flt.departments is not None:
            query = query.where(or_(*_whose(flt)))
        query = query.order_by(r.due_at, r.id).limit(flt.limit)
        return [_record(row) for row in self.session.scalars(query)]

    def to_chase(self, chase_from: datetime) -> list[Rectification]:
        """Open notices whose chasing has begun: due at or before `chase_from` (one working day from now)."""
        r = RectificationRow
        query = select(r).where(r.status != CLOSED, r.due_at <= chase_from).order_by(r.due_at, r.id)
        return [_record(row) for row in self.session.scalars(query)]

    def figures_by_unit(self, issued_from: datetime, issued_before: datetime, now: datetime,
                        units: frozenset[str] | None) -> list[tuple[str, int, int, int, int]]:
        """Per responsible unit, for notices issued in [issued_from, issued_before): (unit, issued, closed,
        closed on time, open past due as of `now`)."""
        r = RectificationRow
        closed = r.status == CLOSED
        query = (
            select(r.unit, func.count(), func.sum(_yes(closed)),
                   func.sum(_yes(closed & (r.submitted_at <= r.due_at))),
                   func.sum(_yes(~closed & (r.due_at < now))))
            .where(r.issued_at >= issued_from, r.issued_at < issued_before)
            .group_by(r.unit)
        )
        if units is not None:
            query = query.where(r.unit.in_(sorted(units)))
        return [(unit, int(n), int(c or 0), int(t or 0), int(o or 0))
                for unit, n, c, t, o in self.session.execute(query).all()]


def _whose(flt: RectificationFilter) -> list[Any]:
    """A staff member's notices: issued by them, or from or to their queues (departments, without units)."""
    r = RectificationRow
    conditions: list[Any] = [r.issued_by == flt.issued_by]
    for q in sorted(flt.queues or (), key=str):
        conditions += [and_(r.unit == q.unit, r.department == q.department),
                       and_(r.issuer_unit == q.unit, r.issuer_department == q.department)]
    if flt.departments:
        departments = sorted(flt.departments)
        conditions += [r.department.in_(departments), r.issuer_department.in_(departments)]
    return conditions


def _record(row: RectificationRow) -> Rectification:
    return Rectification(
        id=row.id, number=row.number, case_id=row.case_id, case_number=row.case_number, unit=row.unit,
        department=row.department, requirement=row.requirement, workdays=row.workdays, issued_at=row.issued_at,
        due_at=row.due_at, issued_by=row.issued_by, issuer_unit=row.issuer_unit,
        issuer_department=row.issuer_department, status=RectificationStatus(row.status), measures=row.measures,
        evidence=row.evidence, evidence_files=tuple(str(f) for f in row.evidence_files or ()),
        submitted_at=row.submitted_at, submitted_by=row.submitted_by, checked_at=row.checked_at,
        checked_by=row.checked_by, check_note=row.check_note, returns=row.returns, chases=row.chases,
        last_chased_at=row.last_chased_at, supervised_at=row.supervised_at, closed_at=row.closed_at,
        version=row.version,
    )
