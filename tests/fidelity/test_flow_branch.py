"""The branch (outlet) process as the procedures say (issue #16): a customer who rejects the result, or is
dissatisfied at the revisit, has the complaint studied again by the complaint manager (counted with the head
office's rework counter, supervised on the third), and an unconfirmed archive is refused.

Source: 003 「客户若不接受处理意见，处理部门应做好客户工作或重新研究处理」; 004 (营业网点投诉处理办法) 投诉管理人
「负责协调、解决，并将处理结果回复客户」.
"""

from __future__ import annotations

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed
from tests.support import complaints as forms
from tests.support import scenarios_branch as branch
from tests.support.driver import audit_actions


def test_a_rejected_result_is_studied_again_not_revisited(engine: Engine) -> None:
    walk = branch.Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT).step("Task_Investigate", forms.INVESTIGATED_NO_FAULT)
    walk.step("Task_Notify", forms.NOTIFIED_REJECTED)
    assert walk.waiting() == ["Task_Investigate"]
    assert engine.cases.process_data(walk.case.id)["rework_count"] == 1


def test_a_dissatisfied_revisit_is_studied_again_not_archived(engine: Engine) -> None:
    walk = branch.Walk(engine)
    for bpmn_id, data in (("Task_OnSpot", forms.NOT_ON_SPOT), ("Task_Investigate", forms.INVESTIGATED_NO_FAULT),
                          ("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED_DISSATISFIED)):
        walk.step(bpmn_id, data)
    assert walk.waiting() == ["Task_Investigate"]


def test_restudies_are_counted_and_the_third_is_supervised(engine: Engine) -> None:
    case_id = branch.rejected_and_dissatisfied_results_are_studied_again(engine)
    [supervision] = audit_actions(engine, case_id, "supervision")
    assert supervision.data["timer"] == "Event_RestudySupervision"


def test_an_on_the_spot_answer_the_customer_is_dissatisfied_with_is_investigated(engine: Engine) -> None:
    branch.dissatisfied_after_an_on_the_spot_answer_is_investigated(engine)


def test_archiving_without_the_materials_confirmed_cannot_be_submitted(engine: Engine) -> None:
    walk = branch.Walk(engine)
    walk.step("Task_OnSpot", forms.ON_SPOT).step("Task_Revisit", forms.REVISITED)
    with pytest.raises(ValidationFailed) as refused:
        walk.step("Task_Archive", {"archive_confirmed": False})
    assert list(refused.value.errors) == ["archive_confirmed"]
    assert walk.summary().status.value == "open"
