"""A clock on every user task: deploy gives each user task of a process the chase and supervise timers its
diagram does not draw (`[task_timers]` of processes/sla.toml), so no step can go unwatched.

Before, co-handling, rework, reply, acceptance, assignment, branch-head approval and rectification had no
timer: a co-handling department four working days late got no chase.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.model import NoticeKind, TimerKind
from engine.scheduler import sweep_once
from tests.support import scenarios_head_office as ho
from tests.support.actors import ADMIN
from tests.support.driver import audit_actions, claim_and_complete, open_case, open_tasks
from tests.support.engines import clock_of

PROCESSES = ("branch_complaint", "card_center_complaint", "complaint_review", "head_office_complaint")


def _latest(engine, key):
    stored = [d for d in engine.deploy.definitions(ADMIN) if d.process_key == key]
    with engine.ctx.db.read() as uow:
        found = uow.definitions.get(max(stored, key=lambda d: d.version).id)
    return engine.ctx.definitions.get(found)


@pytest.mark.parametrize("key", PROCESSES)
def test_every_user_task_is_watched_by_one_chase_and_one_supervise_timer(engine, key):
    defn = _latest(engine, key)
    watching = {(t.attached_to, t.kind) for t in defn.timers.values()}
    counted = [(t.attached_to, t.kind) for t in defn.timers.values()]

    for task in defn.user_tasks:
        assert (task, TimerKind.CHASE) in watching, f"{key}: {task} has no chase timer"
        assert (task, TimerKind.SUPERVISE) in watching, f"{key}: {task} has no supervise timer"
    assert len(counted) == len(set(counted)) == 2 * len(defn.user_tasks)  # a drawn timer is not doubled


def test_the_default_timers_are_stored_with_the_version_not_drawn(engine, repo_root):
    """The stored diagram carries them (a later change of sla.toml does not touch running versions);
    the file in processes/ keeps only what its owner drew."""
    drawn = (repo_root / "processes" / "head_office_complaint.bpmn").read_text(encoding="utf-8")
    stored = [d for d in engine.deploy.definitions(ADMIN) if d.process_key == "head_office_complaint"][0]
    files = engine.deploy.definition_files(stored.id, ADMIN)
    assert 'id="Chase_Task_CoOpinion"' not in drawn
    assert 'id="Chase_Task_CoOpinion"' in files["head_office_complaint.bpmn"]
    assert "chase_cycle(task_due)" in files["head_office_complaint.bpmn"]


def _notices(engine, case_id, kind):
    with engine.ctx.db.read() as uow:
        return [n for n in uow.read.notices(case_id=case_id) if n.kind == kind]


def test_a_co_handler_four_working_days_late_is_chased_and_supervised(engine):
    clock = clock_of(engine)
    clock.set(ho.START)  # Monday 2024-11-04 09:00, an ordinary week
    case_id = open_case(engine, ho.CS_AGENT, **ho.COMPLAINT).id
    claim_and_complete(engine, case_id, "Task_Accept", ho.ACCEPTED)
    claim_and_complete(engine, case_id, "Task_Assign", ho.assigned("operations", "retail_banking", "ebanking"))
    claim_and_complete(engine, case_id, "Task_Investigate", ho.INVESTIGATED)
    co_tasks = [t for t in open_tasks(engine, case_id) if t.bpmn_id == "Task_CoOpinion"]
    assert sorted(t.department for t in co_tasks) == ["ebanking", "retail_banking"]
    due = co_tasks[0].due_at
    late = engine.ctx.calendar.add_workdays(due, 4)

    while clock.now() < late:  # the worker sweeps every day
        clock.advance(timedelta(days=1))
        sweep_once(engine)

    chased = {n.department for n in _notices(engine, case_id, NoticeKind.CHASE) if n.sender == "system"}
    supervised = {n.department for n in _notices(engine, case_id, NoticeKind.SUPERVISION)}
    assert {"retail_banking", "ebanking"} <= chased
    assert {"retail_banking", "ebanking"} <= supervised
    chases = [e for e in audit_actions(engine, case_id, "auto_chase") if e.data["timer"] == "Chase_Task_CoOpinion"]
    on_days = {e.at.astimezone(due.tzinfo).date() for e in chases}
    assert all(engine.ctx.calendar.is_workday(day) for day in on_days)  # chases go out on working days
    assert len(on_days) >= 4  # one working day before due, then daily while late
    assert engine.cases.summary(case_id).supervised
