"""Write a case's workflow state, projections, timer effects and audit in the caller's transaction."""

from __future__ import annotations

from typing import Any

from engine.bpmn.definitions import LoadedDefinition
from engine.bpmn.runtime import FiredTimer, ReadyUserTask
from engine.domain.errors import WorkflowError
from engine.domain.model import SYSTEM, HumanTask, Notice, NoticeKind, TimerKind, UserTaskSpec
from engine.persistence.records import (
    CaseProjection,
    StoredCase,
    TaskProjection,
    TimerProjection,
)
from engine.persistence.uow import UnitOfWork
from engine.services.context import EngineContext
from engine.services.facts import record_case_facts


def persist_workflow(
    ctx: EngineContext,
    uow: UnitOfWork,
    case: StoredCase,
    defn: LoadedDefinition,
    workflow: Any,
    fired: list[FiredTimer],
    completed: dict[str, str] | None = None,
) -> int:
    """Save state + human_task + timer projections; apply fired timers. Returns the new version."""
    now = ctx.now()
    snap = ctx.runtime.snapshot(defn, workflow)
    supervised = case.supervised or any(f.kind == TimerKind.SUPERVISE for f in fired)
    version = uow.cases.save(
        case.id,
        case.version,
        CaseProjection(
            state=ctx.runtime.dumps(workflow),
            status="closed" if snap.finished else "open",
            process_data=_json_safe(snap.data),
            completed_elements=snap.completed_elements,
            current_elements=snap.current_elements,
            now=now,
            closed_at=now if snap.finished else None,
            supervised=supervised,
        ),
    )
    ready = [_task_projection(ctx, defn, t) for t in snap.ready]
    uow.tasks.sync(case.id, case.number, case.process_key, case.grade, ready, now, completed or {})
    uow.timers.replace(
        case.id,
        [
            TimerProjection(t.task_id, t.bpmn_id, t.kind.value, t.attached_task_id, t.fire_at)
            for t in snap.timers
        ],
    )
    for timer in fired:
        apply_fired_timer(ctx, uow, case, timer)
    record_case_facts(ctx, uow, case, snap.data, now, snap.finished)
    if snap.finished:
        uow.audit.add(now, SYSTEM, "case_closed", case.id)
    return version


def _task_projection(ctx: EngineContext, defn: LoadedDefinition, ready: ReadyUserTask) -> TaskProjection:
    spec = defn.user_tasks.get(ready.bpmn_id)
    return TaskProjection(
        id=ready.id,
        bpmn_id=ready.bpmn_id,
        title=spec.name if spec else ready.bpmn_id,
        department=_department_of(ctx, spec, ready),
        lane=spec.lane if spec else None,
        due_at=ready.due_at,
    )


def _department_of(ctx: EngineContext, spec: UserTaskSpec | None, ready: ReadyUserTask) -> str:
    """The task's department: fixed in the diagram, or chosen at run time through `${var}`."""
    if spec is None:
        return ""
    if spec.department_variable is None:
        return spec.department
    dept = ctx.departments.resolve(ready.department)
    if dept is None:
        raise WorkflowError(
            f"task {ready.bpmn_id}: department variable {spec.department_variable!r} is "
            f"{ready.department!r}, which is not a known department (see processes/departments.toml)"
        )
    return dept.code


def apply_fired_timer(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, timer: FiredTimer) -> None:
    """Turn a chase or supervision timer that went off into a notice, an audit event and counters."""
    if timer.kind == TimerKind.OTHER:
        uow.audit.add(ctx.now(), SYSTEM, "timer_fired", case.id, timer.attached_task_id,
                      {"timer": timer.bpmn_id})
        return
    task = uow.read.task(timer.attached_task_id) if timer.attached_task_id else None
    if timer.kind == TimerKind.CHASE and not _should_auto_chase(ctx, uow, timer):
        return
    kind = NoticeKind.CHASE if timer.kind == TimerKind.CHASE else NoticeKind.SUPERVISION
    department = task.department if task else (timer.department or "")
    reason = _auto_reason(ctx, kind, task)
    record_notice(ctx, uow, kind, case.id, case.number, task, department, reason)
    if kind == NoticeKind.CHASE and timer.attached_task_id:
        uow.tasks.note_chase(timer.attached_task_id, ctx.now())
    action = "auto_chase" if kind == NoticeKind.CHASE else "supervision"
    uow.audit.add(ctx.now(), SYSTEM, action, case.id, timer.attached_task_id,
                  {"timer": timer.bpmn_id, "department": department, "reason": reason})


def record_notice(ctx: EngineContext, uow: UnitOfWork, kind: NoticeKind, case_id: int, case_number: str,
                  task: HumanTask | None, department: str, reason: str, sender: str = SYSTEM) -> int:
    """Store a chase or supervision notice to `department` (and the task's assignee), email queued when
    SMTP is configured; returns its id. The caller writes the audit event that says why."""
    return uow.notices.add(Notice(
        kind=kind, case_id=case_id, case_number=case_number, task_id=task.id if task else None,
        department=department, addressee=task.assignee if task else None, sender=sender,
        reason=reason, created_at=ctx.now(),
    ), email=ctx.settings.smtp.enabled)


def _should_auto_chase(ctx: EngineContext, uow: UnitOfWork, timer: FiredTimer) -> bool:
    """Automatic chases go out on working days only, at most once per task per day."""
    now = ctx.now()
    if not ctx.calendar.is_workday(now.date()):
        return False
    if timer.attached_task_id is None:
        return True
    last = uow.notices.last_for_task(timer.attached_task_id, NoticeKind.CHASE.value, SYSTEM)
    return last is None or last.astimezone(now.tzinfo).date() != now.date()


def _auto_reason(ctx: EngineContext, kind: NoticeKind, task: Any) -> str:
    if task is None:
        return "系统催办" if kind == NoticeKind.CHASE else "超期督办"
    due = task.due_at.astimezone(ctx.now().tzinfo).strftime("%Y-%m-%d %H:%M") if task.due_at else "-"
    if kind == NoticeKind.CHASE:
        return f"系统催办：「{task.title}」将于 {due} 到期，请尽快办理 / due {due}"
    return f"超期督办：「{task.title}」已于 {due} 超期 / overdue since {due}"


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, (str, int, float, bool, type(None), list, dict)):
            out[key] = value
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = str(value)
    return out
