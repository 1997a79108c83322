"""Rectification notices in a real browser: head-office complaint management issues one from the case page to the
Pudong outlet's complaint manager with 3 working days; a working day past the due time the worker's sweep chases
and supervises it (the notice shows in the outlet's notices, marked 督办); the outlet records the measures and
evidence; the issuer returns it once, then accepts it. The regulator's statistics page downloads its workbook."""

from __future__ import annotations

import pytest

from engine.scheduler import sweep_once
from tests.support.driver import open_case
from tests.support.engines import at

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_notice_is_issued_chased_and_closed_with_evidence(person, live):
    teller = live.engine.users.actor("teller")
    assert teller is not None
    case = open_case(live.engine, actor=teller)

    hocm = person("hocm")
    hocm.goto(f"/cases/{case.number}")
    hocm.submit("#rectifications a.btn")
    hocm.page.select_option("select[name=unit]", "SH01")
    hocm.page.select_option("select[name=department]", "branch_manager")
    hocm.page.fill("textarea[name=requirement]", "   ")  # blank: passes the browser's check, not the engine's
    hocm.page.fill("input[name=workdays]", "3")
    refused = hocm.submit("form.rectification-form button[type=submit]")
    assert refused.status == 422 and "必填" in hocm.page.inner_text("form.rectification-form")
    hocm.page.fill("textarea[name=requirement]", "加强首问负责制培训，杜绝推诿")
    hocm.submit("form.rectification-form button[type=submit]")
    assert hocm.page.get_attribute(".page-head .badge", "data-status") == "open"
    assert "2024-10-08" in hocm.page.inner_text("dl.facts")  # Fri 09-27 + 3 working days (09-29, 09-30, 10-08)
    notice_url = hocm.page.url

    live.clock.set(at(2024, 10, 9, 10, 30))  # one working day overdue
    assert sweep_once(live.engine)["rectifications_supervised"] == 1
    manager = person("manager")
    manager.goto("/notices")
    notices = manager.page.inner_text("ul.notices")
    assert "整改督办" in notices and "整改催办" in notices
    manager.goto("/rectifications?overdue=1")
    manager.submit("table.rectifications a >> nth=0")
    assert manager.page.url == notice_url
    manager.page.fill("textarea[name=measures]", "已组织全员培训")
    manager.page.fill("textarea[name=evidence]", "培训签到表")
    manager.submit("text=提交验收")
    assert manager.page.get_attribute(".page-head .badge", "data-status") == "submitted"

    hocm.login()  # twelve days later: the session from before the clock travel has ended
    hocm.goto(notice_url)
    hocm.page.fill("textarea[name=note]", "缺少考试成绩")
    hocm.submit("button[value=return]")
    assert hocm.page.get_attribute(".page-head .badge", "data-status") == "open"
    manager.goto(notice_url)
    manager.page.fill("textarea[name=evidence]", "培训签到表；考试成绩单（全员合格）")
    manager.submit("text=提交验收")
    hocm.goto(notice_url)
    hocm.submit("button[value=accept]")
    assert hocm.page.get_attribute(".page-head .badge", "data-status") == "closed"
    assert "考试成绩单（全员合格）" in hocm.page.inner_text("#evidence")

    hocm.goto("/reports/regulator?year=2024&quarter=3")
    with hocm.page.expect_download() as download:
        hocm.page.click("text=导出 XLSX")
    assert download.value.suggested_filename == "regulator-statistics-2024Q3.xlsx"
    for who in (hocm, manager):
        who.assert_clean()
