"""Two outlets' complaint managers in the browser: each queue shows its own outlet's complaints only."""

from __future__ import annotations

import pytest

from engine.domain.model import Actor, Membership, Role
from tests.e2e.pages import COMPLAINT, nav_count, row_of
from tests.support.actors import ADMIN

pytestmark = pytest.mark.e2e


def _waiting_for_investigation(live, unit: str) -> tuple[str, str]:
    """A complaint received at `unit`, handed by its first responder to the complaint manager: (number, task id)."""
    eng = live.engine
    front = Actor(f"front_{unit}", frozenset({"branch_front"}), frozenset({Role.STAFF}),
                  frozenset({Membership(unit, "branch_front")}))
    case = eng.cases.open_case(None, dict(COMPLAINT), front, unit=unit)
    on_spot = next(t for t in eng.cases.detail(case.id, ADMIN).tasks if t.bpmn_id == "Task_OnSpot")
    eng.tasks.claim(on_spot.id, front)
    eng.tasks.complete(on_spot.id, {"resolved_on_spot": False}, front)
    investigate = next(t for t in eng.cases.detail(case.id, ADMIN).tasks if t.bpmn_id == "Task_Investigate")
    return case.number, investigate.id


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_two_outlet_managers_each_see_only_their_own_queue(person, live):
    pudong, _ = _waiting_for_investigation(live, "SH01")
    xuhui, xuhui_task = _waiting_for_investigation(live, "SH02")
    manager, manager_xh = person("manager"), person("manager_xh")
    for who, mine, theirs in ((manager, pudong, xuhui), (manager_xh, xuhui, pudong)):
        who.goto("/queue/branch_manager")
        assert row_of(who, mine).count() == 1
        assert theirs not in who.page.inner_text("main")
        assert nav_count(who, "/queue/branch_manager") == 1
        who.assert_clean()
    assert manager.goto(f"/tasks/{xuhui_task}").status == 404  # SH01's manager cannot open SH02's task


def _admin_row(admin, username: str):
    return admin.page.locator(f"tr[data-user='{username}']")


def test_an_admin_adds_a_membership_in_the_browser_and_the_user_then_sees_that_units_queue(person, live):
    xuhui, xuhui_task = _waiting_for_investigation(live, "SH02")
    manager = person("manager")  # SH01's complaint manager
    manager.goto("/queue/branch_manager")
    assert xuhui not in manager.page.inner_text("main")
    assert manager.page.inner_text("header .my-units") == "SH01 上海浦东网点"

    admin = person("admin")
    admin.goto("/admin/users")
    row = _admin_row(admin, "manager")
    row.locator("select[name=unit]").select_option("HO")
    row.locator("select[name=department]").select_option("branch_manager")
    assert admin.submit("tr[data-user='manager'] form.membership-add button").status == 422
    assert "HO:branch_manager：机构 HO 没有部门 branch_manager" in _admin_row(admin, "manager").inner_text()
    row = _admin_row(admin, "manager")
    row.locator("select[name=unit]").select_option("SH02")
    row.locator("select[name=department]").select_option("branch_manager")
    admin.submit("tr[data-user='manager'] form.membership-add button")
    assert "已为 manager 增加成员关系 SH02:branch_manager。" in admin.page.inner_text(".flash-ok")
    assert _admin_row(admin, "manager").locator("li[data-membership='SH02:branch_manager']").count() == 1

    manager.goto("/queue/branch_manager")  # the next page follows the new membership
    assert "SH02 上海徐汇网点" in row_of(manager, xuhui).locator("td.unit").inner_text()
    assert manager.page.inner_text("header .my-units") == "SH01 上海浦东网点、SH02 上海徐汇网点"
    assert manager.goto(f"/tasks/{xuhui_task}").status == 200

    admin.submit("tr[data-user='manager'] li[data-membership='SH02:branch_manager'] button")
    manager.goto("/queue/branch_manager")
    assert xuhui not in manager.page.inner_text("main")
    assert manager.goto(f"/tasks/{xuhui_task}").status == 404
    for who in (manager, admin):
        who.assert_clean()
