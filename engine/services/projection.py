"""Write a case's workflow state and projections (timer effects through oversight) in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from engine.bpmn.definitions import LoadedDefinition
from engine.bpmn.runtime import Armed, FiredTimer, ReadyUserTask, Snapshot, WaitingTimer
from engine.domain.customer_notices import CustomerNoticeKind
from engine.domain.errors import WorkflowError
from engine.domain.model import SYSTEM, TimerKind, UserTaskSpec
from engine.domain.organisation import chosen_unit, task_unit
from engine.domain.records import (
    CaseProjection,
    StoredCase,
    TaskProjection,
    TimerProjection,
)
from engine.services.assignment import assign_from_diagram
from engine.services.context import EngineContext
from engine.services.customer_notices.compose import NoticeSubject, queue_customer_notice
from engine.services.facts import facts_unchanged, moment_or_none, record_case_facts
from engine.services.oversight.automatic import apply_fired_timers
from engine.services.unit_of_work import UnitOfWork


def persist_workflow(
    ctx: EngineContext,
    uow: UnitOfWork,
    case: StoredCase,
    defn: LoadedDefinition,
    workflow: Any,
    fired: list[FiredTimer],
    completed: dict[str, str] | None = None,
) -> int:
    """Save state + human_task + timer projections; apply fired timers. Returns the new version.
    Each projection is written as the statements that change it: the rows are compared with what the
    stored state showed (`WorkflowRuntime.stored_armed`), not read back and rewritten."""
    now = ctx.now()
    snap = ctx.runtime.snapshot(defn, workflow)
    stored = ctx.runtime.stored_armed(workflow)
    version = _save_case(ctx, uow, case, workflow, snap, fired, now)
    _save_tasks(ctx, uow, case, defn, snap, now, completed or {}, stored)
    _save_timers(uow, case, snap, stored)
    ctx.runtime.remember_stored(workflow, Armed(frozenset(t.id for t in snap.ready), frozenset(snap.timers),
                                                snap.data))
    apply_fired_timers(ctx, uow, case, fired)
    _save_facts(ctx, uow, case, snap, now, stored.data if stored else None)
    if snap.finished:
        uow.audit.add(now, SYSTEM, "case_closed", case.id)
    return version


def _save_case(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, workflow: Any, snap: Snapshot,
               fired: list[FiredTimer], now: datetime) -> int:
    """The case row: state, status and the process data projection, if the version is still ours."""
    supervised = case.supervised or any(f.kind == TimerKind.SUPERVISE for f in fired)
    return uow.cases.save(case.id, case.version, CaseProjection(
        state=ctx.runtime.dumps(workflow),
        status="closed" if snap.finished else "open",
        process_data=_json_safe(snap.data),
        completed_elements=snap.completed_elements,
        current_elements=snap.current_elements,
        now=now,
        closed_at=now if snap.finished else None,
        supervised=supervised,
    ))


def _save_tasks(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, defn: LoadedDefinition, snap: Snapshot,
                now: datetime, completed: dict[str, str], stored: Armed | None) -> None:
    """The human_task rows: new ready tasks inserted (and assigned as the diagram names), finished ones closed."""
    ready = [_task_projection(ctx, defn, t, case.unit) for t in snap.ready]
    created = uow.tasks.sync(case.id, case.number, case.process_key, case.grade, ready, now, completed,
                             stored.ready if stored else None)
    named = {t.id: t.assignee for t in snap.ready if t.assignee}
    for task in ready:
        if task.id in created and task.id in named:
            assign_from_diagram(ctx, uow, case.id, task, named[task.id])


def _save_timers(uow: UnitOfWork, case: StoredCase, snap: Snapshot, stored: Armed | None) -> None:
    """The timer rows the sweep reads, written only when the set of armed timers changed."""
    known = stored.timers if stored else None
    if known is None or known != frozenset(snap.timers):
        uow.timers.replace(case.id, _timer_projections(snap.timers),
                           None if known is None else _timer_projections(known))


def _save_facts(ctx: EngineContext, uow: UnitOfWork, case: StoredCase, snap: Snapshot, now: datetime,
                before: dict[str, Any] | None) -> None:
    """The report facts row (written when a fact changed; not even read when the data the facts come from
    says the same as the stored state's, `before`), and the result notice when this step replied."""
    if before is not None and not snap.finished and facts_unchanged(ctx, case, before, snap.data):
        return
    replied = record_case_facts(ctx, uow, case, snap.data, now, snap.finished)
    if replied is not None:  # 处理结果告知: the result was told (the reply recorded) in this step
        queue_customer_notice(ctx, uow, CustomerNoticeKind.RESULT, NoticeSubject(
            case.id, case.number, case.unit, case.complaint, case.received_at,
            moment_or_none(snap.data.get("internal_due")), replied[1]))


def _timer_projections(timers: Iterable[WaitingTimer]) -> list[TimerProjection]:
    return [TimerProjection(t.task_id, t.bpmn_id, t.kind.value, t.attached_task_id, t.fire_at) for t in timers]


def _task_projection(ctx: EngineContext, defn: LoadedDefinition, ready: ReadyUserTask,
                     case_unit: str) -> TaskProjection:
    spec = defn.user_tasks.get(ready.bpmn_id)
    department = _department_of(ctx, spec, ready)
    return TaskProjection(
        id=ready.id,
        bpmn_id=ready.bpmn_id,
        title=spec.name if spec else ready.bpmn_id,
        department=department,
        lane=spec.lane if spec else None,
        due_at=ready.due_at,
        unit=_unit_of(ctx, spec, ready, case_unit, department),
    )


def _unit_of(ctx: EngineContext, spec: UserTaskSpec | None, ready: ReadyUserTask, case_unit: str,
             department: str) -> str:
    """The task's unit: up the tree from the case's unit, or the unit the diagram chose through `${var}`."""
    if spec is None or spec.unit_variable is None:
        return task_unit(ctx.organisation, case_unit, department, spec.level if spec else None)
    unit = chosen_unit(ctx.organisation, ready.unit, department)
    if unit is None:
        raise WorkflowError(
            f"task {ready.bpmn_id}: unit variable {spec.unit_variable!r} is {ready.unit!r}, which is not a "
            f"unit with the department {department!r} (see processes/organisations.toml)",
            element=ready.bpmn_id, code="unknown_unit",
            params={"variable": spec.unit_variable, "unit": ready.unit or "", "department": department},
        )
    return unit


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
