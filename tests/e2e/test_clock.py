"""The regulatory clock in the browser: the outlet's teller extends a case to 30 days and asks for 60 from the
case page, the Shanghai branch supervisor approves from the extension work list, and the teller pauses the
clock for an appraisal; the case page shows each change, the header the paused state, and the notices."""

from __future__ import annotations

import pytest

from engine.domain.model import Actor, Membership, Role
from tests.e2e.pages import COMPLAINT

pytestmark = pytest.mark.e2e


def _outlet_case(live) -> str:
    teller = Actor("teller", frozenset({"branch_front"}), frozenset({Role.STAFF}),
                   frozenset({Membership("SH01", "branch_front")}))
    return live.engine.cases.open_case(None, dict(COMPLAINT), teller, unit="SH01").number


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_extend_approve_and_pause_from_the_case_page(person, live):
    number = _outlet_case(live)
    teller = person("teller")
    teller.goto(f"/cases/{number}")
    due_before = teller.page.inner_text("#clock [data-clock-due]")
    teller.page.fill("#clock-extend textarea[name=reason]", "需调取第三方支付机构交易记录")
    assert teller.submit("#clock-extend button[type=submit]").status == 200
    assert "监管时限已延长至 30 日" in teller.page.inner_text(".flash-ok")
    assert teller.page.locator("#clock [data-clock-days]").get_attribute("data-clock-days") == "30"
    assert teller.page.inner_text("#clock [data-clock-due]") != due_before
    assert teller.page.locator("#customer-notices tr", has_text="延期告知").count() == 1

    teller.page.fill("#clock-extend textarea[name=reason]", "涉及司法鉴定，案情特别复杂")
    teller.submit("#clock-extend button[type=submit]")
    assert teller.page.locator("#clock tr[data-status=pending]").count() == 1

    branch = person("sh_service")
    with branch.page.expect_navigation():
        branch.page.click("nav.sidenav a#nav-clock-requests")
    row = branch.page.locator("tr[data-request]", has_text=number)
    row.locator("input[name=opinion]").fill("同意延长至60日")
    with branch.page.expect_navigation():
        row.locator("button[value=approve]").click()
    assert branch.page.locator("#clock tr[data-status=approved]").count() == 1
    assert branch.page.locator("#clock [data-clock-days]").get_attribute("data-clock-days") == "60"

    teller.goto(f"/cases/{number}")
    assert teller.page.locator("#customer-notices tr", has_text="延期告知").count() == 2
    teller.page.select_option("#clock-pause select[name=kind]", "appraisal")
    teller.page.fill("#clock-pause input[name=reason]", "送司法鉴定机构鉴定签名真伪")
    teller.page.fill("#clock-pause input[name=evidence]", "鉴定委托书 JD-2024-118")
    teller.submit("#clock-pause button[type=submit]")
    assert teller.page.locator("h1 [data-header-paused]").count() == 1
    assert teller.page.locator("#clock-resume").count() == 1
    timeline = teller.page.inner_text("#timeline")
    for words in ("延长监管时限", "申请延长监管时限至60日", "批准延长监管时限", "暂停监管时限",
                  "鉴定委托书 JD-2024-118"):
        assert words in timeline, words
    teller.assert_clean()
    branch.assert_clean()
