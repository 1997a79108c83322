"""Chase and supervision timers of the diagrams that went off: the notice, the audit event, the counters."""

from __future__ import annotations

from datetime import datetime

from engine.bpmn.runtime import FiredTimer
from engine.domain.model import SYSTEM, HumanTask, NoticeKind, TimerKind
from engine.domain.records import StoredCase
from engine.services.context import EngineContext
from engine.services.oversight.record import record_notice
from engine.services.oversight.texts import automatic_reason
from engine.services.unit_of_work import UnitOfWork


def apply_fired_timer(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, timer: FiredTimer) -> None:
    """Turn a chase or supervision timer that went off into a notice, an audit event and counters
    (one per open instance when the timer watches a multi-instance task)."""
    if timer.kind == TimerKind.OTHER:
        uow.audit.add(ctx.now(), SYSTEM, "timer_fired", case.id, timer.attached_task_id,
                      {"timer": timer.bpmn_id})
        return
    attached = timer.attached_task_id
    task = uow.read.task(attached) if attached else None
    if attached and task is None:
        # a multi-instance task: each open instance; none open (an empty list passes at once): nobody to notify
        for instance in timer.instance_task_ids:
            _apply_to_task(ctx, uow, case, timer, instance, uow.read.task(instance))
        return
    _apply_to_task(ctx, uow, case, timer, attached, task)


def _apply_to_task(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, timer: FiredTimer,
                   task_id: str | None, task: HumanTask | None) -> None:
    if timer.kind == TimerKind.CHASE and not should_auto_chase(ctx, uow, task_id):
        return
    kind = NoticeKind.CHASE if timer.kind == TimerKind.CHASE else NoticeKind.SUPERVISION
    department = task.department if task else (timer.department or "")
    reason = automatic_reason(kind, task, ctx.now().tzinfo)
    record_notice(ctx, uow, kind, (case.id, case.number, case.unit), task, department, reason)
    if kind == NoticeKind.CHASE and task_id:
        uow.tasks.note_chase(task_id, ctx.now())
    action = "auto_chase" if kind == NoticeKind.CHASE else "supervision"
    uow.audit.add(ctx.now(), SYSTEM, action, case.id, task_id,
                  {"timer": timer.bpmn_id, "department": department, "reason": reason})


def should_auto_chase(ctx: EngineContext, uow: UnitOfWork, task_id: str | None) -> bool:
    """Automatic chases go out on working days only, at most once per task per day."""
    if task_id is None:
        return chase_allowed_now(ctx, None)
    return chase_allowed_now(ctx, uow.notices.last_for_task(task_id, NoticeKind.CHASE.value, SYSTEM))


def chase_allowed_now(ctx: EngineContext, last_chase: datetime | None) -> bool:
    """The automatic chase policy for anything chased (a task, a rectification notice): on working days only,
    at most once a day (`last_chase`: the latest automatic chase of the same thing, if any)."""
    now = ctx.now()
    if not ctx.calendar.is_workday(now.date()):
        return False
    return last_chase is None or last_chase.astimezone(now.tzinfo).date() != now.date()
