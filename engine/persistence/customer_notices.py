"""The customer-notice outbox: queued in the case change's transaction, claimed and marked by the dispatcher."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from engine.domain.customer_notices import (
    CustomerNotice,
    CustomerNoticeKind,
    DeliveryChannel,
    DeliveryStatus,
    NewCustomerNotice,
)
from engine.persistence.sealing import Sealer
from engine.persistence.tables import CustomerNoticeRow

CLAIMABLE = (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value)


class CustomerNoticeRepository:
    """Customer notices with their delivery state; content and address sealed at rest."""

    def __init__(self, session: Session, sealer: Sealer):
        self.session = session
        self.sealer = sealer

    def add(self, new: NewCustomerNotice, status: DeliveryStatus) -> int:
        """Queue a notice (due at once when pending); returns its id."""
        row = CustomerNoticeRow(
            case_id=new.case_id, case_number=new.case_number, unit=new.unit, kind=new.kind.value,
            channel=new.channel.value, subject=new.subject, content=self.sealer.seal(new.content),
            address=self.sealer.seal(new.address), status=status.value, attempts=0,
            next_attempt_at=new.created_at if status == DeliveryStatus.PENDING else None,
            created_at=new.created_at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def for_case(self, case_id: int) -> list[CustomerNotice]:
        """A case's notices, oldest first."""
        rows = self.session.scalars(
            select(CustomerNoticeRow).where(CustomerNoticeRow.case_id == case_id).order_by(CustomerNoticeRow.id))
        return [self._notice(row) for row in rows]

    def get(self, notice_id: int) -> CustomerNotice | None:
        """One notice, or None."""
        row = self.session.get(CustomerNoticeRow, notice_id)
        return self._notice(row) if row is not None else None

    def claim_next(self, now: datetime, channels: Sequence[DeliveryChannel], lease_until: datetime,
                   ) -> CustomerNotice | None:
        """The next due notice of `channels`, claimed until `lease_until` (one attempt counted), or None.
        A notice whose claimer died (lease over) is due again. PostgreSQL skips rows another worker holds."""
        if not channels:
            return None
        t = CustomerNoticeRow
        row = self.session.scalars(
            select(t).where(t.status.in_(CLAIMABLE), t.next_attempt_at <= now,
                            t.channel.in_([c.value for c in channels]))
            .order_by(t.next_attempt_at, t.id).limit(1).with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        row.status, row.attempts, row.next_attempt_at = DeliveryStatus.SENDING.value, row.attempts + 1, lease_until
        self.session.flush()
        return self._notice(row)

    def finish(self, notice_id: int, status: DeliveryStatus, *, next_attempt_at: datetime | None = None,
               sent_at: datetime | None = None, sent_by: str | None = None, error: str | None = None,
               expect: Sequence[DeliveryStatus] = (DeliveryStatus.SENDING,)) -> bool:
        """Record an outcome if the notice is still in one of the `expect`ed states; True if it was."""
        t = CustomerNoticeRow
        result = self.session.execute(
            update(t).where(t.id == notice_id, or_(*[t.status == s.value for s in expect]))
            .values(status=status.value, next_attempt_at=next_attempt_at, sent_at=sent_at, sent_by=sent_by,
                    last_error=(error or None) and error[:400])
        )
        return bool(getattr(result, "rowcount", 0))

    def _notice(self, row: CustomerNoticeRow) -> CustomerNotice:
        return CustomerNotice(
            id=row.id, case_id=row.case_id, case_number=row.case_number, unit=row.unit,
            kind=CustomerNoticeKind(row.kind), channel=DeliveryChannel(row.channel), subject=row.subject,
            content=self.sealer.open(row.content), address=self.sealer.open(row.address),
            status=DeliveryStatus(row.status), attempts=row.attempts, created_at=row.created_at,
            next_attempt_at=row.next_attempt_at, sent_at=row.sent_at, sent_by=row.sent_by,
            last_error=row.last_error,
        )


def reseal_customer_notices(session: Session, sealer: Sealer) -> int:
    """Every notice's content and address encrypted under the newest key (`complaintflow keys rotate`)."""
    done = 0
    for row in session.scalars(select(CustomerNoticeRow).order_by(CustomerNoticeRow.id)).yield_per(500):
        row.content, row.address = sealer.reseal(row.content), sealer.reseal(row.address)
        done += 1
    session.flush()
    return done
