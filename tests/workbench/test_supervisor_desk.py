"""The supervisor desk (both databases): scoped by the supervisor's visibility, both clocks of the case marked
(a task not yet due of a case past its deadlines is listed), reassignment among the queue's active members
only, and the new assignee told."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.errors import ValidationFailed
from engine.domain.model import NoticeKind
from engine.domain.paging import PageRequest
from tests.support.actors import ADMIN
from tests.support.complaints import INVESTIGATED_NO_FAULT, NOT_ON_SPOT, NOTIFIED, complaint
from tests.support.driver import audit_actions, claim_and_complete, task_by_bpmn_id
from tests.support.engines import clock_of
from tests.workbench.search_support import PASSWORD, add_people, open_bank
from webui import create_app

TOMORROW = timedelta(days=1)


def desk(engine, who):
    return engine.tasks.desk(engine.users.actor(who), TOMORROW, PageRequest(size=100, sort="due"))


def late_case_with_a_fresh_task(engine):
    """A case at SH02 answered weeks after its internal and regulatory deadlines, now at the revisit, which is due
    three working days ahead: the situation where head office's desk showed nothing while its supervision list
    showed the case many working days overdue."""
    add_people(engine)
    case = engine.cases.open_case(None, complaint(), engine.users.actor("front_sh02"))
    clock_of(engine).advance(timedelta(days=30))
    for bpmn_id, data in (("Task_OnSpot", NOT_ON_SPOT), ("Task_Investigate", INVESTIGATED_NO_FAULT),
                          ("Task_Notify", NOTIFIED)):
        claim_and_complete(engine, case.id, bpmn_id, data)
    engine.supervision.apply_rules()
    revisit = task_by_bpmn_id(engine, case.id, "Task_Revisit")
    assert revisit.due_at > engine.ctx.now() + TOMORROW
    return case, [revisit]


def test_head_office_desk_lists_the_work_of_a_case_past_its_deadlines(engine):
    case, fresh = late_case_with_a_fresh_task(engine)
    ho = engine.users.actor("sup_ho")
    assert [c.number for c in engine.supervision.supervision_list(ho)] == [case.number]
    listed = desk(engine, "sup_ho")
    assert {t.id for t in listed.items} == {t.id for t in fresh} and listed.total == len(fresh)
    row = listed.items[0]
    assert row.internal_due_at < engine.ctx.now() and row.regulatory_due_at < engine.ctx.now()
    assert engine.tasks.overdue(ho, within=TOMORROW) == []  # the task's own clock alone would show nothing


def test_the_desk_page_marks_both_clocks(engine):
    case, fresh = late_case_with_a_fresh_task(engine)
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    client.post("/login", data={"username": "sup_ho", "password": PASSWORD})
    html = client.get("/supervisor/").get_data(as_text=True)
    assert case.number in html and "data-internal-over" in html and "data-regulatory-over" in html
    assert 'data-total="1"' in html


def test_a_branch_supervisor_desk_stays_in_its_subtree(engine):
    bank = open_bank(engine)
    clock_of(engine).advance(timedelta(days=30))
    assert {t.case_number for t in desk(engine, "sup_sh").items} == {bank.shanghai, bank.other}
    assert {t.case_number for t in desk(engine, "sup_ho").items} == {bank.shanghai, bank.other, bank.beijing}


@pytest.fixture
def queue_members(engine):
    bank = open_bank(engine)
    for name, unit in (("sh02_a", "SH02"), ("sh02_b", "SH02"), ("sh02_gone", "SH02"), ("sh01_x", "SH01")):
        engine.users.add(name, PASSWORD, [f"{unit}:branch_front"], ["staff"], ADMIN)
    engine.users.add("lead_sh02", PASSWORD, ["SH02:branch_front"], ["staff", "supervisor"], ADMIN)
    engine.users.disable("sh02_gone", ADMIN)
    task = next(t for t in desk_all(engine) if t.case_number == bank.shanghai)
    return bank, task


def desk_all(engine):
    clock_of(engine).advance(timedelta(days=30))
    return desk(engine, "sup_ho").items


def test_reassign_offers_the_active_members_of_the_tasks_queue_only(engine, queue_members):
    _, task = queue_members
    choices = [u for u, _ in engine.tasks.reassign_choices(task, engine.users.actor("lead_sh02"))]
    assert choices == ["front_sh02", "lead_sh02", "sh02_a", "sh02_b"]
    assert engine.tasks.reassign_choices(task, engine.users.actor("front_sh02")) == []  # staff may not reassign
    assert engine.tasks.reassign_choices(task, engine.users.actor("sup_sh")) == []  # not the branch's queue


@pytest.mark.parametrize("who", ["sh01_x", "sh02_gone", "nobody", ""])
def test_reassigning_outside_the_queue_is_refused_and_changes_nothing(engine, queue_members, who):
    bank, task = queue_members
    with pytest.raises(ValidationFailed) as err:
        engine.tasks.reassign(task.id, engine.users.actor("lead_sh02"), who)
    expected = "not_an_active_member" if who else "reassign_choose"
    assert [code for code, _ in err.value.coded["assignee"]] == [expected]
    assert engine.tasks.get(task.id, ADMIN).assignee is None
    assert audit_actions(engine, task.case_id, "reassign") == []
    assert [n for n in engine.notices.for_actor(engine.users.actor("sh02_a")) if n.kind == NoticeKind.REASSIGN] == []


def test_the_new_assignee_is_notified(engine, queue_members):
    _, task = queue_members
    engine.tasks.reassign(task.id, engine.users.actor("lead_sh02"), "sh02_a")
    assert engine.tasks.get(task.id, ADMIN).assignee == "sh02_a"
    told = [n for n in engine.notices.for_actor(engine.users.actor("sh02_a")) if n.kind == NoticeKind.REASSIGN]
    assert [(n.addressee, n.sender, n.task_id, n.reason) for n in told] == [
        ("sh02_a", "lead_sh02", task.id, task.title)]
    assert [e.data["assignee"] for e in audit_actions(engine, task.case_id, "reassign")] == ["sh02_a"]


def test_the_desk_reassigns_by_picking_and_the_assignee_reads_the_notice(engine, queue_members):
    _, task = queue_members
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    lead, member = app.test_client(), app.test_client()
    lead.post("/login", data={"username": "lead_sh02", "password": PASSWORD})
    html = lead.get("/supervisor/").get_data(as_text=True)
    row = html.split(f'data-task="{task.id}"')[1].split("</tr>")[0]
    assert '<option value="sh02_a"' in row and "sh01_x" not in row and "sh02_gone" not in row
    answer = lead.post(f"/tasks/{task.id}/reassign", data={"assignee": "sh02_a", "back": "desk"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/supervisor/")
    member.post("/login", data={"username": "sh02_a", "password": PASSWORD})
    notices = member.get("/notices").get_data(as_text=True)
    assert "改派" in notices and task.case_number in notices and "lead_sh02 → " in notices
