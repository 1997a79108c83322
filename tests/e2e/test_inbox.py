"""Queues and inboxes in the browser: deadline marks, counts, and someone else being first."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.domain.clock import CHINA_TZ
from tests.e2e.pages import COMPLAINT, claim_from_queue, fill, nav_count, row_of
from tests.e2e.support import Person

pytestmark = pytest.mark.e2e

# The demo complaints' first step is due one working day after receipt: Sunday 2024-09-29 10:00,
# a swapped working day before the National Day week.
AFTER_DEMO_DUE = datetime(2024, 9, 30, 10, 0, tzinfo=CHINA_TZ)


def row_states(person: Person) -> list[str]:
    """The deadline class of every row of the task list."""
    return person.page.eval_on_selector_all("table.list tbody tr", "rows => rows.map(r => r.className.trim())")


def test_queue_marks_due_soon_then_overdue_and_counts_match(person, live):
    teller = person("teller")
    teller.goto("/queue/branch_front")
    rows = teller.page.locator("table.list tbody tr")
    assert rows.count() == 3 == nav_count(teller, "/queue/branch_front")
    assert row_states(teller) == ["due-soon"] * 3
    assert rows.first.locator(".badge-soon").inner_text() == "临期"

    live.clock.set(AFTER_DEMO_DUE)  # idle sessions end on the app's clock: sign in again
    teller.login()
    teller.goto("/queue/branch_front")
    assert row_states(teller) == ["overdue"] * 3
    assert "逾期 1 个工作日" in rows.first.inner_text() and "已逾期" in rows.first.inner_text()
    teller.page.check("input[name=overdue]")
    teller.submit("form.filters button[type=submit]")
    assert rows.count() == 3
    teller.page.select_option("select[name=grade]", "important")
    teller.submit("form.filters button[type=submit]")
    assert rows.count() == 1 and "重要" in rows.first.inner_text()
    teller.assert_clean()


def _case_waiting_for_investigation(live) -> str:
    eng = live.engine
    teller = eng.users.actor("teller")
    case = eng.cases.open_case(None, dict(COMPLAINT), teller)
    task = next(t for t in eng.tasks.queue(teller, "branch_front") if t.case_id == case.id)
    eng.tasks.claim(task.id, teller)
    eng.tasks.complete(task.id, {"resolved_on_spot": False}, teller)
    return case.number


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_someone_else_claiming_or_completing_first_is_said_plainly(person, live):
    number = _case_waiting_for_investigation(live)
    manager, supervisor = person("manager"), person("supervisor")
    manager.goto("/queue/branch_manager")
    supervisor.goto("/queue/branch_manager")

    claim_from_queue(manager, "branch_manager", number)
    with supervisor.page.expect_navigation() as nav:  # supervisor's page still offers the claim
        row_of(supervisor, number).locator("button", has_text="认领").click()
    assert nav.value.status == 409
    assert "已被 manager 认领" in supervisor.page.inner_text(".notice-box.conflict")
    assert "以下为任务的当前状态" in supervisor.page.inner_text(".notice-box.conflict")

    fill(manager.page, {"evidence": "调取监控录像", "responsibility": "bank", "within_authority": True,
                        "resolution": "道歉并改进服务"}, "f-")
    task_page = manager.page.url
    supervisor.goto(task_page)  # the supervisor takes it back, claims and completes it first
    supervisor.submit("button:has-text('退回队列')")
    supervisor.goto(task_page)
    supervisor.submit(".toolbar button:has-text('认领')")
    fill(supervisor.page, {"evidence": "已核实", "responsibility": "not_at_fault", "within_authority": True,
                           "resolution": "向客户解释"}, "f-")
    supervisor.submit("form.form .form-actions button[type=submit]")

    response = manager.submit("form.form .form-actions button[type=submit]")
    assert response.status == 409
    box = manager.page.inner_text(".notice-box.conflict")
    assert "任务已由 supervisor 完成" in box
    assert "道歉并改进服务" in manager.page.inner_text(".unsaved")  # what the manager typed is still shown
    assert "已由 supervisor 于" in manager.page.inner_text("dl.facts")
    assert manager.page.input_value("#f-resolution") == "向客户解释"
    assert manager.page.locator("form.form .form-actions").count() == 0
    manager.assert_clean()
    supervisor.assert_clean()
