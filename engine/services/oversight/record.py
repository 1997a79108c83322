"""Storing a chase or supervision notice in the caller's transaction."""

from __future__ import annotations

from engine.domain.model import SYSTEM, HumanTask, Notice, NoticeKind
from engine.domain.organisation import task_unit
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork


def record_notice(ctx: EngineContext, uow: UnitOfWork, kind: NoticeKind, case: tuple[int, str, str],
                  task: HumanTask | None, department: str, reason: str, sender: str = SYSTEM,
                  unit: str | None = None) -> int:
    """Store a chase or supervision notice about `case` (id, number, unit) to `department` (and the task's
    assignee), email queued when SMTP is configured; returns its id. The caller writes the audit event that
    says why."""
    return uow.notices.add(notice_of(ctx, kind, case, task, department, reason, sender, unit),
                           email=ctx.settings.smtp.enabled)


def notice_of(ctx: EngineContext, kind: NoticeKind, case: tuple[int, str, str], task: HumanTask | None,
              department: str, reason: str, sender: str = SYSTEM, unit: str | None = None) -> Notice:
    """The notice `record_notice` stores. It belongs to the task's unit, or, without a task, to `unit` if given
    (a rectification notice's responsible unit), else to the unit whose `department` a task of the case would
    go to."""
    case_id, case_number, case_unit = case
    if task is not None:
        unit = task.unit
    elif unit is None:
        unit = task_unit(ctx.organisation, case_unit, department)
    return Notice(
        kind=kind, case_id=case_id, case_number=case_number, task_id=task.id if task else None,
        department=department, addressee=task.assignee if task else None, sender=sender,
        reason=reason, created_at=ctx.now(), unit=unit,
    )
