"""Chase and supervision timers of the diagrams that went off: the notice, the audit event, the counters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from engine.bpmn.runtime import FiredTimer
from engine.domain.model import SYSTEM, HumanTask, Notice, NoticeKind, TimerKind
from engine.domain.records import StoredCase
from engine.services.context import EngineContext
from engine.services.oversight.record import notice_of
from engine.services.oversight.texts import automatic_reason
from engine.services.unit_of_work import UnitOfWork


@dataclass
class _Effects:
    """What the timers fired in one save need and make: the tasks they watch, read together with when the
    system last chased each (one statement), and the notices, inserted together at the end."""

    watched: dict[str, tuple[HumanTask, datetime | None]]
    notices: list[Notice] = field(default_factory=list)
    chased: set[str] = field(default_factory=set)  # tasks chased in this save (a second chase waits a day)

    def task(self, task_id: str) -> HumanTask | None:
        found = self.watched.get(task_id)
        return found[0] if found else None


def apply_fired_timers(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, fired: Sequence[FiredTimer]) -> None:
    """Turn the chase and supervision timers that went off in one save into notices, audit events and counters
    (one per open instance when a timer watches a multi-instance task)."""
    ids = {i for t in fired if t.attached_task_id for i in (t.attached_task_id, *t.instance_task_ids)}
    effects = _Effects(uow.read.watched_tasks(case.id, sorted(ids)) if ids else {})
    for timer in fired:
        _apply(ctx, uow, case, timer, effects)
    if effects.notices:
        uow.notices.add_all(effects.notices, email=ctx.settings.smtp.enabled)


def _apply(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, timer: FiredTimer, effects: _Effects) -> None:
    if timer.kind == TimerKind.OTHER:
        uow.audit.add(ctx.now(), SYSTEM, "timer_fired", case.id, timer.attached_task_id,
                      {"timer": timer.bpmn_id})
        return
    attached = timer.attached_task_id
    task = effects.task(attached) if attached else None
    if attached and task is None:
        # a multi-instance task: each open instance; none open (an empty list passes at once): nobody to notify
        for instance in timer.instance_task_ids:
            _apply_to_task(ctx, uow, case, timer, instance, effects)
        return
    _apply_to_task(ctx, uow, case, timer, attached, effects)


def _apply_to_task(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, timer: FiredTimer,
                   task_id: str | None, effects: _Effects) -> None:
    task = effects.task(task_id) if task_id else None
    if timer.kind == TimerKind.CHASE and not chase_allowed_now(ctx, _last_auto_chase(ctx, uow, task_id, effects)):
        return
    kind = NoticeKind.CHASE if timer.kind == TimerKind.CHASE else NoticeKind.SUPERVISION
    department = task.department if task else (timer.department or "")
    reason = automatic_reason(kind, task, ctx.now().tzinfo)
    effects.notices.append(notice_of(ctx, kind, (case.id, case.number, case.unit), task, department, reason))
    if kind == NoticeKind.CHASE and task_id:
        uow.tasks.note_chase(task_id, ctx.now())
        effects.chased.add(task_id)
    action = "auto_chase" if kind == NoticeKind.CHASE else "supervision"
    uow.audit.add(ctx.now(), SYSTEM, action, case.id, task_id,
                  {"timer": timer.bpmn_id, "department": department, "reason": reason})


def _last_auto_chase(ctx: EngineContext, uow: UnitOfWork, task_id: str | None, effects: _Effects) -> datetime | None:
    """When the system last chased the task (None: never, or no task)."""
    if task_id is None:
        return None
    if task_id in effects.chased:
        return ctx.now()
    found = effects.watched.get(task_id)
    if found is not None:
        return found[1]
    return uow.notices.last_for_task(task_id, NoticeKind.CHASE.value, SYSTEM)  # no task row: rare


def chase_allowed_now(ctx: EngineContext, last_chase: datetime | None) -> bool:
    """The automatic chase policy for anything chased (a task, a rectification notice): on working days only,
    at most once a day (`last_chase`: the latest automatic chase of the same thing, if any)."""
    now = ctx.now()
    if not ctx.calendar.is_workday(now.date()):
        return False
    return last_chase is None or last_chase.astimezone(now.tzinfo).date() != now.date()
