"""The regulatory clock's rows: its state on the case, the 60-day extension requests, the facts it keeps."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.domain.regulatory_clock import ClockFacts, ClockRequest, RequestStatus
from engine.persistence.tables import CaseFactRow, CaseRow, ClockRequestRow, HumanTaskRow


def _request(row: ClockRequestRow) -> ClockRequest:
    return ClockRequest(row.id, row.case_id, row.case_number, row.case_unit, row.approver_unit, row.to_days,
                        row.reason, row.requested_by, row.requested_at, RequestStatus(row.status),
                        row.decided_by, row.decided_at, row.opinion)


class ClockRepository:
    """Reads and writes of the clock actions (engine/services/clock.py), in the caller's transaction."""

    def __init__(self, session: Session):
        self.session = session

    def state(self, case_id: int) -> dict[str, Any] | None:
        """The clock's stored state (None for a case whose clock was never moved)."""
        value = self.session.scalar(select(CaseRow.regulatory_clock).where(CaseRow.id == case_id))
        return dict(value) if value else None

    def paused_among(self, case_ids: Collection[int]) -> set[int]:
        """Those of the cases whose regulatory clock stands still (one query)."""
        if not case_ids:
            return set()
        return set(self.session.scalars(select(CaseRow.id).where(CaseRow.id.in_(list(case_ids)),
                                                                 CaseRow.clock_paused_at.is_not(None))))

    def save_state(self, case_id: int, record: Mapping[str, Any], paused_at: datetime | None,
                   due: datetime) -> None:
        """Store the clock's state, whether it stands still, and the regulatory deadline it gives."""
        self.session.execute(update(CaseRow).where(CaseRow.id == case_id).values(
            regulatory_clock=dict(record), clock_paused_at=paused_at, regulatory_due_at=due))

    def add_request(self, request: ClockRequest) -> int:
        """Store a new (pending) request; returns its id."""
        row = ClockRequestRow(
            case_id=request.case_id, case_number=request.case_number, case_unit=request.case_unit,
            approver_unit=request.approver_unit, to_days=request.to_days, reason=request.reason,
            requested_by=request.requested_by, requested_at=request.requested_at, status=request.status.value)
        self.session.add(row)
        self.session.flush()
        return row.id

    def request(self, request_id: int) -> ClockRequest | None:
        """One request by id."""
        row = self.session.get(ClockRequestRow, request_id)
        return _request(row) if row is not None else None

    def requests_of_case(self, case_id: int) -> list[ClockRequest]:
        """Every request of a case, oldest first."""
        rows = self.session.scalars(select(ClockRequestRow).where(ClockRequestRow.case_id == case_id)
                                    .order_by(ClockRequestRow.id))
        return [_request(r) for r in rows]

    def pending(self, approver_units: Collection[str] | None, limit: int = 200) -> list[ClockRequest]:
        """Pending requests decided at these units (None: every unit), oldest first."""
        query = select(ClockRequestRow).where(ClockRequestRow.status == RequestStatus.PENDING.value)
        if approver_units is not None:
            query = query.where(ClockRequestRow.approver_unit.in_(sorted(approver_units)))
        rows = self.session.scalars(query.order_by(ClockRequestRow.requested_at, ClockRequestRow.id).limit(limit))
        return [_request(r) for r in rows]

    def decide(self, request_id: int, status: RequestStatus, by: str, at: datetime, opinion: str) -> bool:
        """Record the decision on a still pending request; False when someone decided it first."""
        result = self.session.execute(
            update(ClockRequestRow)
            .where(ClockRequestRow.id == request_id, ClockRequestRow.status == RequestStatus.PENDING.value)
            .values(status=status.value, decided_by=by, decided_at=at, opinion=opinion))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def set_facts(self, case_id: int, facts: ClockFacts) -> None:
        """Keep the report facts of the clock in step (the case's facts row, if it has one yet)."""
        self.session.execute(update(CaseFactRow).where(CaseFactRow.case_id == case_id).values(
            long_extensions=facts.long_extensions, clock_pauses=facts.pauses, clock_paused_days=facts.paused_days))

    def set_task_dues(self, case_id: int, dues: Mapping[str, datetime | None]) -> None:
        """Move the due times of the case's open tasks (after a pause moved the internal clock)."""
        for task_id, due in dues.items():
            self.session.execute(update(HumanTaskRow).where(
                HumanTaskRow.case_id == case_id, HumanTaskRow.id == task_id,
                HumanTaskRow.status.in_(("ready", "claimed"))).values(due_at=due))
