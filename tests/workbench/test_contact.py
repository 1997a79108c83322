"""The contact permission: the assignee of a task declared `contactsCustomer` (notify, reply, revisit) may
reveal the customer's phone for it, logged in the audit; anyone else still sees it masked."""

from __future__ import annotations

import pytest

from engine.domain.errors import Forbidden, NotFound
from tests.support import complaints as forms
from tests.support.driver import audit_actions, task_by_bpmn_id
from tests.workbench.evidence_support import open_shanghai_case, who


def revisit_case(engine) -> tuple[int, str]:
    """A Shanghai case resolved on the spot, waiting for its revisit (the SH02 branch managers' queue)."""
    case_id = open_shanghai_case(engine, contact_phone="13812345678", complainant_name="张三")
    on_spot = task_by_bpmn_id(engine, case_id, "Task_OnSpot")
    engine.tasks.claim(on_spot.id, who(engine, "front_sh"))
    engine.tasks.complete(on_spot.id, forms.ON_SPOT, who(engine, "front_sh"))
    return case_id, task_by_bpmn_id(engine, case_id, "Task_Revisit").id


def test_the_diagrams_declare_which_steps_contact_the_customer(people):
    declared = {}
    for key in ("branch_complaint", "card_center_complaint", "head_office_complaint"):
        with people.ctx.db.read() as uow:
            stored = uow.definitions.latest(key)
        assert stored is not None
        tasks = people.ctx.definitions.get(stored).user_tasks
        declared[key] = sorted(t for t, spec in tasks.items() if spec.contacts_customer)
    assert declared == {"branch_complaint": ["Task_Notify", "Task_Revisit"],
                        "card_center_complaint": ["Task_Reply", "Task_Revisit"],
                        "head_office_complaint": ["Task_Reply", "Task_Revisit"]}


def test_the_revisit_assignee_reveals_the_phone_and_it_is_logged(people):
    case_id, task_id = revisit_case(people)
    manager = who(people, "mgr_sh")
    assert people.tasks.form(task_id, manager).contacts_customer
    people.tasks.claim(task_id, manager)
    contact = people.contact.reveal(task_id, manager)
    assert (contact.phone, contact.name) == ("13812345678", "张三")
    [viewed] = audit_actions(people, case_id, "personal_data_viewed")
    assert (viewed.actor, viewed.task_id, viewed.data["purpose"], viewed.data["task"]) == (
        "mgr_sh", task_id, "contact_customer", "Task_Revisit")
    assert people.cases.detail(case_id, manager).case.complaint["contact_phone"] == "138****5678"


def test_others_see_the_phone_masked_and_their_attempt_is_audited(people):
    case_id, task_id = revisit_case(people)
    with pytest.raises(Forbidden):  # a member of the queue who has not claimed the task
        people.contact.reveal(task_id, who(people, "mgr_sh"))
    people.tasks.claim(task_id, who(people, "mgr_sh"))
    with pytest.raises(Forbidden):  # a colleague while someone else holds it
        people.contact.reveal(task_id, who(people, "mgr2_sh"))
    with pytest.raises(NotFound):  # another outlet does not even see the task
        people.contact.reveal(task_id, who(people, "mgr_bj"))
    assert audit_actions(people, case_id, "personal_data_viewed") == []
    assert [e.actor for e in audit_actions(people, case_id, "access_denied")] == ["mgr_sh", "mgr2_sh", "mgr_bj"]


def test_a_step_that_does_not_contact_the_customer_grants_nothing(people):
    case_id = open_shanghai_case(people)
    on_spot = task_by_bpmn_id(people, case_id, "Task_OnSpot")
    front = who(people, "front_sh")
    people.tasks.claim(on_spot.id, front)
    assert not people.tasks.form(on_spot.id, front).contacts_customer
    with pytest.raises(Forbidden):
        people.contact.reveal(on_spot.id, front)
    assert audit_actions(people, case_id, "personal_data_viewed") == []
