"""A case belongs to its receiving unit; each task goes to the (unit, department) queue the tree gives."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.model import Membership
from engine.domain.organisation import split_level, task_unit
from engine.persistence.tables import CaseRow, HumanTaskRow
from tests.network.support import migrate_down_and_up
from tests.network.test_tree import demo_tree
from tests.support import complaints as forms
from tests.support.actors import ADMIN, staff
from tests.support.complaints import complaint
from tests.support.driver import audit_actions, task_by_bpmn_id

PASSWORD = "a-long-password-1"
PEOPLE = {
    "front_pd": "SH01:branch_front", "mgr_pd": "SH01:branch_manager", "head_pd": "SH01:branch_head",
    "mgr_xh": "SH02:branch_manager", "front_hd": "BJ01:branch_front", "mgr_hd": "BJ01:branch_manager",
    "svc_sh": "SH:service_mgmt", "svc_bj": "BJ:service_mgmt",
    "cm_ho": "HO:complaint_mgmt", "ops_ho": "HO:operations",
}


@pytest.fixture
def people(engine):
    for name, member in PEOPLE.items():
        engine.users.add(name, PASSWORD, [member], ["staff"], ADMIN)
    return {name: engine.users.actor(name) for name in PEOPLE}


def work(engine, people, case_id, bpmn_id, data, who):
    task = task_by_bpmn_id(engine, case_id, bpmn_id)
    engine.tasks.claim(task.id, people[who])
    engine.tasks.complete(task.id, data, people[who])
    return task


def test_a_case_belongs_to_the_unit_of_whoever_registered_it(engine, people):
    case = engine.cases.open_case(None, complaint(), people["front_hd"])
    on_spot = task_by_bpmn_id(engine, case.id, "Task_OnSpot")
    assert (on_spot.unit, on_spot.department) == ("BJ01", "branch_front")
    with engine.ctx.db.read() as uow:
        assert uow.session.scalar(select(CaseRow.unit).where(CaseRow.id == case.id)) == "BJ01"


def test_an_outlet_case_is_handled_at_its_outlet_and_no_other(engine, people):
    case = engine.cases.open_case(None, complaint(), people["front_pd"])
    work(engine, people, case.id, "Task_OnSpot", forms.NOT_ON_SPOT, "front_pd")
    investigate = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    assert (investigate.unit, investigate.department) == ("SH01", "branch_manager")
    assert [t.id for t in engine.tasks.queue(people["mgr_pd"])] == [investigate.id]
    assert engine.tasks.queue(people["mgr_xh"]) == [] and engine.tasks.queue(people["mgr_hd"]) == []
    assert engine.tasks.counts(people["mgr_xh"])["queue"] == 0
    with pytest.raises(NotFound):
        engine.tasks.claim(investigate.id, people["mgr_xh"])
    denied = audit_actions(engine, case.id, "access_denied")
    assert [(e.actor, e.task_id) for e in denied] == [("mgr_xh", investigate.id)]
    work(engine, people, case.id, "Task_Investigate", forms.INVESTIGATED_BANK_FAULT, "mgr_pd")
    work(engine, people, case.id, "Task_Approve", forms.APPROVED, "head_pd")
    for bpmn_id, data in (("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        assert task_by_bpmn_id(engine, case.id, bpmn_id).unit == "SH01"
        work(engine, people, case.id, bpmn_id, data, "mgr_pd")
    assert engine.cases.summary(case.id).status.value == "closed"


def test_escalation_goes_up_to_head_office_and_the_answer_comes_back_to_the_outlet(engine, people):
    case = engine.cases.open_case(None, complaint(), people["front_hd"])
    work(engine, people, case.id, "Task_OnSpot", forms.NOT_ON_SPOT, "front_hd")
    work(engine, people, case.id, "Task_Investigate", forms.INVESTIGATED_BEYOND, "mgr_hd")
    branch = task_by_bpmn_id(engine, case.id, "Task_BranchReview")
    assert (branch.unit, branch.department) == ("BJ", "service_mgmt")  # the outlet's own branch
    assert [t.id for t in engine.tasks.queue(people["svc_bj"])] == [branch.id]
    assert engine.tasks.queue(people["svc_sh"]) == [] and engine.tasks.queue(people["cm_ho"]) == []
    work(engine, people, case.id, "Task_BranchReview", forms.BRANCH_TO_HEAD_OFFICE, "svc_bj")
    head_office = task_by_bpmn_id(engine, case.id, "Task_HeadOffice")
    assert (head_office.unit, head_office.department) == ("HO", "complaint_mgmt")
    assert [t.id for t in engine.tasks.queue(people["cm_ho"])] == [head_office.id]
    work(engine, people, case.id, "Task_HeadOffice", forms.HEAD_OFFICE_REVIEWED, "cm_ho")
    named = task_by_bpmn_id(engine, case.id, "Task_HeadOfficeDept")
    assert (named.unit, named.department) == ("HO", "operations")  # the department head office named
    assert named.due_at > engine.ctx.now()
    assert engine.tasks.queue(people["cm_ho"]) == []
    work(engine, people, case.id, "Task_HeadOfficeDept", forms.HEAD_OFFICE_DEPARTMENT_DONE, "ops_ho")
    notify = task_by_bpmn_id(engine, case.id, "Task_Notify")
    assert notify.unit == "BJ01"
    assert [t.id for t in engine.tasks.queue(people["mgr_hd"])] == [notify.id]
    assert engine.tasks.queue(people["mgr_pd"]) == []


def test_a_receiving_unit_given_explicitly_wins(engine, people):
    hotline = staff("hotline_api", "branch_front")  # an actor without units (an API key)
    case = engine.cases.open_case(None, complaint(), hotline, unit="SH02")
    assert task_by_bpmn_id(engine, case.id, "Task_OnSpot").unit == "SH02"
    # without units it acts for its departments in every unit
    assert [t.case_id for t in engine.tasks.queue(hotline)] == [case.id]
    assert engine.tasks.queue(people["front_pd"]) == []


def test_reassigning_needs_a_member_of_the_tasks_queue(engine, people):
    engine.users.add("sup_pd", PASSWORD, ["SH01:branch_manager"], ["staff", "supervisor"], ADMIN)
    case = engine.cases.open_case(None, complaint(), people["front_pd"])
    work(engine, people, case.id, "Task_OnSpot", forms.NOT_ON_SPOT, "front_pd")
    investigate = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    with pytest.raises(ValidationFailed) as err:
        engine.tasks.reassign(investigate.id, engine.users.actor("sup_pd"), "mgr_xh")
    assert err.value.errors["assignee"] == ["mgr_xh is not an active member of SH01:branch_manager"]
    assert engine.tasks.reassign(investigate.id, engine.users.actor("sup_pd"), "mgr_pd").assignee == "mgr_pd"


def test_the_tree_resolves_departments_and_levels_upwards():
    tree = demo_tree()
    assert task_unit(tree, "SH02", "branch_manager") == "SH02"
    assert task_unit(tree, "SH02", "service_mgmt") == "SH"
    assert task_unit(tree, "BJ01", "service_mgmt", level="branch") == "BJ"
    assert task_unit(tree, "BJ01", "complaint_mgmt") == "HO"
    assert task_unit(tree, "BJ01", "operations", level="head_office") == "HO"
    assert task_unit(tree, "CC", "card_seat") == "CC"
    assert task_unit(tree, "HO", "branch_manager") == "SH01"  # nowhere above: its home unit
    assert split_level("branch:service_mgmt") == ("branch", "service_mgmt")
    assert split_level("${responsible_department}") == (None, "${responsible_department}")


def test_migration_puts_existing_work_in_home_units(engine, people):
    case = engine.cases.open_case(None, complaint(), people["front_hd"])
    sql = migrate_down_and_up(engine, "0008")
    with sql.connect() as conn:
        assert conn.scalar(select(CaseRow.unit).where(CaseRow.id == case.id)) == "SH01"
        assert conn.scalar(select(HumanTaskRow.unit).where(HumanTaskRow.case_id == case.id)) == "SH01"
    on_spot = task_by_bpmn_id(engine, case.id, "Task_OnSpot")
    assert engine.users.actor("front_pd").memberships == {Membership("SH01", "branch_front")}
    assert [t.id for t in engine.tasks.queue(people["front_pd"])] == [on_spot.id]
