"""Queue a customer notice in the outbox, in the transaction of the case change that calls for it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.domain.clock import to_china
from engine.domain.customer_notices import (
    CustomerNoticeKind,
    DeliveryChannel,
    DeliveryStatus,
    NewCustomerNotice,
)
from engine.domain.model import TaskStatus
from engine.domain.supervision import days_over
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class NoticeSubject:
    """The case facts a notice speaks of (complaint in clear: it is rendered, then sealed)."""

    case_id: int
    number: str
    unit: str
    complaint: Mapping[str, Any]
    received_at: datetime
    internal_due: datetime | None
    regulatory_due: datetime | None
    extra: Mapping[str, Any] = field(default_factory=dict)


def queue_customer_notice(ctx: EngineContext, uow: UnitOfWork, kind: CustomerNoticeKind,
                          subject: NoticeSubject) -> int:
    """Render the notice of `kind` for the case and put it in the outbox; returns its id."""
    settings = ctx.notices
    complaint = subject.complaint
    email = str(complaint.get("contact_email") or "")
    channel = settings.channel_for(complaint.get("reply_channel"), bool(email))
    content = ctx.notice_templates.render(kind, notice_values(ctx, uow, subject))
    address = _address(channel, complaint, email)
    new = NewCustomerNotice(
        case_id=subject.case_id, case_number=subject.number, unit=subject.unit, kind=kind, channel=channel,
        subject=f"{settings.subject(kind)} {subject.number}", content=content, address=address,
        created_at=ctx.now(),
    )
    status = DeliveryStatus.TO_PRINT if channel == DeliveryChannel.LETTER else DeliveryStatus.PENDING
    return uow.customer_notices.add(new, status)


def notice_values(ctx: EngineContext, uow: UnitOfWork, subject: NoticeSubject) -> dict[str, Any]:
    """Every placeholder's value (engine.domain.customer_notices.PLACEHOLDERS) for this case, now."""
    now, complaint = ctx.now(), subject.complaint
    regulatory = subject.regulatory_due
    passed = regulatory is not None and now > regulatory
    received = subject.received_at
    return {
        "number": subject.number,
        "customer_name": str(complaint.get("complainant_name") or ""),
        "received_on": _day(received),
        "unit": _unit_name(ctx, subject.unit),
        "department": _department(ctx, uow, subject.case_id),
        "contact_name": ctx.notices.contact_name,
        "contact_phone": ctx.notices.contact_phone,
        "reply_by": _day(subject.internal_due),
        "reply_workdays": _workdays(ctx, received, subject.internal_due),
        "regulatory_due": _day(regulatory),
        "regulatory_days": _calendar_days(received, regulatory),
        "regulatory_passed": passed,
        "days_over": days_over(regulatory, now) if regulatory is not None else 0,
        "extension_no": 0,
        "reason": "",
        "review_days": ctx.notices.review_days,
        "today": _day(now),
    } | dict(subject.extra)


def _address(channel: DeliveryChannel, complaint: Mapping[str, Any], email: str) -> str:
    if channel == DeliveryChannel.EMAIL:
        return email
    if channel == DeliveryChannel.LETTER:
        return str(complaint.get("contact_address") or complaint.get("complainant_name") or "")
    return str(complaint.get("contact_phone") or "")


def _department(ctx: EngineContext, uow: UnitOfWork, case_id: int) -> str:
    """The department holding the case's first open task (the contact's department when none is open)."""
    open_now = [t for t in uow.read.case_tasks(case_id) if t.status in (TaskStatus.READY, TaskStatus.CLAIMED)]
    return ctx.department_name(open_now[0].department) if open_now else ctx.notices.contact_name


def _unit_name(ctx: EngineContext, code: str) -> str:
    unit = ctx.organisation.get(code)
    return unit.name if unit is not None else code


def _day(moment: datetime | None) -> str:
    return f"{to_china(moment):%Y-%m-%d}" if moment is not None else ""


def _calendar_days(start: datetime, end: datetime | None) -> int:
    return (to_china(end).date() - to_china(start).date()).days if end is not None else 0


def _workdays(ctx: EngineContext, start: datetime, end: datetime | None) -> int:
    return round(ctx.calendar.workdays_between(start, end)) if end is not None else 0
