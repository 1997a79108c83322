"""The branch process end to end; after every step the projections equal the workflow restored from storage."""

from __future__ import annotations

from datetime import timedelta

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
from tests.support.engines import clock_of


class Walk:
    """Completes tasks one by one, an hour apart, checking the stored state after each step."""

    def __init__(self, engine: Engine, **complaint_fields: object):
        self.engine = engine
        self.case = open_case(engine, **complaint_fields)
        self.steps: list[str] = []
        assert_projection_matches_workflow(engine, self.case.id)

    def waiting(self) -> list[str]:
        return sorted(t.bpmn_id for t in all_tasks(self.engine, self.case.id)
                      if t.status.value in ("ready", "claimed"))

    def step(self, bpmn_id: str, data: dict[str, object]) -> Walk:
        clock_of(self.engine).advance(timedelta(hours=1))
        assert self.waiting() == [bpmn_id], f"after {self.steps}: waiting {self.waiting()}"
        claim_and_complete(self.engine, self.case.id, bpmn_id, data)
        self.steps.append(bpmn_id)
        view = assert_projection_matches_workflow(self.engine, self.case.id)
        assert view.version == len(self.steps) + 1
        return self

    def summary(self):
        return self.engine.cases.summary(self.case.id)

    def completed_in_order(self) -> list[str]:
        rows = [t for t in all_tasks(self.engine, self.case.id) if t.status.value == "completed"]
        return [t.bpmn_id for t in sorted(rows, key=lambda t: (t.completed_at, t.created_at))]


def _assert_closed(walk: Walk) -> None:
    assert walk.waiting() == []
    summary = walk.summary()
    assert summary.status.value == "closed"
    assert summary.closed_at is not None
    assert len(audit_actions(walk.engine, walk.case.id, "case_closed")) == 1
    assert walk.completed_in_order() == walk.steps
    assert len(audit_actions(walk.engine, walk.case.id, "complete")) == len(walk.steps)
    assert walk.engine.timers.sweep().failed == []


def test_resolved_on_the_spot_goes_to_revisit_and_archive(engine):
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.ON_SPOT)
    walk.step("Task_Revisit", forms.REVISITED)
    walk.step("Task_Archive", forms.ARCHIVED)
    _assert_closed(walk)
    assert engine.cases.process_data(walk.case.id)["satisfaction"] == "satisfied"


def test_investigated_with_branch_head_approval(engine):
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    investigate = task_by_bpmn_id(engine, walk.case.id, "Task_Investigate")
    assert investigate.department == "branch_manager"
    assert investigate.due_at == walk.summary().internal_due_at
    walk.step("Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    approve = task_by_bpmn_id(engine, walk.case.id, "Task_Approve")
    assert approve.department == "branch_head"
    assert approve.lane == "网点负责人"
    walk.step("Task_Approve", forms.APPROVED)
    walk.step("Task_Notify", forms.NOTIFIED)
    walk.step("Task_Revisit", forms.REVISITED)
    walk.step("Task_Archive", forms.ARCHIVED)
    _assert_closed(walk)
    done = {e.data["task"]: e.actor for e in audit_actions(engine, walk.case.id, "complete")}
    assert done["Task_Approve"] == HEAD.username
    assert done["Task_Investigate"] == MANAGER.username


def test_no_fault_and_no_compensation_needs_no_approval(engine):
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_NO_FAULT)
    walk.step("Task_Notify", forms.NOTIFIED)
    walk.step("Task_Revisit", forms.REVISITED)
    walk.step("Task_Archive", forms.ARCHIVED)
    _assert_closed(walk)


def test_rejected_approval_goes_back_to_investigation(engine):
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    first_investigation = [t for t in all_tasks(engine, walk.case.id) if t.bpmn_id == "Task_Investigate"]
    walk.step("Task_Approve", forms.REJECTED)

    again = task_by_bpmn_id(engine, walk.case.id, "Task_Investigate")
    assert again.id != first_investigation[0].id  # a new task row; the old one stays completed
    assert again.status.value == "ready"
    walk.step("Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    walk.step("Task_Approve", forms.APPROVED)
    walk.step("Task_Notify", forms.NOTIFIED)
    walk.step("Task_Revisit", forms.REVISITED)
    walk.step("Task_Archive", forms.ARCHIVED)
    _assert_closed(walk)
    investigations = [t for t in all_tasks(engine, walk.case.id) if t.bpmn_id == "Task_Investigate"]
    assert [t.status.value for t in investigations] == ["completed", "completed"]


def test_beyond_branch_authority_goes_to_head_office(engine):
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_BEYOND)
    ho = task_by_bpmn_id(engine, walk.case.id, "Task_HeadOffice")
    assert ho.department == "complaint_mgmt"
    assert ho.lane == "投诉管理部"
    assert engine.tasks.queue(HEAD_OFFICE)[0].id == ho.id
    assert engine.tasks.queue(MANAGER) == []
    walk.step("Task_HeadOffice", forms.HEAD_OFFICE_REVIEWED)
    walk.step("Task_Notify", forms.NOTIFIED)
    walk.step("Task_Revisit", forms.REVISITED)
    walk.step("Task_Archive", forms.ARCHIVED)
    _assert_closed(walk)


def test_triage_table_sends_large_amounts_to_head_office(engine):
    walk = Walk(engine, amount="250000.00")  # > 200,000: beyond branch authority per branch_triage.dmn
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_NO_FAULT)  # says "within authority"; the table wins
    assert walk.waiting() == ["Task_HeadOffice"]
    assert engine.cases.process_data(walk.case.id)["branch_route"] == "head_office"


def test_rectification_notice_before_revisit(engine):
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_NO_FAULT)
    walk.step("Task_Notify", forms.NOTIFIED_RECTIFY)
    rectify = task_by_bpmn_id(engine, walk.case.id, "Task_Rectify")
    assert rectify.department == "branch_head"
    walk.step("Task_Rectify", forms.RECTIFIED)
    walk.step("Task_Revisit", forms.REVISITED)
    walk.step("Task_Archive", forms.ARCHIVED)
    _assert_closed(walk)
    assert engine.cases.process_data(walk.case.id)["rectification_no"] == "ZG-2024-001"
