"""Claim, unclaim and complete: conflicts name who holds the task, forms fail per field, strangers see nothing."""

from __future__ import annotations

import pytest

from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.support import complaints as forms
from tests.support.actors import AUDITOR, FRONT, MANAGER, OUTSIDER, staff, supervisor
from tests.support.driver import (
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    task_by_bpmn_id,
)

COLLEAGUE = staff("manager_liu", "branch_manager")


@pytest.fixture
def investigation(engine):
    """A case waiting in the branch managers' queue (Task_Investigate)."""
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    return task_by_bpmn_id(engine, case.id, "Task_Investigate")


def test_claim_moves_the_task_from_queue_to_inbox(engine, investigation):
    assert [t.id for t in engine.tasks.queue(MANAGER)] == [investigation.id]
    claimed = engine.tasks.claim(investigation.id, MANAGER)
    assert claimed.status.value == "claimed"
    assert claimed.assignee == MANAGER.username
    assert engine.tasks.queue(MANAGER) == []
    assert [t.id for t in engine.tasks.inbox(MANAGER)] == [investigation.id]
    assert engine.tasks.inbox(COLLEAGUE) == []
    [event] = [e for e in audit_actions(engine, investigation.case_id, "claim") if e.task_id == investigation.id]
    assert event.actor == MANAGER.username


def test_claiming_a_claimed_task_names_the_holder(engine, investigation):
    engine.tasks.claim(investigation.id, MANAGER)
    with pytest.raises(Conflict) as caught:
        engine.tasks.claim(investigation.id, COLLEAGUE)
    assert MANAGER.username in str(caught.value)
    assert engine.tasks.get(investigation.id, MANAGER).assignee == MANAGER.username


def test_completing_someone_elses_task_is_a_conflict(engine, investigation):
    engine.tasks.claim(investigation.id, MANAGER)
    with pytest.raises(Conflict) as caught:
        engine.tasks.complete(investigation.id, forms.INVESTIGATED_NO_FAULT, COLLEAGUE)
    assert MANAGER.username in str(caught.value)
    assert audit_actions(engine, investigation.case_id, "complete") == [
        e for e in audit_actions(engine, investigation.case_id, "complete") if e.data["task"] == "Task_OnSpot"
    ]
    assert task_by_bpmn_id(engine, investigation.case_id, "Task_Investigate").status.value == "claimed"
    assert_projection_matches_workflow(engine, investigation.case_id)


def test_completing_an_unclaimed_task_asks_to_claim_first(engine, investigation):
    with pytest.raises(Conflict):
        engine.tasks.complete(investigation.id, forms.INVESTIGATED_NO_FAULT, MANAGER)


def test_completing_a_completed_task_names_who_completed_it(engine, investigation):
    engine.tasks.claim(investigation.id, MANAGER)
    engine.tasks.complete(investigation.id, forms.INVESTIGATED_NO_FAULT, MANAGER)
    with pytest.raises(Conflict) as caught:
        engine.tasks.complete(investigation.id, forms.INVESTIGATED_NO_FAULT, MANAGER)
    assert MANAGER.username in str(caught.value)
    with pytest.raises(Conflict):
        engine.tasks.claim(investigation.id, COLLEAGUE)
    assert len([e for e in audit_actions(engine, investigation.case_id, "complete")
                if e.data["task"] == "Task_Investigate"]) == 1


def test_unclaim_returns_the_task_to_the_queue(engine, investigation):
    engine.tasks.claim(investigation.id, MANAGER)
    with pytest.raises(Forbidden):
        engine.tasks.unclaim(investigation.id, COLLEAGUE)  # not mine, not a supervisor
    back = engine.tasks.unclaim(investigation.id, MANAGER)
    assert back.status.value == "ready" and back.assignee is None
    engine.tasks.claim(investigation.id, COLLEAGUE)
    boss = supervisor("boss_qian", "branch_manager")
    assert engine.tasks.unclaim(investigation.id, boss).assignee is None


def test_form_errors_are_reported_per_field_and_change_nothing(engine, investigation):
    engine.tasks.claim(investigation.id, MANAGER)
    bad = {
        "evidence": "",  # required string
        "responsibility": "the_moon",  # not an enum value
        "within_authority": "perhaps",  # not a boolean
        "compensation_amount": -1,  # min 0
        # "resolution" missing: required
    }
    with pytest.raises(ValidationFailed) as caught:
        engine.tasks.complete(investigation.id, bad, MANAGER)
    errors = caught.value.errors
    for field in ("evidence", "responsibility", "within_authority", "compensation_amount", "resolution"):
        assert field in errors, f"{field} not reported in {errors}"
    task = task_by_bpmn_id(engine, investigation.case_id, "Task_Investigate")
    assert task.id == investigation.id and task.status.value == "claimed"
    assert_projection_matches_workflow(engine, investigation.case_id)


@pytest.mark.parametrize("extra", [
    {"branch_route": "branch"},  # the triage decision
    {"internal_due": "2030-01-01T00:00:00+08:00"},  # the deadline the timers read
    {"__builtins__": {}},
])
def test_fields_not_on_the_form_cannot_set_process_variables(engine, investigation, extra):
    engine.tasks.claim(investigation.id, MANAGER)
    with pytest.raises(ValidationFailed) as caught:
        engine.tasks.complete(investigation.id, dict(forms.INVESTIGATED_NO_FAULT, **extra), MANAGER)
    assert list(caught.value.errors) == list(extra)
    assert task_by_bpmn_id(engine, investigation.case_id, "Task_Investigate").status.value == "claimed"


def test_too_long_text_is_rejected(engine, investigation):
    engine.tasks.claim(investigation.id, MANAGER)
    data = dict(forms.INVESTIGATED_NO_FAULT, evidence="证" * 4001)
    with pytest.raises(ValidationFailed) as caught:
        engine.tasks.complete(investigation.id, data, MANAGER)
    assert list(caught.value.errors) == ["evidence"]


def test_staff_of_another_department_sees_nothing_and_is_audited(engine, investigation):
    task_id, case_id = investigation.id, investigation.case_id
    with pytest.raises(NotFound):
        engine.cases.detail(case_id, OUTSIDER)
    attempts = [
        lambda: engine.tasks.get(task_id, OUTSIDER),
        lambda: engine.tasks.claim(task_id, OUTSIDER),
        lambda: engine.tasks.complete(task_id, forms.INVESTIGATED_NO_FAULT, OUTSIDER),
        lambda: engine.tasks.form(task_id, OUTSIDER),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    denied = audit_actions(engine, case_id, "access_denied")
    assert [e.actor for e in denied] == [OUTSIDER.username] * len(denied)
    assert [e.data["action"] for e in denied][:4] == ["view_case", "view_task", "claim", "complete"]
    assert task_by_bpmn_id(engine, case_id, "Task_Investigate").status.value == "ready"
    assert engine.tasks.queue(OUTSIDER) == []


def test_a_denied_attempt_does_not_open_the_case_to_the_stranger(engine, investigation):
    with pytest.raises(NotFound):
        engine.tasks.claim(investigation.id, OUTSIDER)
    with pytest.raises(NotFound):
        engine.cases.detail(investigation.case_id, OUTSIDER)


def test_front_desk_cannot_claim_the_managers_task_it_may_see(engine, investigation):
    # FRONT opened the case and so may see it, but Task_Investigate belongs to branch_manager.
    engine.cases.detail(investigation.case_id, FRONT)
    with pytest.raises(NotFound):
        engine.tasks.claim(investigation.id, FRONT)


def test_auditor_reads_but_cannot_claim(engine, investigation):
    assert engine.tasks.get(investigation.id, AUDITOR).id == investigation.id
    with pytest.raises(Forbidden):
        engine.tasks.claim(investigation.id, AUDITOR)
    assert [e.data["action"] for e in audit_actions(engine, investigation.case_id, "access_denied")] == ["claim"]


def test_unknown_task_is_not_found(engine):
    with pytest.raises(NotFound):
        engine.tasks.claim("00000000-0000-0000-0000-000000000000", MANAGER)
