"""In the browser: an attachment uploaded at one outlet is downloadable by a permitted colleague and refused
(404) to another outlet; the printable complaint form renders; the revisit assignee reveals the phone."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import complaints as forms
from tests.support.complaints import complaint
from tests.support.evidence_files import png_bytes

pytestmark = pytest.mark.e2e


def shanghai_case(live, **fields):
    """A complaint received at outlet SH01 by `teller` (through the service: the browser part is elsewhere)."""
    return live.engine.cases.open_case(None, complaint(**fields), live.engine.users.actor("teller"))


def complete_on_spot(live, case, data):
    """The front desk (`teller`) completes the first step of the case."""
    teller = live.engine.users.actor("teller")
    task = next(t for t in live.engine.cases.detail(case.id, teller).tasks if t.bpmn_id == "Task_OnSpot")
    live.engine.tasks.claim(task.id, teller)
    live.engine.tasks.complete(task.id, data, teller)


def test_an_attachment_is_downloaded_by_a_permitted_user_and_refused_to_another_unit(live, person):
    case = shanghai_case(live)
    teller = person("teller")  # the front desk attaches its screenshot, then hands the case to investigation
    teller.goto(f"/cases/{case.number}")
    teller.page.set_input_files("#attachment-file", files=[
        {"name": "柜台截图.png", "mimeType": "image/png", "buffer": png_bytes()}])
    teller.submit("#upload-attachment")
    link = teller.page.locator("#attachments a.attachment-link")
    assert link.inner_text() == "柜台截图.png"
    href = link.get_attribute("href")
    complete_on_spot(live, case, forms.NOT_ON_SPOT)

    manager = person("manager")  # the outlet's complaint manager now investigates: the case reached their queue
    manager.goto(f"/cases/{case.number}")
    with manager.page.expect_download() as download:
        manager.page.click("#attachments a.attachment-link")
    assert download.value.suggested_filename == "柜台截图.png"
    assert Path(download.value.path()).read_bytes() == png_bytes()

    other_outlet = person("teller_cy")
    refused = other_outlet.context.request.get(href)
    assert refused.status == 404 and png_bytes() not in refused.body()
    assert other_outlet.goto(f"/cases/{case.number}").status == 404
    teller.assert_clean()
    manager.assert_clean()


def test_the_print_view_renders_the_form_with_the_handling_record(live, person):
    case = shanghai_case(live, contact_phone="13812345678")
    complete_on_spot(live, case, forms.NOT_ON_SPOT)
    teller = person("teller")
    teller.goto(f"/cases/{case.number}")
    teller.submit("#print-form")
    form = teller.page.locator("article.print-form")
    assert "客户投诉处理单" in form.inner_text()
    assert teller.page.locator("#print-number").inner_text() == case.number
    step = teller.page.locator(".handling-record .handling-step").first.inner_text()
    assert "首问受理与现场处理" in step and "teller" in step and "是否现场解决" in step and "需进一步调查" in step
    assert "resolved_on_spot" not in form.inner_text()
    assert "138****5678" in form.inner_text() and "13812345678" not in form.inner_text()
    assert teller.page.locator(".signatures th", has_text="客户签字确认").count() == 1
    pdf = teller.context.request.get(f"/cases/{case.number}/print.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    teller.assert_clean()


def test_the_revisit_assignee_reveals_the_phone_and_the_reveal_is_logged(live, person):
    case = shanghai_case(live, contact_phone="13812345678", complainant_name="王小明")
    complete_on_spot(live, case, forms.ON_SPOT)
    revisit = next(t for t in live.engine.cases.detail(case.id, live.engine.users.actor("teller")).tasks
                   if t.bpmn_id == "Task_Revisit")

    manager = person("manager")
    manager.goto(f"/tasks/{revisit.id}")
    assert manager.page.locator("#contact-phone").inner_text() == "138****5678"
    manager.submit("form[action$='/claim'] button")
    manager.goto(f"/tasks/{revisit.id}")
    manager.submit("#reveal-contact")
    assert manager.page.locator("#contact-phone").inner_text() == "13812345678"
    assert manager.page.locator("#contact-name").inner_text() == "王小明"
    viewed = [e for e in live.engine.cases.detail(case.id, live.engine.users.actor("auditor")).timeline
              if e.action == "personal_data_viewed"]
    assert [(e.actor, e.task_id) for e in viewed] == [("manager", revisit.id)]

    colleague = person("supervisor")  # reads the case, does not hold the task: still masked
    colleague.goto(f"/tasks/{revisit.id}")
    assert colleague.page.locator("#contact-phone").inner_text() == "138****5678"
    assert colleague.page.locator("#reveal-contact").count() == 0
    manager.assert_clean()
