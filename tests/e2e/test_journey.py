"""A complaint's whole life in the browser: intake, the branch, head office, a chase, closing."""

from __future__ import annotations

import pytest

from engine.domain.model import CaseStatus
from tests.e2e.pages import (
    COMPLAINT,
    claim_from_queue,
    complete,
    fill,
    nav_count,
    open_from_inbox,
    register,
    registered_number,
    row_of,
    work,
)
from tests.e2e.support import Person
from tests.support.actors import ADMIN

pytestmark = pytest.mark.e2e


def marked(person: Person, marker: str) -> list[str]:
    """Ids of the diagram elements bpmn-js drew with a marker class."""
    return person.page.eval_on_selector_all(
        f"#case-diagram .djs-element.{marker}", "els => els.map(e => e.getAttribute('data-element-id'))")


def field_error(person: Person, field_id: str) -> str:
    """The messages shown under one field."""
    return person.page.inner_text(f".field.has-error:has(#{field_id}) .field-error")


def test_intake_shows_errors_per_field_then_registers(person, live):
    teller = person("teller")
    response = register(teller, COMPLAINT | {"complainant_name": "", "contact_phone": "12ab"})

    assert response.status == 422
    assert field_error(teller, "c-complainant_name") == "必填"
    assert "电话号码格式不正确" in field_error(teller, "c-contact_phone")
    assert teller.page.locator(".field.has-error").count() == 2
    assert teller.page.input_value("#c-facts") == COMPLAINT["facts"]
    assert teller.page.input_value("#c-category") == COMPLAINT["category"]

    fill(teller.page, {"complainant_name": "张三", "contact_phone": "13812345678"}, "c-")
    response = teller.submit("form.form .form-actions button[type=submit]")
    assert response.status == 200
    number = registered_number(teller)
    case = live.engine.cases.detail(number, ADMIN, reveal_personal_data=True).case
    assert case.received_by == "teller" and case.complaint["complainant_name"] == "张三"
    teller.assert_clean()


def test_case_page_draws_the_diagram_with_the_current_step(person, live):
    teller = person("teller")
    register(teller, COMPLAINT)
    number = registered_number(teller)
    work(teller, "branch_front", number, {"resolved_on_spot": False, "on_spot_result": "需进一步调查"})

    teller.page.wait_for_selector("#case-diagram[data-ready=true] svg")
    # Where the case is: the task, not the chase and supervision timers drawn on it (armed, but not a step).
    assert set(marked(teller, "cf-current")) == {"Task_Investigate"}
    drawn = teller.page.eval_on_selector_all(
        "#case-diagram .djs-element", "els => els.map(e => e.getAttribute('data-element-id'))")
    assert {"Chase_Task_Investigate", "Supervise_Task_Investigate"} <= set(drawn)
    assert {"Start_Received", "Task_OnSpot", "Rule_Triage"} <= set(marked(teller, "cf-completed"))
    current = teller.page.locator(
        "#case-diagram .djs-element.cf-current[data-element-id=Task_Investigate] .djs-visual > :first-child")
    assert current.evaluate("e => getComputedStyle(e).strokeWidth") == "3px"
    assert teller.page.locator("#case-diagram .bjs-powered-by").count() == 1  # bpmn.io watermark kept
    teller.assert_clean()


def test_branch_escalates_to_head_office_is_chased_and_closed(person, live):
    teller = person("teller")
    register(teller, COMPLAINT | {"grade": "urgent"})  # internal limit: one working day
    number = registered_number(teller)
    work(teller, "branch_front", number, {"resolved_on_spot": False, "on_spot_result": "需进一步调查"})

    manager = person("manager")
    manager.goto("/queue/branch_manager")
    assert nav_count(manager, "/queue/branch_manager") == manager.page.locator("table.list tbody tr").count()
    claim_from_queue(manager, "branch_manager", number)
    assert nav_count(manager, "/inbox") == 1
    open_from_inbox(manager, number)
    complete(manager, {"evidence": "调取柜台监控录像", "responsibility": "partly", "within_authority": False,
                       "resolution": "超出网点权限，上报总行"})
    assert "/cases/" in manager.page.url
    manager.goto("/archive")
    assert "调查核实并提出处理意见" in row_of(manager, number).inner_text()

    branch = person("sh_service")  # the Shanghai branch's service management: SH01's branch
    work(branch, "service_mgmt", number, {"branch_opinion": "涉及系统扣费规则，上报总行",
                                          "branch_decision": "head_office"})

    hocm = person("hocm")
    unread_before = nav_count(hocm, "/notices")  # an urgent case also tells complaint management of itself
    supervisor = person("supervisor")
    supervisor.goto("/supervisor/")
    row = row_of(supervisor, number)
    assert "总行受理上报投诉" in row.inner_text() and "临期" in row.inner_text()
    chase_button = f"table.list tbody tr:has-text('{number}') button:has-text('催办')"
    assert supervisor.submit(chase_button).status == 422  # no reason given
    assert "请填写催办原因" in row_of(supervisor, number).locator(".field-error").inner_text()
    row_of(supervisor, number).locator("input[name=reason]").fill("请今日内给出总行意见")
    supervisor.submit(chase_button)
    assert "已发送催办通知" in supervisor.page.inner_text(".flash-ok")
    with supervisor.page.expect_navigation():
        row_of(supervisor, number).locator("a", has_text="1 次").click()
    assert "请今日内给出总行意见" in supervisor.page.inner_text("main")

    hocm.goto("/inbox")
    assert nav_count(hocm, "/notices") == unread_before + 1  # the chase
    hocm.goto("/notices")
    assert "请今日内给出总行意见" in hocm.page.inner_text("ul.notices li.unread")
    work(hocm, "complaint_mgmt", number, {"ho_opinion": "同意网点意见，退还费用并道歉",
                                          "ho_department": "retail_banking"})
    retail = person("retail")  # the department head office named does the work
    work(retail, "retail_banking", number, {"ho_department_resolution": "核实后退还费用，网点致歉"})

    work(manager, "branch_manager", number, {"notify_method": "phone", "customer_accepted": True,
                                             "rectification_needed": False})
    work(manager, "branch_manager", number, {"satisfaction": "satisfied"})
    work(manager, "branch_manager", number, {"archive_confirmed": True})

    assert live.engine.cases.detail(number, ADMIN).case.status == CaseStatus.CLOSED
    assert manager.page.locator("h1 .status-closed").inner_text() == "已办结"
    timeline = manager.page.inner_text("ol.timeline")
    assert "人工催办" in timeline and "请今日内给出总行意见" in timeline
    for who in (teller, manager, branch, supervisor, hocm, retail):
        who.assert_clean()
