"""Urgent and group complaints in a real browser: a group complaint's case page shows the urgent panel; the teller
records the first contact, the outlet head forms a task force of three departments (outlet complaint manager as
lead, the branch's service management, head office's retail banking), retail banking finds the case under
紧急、群体性投诉 and reports progress; a working day without an entry is chased to the lead by the worker."""

from __future__ import annotations

import pytest

from engine.scheduler import sweep_once
from tests.e2e.test_languages import _problems
from tests.support.driver import open_case
from tests.support.engines import at

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_group_complaint_gets_its_first_contact_task_force_and_daily_progress(person, live):
    teller_actor = live.engine.users.actor("teller")
    assert teller_actor is not None
    case = open_case(live.engine, actor=teller_actor, is_group=True)

    teller = person("teller")
    teller.goto(f"/cases/{case.number}")
    assert "2024-09-27 12:00" in teller.page.inner_text("#urgent")  # two clock hours after receipt
    teller.submit("#urgent a.btn")
    teller.page.select_option("select[name=method]", "phone")
    teller.page.fill("#first-contact textarea[name=note]", "已电话联系客户代表")
    teller.submit("#first-contact button[type=submit]")
    assert teller.page.get_attribute("[data-duty=contact]", "class") == "badge"

    head = person("branchhead")
    head.goto(f"/cases/{case.number}/urgent")
    head.page.fill("textarea[name=members]", "SH01:branch_manager\nSH:service_mgmt\nHO:retail_banking")
    head.page.fill("input[name=lead]", "SH01:branch_manager")
    head.submit("#task-force button[type=submit]")
    assert head.page.locator("#task-force [data-member]").count() == 3
    page = f"/cases/{case.number}/urgent"
    assert _problems(head, page, "zh") == []  # the language walk's check, on a page with every form
    head.goto(f"{page}?lang=en")
    assert _problems(head, page, "en") == [] and "Task force" in head.page.inner_text("#task-force h2")

    live.clock.set(at(2024, 9, 29, 10))  # Sunday, a swapped working day
    retail = person("retail")
    retail.goto("/urgent")
    retail.submit(f"tr[data-case='{case.id}'] a")
    retail.page.fill("#progress textarea[name=text]", "零售银行部已核对产品条款")
    retail.submit("#progress button[type=submit]")
    assert "零售银行部已核对产品条款" in retail.page.inner_text("#progress")

    live.clock.set(at(2024, 10, 8, 9))  # Monday 09-30 had no entry; the National Day week is off
    assert sweep_once(live.engine)["urgent_progress_days_chased"] == 1
    manager = person("manager")
    manager.goto("/notices")
    assert "2024-09-30 未报送专项小组处理进展" in manager.page.inner_text("ul.notices")
    for who in (teller, head, retail, manager):
        who.assert_clean()
