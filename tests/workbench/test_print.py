"""The printable complaint form (客户投诉处理单): the complaint, the handling record labelled as on each step's
form, the evidence list; personal data masked unless the viewer may reveal it (then audited)."""

from __future__ import annotations

import pytest

from engine.domain.errors import NotFound
from tests.support import complaints as forms
from tests.support.driver import audit_actions, task_by_bpmn_id
from tests.workbench.evidence_support import open_shanghai_case, png_bytes, who


def investigated_case(engine) -> int:
    case_id = open_shanghai_case(engine, contact_phone="13812345678")
    for bpmn_id, user, data in (("Task_OnSpot", "front_sh", forms.NOT_ON_SPOT),
                                ("Task_Investigate", "mgr_sh", forms.INVESTIGATED_NO_FAULT)):
        task = task_by_bpmn_id(engine, case_id, bpmn_id)
        engine.tasks.claim(task.id, who(engine, user))
        engine.tasks.complete(task.id, data, who(engine, user))
    return case_id


def test_the_form_carries_the_handling_record_with_form_labels(people):
    case_id = investigated_case(people)
    people.attachments.upload(case_id, "录音截图.png", png_bytes(), who(people, "mgr_sh"))
    form = people.printout.complaint_form(case_id, who(people, "mgr_sh"))
    assert [(s.title, s.completed_by, s.unit) for s in form.steps] == [
        ("首问受理与现场处理", "front_sh", "SH02"), ("调查核实并提出处理意见", "mgr_sh", "SH02")]
    investigation = {v.field.label: v.value for v in form.steps[1].entries}  # labelled by the step's own form
    assert all(not label.isascii() for label in investigation)
    assert investigation["处理方案"] == forms.INVESTIGATED_NO_FAULT["resolution"]
    assert (investigation["责任认定"], investigation["是否在网点权限内"]) == ("not_at_fault", True)
    assert [a.name for a in form.attachments] == ["录音截图.png"]
    assert form.open_steps == ["告知客户处理结果"]
    assert form.case.complaint["contact_phone"] == "138****5678" and not form.revealed
    assert audit_actions(people, case_id, "personal_data_viewed") == []


def test_a_supervisor_prints_in_full_and_it_is_logged_staff_stay_masked(people):
    case_id = investigated_case(people)
    full = people.printout.complaint_form(case_id, who(people, "sup_sh"), reveal_personal_data=True)
    assert full.revealed and full.case.complaint["contact_phone"] == "13812345678"
    staff = people.printout.complaint_form(case_id, who(people, "mgr_sh"), reveal_personal_data=True)
    assert not staff.revealed and staff.case.complaint["contact_phone"] == "138****5678"
    assert [e.actor for e in audit_actions(people, case_id, "personal_data_viewed")] == ["sup_sh"]


def test_another_unit_cannot_print_the_case(people):
    case_id = open_shanghai_case(people)
    with pytest.raises(NotFound):
        people.printout.complaint_form(case_id, who(people, "front_bj"))
