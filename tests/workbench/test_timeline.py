"""Issue #17, timeline for people: the case page's timeline labels each completed form with the form of the
step that produced it (option names, lists as lists, numbers without `.0`), names tasks instead of BPMN ids,
leaves refusals, reveals of personal data and timer bookkeeping to the audit view (auditors, supervisors),
and links only to tasks the reader may open."""

from __future__ import annotations

import re

from engine.bootstrap import Engine
from tests.support import scenarios_head_office as ho
from tests.support.hardening_web import signed_in, web_app

INVESTIGATED = ho.INVESTIGATED | {"compensation_amount": 2000.0}


def _investigated_case(engine: Engine) -> ho.HeadOfficeCase:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    case.step("Task_Assign", ho.assigned("retail_banking", "ebanking", "operations"))
    case.step("Task_Investigate", INVESTIGATED)
    return case


def _timeline(html: str) -> str:
    match = re.search(r'<section class="panel" id="timeline">(.*?)</section>', html, re.S)
    assert match, "no timeline on the page"
    return match.group(1)


def _number(engine: Engine, case: ho.HeadOfficeCase) -> str:
    return engine.cases.summary(case.id).number


def test_the_timeline_shows_labels_option_names_and_lists(engine: Engine) -> None:
    case = _investigated_case(engine)
    app = web_app(engine)
    page = signed_in(app, engine, "retail_li", ["retail_banking"], ["staff"]).get(f"/cases/{_number(engine, case)}")
    timeline = _timeline(page.get_data(as_text=True))
    assert "协办部门（可多选，可不选）" in timeline  # the label of Task_Assign's form
    assert re.search(r'<ul class="values"><li>电子银行部</li><li>运营管理部</li></ul>', timeline)
    assert "补偿金额（元）" in timeline and ">2,000<" in timeline  # Task_Investigate's label, no 2000.0
    assert "银行全责" in timeline  # the option's name, not `bank`
    assert "否" in timeline  # sensitive_source False on the acceptance form
    for raw in ("compensation_amount", "co_department_choices", "2000.0", "['", "Task_", "True", "False"):
        assert raw not in timeline, raw


def test_current_steps_are_task_names_not_element_ids_or_timers(engine: Engine) -> None:
    case = _investigated_case(engine)
    html = signed_in(web_app(engine), engine, "cm_zhou", ["complaint_mgmt"], ["staff"]).get(
        f"/cases/{_number(engine, case)}").get_data(as_text=True)
    current = re.search(r'<p class="hint current-steps">(.*?)</p>', html, re.S)
    assert current and current.group(1).strip() == "当前环节: 协办部门出具协办意见"  # two departments' tasks, once
    assert not re.search(r"当前环节[^<]*(Task_|Chase_|Supervise_)", html)


def test_refusals_and_reveals_stay_out_of_the_staff_timeline_and_in_the_audit_view(engine: Engine) -> None:
    case = _investigated_case(engine)
    number = _number(engine, case)
    app = web_app(engine)
    outsider = signed_in(app, engine, "seat_wu", ["card_seat"], ["staff"])
    assert outsider.get(f"/cases/{number}").status_code == 404  # recorded as access_denied
    boss = signed_in(app, engine, "ho_boss", ["complaint_mgmt"], ["staff", "supervisor"])
    assert boss.post(f"/cases/{number}/reveal").status_code == 200  # recorded as personal_data_viewed
    staff = signed_in(app, engine, "retail_li", ["retail_banking"], ["staff"])
    timeline = _timeline(staff.get(f"/cases/{number}").get_data(as_text=True))
    assert "拒绝访问" not in timeline and "查看完整个人信息" not in timeline and "seat_wu" not in timeline
    assert 'data-action="complete"' in timeline
    assert staff.get(f"/cases/{number}/audit").status_code == 403
    auditor = signed_in(app, engine, "audit_qian", [], ["auditor"])
    audit = auditor.get(f"/cases/{number}/audit")
    text = audit.get_data(as_text=True)
    assert audit.status_code == 200
    assert 'data-action="access_denied"' in text and "seat_wu" in text
    assert 'data-action="personal_data_viewed"' in text and "ho_boss" in text
    assert "补偿金额（元）" in text  # the audit view labels completed forms the same way


def test_every_task_link_on_the_case_page_opens(engine: Engine) -> None:
    case = _investigated_case(engine)
    number = _number(engine, case)
    app = web_app(engine)
    for username, departments in (("ebank_he", ["ebanking"]), ("retail_li", ["retail_banking"]),
                                  ("cm_zhou", ["complaint_mgmt"])):
        client = signed_in(app, engine, username, departments, ["staff"])
        html = client.get(f"/cases/{number}").get_data(as_text=True)
        links = set(re.findall(r'href="(/tasks/[^"]+)"', html))
        assert all(client.get(link).status_code == 200 for link in links), (username, links)
        if username == "ebank_he":  # a co-handling department: named, but no link to the lead's tasks
            assert "首责部门调查并提出处理方案" in _timeline(html)
            assert links == {f"/tasks/{case.task('Task_CoOpinion', 'ebanking').id}"}
