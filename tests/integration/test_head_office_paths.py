"""The head-office process end to end (tests/support/scenarios_head_office.py), on SQLite and PostgreSQL.

Every scenario checks the projections against the workflow restored from storage after each step and
asserts its own path (queues, due dates, counters, supervision); here every path must end closed, and
together they must pass every flow node of the diagram.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed
from tests.support import scenarios_head_office as ho
from tests.support.actors import worker_for
from tests.support.driver import assert_projection_matches_workflow, audit_actions, open_tasks, stored_timers
from tests.support.engines import at

DIAGRAM = Path(__file__).resolve().parents[2] / "processes" / "head_office_complaint.bpmn"
FLOW_NODES = ("startEvent", "endEvent", "userTask", "businessRuleTask", "exclusiveGateway", "parallelGateway",
              "intermediateThrowEvent", "boundaryEvent")


def _flow_node_ids() -> set[str]:
    root = etree.parse(str(DIAGRAM)).getroot()
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    return {e.get("id") for kind in FLOW_NODES for e in root.iterfind(f".//bpmn:{kind}", ns)}


def _assert_closed(engine: Engine, case_id: int) -> None:
    summary = engine.cases.summary(case_id)
    assert summary.process_key == "head_office_complaint"
    assert summary.status.value == "closed" and summary.closed_at is not None
    assert open_tasks(engine, case_id) == []
    assert stored_timers(engine, case_id) == set()
    assert len(audit_actions(engine, case_id, "case_closed")) == 1
    assert engine.cases.process_data(case_id)["archive_confirmed"] is True
    assert engine.timers.sweep().failed == []


@pytest.mark.parametrize("name", list(ho.SCENARIOS))
def test_each_path_ends_revisited_archived_and_closed(engine: Engine, name: str) -> None:
    case_id = ho.SCENARIOS[name](engine)
    _assert_closed(engine, case_id)
    completed = [e.data["task"] for e in audit_actions(engine, case_id, "complete")]
    assert completed[0] == "Task_Accept"
    assert completed[completed.index("Task_Revisit"):] in (
        ["Task_Revisit", "Task_Archive"], ["Task_Revisit", "Task_TypicalCase", "Task_Archive"])


def test_the_paths_together_pass_every_flow_node(engine: Engine) -> None:
    visited: set[str] = set()
    for scenario in ho.SCENARIOS.values():
        visited |= ho.visited_elements(engine, scenario(engine))
    assert sorted(_flow_node_ids() - visited) == []


def test_co_handling_opinions_are_recorded_per_department(engine: Engine) -> None:
    case_id = ho.cross_department_with_two_co_handlers(engine)
    opinions = [(e.actor, e.data["data"]["co_opinion"]) for e in audit_actions(engine, case_id, "complete")
                if e.data["task"] == "Task_CoOpinion"]
    assert sorted(opinions) == sorted(
        (worker_for(dept).username, ho.CO_OPINION["co_opinion"]) for dept in ("ebanking", "compliance_legal"))


def test_a_co_handling_department_outside_the_list_is_refused_and_changes_nothing(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    assign = case.task("Task_Assign")
    actor = worker_for(assign.department)
    engine.tasks.claim(assign.id, actor)
    before = assert_projection_matches_workflow(engine, case.id)
    with pytest.raises(ValidationFailed) as refused:
        engine.tasks.complete(assign.id, ho.assigned("operations", "ebanking", "card_senior_manager"), actor)
    assert list(refused.value.errors) == ["co_department_choices"]
    after = assert_projection_matches_workflow(engine, case.id)
    assert after.version == before.version
    assert case.waiting() == [("Task_Assign", "complaint_mgmt")]


def test_the_routing_table_sends_large_amounts_to_departments_with_five_working_days(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine, amount="80000.00")
    case.step("Task_Accept", ho.ACCEPTED)
    assert (case.data()["ho_route"], case.data()["handling_workdays"]) == ("departments", 5)
    assigned = case.step("Task_Assign", ho.assigned("retail_banking"))
    assert assigned.completed_at is not None
    investigate = case.task("Task_Investigate")
    assert investigate.due_at == at(2024, 11, 11, 11)  # Mon 11:00 + 5 working days


@pytest.mark.parametrize(("fields", "acceptance", "replier"), [
    pytest.param({"channel": "media"}, ho.ACCEPTED, "corporate_culture", id="media-channel-even-if-unticked"),
    pytest.param({"channel": "letter"}, ho.ACCEPTED_SENSITIVE, "office", id="ticked-at-acceptance"),
])
def test_a_sensitive_source_by_channel_or_by_acceptance_is_a_referral(
    engine: Engine, fields: dict[str, str], acceptance: dict[str, object], replier: str
) -> None:
    case = ho.HeadOfficeCase(engine, **fields)
    case.step("Task_Accept", acceptance)
    assert case.waiting() == [("Task_Assign", "complaint_mgmt")]
    assert (case.data()["ho_route"], case.data()["referrer_department"]) == ("referral", replier)


def test_an_ordinary_complaint_goes_to_the_departments(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine, channel="letter")
    case.step("Task_Accept", ho.ACCEPTED)
    assert case.waiting() == [("Task_Assign", "complaint_mgmt")]
    assert (case.data()["ho_route"], case.data()["handling_workdays"]) == ("departments", 3)
