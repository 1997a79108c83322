"""Records created by completing a diagram step (camunda:property `createsRecord`), on SQLite and PostgreSQL:
典型案例入知识库 drafts a typical case without personal data, for complaint management to publish; 下发整改通知单
issues a rectification notice with the responsible department and due date of its form, chased and supervised
like one issued by hand. A diagram declaring a record its form cannot make is refused at deploy."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import Conflict, DeployRejected, ValidationFailed
from engine.domain.knowledge import TypicalCaseStatus
from engine.domain.masking import personal_data_in, personal_values
from engine.domain.model import NoticeKind
from engine.domain.rectification import RectificationStatus
from engine.scheduler import sweep_once
from engine.services.deploy import read_diagram_dir
from tests.oversight.knowledge_support import ID_NUMBER, NAME, PHONE, add_users, closed_complaint
from tests.support import complaints as forms
from tests.support.actors import ADMIN, HEAD
from tests.support.driver import audit_actions, task_by_bpmn_id
from tests.support.engines import PROCESSES, clock_of
from tests.support.scenarios_branch import Walk
from tests.support.scenarios_head_office import TYPICAL_CASE


def test_the_typical_case_step_drafts_a_typical_case_without_personal_data(engine: Engine) -> None:
    people = add_users(engine)
    curator, reader = people["k_curator"], people["k_front_bj01"]
    case_id = closed_complaint(engine, typical=True)  # the complaint's facts name the complainant and phone

    [draft] = engine.knowledge.drafts(curator)
    assert (draft.case_id, draft.status, draft.created_by) == (case_id, TypicalCaseStatus.DRAFT, "ho_chen")
    assert draft.text.title == TYPICAL_CASE["kb_title"] and draft.text.lessons == TYPICAL_CASE["kb_summary"]
    assert draft.text.analysis == "清算批次重发"
    assert draft.text.facts.startswith("客户***（电话***）反映跨行转账被重复扣款")
    complaint = engine.cases.summary(case_id).complaint
    for value in draft.text.fields().values():
        assert personal_data_in(value, personal_values(complaint)) == []
        assert NAME not in value and PHONE not in value and ID_NUMBER not in value
    assert engine.knowledge.search("重复扣款", reader) == []  # a draft is not published
    assert [e.data["typical_case"] for e in audit_actions(engine, case_id, "typical_case_drafted")] == [draft.id]

    with pytest.raises(Conflict) as again:  # the draft is the complaint's typical case: edited, not made again
        engine.knowledge.create(case_id, draft.text, curator)
    assert again.value.code == "typical_case_exists"
    published = engine.knowledge.publish(draft.id, draft.version, curator)  # the existing path, as it is
    assert [t.id for t in engine.knowledge.search("重复扣款", reader)] == [published.id]


def _rectify_step(engine: Engine) -> Walk:
    walk = Walk(engine)
    walk.step("Task_OnSpot", forms.NOT_ON_SPOT)
    walk.step("Task_Investigate", forms.INVESTIGATED_NO_FAULT)
    walk.step("Task_Notify", forms.NOTIFIED_RECTIFY)
    return walk


def test_the_rectification_step_issues_a_notice_that_is_chased_when_overdue(engine: Engine) -> None:
    walk = _rectify_step(engine)
    assert engine.rectifications.find(HEAD, case_id=walk.case.id) == []
    outlet = task_by_bpmn_id(engine, walk.case.id, "Task_Rectify").unit
    assert outlet == "SH01"
    walk.step("Task_Rectify", forms.RECTIFIED)  # 3 working days, to the outlet's first responders
    done = clock_of(engine).now()

    [notice] = engine.rectifications.find(HEAD, case_id=walk.case.id)
    assert (notice.number, notice.requirement, notice.workdays) == ("ZG-2024-001", "全员服务规范培训", 3)
    assert (notice.unit, notice.department) == (outlet, "branch_front")
    assert (notice.issuer_unit, notice.issuer_department, notice.issued_by) == (outlet, "branch_head",
                                                                              HEAD.username)
    assert notice.status == RectificationStatus.OPEN
    assert notice.due_at == engine.ctx.calendar.add_workdays(done, 3)
    assert [e.data["rectification"] for e in audit_actions(engine, walk.case.id, "rectification_issue")] == [
        notice.id]

    clock_of(engine).set(engine.ctx.calendar.add_workdays(notice.due_at, 1) + timedelta(minutes=5))
    result = sweep_once(engine)
    assert (result["rectifications_chased"], result["rectifications_supervised"]) == (1, 1)
    kinds = {(n.kind, n.department) for n in engine.notices.for_actor(HEAD) if notice.number in n.reason}
    assert (NoticeKind.SUPERVISION, "branch_head") in kinds  # the issuing queue is told it is overdue
    assert engine.rectifications.find(HEAD, overdue=True) == [engine.rectifications.get(notice.id, HEAD)]


def test_a_department_the_outlet_lacks_issues_nothing_and_completes_nothing(engine: Engine) -> None:
    walk = _rectify_step(engine)
    task = task_by_bpmn_id(engine, walk.case.id, "Task_Rectify")
    engine.tasks.claim(task.id, HEAD)
    with pytest.raises(ValidationFailed) as refused:
        engine.tasks.complete(task.id, {**forms.RECTIFIED, "rectification_department": "complaint_mgmt"}, HEAD)
    assert "rectification_department" in refused.value.errors
    assert engine.rectifications.find(HEAD, case_id=walk.case.id) == []
    assert task_by_bpmn_id(engine, walk.case.id, "Task_Rectify").status.value == "claimed"


@pytest.mark.parametrize(("old", "new", "said"), [
    ('value="rectification"', 'value="rectifcation"', '"rectifcation" is not one of'),
    ('id="rectification_department"', 'id="rectification_dept"', 'needs the form field "rectification_department"'),
    ('camunda:formKey="rectify" camunda:candidateGroups="branch_head"',
     'camunda:formKey="rectify" camunda:candidateGroups="branch_front"', "branch_front, which does not issue"),
])
def test_a_step_that_cannot_make_its_record_is_refused_at_deploy(engine: Engine, tmp_path: Path, old, new,
                                                                   said) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(PROCESSES, bundle)
    path = bundle / "branch_complaint.bpmn"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(DeployRejected) as refused:
        engine.deploy.deploy(read_diagram_dir(bundle), ADMIN)
    [problem] = refused.value.problems
    assert (problem.file, problem.element) == ("branch_complaint.bpmn", "Task_Rectify")
    assert said in problem.message
