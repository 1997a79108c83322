"""Departments chosen at run time (`${var}` candidate groups, per multi-instance element) and
supervision raised by an escalation event: through the services, checked against the restored workflow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed, WorkflowError
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN, worker_for
from tests.support.driver import (
    all_tasks,
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    open_tasks,
    task_by_bpmn_id,
)

DIAGRAMS = Path(__file__).parent / "diagrams"


@pytest.fixture
def routing_engine(engine: Engine) -> Engine:
    engine.deploy.deploy(read_diagram_dir(DIAGRAMS), ADMIN)
    return engine


def _open(engine: Engine) -> int:
    return open_case(engine, process_key="dynamic_routing").id


def test_responsible_and_each_co_handling_department_get_their_own_task(routing_engine):
    engine = routing_engine
    case_id = _open(engine)
    claim_and_complete(engine, case_id, "Task_Assign", {
        "responsible_department": "operations", "co_departments": ["ebanking", "compliance_legal"],
    })
    assert_projection_matches_workflow(engine, case_id)
    departments = sorted((t.bpmn_id, t.department) for t in open_tasks(engine, case_id))
    assert departments == [("Task_Co", "compliance_legal"), ("Task_Co", "ebanking"), ("Task_Lead", "operations")]
    for dept in ("ebanking", "compliance_legal"):
        queue = engine.tasks.queue(worker_for(dept))
        assert [(t.bpmn_id, t.department) for t in queue] == [("Task_Co", dept)]
    assert engine.tasks.queue(worker_for("retail_banking")) == []


def test_escalation_event_raises_supervision_for_the_chosen_department(routing_engine):
    engine = routing_engine
    case_id = _open(engine)
    claim_and_complete(engine, case_id, "Task_Assign", {
        "responsible_department": "operations", "co_departments": ["ebanking"],
    })
    for task in open_tasks(engine, case_id):
        actor = worker_for(task.department)
        engine.tasks.claim(task.id, actor)
        answer = {"proposal": "方案"} if task.bpmn_id == "Task_Lead" else {"opinion": "同意"}
        engine.tasks.complete(task.id, answer, actor)
    view = assert_projection_matches_workflow(engine, case_id)
    assert view.finished
    summary = engine.cases.summary(case_id)
    assert summary.supervised
    supervisions = audit_actions(engine, case_id, "supervision")
    assert [e.data["department"] for e in supervisions] == ["operations"]
    notices = engine.notices.for_actor(worker_for("operations"))
    assert [(n.case_id, n.department, n.kind.value) for n in notices] == [(case_id, "operations", "supervision")]
    assert engine.notices.for_actor(worker_for("ebanking")) == []
    assert json.loads(view.state)["bpmn_events"] == []  # the uncaught escalation is not stored


def test_empty_co_handling_list_leaves_only_the_lead_task(routing_engine):
    engine = routing_engine
    case_id = _open(engine)
    claim_and_complete(engine, case_id, "Task_Assign", {"responsible_department": "operations"})
    assert_projection_matches_workflow(engine, case_id)
    assert [(t.bpmn_id, t.department) for t in open_tasks(engine, case_id)] == [("Task_Lead", "operations")]


def test_unknown_department_value_fails_the_step_and_changes_nothing(routing_engine):
    engine = routing_engine
    case_id = _open(engine)
    assign = task_by_bpmn_id(engine, case_id, "Task_Assign")
    actor = worker_for(assign.department)
    engine.tasks.claim(assign.id, actor)
    before = assert_projection_matches_workflow(engine, case_id)
    with pytest.raises(WorkflowError, match="responsible_department.*'nowhere'.*not a known department"):
        engine.tasks.complete(assign.id, {"responsible_department": "nowhere"}, actor)
    after = assert_projection_matches_workflow(engine, case_id)
    assert after.version == before.version
    assert [t.bpmn_id for t in open_tasks(engine, case_id)] == ["Task_Assign"]
    assert len(all_tasks(engine, case_id)) == 1


def test_multiple_choice_field_rejects_unknown_and_repeated_options(routing_engine):
    engine = routing_engine
    case_id = _open(engine)
    assign = task_by_bpmn_id(engine, case_id, "Task_Assign")
    actor = worker_for(assign.department)
    engine.tasks.claim(assign.id, actor)
    with pytest.raises(ValidationFailed) as bad:
        engine.tasks.complete(assign.id, {"responsible_department": "operations",
                                          "co_departments": ["ebanking", "mars"]}, actor)
    assert list(bad.value.errors) == ["co_departments"]
    with pytest.raises(ValidationFailed) as twice:
        engine.tasks.complete(assign.id, {"responsible_department": "operations",
                                          "co_departments": ["ebanking", "ebanking"]}, actor)
    assert twice.value.errors == {"co_departments": ["an option is chosen twice"]}
