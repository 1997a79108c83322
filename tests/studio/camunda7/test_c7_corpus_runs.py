"""Camunda 7 diagrams deploy unchanged and run to the end: assignee, ISO-8601 and cron timers, JUEL conditions,
.bpmn20.xml files (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.bootstrap import Engine
from engine.domain.model import TaskStatus
from tests.studio.camunda7.conftest import CORPUS
from tests.support.actors import ADMIN, staff
from tests.support.driver import (
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    open_tasks,
    stored_timers,
    task_by_bpmn_id,
)
from tests.support.engines import at, clock_of

DONE = {"done": True}


def _finished(engine: Engine, case_id: int) -> None:
    assert assert_projection_matches_workflow(engine, case_id).finished
    assert engine.cases.summary(case_id).status.value == "closed"


def _timer_fire_at(engine: Engine, case_id: int, bpmn_id: str):
    return [fire_at for _, timer, _, fire_at in stored_timers(engine, case_id) if timer == bpmn_id]


def _member(engine: Engine, name: str, unit: str, department: str) -> None:
    engine.users.add(name, "c7-password-2024", [f"{unit}:{department}"], ["staff"], ADMIN)


def test_every_corpus_file_is_deployed_including_bpmn20_xml(c7_engine):
    deployed = {d.process_key: d.files for d in c7_engine.deploy.definitions(ADMIN)}
    assert deployed["c7_date"] == ["c7_date.bpmn20.xml"]
    keys = {p.name.split(".")[0] for p in CORPUS.iterdir() if not p.name.endswith(".toml")}
    assert keys <= set(deployed)


def test_assignee_by_name_and_by_expression_puts_the_task_in_that_inbox(c7_engine):
    engine = c7_engine
    case_id = open_case(engine, process_key="c7_assignee").id
    named = task_by_bpmn_id(engine, case_id, "Task_Named")
    assert (named.status, named.assignee) == (TaskStatus.READY, None)  # c7_manager does not exist yet
    [refused] = audit_actions(engine, case_id, "assignment_refused")
    assert refused.data["assignee"] == "c7_manager" and refused.data["reason"] == "unknown_user"

    _member(engine, "c7_manager", named.unit, named.department)
    _member(engine, "c7_reviewer", named.unit, named.department)
    claim_and_complete(engine, case_id, "Task_Named", {"reviewer": "c7_reviewer"})
    second = task_by_bpmn_id(engine, case_id, "Task_Expression")
    assert (second.status, second.assignee) == (TaskStatus.CLAIMED, "c7_reviewer")
    reviewer = engine.users.actor("c7_reviewer")
    assert [t.id for t in engine.tasks.inbox(reviewer)] == [second.id]
    assert [e.data["assignee"] for e in audit_actions(engine, case_id, "assigned_by_diagram")] == ["c7_reviewer"]
    engine.tasks.complete(second.id, DONE, reviewer)
    _finished(engine, case_id)


def test_a_named_user_outside_the_tasks_unit_leaves_it_in_the_queue(c7_engine):
    engine = c7_engine
    first = open_case(engine, process_key="c7_assignee").id
    unit = task_by_bpmn_id(engine, first, "Task_Named").unit
    other_unit = "BJ01" if unit != "BJ01" else "SH01"
    _member(engine, "c7_manager", unit, "branch_manager")
    _member(engine, "c7_elsewhere", other_unit, "branch_manager")
    case_id = open_case(engine, process_key="c7_assignee").id
    named = task_by_bpmn_id(engine, case_id, "Task_Named")
    assert (named.status, named.assignee) == (TaskStatus.CLAIMED, "c7_manager")
    engine.tasks.complete(named.id, {"reviewer": "c7_elsewhere"}, engine.users.actor("c7_manager"))
    second = task_by_bpmn_id(engine, case_id, "Task_Expression")
    assert (second.status, second.assignee) == (TaskStatus.READY, None)
    [refused] = audit_actions(engine, case_id, "assignment_refused")
    assert (refused.data["assignee"], refused.data["reason"]) == ("c7_elsewhere", "not_a_member")
    assert engine.tasks.inbox(engine.users.actor("c7_elsewhere")) == []
    queue_member = engine.users.actor("c7_manager")
    assert second.id in [t.id for t in engine.tasks.queue(queue_member)]
    claim_and_complete(engine, case_id, "Task_Expression", DONE, queue_member)
    _finished(engine, case_id)


def test_duration_pt2h_waits_two_hours_of_the_engines_clock(c7_engine):
    engine = c7_engine
    case_id = open_case(engine, process_key="c7_duration").id
    start = clock_of(engine).now()
    assert open_tasks(engine, case_id) == []
    assert _timer_fire_at(engine, case_id, "Timer_Wait") == [start + timedelta(hours=2)]
    clock_of(engine).advance(timedelta(hours=1, minutes=59))
    engine.timers.sweep()
    assert open_tasks(engine, case_id) == []
    clock_of(engine).advance(timedelta(minutes=2))
    engine.timers.sweep()
    claim_and_complete(engine, case_id, "Task_After", DONE)
    _finished(engine, case_id)


def test_date_without_offset_is_china_time_from_a_bpmn20_xml_file(c7_engine):
    engine = c7_engine
    case_id = open_case(engine, process_key="c7_date").id
    assert _timer_fire_at(engine, case_id, "Timer_Wait") == [at(2024, 10, 8, 9, 0)]
    clock_of(engine).set(at(2024, 10, 8, 9, 1))
    engine.timers.sweep()
    claim_and_complete(engine, case_id, "Task_After", DONE)
    _finished(engine, case_id)


def test_cycle_r3_pt1h_chases_hourly_three_times(c7_engine):
    engine = c7_engine
    case_id = open_case(engine, process_key="c7_cycle").id
    start = clock_of(engine).now()
    for hour in (1, 2, 3):
        assert _timer_fire_at(engine, case_id, "Chase_Handle") == [start + timedelta(hours=hour)]
        clock_of(engine).set(start + timedelta(hours=hour, minutes=1))
        engine.timers.sweep()
    assert _timer_fire_at(engine, case_id, "Chase_Handle") == []  # three repetitions, then done
    assert len(audit_actions(engine, case_id, "auto_chase")) == 1  # a task is chased at most once a day
    claim_and_complete(engine, case_id, "Task_Handle", DONE)
    _finished(engine, case_id)


def test_cron_cycle_fires_at_each_occurrence_in_china_time(c7_engine):
    engine = c7_engine  # Friday 2024-09-27 10:00; "0 0 9 ? * MON-FRI" is 09:00 on weekdays
    case_id = open_case(engine, process_key="c7_cron").id
    assert _timer_fire_at(engine, case_id, "Chase_Handle") == [at(2024, 9, 30, 9, 0)]
    clock_of(engine).set(at(2024, 9, 30, 9, 5))
    engine.timers.sweep()
    assert _timer_fire_at(engine, case_id, "Chase_Handle") == [at(2024, 10, 1, 9, 0)]
    assert len(audit_actions(engine, case_id, "auto_chase")) == 1
    clock_of(engine).set(at(2024, 10, 4, 12, 0))  # days late, in the National Day holiday: fires once
    engine.timers.sweep()
    assert _timer_fire_at(engine, case_id, "Chase_Handle") == [at(2024, 10, 7, 9, 0)]
    assert len(audit_actions(engine, case_id, "auto_chase")) == 1  # chase notices go out on working days
    claim_and_complete(engine, case_id, "Task_Handle", DONE)
    _finished(engine, case_id)


@pytest.mark.parametrize(("answers", "end"), [
    ([{"clarified": False}, {"clarified": True, "claimed_amount": 8000}], "Task_Large"),
    ([{"clarified": True, "claimed_amount": 100}], "EndEvent_Small"),
    ([{"clarified": True, "claimed_amount": 100, "note": "ok"}], "EndEvent_Small"),
    ([{"clarified": True, "claimed_amount": 100, "note": "other"}], "EndEvent_Other"),
])
def test_juel_conditions_route_the_case(c7_engine, answers, end):
    engine = c7_engine
    case_id = open_case(engine, process_key="c7_juel").id
    clarify = task_by_bpmn_id(engine, case_id, "Task_Clarify")
    assert clarify.due_at == engine.ctx.calendar.add_workdays(clock_of(engine).now(), 2)  # P2D: working days
    for answer in answers:
        claim_and_complete(engine, case_id, "Task_Clarify", answer)
    if end == "Task_Large":
        assert task_by_bpmn_id(engine, case_id, "Task_Large").due_at == at(2024, 10, 8, 18, 0)
        claim_and_complete(engine, case_id, "Task_Large", DONE)
    _finished(engine, case_id)
    assert end in engine.cases.detail(case_id, ADMIN).completed_elements


def test_an_empty_corpus_directory_is_named(tmp_path):
    from engine.domain.errors import DeployRejected
    from engine.services.deploy import read_diagram_dir

    (tmp_path / "readme.txt").write_text("no diagrams here")
    with pytest.raises(DeployRejected) as raised:
        read_diagram_dir(tmp_path)
    [problem] = raised.value.problems
    assert problem.code == "no_diagram_files" and str(tmp_path) in problem.message
    assert ".bpmn20.xml" in problem.message


def test_an_outsider_does_not_see_an_assigned_task(c7_engine):
    engine = c7_engine
    case_id = open_case(engine, process_key="c7_assignee").id
    named = task_by_bpmn_id(engine, case_id, "Task_Named")
    assert named.id not in [t.id for t in engine.tasks.queue(staff("retail", "retail_banking"))]
