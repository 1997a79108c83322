"""The three processes end to end across units (SQLite and PostgreSQL), through the engine's services:
an outlet case handled at the outlet; one escalated to its branch; one escalated to head office, where the
department complaint management names does the work and the outlet tells the customer; a card-centre case
forwarded to an outlet. Each step checks who sees and may claim the task (unit + department), its due time
and the timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine.domain.errors import NotFound, ValidationFailed, WorkflowError
from engine.domain.model import Actor, HumanTask
from engine.services.deploy import read_diagram_dir
from tests.support import complaints as forms
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.driver import audit_actions, open_tasks, task_by_bpmn_id
from tests.support.engines import PROCESSES, at, clock_of
from tests.support.scenarios_card_center import OUTLET_ANSWERED, REPLIED, card_complaint, handled

PASSWORD = "a-long-password-1"
PEOPLE = {
    "front_sh01": (["SH01:branch_front"], ["staff"]), "mgr_sh01": (["SH01:branch_manager"], ["staff"]),
    "head_sh01": (["SH01:branch_head"], ["staff"]), "front_sh02": (["SH02:branch_front"], ["staff"]),
    "mgr_sh02": (["SH02:branch_manager"], ["staff"]), "front_bj01": (["BJ01:branch_front"], ["staff"]),
    "mgr_bj01": (["BJ01:branch_manager"], ["staff"]),
    "svc_sh": (["SH:service_mgmt"], ["staff"]), "svc_bj": (["BJ:service_mgmt"], ["staff"]),
    "sup_sh": (["SH:service_mgmt"], ["staff", "supervisor"]),
    "sup_bj": (["BJ:service_mgmt"], ["staff", "supervisor"]),
    "cm_ho": (["HO:complaint_mgmt"], ["staff"]), "ops_ho": (["HO:operations"], ["staff"]),
    "retail_ho": (["HO:retail_banking"], ["staff"]), "seat_cc": (["CC:card_seat"], ["staff"]),
}
CARD_DIAGRAM = "card_center_complaint.bpmn"
TIER_TASK_IDS = ("Task_Seat", "Task_Care", "Task_Manager", "Task_Senior")
MONDAY = at(2024, 11, 4, 9)  # an ordinary working week: Monday 2024-11-04 09:00


@pytest.fixture
def people(engine) -> dict[str, Actor]:
    clock_of(engine).set(MONDAY)
    for name, (members, roles) in PEOPLE.items():
        engine.users.add(name, PASSWORD, members, roles, ADMIN)
    return {name: engine.users.actor(name) for name in PEOPLE}


class Case:
    """One complaint driven through the services by named people, the clock moved an hour per step."""

    def __init__(self, engine, people: dict[str, Actor], opener: str, raw: dict[str, Any]):
        self.engine, self.people = engine, people
        self.id = engine.cases.open_case(None, raw, people[opener]).id

    def task(self, bpmn_id: str) -> HumanTask:
        return task_by_bpmn_id(self.engine, self.id, bpmn_id)

    def only(self, bpmn_id: str, unit: str, department: str, due: Any) -> HumanTask:
        """The one open task is `bpmn_id` at (unit, department), due at `due`."""
        assert [t.bpmn_id for t in open_tasks(self.engine, self.id)] == [bpmn_id]
        task = self.task(bpmn_id)
        assert (task.unit, task.department, task.due_at) == (unit, department, due)
        return task

    def who_may_claim(self, task: HumanTask, candidates: tuple[str, ...]) -> list[str]:
        """Of `candidates`, those whose queue lists the task; the others get 404 on it (and are audited)."""
        queued = [name for name in candidates
                  if task.id in [t.id for t in self.engine.tasks.queue(self.people[name])]]
        for name in candidates:
            if name not in queued:
                with pytest.raises(NotFound):
                    self.engine.tasks.claim(task.id, self.people[name])
        return queued

    def work(self, bpmn_id: str, data: dict[str, Any], who: str) -> HumanTask:
        clock_of(self.engine).advance(timedelta(hours=1))
        task = self.task(bpmn_id)
        self.engine.tasks.claim(task.id, self.people[who])
        return self.engine.tasks.complete(task.id, data, self.people[who])

    def completed_by(self) -> list[tuple[str, str]]:
        """(task element, who) of each completion, in order: the timeline's story."""
        return [(e.data["task"], e.actor) for e in audit_actions(self.engine, self.id, "complete")]

    def closed(self) -> bool:
        return self.engine.cases.summary(self.id).status.value == "closed"


OUTLET_STAFF = ("mgr_sh01", "mgr_sh02", "mgr_bj01")
BRANCH_STAFF = ("svc_sh", "svc_bj")
HEAD_OFFICE_STAFF = ("cm_ho", "ops_ho", "retail_ho")


def test_an_outlet_case_is_handled_at_the_outlet(engine, people):
    case = Case(engine, people, "front_sh01", complaint())  # general: internal due in 1 working day
    internal_due = at(2024, 11, 5, 9)
    assert engine.cases.summary(case.id).internal_due_at == internal_due
    on_spot = case.only("Task_OnSpot", "SH01", "branch_front", at(2024, 11, 5, 9))
    assert case.who_may_claim(on_spot, ("front_sh01", "front_sh02", "front_bj01")) == ["front_sh01"]
    case.work("Task_OnSpot", forms.NOT_ON_SPOT, "front_sh01")
    investigate = case.only("Task_Investigate", "SH01", "branch_manager", internal_due)
    assert case.who_may_claim(investigate, OUTLET_STAFF + BRANCH_STAFF) == ["mgr_sh01"]
    case.work("Task_Investigate", forms.INVESTIGATED_BANK_FAULT, "mgr_sh01")
    approve = case.only("Task_Approve", "SH01", "branch_head", at(2024, 11, 5, 11))
    assert case.who_may_claim(approve, ("head_sh01", "mgr_sh01")) == ["head_sh01"]
    case.work("Task_Approve", forms.APPROVED, "head_sh01")
    # approved Monday 12:00, less than a working day before the internal due: the minimum, one working day
    case.only("Task_Notify", "SH01", "branch_manager", at(2024, 11, 5, 12))
    for bpmn_id, data in (("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        case.work(bpmn_id, data, "mgr_sh01")
    assert case.closed()
    assert case.completed_by() == [
        ("Task_OnSpot", "front_sh01"), ("Task_Investigate", "mgr_sh01"), ("Task_Approve", "head_sh01"),
        ("Task_Notify", "mgr_sh01"), ("Task_Revisit", "mgr_sh01"), ("Task_Archive", "mgr_sh01")]
    denied = {(e.actor, e.task_id) for e in audit_actions(engine, case.id, "access_denied")}
    assert ("front_sh02", on_spot.id) in denied and ("svc_sh", investigate.id) in denied
    assert not audit_actions(engine, case.id, "supervision")


def test_an_outlet_escalates_to_its_branch_which_answers(engine, people):
    case = Case(engine, people, "front_sh01", complaint(is_complex=True))  # complex: 5 working days
    internal_due = at(2024, 11, 11, 9)
    assert engine.cases.summary(case.id).internal_due_at == internal_due
    case.work("Task_OnSpot", forms.NOT_ON_SPOT, "front_sh01")
    case.work("Task_Investigate", forms.INVESTIGATED_BEYOND, "mgr_sh01")
    branch = case.only("Task_BranchReview", "SH", "service_mgmt", internal_due)  # time is left: the case's own
    assert case.who_may_claim(branch, BRANCH_STAFF + OUTLET_STAFF + ("cm_ho",)) == ["svc_sh"]
    assert engine.tasks.get(branch.id, people["sup_sh"]).id == branch.id  # the branch supervisor oversees it
    with pytest.raises(NotFound):
        engine.tasks.get(branch.id, people["sup_bj"])
    case.work("Task_BranchReview", forms.BRANCH_ANSWERED, "svc_sh")
    notify = case.only("Task_Notify", "SH01", "branch_manager", internal_due)  # back at the receiving outlet
    assert case.who_may_claim(notify, OUTLET_STAFF + BRANCH_STAFF) == ["mgr_sh01"]
    for bpmn_id, data in (("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        case.work(bpmn_id, data, "mgr_sh01")
    assert case.closed()
    assert case.completed_by() == [
        ("Task_OnSpot", "front_sh01"), ("Task_Investigate", "mgr_sh01"), ("Task_BranchReview", "svc_sh"),
        ("Task_Notify", "mgr_sh01"), ("Task_Revisit", "mgr_sh01"), ("Task_Archive", "mgr_sh01")]
    assert engine.cases.process_data(case.id)["branch_opinion"] == forms.BRANCH_ANSWERED["branch_opinion"]
    assert not audit_actions(engine, case.id, "supervision")


def test_head_office_names_the_department_that_works_it_and_the_outlet_tells_the_customer(engine, people):
    """An urgent case (internal clock: one working day) escalated outlet -> branch -> head office: once the
    internal clock has run out, each task still gets its minimum time and the case goes on supervision."""
    case = Case(engine, people, "front_bj01", complaint(grade="urgent"))
    internal_due = at(2024, 11, 5, 9)
    assert engine.cases.summary(case.id).internal_due_at == internal_due
    case.work("Task_OnSpot", forms.NOT_ON_SPOT, "front_bj01")
    case.work("Task_Investigate", forms.INVESTIGATED_BEYOND, "mgr_bj01")  # Monday 11:00
    # less than a working day left: the minimum, one working day from now
    branch = case.only("Task_BranchReview", "BJ", "service_mgmt", at(2024, 11, 5, 11))
    assert case.who_may_claim(branch, BRANCH_STAFF + OUTLET_STAFF) == ["svc_bj"]
    clock_of(engine).set(at(2024, 11, 5, 13))  # the internal clock has run out
    case.work("Task_BranchReview", forms.BRANCH_TO_HEAD_OFFICE, "svc_bj")  # Tuesday 14:00
    head_office = case.only("Task_HeadOffice", "HO", "complaint_mgmt", at(2024, 11, 6, 14))
    assert case.who_may_claim(head_office, HEAD_OFFICE_STAFF + BRANCH_STAFF) == ["cm_ho"]
    supervised = audit_actions(engine, case.id, "supervision")
    assert [e.data["timer"] for e in supervised] == ["Supervise_Task_HeadOffice"]  # at once, not when due
    assert engine.cases.summary(case.id).supervised
    case.work("Task_HeadOffice", forms.HEAD_OFFICE_REVIEWED, "cm_ho")  # names operations; Tuesday 15:00
    named = case.only("Task_HeadOfficeDept", "HO", "operations", at(2024, 11, 7, 15))  # its own two days
    assert case.who_may_claim(named, HEAD_OFFICE_STAFF + OUTLET_STAFF) == ["ops_ho"]
    clock_of(engine).set(at(2024, 11, 6, 16))
    assert engine.timers.sweep().failed == []
    chase = audit_actions(engine, case.id, "auto_chase")[-1]
    assert (chase.task_id, chase.data["department"]) == (named.id, "operations")  # chased like other tasks
    case.work("Task_HeadOfficeDept", forms.HEAD_OFFICE_DEPARTMENT_DONE, "ops_ho")  # Wednesday 17:00
    notify = case.only("Task_Notify", "BJ01", "branch_manager", at(2024, 11, 7, 17))
    assert case.who_may_claim(notify, OUTLET_STAFF + HEAD_OFFICE_STAFF) == ["mgr_bj01"]
    for bpmn_id, data in (("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        case.work(bpmn_id, data, "mgr_bj01")
    assert case.closed()
    assert case.completed_by() == [
        ("Task_OnSpot", "front_bj01"), ("Task_Investigate", "mgr_bj01"), ("Task_BranchReview", "svc_bj"),
        ("Task_HeadOffice", "cm_ho"), ("Task_HeadOfficeDept", "ops_ho"), ("Task_Notify", "mgr_bj01"),
        ("Task_Revisit", "mgr_bj01"), ("Task_Archive", "mgr_bj01")]
    timers = {e.data["timer"] for e in audit_actions(engine, case.id, "supervision")}
    assert {"Supervise_Task_HeadOffice", "Supervise_Task_HeadOfficeDept", "Supervise_Task_Notify"} <= timers


def test_a_card_centre_case_is_forwarded_to_an_outlet(engine, people):
    case = Case(engine, people, "seat_cc", card_complaint(amount="80.00"))
    seat = case.only("Task_Seat", "CC", "card_seat", at(2024, 11, 6, 9))
    assert case.who_may_claim(seat, ("seat_cc", "mgr_sh02")) == ["seat_cc"]
    engine.tasks.claim(seat.id, people["seat_cc"])
    for wrong in ("XX99", "SH"):  # no such unit; a branch, not an outlet
        with pytest.raises(ValidationFailed) as err:
            engine.tasks.complete(seat.id, handled("Task_Seat", "outlet", forward_unit=wrong), people["seat_cc"])
        assert list(err.value.errors) == ["forward_unit"]
        assert case.task("Task_Seat").status.value == "claimed"  # nothing changed
    clock_of(engine).set(at(2024, 11, 4, 10))
    engine.tasks.complete(seat.id, handled("Task_Seat", "outlet", forward_unit="SH02"), people["seat_cc"])
    # the case's internal due (Tuesday 09:00) is less than a working day away: the minimum, one working day
    outlet = case.only("Task_Outlet", "SH02", "branch_manager", at(2024, 11, 5, 10))
    assert case.who_may_claim(outlet, ("mgr_sh02", "mgr_sh01", "mgr_bj01", "seat_cc")) == ["mgr_sh02"]
    assert engine.tasks.get(outlet.id, people["sup_sh"]).id == outlet.id  # SH02 is in Shanghai's subtree
    with pytest.raises(NotFound):
        engine.tasks.get(outlet.id, people["sup_bj"])
    case.work("Task_Outlet", OUTLET_ANSWERED, "mgr_sh02")
    reply = case.only("Task_Reply", "CC", "card_seat", at(2024, 11, 5, 11))  # back to the card centre
    assert case.who_may_claim(reply, ("seat_cc", "mgr_sh02")) == ["seat_cc"]
    case.work("Task_Reply", REPLIED, "seat_cc")
    assert case.completed_by() == [("Task_Seat", "seat_cc"), ("Task_Outlet", "mgr_sh02"), ("Task_Reply", "seat_cc")]
    assert engine.cases.process_data(case.id)["outlet_resolution"] == OUTLET_ANSWERED["outlet_resolution"]


def _card_diagram(old: str, new: str) -> dict[str, bytes]:
    files = read_diagram_dir(PROCESSES)
    text = files[CARD_DIAGRAM].decode()
    assert text.count(old) == 4, old  # each tier's form
    return files | {CARD_DIAGRAM: text.replace(old, new).encode()}


def test_deploy_refuses_a_unit_field_of_an_unknown_kind(engine):
    problems = engine.deploy.validate(_card_diagram('value="outlet"', 'value="kiosk"'))
    assert {(p.file, p.element) for p in problems} == {(CARD_DIAGRAM, t) for t in TIER_TASK_IDS}
    assert all('unitKind "kiosk" is not a unit kind' in p.message for p in problems)


def test_a_chosen_unit_the_tree_lacks_stops_the_step_and_changes_nothing(engine, people):
    unchecked = '<camunda:properties><camunda:property id="unitKind" value="outlet" /></camunda:properties>'
    engine.deploy.deploy(_card_diagram(unchecked, ""), ADMIN)  # the form no longer checks the code
    case = Case(engine, people, "seat_cc", card_complaint(amount="80.00"))
    seat = case.task("Task_Seat")
    engine.tasks.claim(seat.id, people["seat_cc"])
    with pytest.raises(WorkflowError) as err:
        engine.tasks.complete(seat.id, handled("Task_Seat", "outlet", forward_unit="XX99"), people["seat_cc"])
    assert (err.value.element, err.value.code, err.value.params["unit"]) == ("Task_Outlet", "unknown_unit", "XX99")
    assert [(t.bpmn_id, t.status.value) for t in open_tasks(engine, case.id)] == [("Task_Seat", "claimed")]
