"""Approval context in the branch process: the outlet head approves the proposal they can see; the complaint
manager investigating again sees why (the head's return opinion)."""

from __future__ import annotations

from engine.bootstrap import Engine
from tests.support import complaints as forms
from tests.support import scenarios_branch as branch
from tests.support.actors import worker_for
from tests.support.driver import task_by_bpmn_id


def _shown(engine: Engine, case_id: int, bpmn_id: str) -> dict[str, tuple[str, str, str]]:
    task = task_by_bpmn_id(engine, case_id, bpmn_id)
    return {e.field: (e.label, e.step, e.text) for e in engine.tasks.form(task.id, worker_for(task.department)).context}


def test_the_outlet_head_sees_the_proposal_being_approved(engine: Engine) -> None:
    walk = branch.Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT).step("Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    shown = _shown(engine, walk.case.id, "Task_Approve")
    assert shown["resolution"] == ("处理方案", "调查核实并提出处理意见", forms.INVESTIGATED_BANK_FAULT["resolution"])
    assert shown["responsibility"][2] == "银行全责"
    assert shown["compensation_amount"][2] == str(forms.INVESTIGATED_BANK_FAULT["compensation_amount"])


def test_the_complaint_manager_sees_the_heads_return_opinion(engine: Engine) -> None:
    walk = branch.Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT).step("Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    walk.step("Task_Approve", forms.REJECTED)
    assert _shown(engine, walk.case.id, "Task_Investigate")["approval_note"] == (
        "审批意见", "网点负责人审批", forms.REJECTED["approval_note"])
