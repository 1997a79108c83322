"""Repeat complaints and review cases: the same customer's cases by keyed hash, merging a repeat, linking a review."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from engine.domain.model import CaseStatus, TaskStatus
from engine.domain.repeats import MERGED, REVIEW, CaseLinks, LinkedCase, SameCustomerCase
from engine.persistence.tables import CaseFactRow, CaseRow, HumanTaskRow, TimerRow

OPEN_TASKS = (TaskStatus.READY.value, TaskStatus.CLAIMED.value)


class CaseLinkRepository:
    """Finding a customer's cases by their matching keys; merged and review links between cases."""

    def __init__(self, session: Session):
        self.session = session

    def keys_of(self, case_id: int) -> tuple[str | None, str | None]:
        """A case's (phone key, ID-number key)."""
        row = self.session.execute(select(CaseRow.phone_key, CaseRow.id_key).where(CaseRow.id == case_id)).first()
        return (row[0], row[1]) if row is not None else (None, None)

    def count_received(self, phone_key: str | None, id_key: str | None, since: datetime, until: datetime) -> int:
        """How many cases (merged records included) of the same phone or ID-number key were received in
        [since, until]: the repeat count of a new complaint."""
        same = [c == k for c, k in ((CaseRow.phone_key, phone_key), (CaseRow.id_key, id_key)) if k]
        if not same:
            return 0
        return int(self.session.scalar(select(func.count()).select_from(CaseRow).where(
            or_(*same), CaseRow.received_at >= since, CaseRow.received_at <= until,
            CaseRow.review_of_id.is_(None))) or 0)

    def same_customer(self, phone_key: str | None, id_key: str | None, received_since: datetime,
                      exclude: int | None = None, limit: int = 20) -> list[SameCustomerCase]:
        """Open cases, and cases received since `received_since`, whose complainant has the same phone or the
        same ID number (equality on the keyed hashes), newest first; merged records are left out."""
        same = [c == k for c, k in ((CaseRow.phone_key, phone_key), (CaseRow.id_key, id_key)) if k]
        if not same:
            return []
        query = (
            select(CaseRow.id, CaseRow.number, CaseRow.status, CaseRow.unit, CaseRow.received_at,
                   CaseRow.regulatory_due_at, CaseRow.closed_at, CaseRow.phone_key, CaseRow.id_key,
                   CaseRow.merged_into_id)
            .where(or_(*same), CaseRow.status != CaseStatus.MERGED.value,
                   or_(CaseRow.status == CaseStatus.OPEN.value, CaseRow.received_at >= received_since))
            .order_by(CaseRow.received_at.desc(), CaseRow.id.desc()).limit(limit)
        )
        if exclude is not None:
            query = query.where(CaseRow.id != exclude)
        return [SameCustomerCase(
            case_id=r.id, number=r.number or str(r.id), status=CaseStatus(r.status), unit=r.unit,
            received_at=r.received_at, regulatory_due_at=r.regulatory_due_at, closed_at=r.closed_at,
            same_phone=bool(phone_key) and r.phone_key == phone_key,
            same_id_number=bool(id_key) and r.id_key == id_key, merged_into_id=r.merged_into_id,
        ) for r in self.session.execute(query)]

    def merge(self, case_id: int, into_id: int, internal_due: datetime | None, regulatory_due: datetime | None,
              now: datetime) -> None:
        """Make a case a merged record of `into_id`: no tasks or timers of its own, the first case's deadlines,
        counted by the reports as a repeat of it (not as a complaint)."""
        self.session.execute(update(CaseRow).where(CaseRow.id == case_id).values(
            status=CaseStatus.MERGED.value, merged_into_id=into_id, internal_due_at=internal_due,
            regulatory_due_at=regulatory_due, closed_at=now, updated_at=now, version=CaseRow.version + 1))
        self.session.execute(update(HumanTaskRow).where(
            HumanTaskRow.case_id == case_id, HumanTaskRow.status.in_(OPEN_TASKS)).values(
            status=TaskStatus.CANCELLED.value, completed_at=now))
        self.session.execute(delete(TimerRow).where(TimerRow.case_id == case_id))
        self._mark_fact(case_id, linked_as=MERGED)

    def links(self, case_id: int) -> CaseLinks:
        """The case's links: merged into / review of (the first case), repeats merged in, review cases."""
        row = self.session.execute(select(CaseRow.merged_into_id, CaseRow.review_of_id)
                                   .where(CaseRow.id == case_id)).first()
        if row is None:
            return CaseLinks()
        return CaseLinks(
            merged_into=self._linked(CaseRow.id == row.merged_into_id)[0] if row.merged_into_id else None,
            review_of=self._linked(CaseRow.id == row.review_of_id)[0] if row.review_of_id else None,
            repeats=tuple(self._linked(CaseRow.merged_into_id == case_id)),
            reviews=tuple(self._linked(CaseRow.review_of_id == case_id)),
        )

    def _linked(self, condition: Any) -> list[LinkedCase]:
        rows = self.session.execute(select(CaseRow.id, CaseRow.number, CaseRow.status, CaseRow.received_at)
                                    .where(condition).order_by(CaseRow.received_at, CaseRow.id))
        return [LinkedCase(int(i), str(n or i), CaseStatus(s), at) for i, n, s, at in rows]

    def link_review(self, review_id: int, of_id: int) -> None:
        """Record a review case of a decided case (the reports count the first case as reopened)."""
        self.session.execute(update(CaseRow).where(CaseRow.id == review_id).values(review_of_id=of_id))
        self._mark_fact(review_id, linked_as=REVIEW)
        self._mark_fact(of_id, reopened=True)

    def _mark_fact(self, case_id: int, **values: object) -> None:
        self.session.execute(update(CaseFactRow).where(CaseFactRow.case_id == case_id).values(**values))
