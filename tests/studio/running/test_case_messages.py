"""Messages delivered to running cases ("customer supplied documents"): through the service, on both databases,
checked against the restored workflow, the audit trail and the access rules."""

from __future__ import annotations

import pytest

from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import Actor, Membership, Role
from tests.support.actors import AUDITOR, FRONT, HEAD_OFFICE, OUTSIDER
from tests.support.complaints import complaint
from tests.support.driver import (
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    open_tasks,
    task_by_bpmn_id,
)

DOCUMENTS = "customer supplied documents"
WITHDRAWN = "customer withdrew"


@pytest.fixture
def reviewing(probe_engine):
    """A docs_probe case waiting in Task_Review (and for the withdrawal message)."""
    return open_case(probe_engine, process_key="docs_probe")


@pytest.fixture
def waiting_for_documents(probe_engine, reviewing):
    claim_and_complete(probe_engine, reviewing.id, "Task_Review", {"review_note": "缺流水"}, HEAD_OFFICE)
    return reviewing


def test_the_documents_message_moves_the_case_on_with_its_data(probe_engine, waiting_for_documents):
    case = waiting_for_documents
    detail = probe_engine.cases.detail(case.id, HEAD_OFFICE)
    assert probe_engine.messages.waiting(case.id, detail.current_elements) == [DOCUMENTS]
    assert open_tasks(probe_engine, case.id) == []

    done = probe_engine.messages.send(case.id, DOCUMENTS, {"documents": "银行流水 3 页"}, HEAD_OFFICE)

    assert (done.waiting_before, done.waiting_after) == ([DOCUMENTS], [])
    task_by_bpmn_id(probe_engine, case.id, "Task_Check")
    assert probe_engine.cases.process_data(case.id)["documents"] == "银行流水 3 页"
    [event] = audit_actions(probe_engine, case.id, "message_received")
    assert (event.actor, event.data) == (HEAD_OFFICE.username,
                                         {"message": DOCUMENTS, "data": {"documents": "银行流水 3 页"}})
    assert_projection_matches_workflow(probe_engine, case.id)


def test_a_message_boundary_event_interrupts_the_task_it_is_attached_to(probe_engine, reviewing):
    task = task_by_bpmn_id(probe_engine, reviewing.id, "Task_Review")
    probe_engine.tasks.claim(task.id, HEAD_OFFICE)

    probe_engine.messages.send(reviewing.id, WITHDRAWN, {}, HEAD_OFFICE)

    assert open_tasks(probe_engine, reviewing.id) == []
    summary = probe_engine.cases.summary(reviewing.id)
    assert summary.status.value == "closed"
    assert "End_Withdrawn" in probe_engine.cases.detail(reviewing.id, HEAD_OFFICE).completed_elements
    assert_projection_matches_workflow(probe_engine, reviewing.id)


def test_a_message_no_one_waits_for_is_refused_with_its_code_and_changes_nothing(probe_engine, reviewing):
    before = probe_engine.cases.summary(reviewing.id)
    with pytest.raises(Conflict) as refused:
        probe_engine.messages.send(reviewing.id, DOCUMENTS, {"documents": "x"}, HEAD_OFFICE)
    assert refused.value.code == "message_not_waiting"
    assert refused.value.params == {"case": reviewing.number, "message": DOCUMENTS, "waiting": WITHDRAWN}
    after = probe_engine.cases.summary(reviewing.id)
    assert after.version == before.version
    assert audit_actions(probe_engine, reviewing.id, "message_received") == []
    task_by_bpmn_id(probe_engine, reviewing.id, "Task_Review")


def test_a_closed_case_waits_for_no_message(probe_engine, reviewing):
    probe_engine.messages.send(reviewing.id, WITHDRAWN, {}, HEAD_OFFICE)
    with pytest.raises(Conflict) as refused:
        probe_engine.messages.send(reviewing.id, WITHDRAWN, {}, HEAD_OFFICE)
    assert refused.value.code == "case_not_open"


@pytest.mark.parametrize(("data", "field"), [
    ({"__class__": 1}, "data.__class__"),
    ({"not a name": 1}, "data.not a name"),
    ({"case_number": "TS-1"}, "data.case_number"),
    ({"grade": "major"}, "data.grade"),
])
def test_message_data_must_be_new_variables(probe_engine, waiting_for_documents, data, field):
    with pytest.raises(ValidationFailed) as refused:
        probe_engine.messages.send(waiting_for_documents.id, DOCUMENTS, data, HEAD_OFFICE)
    assert field in refused.value.errors
    assert audit_actions(probe_engine, waiting_for_documents.id, "message_received") == []


def test_only_those_who_see_the_case_deliver_and_auditors_never(probe_engine):
    case = probe_engine.cases.open_case("docs_probe", complaint(), FRONT, unit="SH01")
    task = task_by_bpmn_id(probe_engine, case.id, "Task_Review")
    elsewhere = "BJ" if not task.unit.startswith("BJ") else "SH"
    other_unit = Actor("cm_elsewhere", frozenset({"complaint_mgmt"}), frozenset({Role.STAFF}),
                       frozenset({Membership(elsewhere, "complaint_mgmt")}))
    for stranger in (OUTSIDER, other_unit):
        with pytest.raises(NotFound):
            probe_engine.messages.send(case.id, WITHDRAWN, {}, stranger)
    with pytest.raises(Forbidden):
        probe_engine.messages.send(case.id, WITHDRAWN, {}, AUDITOR)
    refused = [(e.actor, e.data["action"]) for e in audit_actions(probe_engine, case.id, "access_denied")]
    assert refused == [(OUTSIDER.username, "send_message"), ("cm_elsewhere", "send_message"),
                       (AUDITOR.username, "send_message")]
    assert probe_engine.cases.summary(case.id).status.value == "open"
    member = Actor("cm_here", frozenset({"complaint_mgmt"}), frozenset({Role.STAFF}),
                   frozenset({Membership(task.unit, "complaint_mgmt")}))
    probe_engine.messages.send(case.id, WITHDRAWN, {}, member)
    assert probe_engine.cases.summary(case.id).status.value == "closed"
