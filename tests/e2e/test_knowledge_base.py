"""The knowledge base and risk alerts in a real browser: complaint management drafts a typical case from a
closed complaint (refused while the customer's name and phone remain), publishes it and alerts two outlets; a
teller at another unit finds it by a Chinese keyword and sees it listed on the intake page for the same
category and cause; one outlet acknowledges the alert, the other is listed as not acknowledged."""

from __future__ import annotations

import pytest

from tests.oversight.knowledge_support import CLEAN, NAME, PHONE, closed_complaint

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("e2e_db_url", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_typical_case_is_published_found_elsewhere_and_alerted(person, live):
    number = live.engine.cases.summary(closed_complaint(live.engine)).number

    hocm = person("hocm")
    hocm.goto("/knowledge")
    hocm.page.fill("input[name=case]", number)
    hocm.submit("section.curate button[type=submit]")
    assert NAME in hocm.page.input_value("#k-facts")  # proposed from the complaint: still to be cleaned
    hocm.page.fill("#k-title", CLEAN.title)  # no typical-case step ran: no title proposed
    refused = hocm.submit("form.form button.btn-primary")
    assert refused.status == 422
    assert "含有个人信息（客户姓名、电话号码），请删除后再保存" in hocm.page.inner_text(".has-error")
    for name, text in CLEAN.fields().items():
        hocm.page.fill(f"#k-{name}", text)
    hocm.submit("form.form button.btn-primary")
    assert hocm.page.inner_text(".page-head .badge") == "草稿"
    hocm.submit("text=发布到知识库")
    assert hocm.page.inner_text(".page-head .badge") == "已发布"

    hocm.page.select_option("#a-recipients", ["SH01", "BJ01"])
    hocm.page.fill("#a-title", "重复扣款风险提示")
    hocm.submit("section.issue-alert button[type=submit]")
    assert hocm.page.locator(".pending-recipients li").count() == 2
    alert_url = hocm.page.url

    finder = person("teller_hd")  # Beijing Haidian outlet: the complaint was head office's
    finder.goto("/knowledge")
    finder.page.fill("input[name=q]", "重复扣款")
    finder.submit("form.search-form button[type=submit]")
    finder.submit(f"text={CLEAN.title}")
    body = finder.page.inner_text("main")
    assert CLEAN.lessons in body and NAME not in body and PHONE not in body and number not in body

    finder.goto("/intake")
    assert CLEAN.title not in finder.page.inner_text("#similar-cases")
    finder.page.select_option("#c-category", "payment")
    finder.page.select_option("#c-cause", "business_error")
    finder.page.locator("#similar-cases", has_text=CLEAN.title).wait_for()

    teller = person("teller")  # Shanghai Pudong outlet acknowledges; Beijing Haidian does not
    teller.goto("/notices")
    teller.submit(".alert-notice button[type=submit]")
    assert "已确认：teller" in teller.page.inner_text(".alert-notice")

    hocm.goto(alert_url)
    pending = hocm.page.locator(".pending-recipients li")
    assert pending.count() == 1 and pending.first.get_attribute("data-unit") == "BJ01"
    assert "teller" in hocm.page.inner_text("table.acknowledged")
    for who in (hocm, finder, teller):
        who.assert_clean()
