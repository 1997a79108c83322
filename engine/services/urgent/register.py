"""At intake: an urgent-grade or group complaint gets its first-contact and task-force deadlines and goes on the
supervision list (督办) for as long as it is open, in the intake's own transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.domain.model import SYSTEM, NoticeKind
from engine.domain.supervision import SUPERVISING_DEPARTMENT
from engine.domain.urgent import UrgentCase, first_contact_due, is_urgent, managing_queue, task_force_due
from engine.services.context import EngineContext
from engine.services.oversight.record import record_notice
from engine.services.unit_of_work import UnitOfWork
from engine.services.urgent.texts import registered_reason


def register_urgent(ctx: EngineContext, uow: UnitOfWork, case: tuple[int, str, str], complaint: dict[str, Any],
                    received: datetime) -> UrgentCase | None:
    """Register the case (id, number, unit) when its complaint is urgent or a group complaint: the deadlines, the
    managing queue (it sees the case and forms the task force), the supervised flag, a supervision notice to
    complaint management and the audit event. None otherwise."""
    grade, group = complaint.get("grade"), bool(complaint.get("is_group"))
    if not is_urgent(grade, group):
        return None
    case_id, number, unit = case
    now = ctx.now()
    urgent = UrgentCase(case_id, number, unit, grade, group, received,
                        first_contact_due(received, ctx.sla.urgent_first_contact_hours),
                        task_force_due(received, ctx.calendar), now, managing_queue(ctx.organisation, unit))
    uow.urgent.add(urgent)
    uow.cases.update_fields(case_id, supervised=True)
    reason = registered_reason(urgent, now.tzinfo)
    notice = record_notice(ctx, uow, NoticeKind.SUPERVISION, case, None, SUPERVISING_DEPARTMENT, reason)
    uow.audit.add(now, SYSTEM, "urgent_registered", case_id, None, {"notices": [notice],
        "group": group, "grade": grade, "first_contact_due_at": urgent.first_contact_due_at.isoformat(),
        "task_force_due_at": urgent.task_force_due_at.isoformat(), "manager": str(urgent.manager),
        "reason": reason})
    return urgent
