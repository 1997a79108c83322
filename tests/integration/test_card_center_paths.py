"""The card-centre tiered process end to end (SQLite and PostgreSQL); see tests/support/scenarios_card_center.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml import etree

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed, WorkflowError
from tests.support import scenarios_card_center as card
from tests.support.driver import assert_projection_matches_workflow, audit_actions, restored, task_by_bpmn_id
from tests.support.engines import PROCESSES

BPMN = PROCESSES / "card_center_complaint.bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def _closed_cleanly(engine: Engine, case_id: int) -> None:
    summary = engine.cases.summary(case_id)
    assert summary.status.value == "closed"
    assert summary.closed_at is not None
    assert len(audit_actions(engine, case_id, "case_closed")) == 1
    assert engine.timers.sweep().failed == []


@pytest.mark.parametrize("scenario", list(card.SCENARIOS.values()), ids=list(card.SCENARIOS))
def test_scenario_runs_to_a_closed_case(engine: Engine, scenario: Callable[[Engine], int]) -> None:
    case_id = scenario(engine)
    _closed_cleanly(engine, case_id)
    summary = engine.cases.summary(case_id)
    assert summary.number.startswith("TS-")
    assert engine.cases.process_data(case_id)["archive_confirmed"] is True


def test_a_card_centre_complaint_starts_the_card_process_with_the_seat_agent(engine: Engine) -> None:
    walk = card.CardWalk(engine)
    seat = walk.only_task("Task_Seat")
    assert (seat.department, seat.lane) == ("card_seat", "座席员")
    assert walk.queued_in() == ["card_seat"]
    assert engine.cases.summary(walk.case_id).received_by == card.SEAT_AGENT.username


@pytest.mark.parametrize(("amount", "department"), card.AMOUNT_TIERS)
def test_handing_up_reaches_the_tier_the_amount_needs(engine: Engine, amount: str, department: str) -> None:
    walk = card.CardWalk(engine, amount=amount)
    walk.step("Task_Seat", card.SEAT_BEYOND)
    task = walk.only_task(card.tier_task_of(department))
    assert task.department == department
    assert walk.queued_in() == [department]
    assert engine.cases.process_data(walk.case_id)["card_route"] == department.removeprefix("card_").replace(
        "senior_manager", "senior")


@pytest.mark.parametrize(("facts", "department"), [
    ({"amount": "5000.00"}, "card_care"),  # the seat agent says resolved, but 5,000 is beyond seat authority
    ({"grade": "important"}, "card_care"),
    ({"grade": "urgent"}, "card_cs_manager"),
])
def test_facts_override_a_seat_resolution_beyond_seat_authority(engine: Engine, facts: dict[str, object],
                                                                  department: str) -> None:
    walk = card.CardWalk(engine, **{"amount": "100.00", **facts})
    walk.step("Task_Seat", card.SEAT_RESOLVED)
    assert walk.queued_in() == [department]


@pytest.mark.parametrize(("earlier", "department"), [(1, "card_care"), (3, "card_cs_manager")])
def test_the_customer_s_earlier_complaints_override_a_seat_resolution(engine: Engine, earlier: int,
                                                                       department: str) -> None:
    """The repeat count the decision table reads is computed from the same customer's complaints."""
    customer = {"contact_phone": "13900001111", "id_number": "310101199001011234"}
    for n in range(earlier):  # the same person, once by phone only, then with the ID number too
        card.CardWalk(engine, amount="100.00", **(customer | ({"id_number": ""} if n == 0 else {})))
    walk = card.CardWalk(engine, amount="100.00", **customer)
    assert engine.cases.summary(walk.case_id).complaint["repeat_count"] == earlier
    walk.step("Task_Seat", card.SEAT_RESOLVED)
    assert walk.queued_in() == [department]


@pytest.mark.parametrize("facts", [
    {"sensitive_source": True}, {"channel": "regulator"}, {"channel": "media"}, {"channel": "consumer_association"},
])
def test_referrals_start_at_the_senior_manager(engine: Engine, facts: dict[str, object]) -> None:
    walk = card.CardWalk(engine, **{"amount": "100.00", **facts})
    assert walk.queued_in() == ["card_senior_manager"]


def test_a_tier_resolution_within_its_authority_goes_to_the_reply(engine: Engine) -> None:
    walk = card.CardWalk(engine, amount="50000.00")
    walk.step("Task_Seat", card.SEAT_RESOLVED)
    walk.step("Task_Manager", card.MANAGER_RESOLVED)
    reply = walk.only_task("Task_Reply")
    assert reply.department == "card_seat"
    assert engine.cases.process_data(walk.case_id)["compensation_amount"] == 5000.0


@pytest.mark.parametrize("tier_path", [
    ("Task_Seat",),
    ("Task_Seat", "Task_Care"),
    ("Task_Seat", "Task_Care", "Task_Manager"),
    ("Task_Seat", "Task_Care", "Task_Manager", "Task_Senior"),
])
def test_a_head_office_answer_returns_to_the_tier_that_forwarded(engine: Engine, tier_path: tuple[str, ...]) -> None:
    walk = card.CardWalk(engine, amount="100.00")
    for task in tier_path[:-1]:
        walk.step(task, card.handled(task, "rejected"))
    forwarding = tier_path[-1]
    walk.step(forwarding, card.handled(forwarding, "forward", forward_department="ebanking"))
    forward = walk.only_task("Task_Forward")
    assert (forward.department, walk.queued_in()) == ("ebanking", ["ebanking"])
    walk.step("Task_Forward", card.FORWARD_ANSWERED)
    assert walk.only_task(forwarding).status.value == "ready"
    assert engine.cases.process_data(walk.case_id)["forward_opinion"] == card.FORWARD_ANSWERED["forward_opinion"]


def test_forwarding_without_a_department_fails_clearly_and_changes_nothing(engine: Engine) -> None:
    walk = card.CardWalk(engine)
    before = restored(engine, walk.case_id)
    with pytest.raises(WorkflowError, match="forward_department"):
        walk.step("Task_Seat", card.handled("Task_Seat", "forward"))
    after = assert_projection_matches_workflow(engine, walk.case_id)
    assert (after.version, after.state) == (before.version, before.state)
    assert task_by_bpmn_id(engine, walk.case_id, "Task_Seat").status.value == "claimed"


def test_an_outcome_of_another_tier_is_refused(engine: Engine) -> None:
    walk = card.CardWalk(engine)
    with pytest.raises(ValidationFailed) as failed:
        walk.step("Task_Seat", card.handled("Task_Care", "resolved"))
    assert "outcome" in failed.value.errors
    assert walk.only_task("Task_Seat").status.value == "claimed"


def _flow_nodes() -> set[str]:
    root = etree.parse(str(BPMN)).getroot()
    process = root.find("bpmn:process", NS)
    assert process is not None
    skipped = {"sequenceFlow", "laneSet"}
    return {el.get("id") for el in process if etree.QName(el).localname not in skipped and el.get("id")}


def _ends_of(boundary_id: str) -> set[str]:
    """The end event a drawn boundary timer leads to (none for the timers deploy adds, see sla.toml)."""
    root = etree.parse(str(BPMN)).getroot()
    return {f.get("targetRef") for f in root.iterfind(".//bpmn:sequenceFlow", NS) if f.get("sourceRef") == boundary_id}


def visited_elements(engine: Engine, case_id: int) -> set[str]:
    """Flow nodes the case went through: completed in the workflow, plus each fired timer and its end event."""
    runtime = engine.ctx.runtime
    with engine.ctx.db.read() as uow:
        case = uow.cases.load_for_update(case_id)
        assert case is not None
        stored_def = uow.definitions.get(case.definition_id)
        assert stored_def is not None
    defn = engine.ctx.definitions.get(stored_def)
    snap = runtime.snapshot(defn, runtime.restore(defn, case.state))
    fired = {e.data["timer"] for e in audit_actions(engine, case_id) if e.action in ("auto_chase", "supervision")}
    return set(snap.completed_elements) | fired | {end for t in fired for end in _ends_of(t)}


def test_the_scenarios_together_visit_every_flow_node(engine: Engine) -> None:
    seen: set[str] = set()
    for scenario in card.SCENARIOS.values():
        seen |= visited_elements(engine, scenario(engine))
    missing = _flow_nodes() - seen
    assert not missing, f"no scenario visits {sorted(missing)}"
