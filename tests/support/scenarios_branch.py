"""The paths of processes/branch_complaint.bpmn, each a function that drives one case through the
engine services and returns its id. tests/integration/test_branch_paths.py runs each one; the node
coverage test runs them all and checks that together they visit every flow node of the diagram."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from engine.bootstrap import Engine
from tests.support import complaints as forms
from tests.support.actors import HEAD, HEAD_OFFICE, MANAGER
from tests.support.driver import (
    all_tasks,
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    task_by_bpmn_id,
)
from tests.support.engines import at, clock_of


class Walk:
    """Completes tasks one by one, an hour apart, checking the stored state after each step
    (the check restores the workflow from storage: a serialize/restore between every two steps)."""

    def __init__(self, engine: Engine, process_key: str | None = None, **complaint_fields: object):
        self.engine = engine
        self.case = open_case(engine, process_key=process_key, **complaint_fields)
        self.steps: list[str] = []
        self.saves = 1
        assert_projection_matches_workflow(engine, self.case.id)

    def waiting(self) -> list[str]:
        return sorted(t.bpmn_id for t in all_tasks(self.engine, self.case.id)
                      if t.status.value in ("ready", "claimed"))

    def step(self, bpmn_id: str, data: dict[str, object]) -> Walk:
        clock_of(self.engine).advance(timedelta(hours=1))
        assert self.waiting() == [bpmn_id], f"after {self.steps}: waiting {self.waiting()}"
        claim_and_complete(self.engine, self.case.id, bpmn_id, data)
        self.steps.append(bpmn_id)
        self.saves += 1
        view = assert_projection_matches_workflow(self.engine, self.case.id)
        assert view.version == self.saves
        return self

    def sweep_at(self, moment: datetime) -> list[str]:
        """Run the timer worker at `moment`; the timer actions it took on this case."""
        before = len(audit_actions(self.engine, self.case.id))
        clock_of(self.engine).set(moment)
        result = self.engine.timers.sweep()
        assert result.failed == []
        self.saves += result.fired_cases
        assert_projection_matches_workflow(self.engine, self.case.id)
        return [e.action for e in audit_actions(self.engine, self.case.id)[before:]]

    def summary(self):
        return self.engine.cases.summary(self.case.id)

    def completed_in_order(self) -> list[str]:
        rows = [t for t in all_tasks(self.engine, self.case.id) if t.status.value == "completed"]
        return [t.bpmn_id for t in sorted(rows, key=lambda t: (t.completed_at, t.created_at))]

    def assert_closed(self) -> int:
        assert self.waiting() == []
        summary = self.summary()
        assert summary.status.value == "closed"
        assert summary.closed_at is not None
        assert len(audit_actions(self.engine, self.case.id, "case_closed")) == 1
        assert self.completed_in_order() == self.steps
        assert len(audit_actions(self.engine, self.case.id, "complete")) == len(self.steps)
        assert self.engine.timers.sweep().failed == []
        return self.case.id


def resolved_on_the_spot(engine: Engine) -> int:
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.ON_SPOT)
    walk.step("Task_Revisit", forms.REVISITED)
    walk.step("Task_Archive", forms.ARCHIVED)
    assert engine.cases.process_data(walk.case.id)["satisfaction"] == "satisfied"
    return walk.assert_closed()


def investigated_with_branch_head_approval(engine: Engine) -> int:
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    investigate = task_by_bpmn_id(engine, walk.case.id, "Task_Investigate")
    assert investigate.department == "branch_manager"
    assert investigate.due_at == walk.summary().internal_due_at
    walk.step("Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    approve = task_by_bpmn_id(engine, walk.case.id, "Task_Approve")
    assert approve.department == "branch_head"
    assert approve.lane == "网点负责人"
    for bpmn_id, data in (("Task_Approve", forms.APPROVED), ("Task_Notify", forms.NOTIFIED),
                          ("Task_Revisit", forms.REVISITED), ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    done = {e.data["task"]: e.actor for e in audit_actions(engine, walk.case.id, "complete")}
    assert done["Task_Approve"] == HEAD.username
    assert done["Task_Investigate"] == MANAGER.username
    return walk.assert_closed()


def no_fault_and_no_compensation_needs_no_approval(engine: Engine) -> int:
    walk = Walk(engine)
    for bpmn_id, data in (("Task_OnSpot", forms.NOT_ON_SPOT), ("Task_Investigate", forms.INVESTIGATED_NO_FAULT),
                          ("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    return walk.assert_closed()


def rejected_approval_goes_back_to_investigation(engine: Engine) -> int:
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    first = [t for t in all_tasks(engine, walk.case.id) if t.bpmn_id == "Task_Investigate"]
    walk.step("Task_Approve", forms.REJECTED)
    again = task_by_bpmn_id(engine, walk.case.id, "Task_Investigate")
    assert again.id != first[0].id  # a new task row; the old one stays completed
    assert again.status.value == "ready"
    for bpmn_id, data in (("Task_Investigate", forms.INVESTIGATED_BANK_FAULT), ("Task_Approve", forms.APPROVED),
                          ("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    investigations = [t for t in all_tasks(engine, walk.case.id) if t.bpmn_id == "Task_Investigate"]
    assert [t.status.value for t in investigations] == ["completed", "completed"]
    return walk.assert_closed()


def beyond_outlet_authority_goes_to_the_branch_which_answers(engine: Engine) -> int:
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_BEYOND)
    branch = task_by_bpmn_id(engine, walk.case.id, "Task_BranchReview")
    assert (branch.department, branch.lane) == ("service_mgmt", "分行服务管理部门")
    assert engine.tasks.queue(MANAGER) == [] and engine.tasks.queue(HEAD_OFFICE) == []
    for bpmn_id, data in (("Task_BranchReview", forms.BRANCH_ANSWERED), ("Task_Notify", forms.NOTIFIED),
                          ("Task_Revisit", forms.REVISITED), ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    return walk.assert_closed()


def beyond_branch_authority_goes_to_head_office(engine: Engine) -> int:
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_BEYOND)
    walk.step("Task_BranchReview", forms.BRANCH_TO_HEAD_OFFICE)
    ho = task_by_bpmn_id(engine, walk.case.id, "Task_HeadOffice")
    assert ho.department == "complaint_mgmt"
    assert ho.lane == "投诉管理部"
    assert [t.id for t in engine.tasks.queue(HEAD_OFFICE)] == [ho.id]
    assert engine.tasks.queue(MANAGER) == []
    for bpmn_id, data in (("Task_HeadOffice", forms.HEAD_OFFICE_REVIEWED),
                          ("Task_HeadOfficeDept", forms.HEAD_OFFICE_DEPARTMENT_DONE), ("Task_Notify", forms.NOTIFIED),
                          ("Task_Revisit", forms.REVISITED), ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    return walk.assert_closed()


def triage_table_sends_large_amounts_to_head_office(engine: Engine) -> int:
    walk = Walk(engine, amount="250000.00")  # > 200,000: beyond branch authority per branch_triage.dmn
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_NO_FAULT)  # says "within authority"; the table wins
    assert walk.waiting() == ["Task_HeadOffice"]
    assert engine.cases.process_data(walk.case.id)["branch_route"] == "head_office"
    for bpmn_id, data in (("Task_HeadOffice", forms.HEAD_OFFICE_REVIEWED),
                          ("Task_HeadOfficeDept", forms.HEAD_OFFICE_DEPARTMENT_DONE), ("Task_Notify", forms.NOTIFIED),
                          ("Task_Revisit", forms.REVISITED), ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    return walk.assert_closed()


def rectification_notice_before_revisit(engine: Engine) -> int:
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_NO_FAULT)
    walk.step("Task_Notify", forms.NOTIFIED_RECTIFY)
    assert task_by_bpmn_id(engine, walk.case.id, "Task_Rectify").department == "branch_head"
    for bpmn_id, data in (("Task_Rectify", forms.RECTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    assert engine.cases.process_data(walk.case.id)["rectification_no"] == "ZG-2024-001"
    return walk.assert_closed()


def chased_and_supervised_at_every_handling_step(engine: Engine) -> int:
    """Received Friday 2024-09-27 10:00, a general complaint due 1 working day later, Sunday 2024-09-29 10:00 (a
    swapped working day): the chase, due from one working day before (09-27 10:00), goes out as the investigation
    opens at 11:00; not on Saturday; again on Sunday with the supervision once the due time passes. Escalated
    after that, each task up the tree gets the minimum of the remaining clock (one working day; two for the named
    department, which reach over National Day), so it does not open overdue, and is supervised as it opens (its
    supervision is due at the internal due time, already past); chases come from one working day before the
    task's own due time."""
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    assert [e.action for e in audit_actions(engine, walk.case.id) if e.action == "auto_chase"] == ["auto_chase"]
    assert walk.sweep_at(at(2024, 9, 28, 11)) == []  # Saturday: no chase
    assert walk.sweep_at(at(2024, 9, 29, 11)) == ["auto_chase", "supervision"]

    def escalate(bpmn_id: str, data: dict[str, object], following: str, due: datetime) -> None:
        before = len(audit_actions(engine, walk.case.id))
        walk.step(bpmn_id, data)
        opened = task_by_bpmn_id(engine, walk.case.id, following)
        assert opened.due_at == due
        supervised = [e for e in audit_actions(engine, walk.case.id)[before:] if e.action == "supervision"]
        assert [(e.task_id, e.data["timer"]) for e in supervised] == [(opened.id, f"Supervise_{following}")]

    escalate("Task_Investigate", forms.INVESTIGATED_BEYOND, "Task_BranchReview", at(2024, 9, 30, 12))
    assert walk.sweep_at(at(2024, 9, 29, 13)) == ["auto_chase"]
    escalate("Task_BranchReview", forms.BRANCH_TO_HEAD_OFFICE, "Task_HeadOffice", at(2024, 9, 30, 14))
    assert walk.sweep_at(at(2024, 9, 29, 15)) == ["auto_chase"]
    escalate("Task_HeadOffice", forms.HEAD_OFFICE_REVIEWED, "Task_HeadOfficeDept", at(2024, 10, 8, 16))
    department = task_by_bpmn_id(engine, walk.case.id, "Task_HeadOfficeDept")
    assert department.department == "operations"  # the department head office named does the work
    assert walk.sweep_at(at(2024, 9, 29, 17)) == []  # its chase starts a working day before its due time
    assert walk.sweep_at(at(2024, 9, 30, 17)) == ["auto_chase"]
    escalate("Task_HeadOfficeDept", forms.HEAD_OFFICE_DEPARTMENT_DONE, "Task_Notify", at(2024, 10, 8, 18))
    assert walk.sweep_at(at(2024, 9, 30, 19)) == ["auto_chase"]
    for bpmn_id, data in (("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    fired = [(e.action, e.data["timer"]) for e in audit_actions(engine, walk.case.id)
             if e.action in ("auto_chase", "supervision")]
    tasks = ("BranchReview", "HeadOffice", "HeadOfficeDept", "Investigate", "Notify")
    assert sorted(set(fired)) == [("auto_chase", f"Chase_Task_{t}") for t in tasks] + [
        ("supervision", f"Supervise_Task_{t}") for t in tasks]
    assert walk.summary().supervised
    return walk.assert_closed()


def rejected_and_dissatisfied_results_are_studied_again(engine: Engine) -> int:
    """The customer rejects the result three times (the third restudy is supervised), then is dissatisfied at
    the revisit: each time the complaint manager investigates again."""
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    for restudy in (1, 2, 3):
        walk.step("Task_Investigate", forms.INVESTIGATED_NO_FAULT).step("Task_Notify", forms.NOTIFIED_REJECTED)
        assert engine.cases.process_data(walk.case.id)["rework_count"] == restudy
        assert walk.summary().supervised == (restudy == 3)
    for bpmn_id, data in (("Task_Investigate", forms.INVESTIGATED_NO_FAULT), ("Task_Notify", forms.NOTIFIED),
                          ("Task_Revisit", forms.REVISITED_DISSATISFIED),
                          ("Task_Investigate", forms.INVESTIGATED_NO_FAULT),
                          ("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    assert engine.cases.process_data(walk.case.id)["rework_count"] == 4
    return walk.assert_closed()


def dissatisfied_after_an_on_the_spot_answer_is_investigated(engine: Engine) -> int:
    """Resolved on the spot, but the customer is dissatisfied at the revisit: classified and investigated."""
    walk = Walk(engine)
    for bpmn_id, data in (("Task_OnSpot", forms.ON_SPOT), ("Task_Revisit", forms.REVISITED_DISSATISFIED),
                          ("Task_Investigate", forms.INVESTIGATED_NO_FAULT), ("Task_Notify", forms.NOTIFIED),
                          ("Task_Revisit", forms.REVISITED), ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    assert engine.cases.process_data(walk.case.id)["resolved_on_spot"] is False
    return walk.assert_closed()


SCENARIOS: dict[str, Callable[[Engine], int]] = {
    f.__name__: f for f in (
        resolved_on_the_spot,
        investigated_with_branch_head_approval,
        no_fault_and_no_compensation_needs_no_approval,
        rejected_approval_goes_back_to_investigation,
        beyond_outlet_authority_goes_to_the_branch_which_answers,
        beyond_branch_authority_goes_to_head_office,
        triage_table_sends_large_amounts_to_head_office,
        rectification_notice_before_revisit,
        chased_and_supervised_at_every_handling_step,
        rejected_and_dissatisfied_results_are_studied_again,
        dissatisfied_after_an_on_the_spot_answer_is_investigated,
    )
}
