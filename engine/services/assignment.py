"""`camunda:assignee`: a new task goes straight to the named user's inbox, if that user may work it.

The named user must be an active member of the task's (unit, department) queue, the rule a supervisor's
reassignment follows. Otherwise the task stays in the queue for the department to claim, and the audit
trail says whom the diagram named and why that did not apply (`assignment_refused`), so no task waits
for someone who cannot see it.
"""

from __future__ import annotations

from engine.domain.model import SYSTEM, Membership
from engine.domain.records import TaskProjection
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

ASSIGNED = "assigned_by_diagram"
REFUSED = "assignment_refused"
UNKNOWN_USER, INACTIVE_USER, NOT_A_MEMBER = "unknown_user", "inactive_user", "not_a_member"


def assign_from_diagram(ctx: EngineContext, uow: UnitOfWork, case_id: int, task: TaskProjection, user: str) -> None:
    """Give a just-created task to `user` when they may work it; audit either way."""
    reason = _refusal(uow, task, user)
    data = {"assignee": user, "unit": task.unit, "department": task.department}
    if reason is None and uow.tasks.set_assignee(task.id, user, {"status": "ready"}):
        uow.audit.add(ctx.now(), SYSTEM, ASSIGNED, case_id, task.id, data)
    else:
        uow.audit.add(ctx.now(), SYSTEM, REFUSED, case_id, task.id, {**data, "reason": reason or "changed"})


def _refusal(uow: UnitOfWork, task: TaskProjection, username: str) -> str | None:
    """Why `username` may not work the task, or None when they may."""
    user = uow.users.get(username)
    if user is None:
        return UNKNOWN_USER
    if not user.active:
        return INACTIVE_USER
    if Membership(task.unit, task.department) not in user.memberships:
        return NOT_A_MEMBER
    return None
