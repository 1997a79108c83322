"""The case page's notes and evidence through HTTP: posting, uploading, downloading with safe headers, the
messages in the reader's language, and the print view and its PDF."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.support.driver import audit_actions
from tests.workbench.evidence_support import open_shanghai_case, png_bytes, wav_bytes


def test_upload_and_download_through_the_case_page(people, web):
    case_id = open_shanghai_case(people)
    number = people.cases.summary(case_id).number
    front = web("front_sh")
    response = front.post(f"/cases/{number}/attachments",
                          data={"file": (io.BytesIO(wav_bytes()), "录音.wav")}, content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("#attachments")
    page = front.get(f"/cases/{number}").text
    assert "录音.wav" in page and "附件“录音.wav”已上传。" in page
    [attachment] = people.attachments.for_case(case_id, people.users.actor("front_sh"))
    got = web("sup_sh").get(f"/attachments/{attachment.id}")
    assert got.status_code == 200 and got.data == wav_bytes()
    assert got.headers["Content-Type"] == "audio/wav"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert web("front_bj").get(f"/attachments/{attachment.id}").status_code == 404


def test_a_refused_upload_says_why_in_the_readers_language(people, web):
    case_id = open_shanghai_case(people)
    number = people.cases.summary(case_id).number
    front = web("front_sh")
    fake = {"file": (io.BytesIO(b"#!/bin/sh\nrm -rf /\n"), "截图.png")}
    page = front.post(f"/cases/{number}/attachments", data=fake, content_type="multipart/form-data",
                      follow_redirects=True).text
    assert "不支持的文件类型（按文件内容识别）" in page
    english = front.post(f"/cases/{number}/attachments?lang=en", data={"file": (io.BytesIO(b""), "a.png")},
                         content_type="multipart/form-data", follow_redirects=True)
    assert english.status_code == 200
    assert audit_actions(people, case_id, "attachment_added") == []


def test_a_note_with_a_mention_through_the_case_page(people, web):
    case_id = open_shanghai_case(people)
    number = people.cases.summary(case_id).number
    front = web("front_sh")
    front.post(f"/cases/{number}/comments", data={"body": "请客户经理调取录音", "mention": "branch_manager"})
    page = front.get(f"/cases/{number}").text
    assert "请客户经理调取录音" in page and "@投诉管理人" in page
    notices = web("mgr_sh").get("/notices").text
    assert "在工单备注中提及本部门" in notices and number in notices
    empty = front.post(f"/cases/{number}/comments", data={"body": " "}, follow_redirects=True).text
    assert "请填写备注内容" in empty


def test_print_view_and_pdf(people, web):
    case_id = open_shanghai_case(people, contact_phone="13812345678")
    number = people.cases.summary(case_id).number
    people.attachments.upload(case_id, "截图.png", png_bytes(), people.users.actor("front_sh"))
    front = web("front_sh")
    page = front.get(f"/cases/{number}/print").text
    assert "客户投诉处理单" in page and "138****5678" in page and "13812345678" not in page
    pdf = front.get(f"/cases/{number}/print.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "客户投诉处理单" in text and number in text and "截图.png" in text
    assert "138****5678" in text and "13812345678" not in text
    full = web("sup_sh").post(f"/cases/{number}/print.pdf")
    assert "13812345678" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(full.data)).pages)
    assert [e.actor for e in audit_actions(people, case_id, "personal_data_viewed")] == ["sup_sh"]
