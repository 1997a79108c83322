"""Claim, complete and who may do it: TaskService's rules on the in-memory unit of work (no database).
tests/integration/test_task_conflicts.py and tests/hardening/test_access_matrix.py keep them on SQLite and
PostgreSQL, where the locking and the projections' SQL matter."""

from __future__ import annotations

import pytest

from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import TaskStatus
from tests.support import complaints as forms
from tests.support.actors import AUDITOR, FRONT, MANAGER, OUTSIDER, staff
from tests.support.driver import audit_actions, open_case, task_by_bpmn_id

COLLEAGUE = staff("front_zhou", "branch_front")


@pytest.fixture
def on_spot(fake_engine):
    """A new case's first task (Task_OnSpot, branch_front), still in the queue."""
    case = open_case(fake_engine)
    return task_by_bpmn_id(fake_engine, case.id, "Task_OnSpot")


def _denials(engine, case_id):
    return [(e.actor, e.data["action"]) for e in audit_actions(engine, case_id, "access_denied")]


def test_claim_takes_the_task_into_my_inbox(fake_engine, on_spot):
    claimed = fake_engine.tasks.claim(on_spot.id, FRONT)
    assert (claimed.status, claimed.assignee) == (TaskStatus.CLAIMED, FRONT.username)
    [event] = audit_actions(fake_engine, on_spot.case_id, "claim")
    assert (event.actor, event.data) == (FRONT.username, {"assignee": FRONT.username, "previous": None})


def test_a_claimed_task_cannot_be_claimed_again(fake_engine, on_spot):
    fake_engine.tasks.claim(on_spot.id, FRONT)
    with pytest.raises(Conflict, match=FRONT.username):
        fake_engine.tasks.claim(on_spot.id, COLLEAGUE)
    assert len(audit_actions(fake_engine, on_spot.case_id, "claim")) == 1


def test_another_departments_task_looks_missing_and_the_attempt_is_audited(fake_engine, on_spot):
    with pytest.raises(NotFound):
        fake_engine.tasks.claim(on_spot.id, OUTSIDER)
    assert _denials(fake_engine, on_spot.case_id) == [(OUTSIDER.username, "claim")]
    assert fake_engine.tasks.get(on_spot.id, FRONT).status == TaskStatus.READY


def test_an_auditor_sees_the_task_but_may_not_work_it(fake_engine, on_spot):
    with pytest.raises(Forbidden) as caught:
        fake_engine.tasks.claim(on_spot.id, AUDITOR)
    assert caught.value.audited
    assert _denials(fake_engine, on_spot.case_id) == [(AUDITOR.username, "claim")]


def test_only_the_assignee_gives_a_task_back(fake_engine, on_spot):
    fake_engine.tasks.claim(on_spot.id, FRONT)
    with pytest.raises(Forbidden):
        fake_engine.tasks.unclaim(on_spot.id, COLLEAGUE)
    back = fake_engine.tasks.unclaim(on_spot.id, FRONT)
    assert (back.status, back.assignee) == (TaskStatus.READY, None)


def test_complete_needs_a_claim_by_me(fake_engine, on_spot, store):
    with pytest.raises(Conflict, match="claim the task"):
        fake_engine.tasks.complete(on_spot.id, forms.NOT_ON_SPOT, FRONT)
    fake_engine.tasks.claim(on_spot.id, FRONT)
    with pytest.raises(Conflict, match=f"claimed by {FRONT.username}"):
        fake_engine.tasks.complete(on_spot.id, forms.NOT_ON_SPOT, COLLEAGUE)
    assert store.cases[on_spot.case_id].version == 1  # nothing ran on


def test_invalid_form_data_changes_nothing(fake_engine, on_spot, store):
    fake_engine.tasks.claim(on_spot.id, FRONT)
    version = store.cases[on_spot.case_id].version
    with pytest.raises(ValidationFailed) as caught:
        fake_engine.tasks.complete(on_spot.id, {"resolved_on_spot": "perhaps"}, FRONT)
    assert "resolved_on_spot" in caught.value.errors
    assert store.cases[on_spot.case_id].version == version
    assert fake_engine.tasks.get(on_spot.id, FRONT).status == TaskStatus.CLAIMED


def test_complete_runs_the_case_on_in_one_unit(fake_engine, on_spot, store):
    fake_engine.tasks.claim(on_spot.id, FRONT)
    commits = store.commits
    done = fake_engine.tasks.complete(on_spot.id, forms.NOT_ON_SPOT, FRONT)
    assert (done.status, done.completed_by) == (TaskStatus.COMPLETED, FRONT.username)
    assert store.commits == commits + 1
    investigate = task_by_bpmn_id(fake_engine, on_spot.case_id, "Task_Investigate")
    assert (investigate.department, investigate.status) == ("branch_manager", TaskStatus.READY)
    [event] = audit_actions(fake_engine, on_spot.case_id, "complete")
    assert event.data["task"] == "Task_OnSpot" and event.data["data"]["resolved_on_spot"] is False
    assert store.case_facts[on_spot.case_id].resolved_on_spot is False
    assert store.timers[on_spot.case_id]  # the investigation's chase and supervision timers are armed


def test_the_next_department_works_the_next_task(fake_engine, on_spot):
    fake_engine.tasks.claim(on_spot.id, FRONT)
    fake_engine.tasks.complete(on_spot.id, forms.NOT_ON_SPOT, FRONT)
    investigate = task_by_bpmn_id(fake_engine, on_spot.case_id, "Task_Investigate")
    with pytest.raises(NotFound):
        fake_engine.tasks.claim(investigate.id, FRONT)
    assert fake_engine.tasks.claim(investigate.id, MANAGER).assignee == MANAGER.username
