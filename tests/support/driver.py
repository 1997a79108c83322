"""Drive a case through the services like people would, and check projections against the workflow."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.bootstrap import Engine
from engine.domain.model import Actor, CaseSummary, HumanTask
from engine.persistence.tables import TimerRow
from tests.support.actors import FRONT, worker_for
from tests.support.complaints import complaint


@dataclass
class RestoredView:
    """A case as its stored workflow state says it is (restored fresh from the database)."""

    status: str
    version: int
    state: str
    ready: set[tuple[str, str, datetime | None]]
    timers: set[tuple[str, str, str, datetime]]
    finished: bool


def open_case(engine: Engine, actor: Actor = FRONT, process_key: str | None = None,
              **overrides: Any) -> CaseSummary:
    """Open a valid branch complaint (fields overridable)."""
    return engine.cases.open_case(process_key, complaint(**overrides), actor)


def open_tasks(engine: Engine, case_id: int) -> list[HumanTask]:
    """The case's ready or claimed human_task rows."""
    with engine.ctx.db.read() as uow:
        return [t for t in uow.read.case_tasks(case_id) if t.status.value in ("ready", "claimed")]


def all_tasks(engine: Engine, case_id: int) -> list[HumanTask]:
    """Every human_task row of the case, oldest first."""
    with engine.ctx.db.read() as uow:
        return uow.read.case_tasks(case_id)


def task_by_bpmn_id(engine: Engine, case_id: int, bpmn_id: str) -> HumanTask:
    """The one open task of the case for a diagram element; fails the test otherwise."""
    found = [t for t in open_tasks(engine, case_id) if t.bpmn_id == bpmn_id]
    waiting = [t.bpmn_id for t in open_tasks(engine, case_id)]
    assert len(found) == 1, f"expected one open {bpmn_id}, open tasks are {waiting}"
    return found[0]


def claim_and_complete(engine: Engine, case_id: int, bpmn_id: str, data: dict[str, Any],
                       actor: Actor | None = None) -> HumanTask:
    """Claim the case's open task `bpmn_id` and complete it with `data` (as its department's worker)."""
    task = task_by_bpmn_id(engine, case_id, bpmn_id)
    actor = actor or worker_for(task.department)
    engine.tasks.claim(task.id, actor)
    return engine.tasks.complete(task.id, data, actor)


def audit_actions(engine: Engine, case_id: int, action: str | None = None) -> list[Any]:
    """The case's audit events (optionally of one action), oldest first."""
    with engine.ctx.db.read() as uow:
        events = uow.read.timeline(case_id)
    return [e for e in events if action is None or e.action == action]


def restored(engine: Engine, case_id: int) -> RestoredView:
    """Restore the case's workflow from the stored state and read what it waits for."""
    runtime = engine.ctx.runtime
    with engine.ctx.db.read() as uow:
        case = uow.cases.load_for_update(case_id)
        assert case is not None, f"case {case_id} not stored"
        stored_def = uow.definitions.get(case.definition_id)
        assert stored_def is not None
    defn = engine.ctx.definitions.get(stored_def)
    workflow = runtime.restore(defn, case.state)
    snap = runtime.snapshot(defn, workflow)
    return RestoredView(
        status=case.status,
        version=case.version,
        state=case.state,
        ready={(t.id, t.bpmn_id, t.due_at) for t in snap.ready},
        timers={(t.task_id, t.bpmn_id, t.kind.value, t.fire_at) for t in snap.timers},
        finished=snap.finished,
    )


def stored_timers(engine: Engine, case_id: int) -> set[tuple[str, str, str, datetime]]:
    """The case's armed rows of the timer table."""
    with engine.ctx.db.read() as uow:
        rows = uow.session.scalars(
            select(TimerRow).where(TimerRow.case_id == case_id, TimerRow.status == "armed")
        )
        return {(r.task_id, r.bpmn_id, r.kind, r.fire_at) for r in rows}


def assert_projection_matches_workflow(engine: Engine, case_id: int) -> RestoredView:
    """human_task, timer and case status agree with the workflow restored from the stored state."""
    view = restored(engine, case_id)
    rows = {(t.id, t.bpmn_id, t.due_at) for t in open_tasks(engine, case_id)}
    assert rows == view.ready, (
        f"human_task rows {sorted(r[1] for r in rows)} != ready tasks of the restored workflow "
        f"{sorted(r[1] for r in view.ready)}\nrows={rows}\nworkflow={view.ready}"
    )
    assert stored_timers(engine, case_id) == view.timers
    assert view.status == ("closed" if view.finished else "open")
    return view
