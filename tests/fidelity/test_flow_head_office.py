"""Head office as the procedures say (issue #16): the handling department replies, referrals are investigated
by the departments and answered to the referrer by the Office or corporate culture, a dissatisfied customer's
case is studied again (counted and supervised like a review return), and an unconfirmed archive is refused.

Source: 003 (交通银行投诉处理管理方法) 「投诉处理意见一般由处理部门回复投诉客户…客户若不接受处理意见，
处理部门应做好客户工作或重新研究处理。上级部门及新闻媒体、消保委等单位转来的投诉，由办公室及企化部对口回复投诉处理结果。」
"""

from __future__ import annotations

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed
from tests.support import scenarios_head_office as ho
from tests.support.actors import worker_for
from tests.support.driver import audit_actions, open_tasks

DISSATISFIED = {"satisfaction": "dissatisfied", "revisit_note": "客户认为未赔偿利息损失", "typical_case": False}


def _approved(case: ho.HeadOfficeCase, responsible: str = "retail_banking") -> None:
    case.step("Task_Assign", ho.assigned(responsible))
    case.step("Task_Investigate", ho.INVESTIGATED)
    case.step("Task_ReviewProposal", ho.APPROVED)


def test_the_first_responsible_department_replies_after_complaint_mgmt_reviewed(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    _approved(case, "ebanking")
    reply = case.task("Task_Reply")
    assert (reply.department, reply.lane) == ("ebanking", "首责部门")
    assert engine.tasks.queue(worker_for("complaint_mgmt")) == []
    reviewed = [e for e in audit_actions(engine, case.id, "complete") if e.data["task"] == "Task_ReviewProposal"]
    assert [e.actor for e in reviewed] == [worker_for("complaint_mgmt").username]


@pytest.mark.parametrize(("channel", "replier"), [
    ("regulator", "office"), ("media", "corporate_culture"), ("consumer_association", "corporate_culture"),
])
def test_a_referral_is_investigated_by_the_departments_and_answered_by_its_counterpart(
    engine: Engine, channel: str, replier: str
) -> None:
    case = ho.HeadOfficeCase(engine, channel=channel, sensitive_source=True)
    case.step("Task_Accept", ho.ACCEPTED_SENSITIVE)
    assert case.waiting() == [("Task_Assign", "complaint_mgmt")]  # not the Office alone
    _approved(case, "operations")
    assert case.waiting() == [("Task_ReferrerReply", replier)]
    case.step("Task_ReferrerReply", ho.REFERRER_REPLIED)
    assert case.waiting() == [("Task_Reply", "operations")]


def test_corporate_culture_is_a_head_office_department(engine: Engine) -> None:
    dept = engine.ctx.departments.get("corporate_culture")
    assert dept is not None and (dept.name, dept.name_en) == ("企业文化部", "Corporate culture")
    assert "corporate_culture" in engine.ctx.organisation.get("HO").departments


def test_a_dissatisfied_revisit_is_studied_again_counted_and_supervised_on_the_third_return(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    _approved(case)
    for returns in (1, 2, 3):
        case.step("Task_Reply", ho.REPLIED)
        case.step("Task_Revisit", DISSATISFIED)
        assert case.waiting() == [("Task_Rework", "retail_banking")], f"return {returns}"
        assert case.data()["rework_count"] == returns
        assert bool(audit_actions(engine, case.id, "supervision")) == (returns == 3)
        case.step("Task_Rework", ho.REWORKED)
        case.step("Task_ReviewProposal", ho.APPROVED)
    case.step("Task_Reply", ho.REPLIED)
    case.step("Task_Revisit", ho.REVISITED)
    case.step("Task_Archive", ho.ARCHIVED)
    assert engine.cases.summary(case.id).status.value == "closed"


def test_archiving_without_the_materials_confirmed_cannot_be_submitted(engine: Engine) -> None:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    _approved(case)
    case.step("Task_Reply", ho.REPLIED)
    case.step("Task_Revisit", ho.REVISITED)
    with pytest.raises(ValidationFailed) as refused:
        case.step("Task_Archive", {"archive_confirmed": False, "archive_note": "缺回访录音"})
    assert list(refused.value.errors) == ["archive_confirmed"]
    assert engine.cases.summary(case.id).status.value == "open"
    assert [t.bpmn_id for t in open_tasks(engine, case.id)] == ["Task_Archive"]
