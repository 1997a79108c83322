"""Rectification notices in the browser's pages (Flask test client, both databases): issued from the case page by
head-office complaint management, the outlet records measures and evidence, the issuer accepts; another outlet
cannot see it; bad input is shown in the user's language and stores nothing."""

from __future__ import annotations

import re

import pytest

from engine.domain.rectification import RectificationStatus
from tests.support.actors import ADMIN
from tests.support.driver import open_case
from webui import create_app

PASSWORD = "correct-horse-battery"
USERS = {
    "ho_gao": (["HO:complaint_mgmt"], ["staff", "supervisor"]),
    "sh01_wu": (["SH01:branch_manager"], ["staff"]),
    "bj01_he": (["BJ01:branch_manager"], ["staff"]),
}


@pytest.fixture
def client_for(engine):
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    def sign_in(username):
        members, roles = USERS[username]
        engine.users.add(username, PASSWORD, members, roles, ADMIN)
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client

    return sign_in


def _issue_form(case_number, **fields):
    return {"case": case_number, "unit": "SH01", "department": "branch_manager",
            "requirement": "加强首问负责制培训", "workdays": "3"} | fields


def test_issue_submit_and_accept_in_the_browser(engine, client_for):
    case = open_case(engine)
    issuer, outlet, other = client_for("ho_gao"), client_for("sh01_wu"), client_for("bj01_he")
    page = issuer.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f"/rectifications/new?case={case.number}" in page
    assert issuer.get(f"/rectifications/new?case={case.number}").status_code == 200

    refused = issuer.post("/rectifications/new", data=_issue_form(case.number, workdays="0", requirement=""))
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "整改期限应为 1 至 60 个工作日" in text and "必填" in text
    assert engine.rectifications.find(engine.users.actor("ho_gao")) == []

    issued = issuer.post("/rectifications/new", data=_issue_form(case.number))
    assert issued.status_code == 302
    notice_id = int(re.search(r"/rectifications/(\d+)$", issued.headers["Location"]).group(1))
    assert f'data-rectification="{notice_id}"' in outlet.get("/rectifications").get_data(as_text=True)
    assert other.get(f"/rectifications/{notice_id}").status_code == 404
    assert other.post(f"/rectifications/{notice_id}/submit", data={"measures": "x", "evidence": "y"}
                      ).status_code == 404

    form = outlet.get(f"/rectifications/{notice_id}").get_data(as_text=True)
    assert f"/rectifications/{notice_id}/submit" in form and f"/rectifications/{notice_id}/check" not in form
    assert outlet.post(f"/rectifications/{notice_id}/submit",
                       data={"measures": "全员培训", "evidence": "签到表、考试成绩"}).status_code == 302
    assert outlet.post(f"/rectifications/{notice_id}/check", data={"decision": "accept"}).status_code == 403

    assert f"/rectifications/{notice_id}/check" in issuer.get(f"/rectifications/{notice_id}").get_data(as_text=True)
    assert issuer.post(f"/rectifications/{notice_id}/check", data={"decision": "return", "note": ""}
                       ).status_code == 422
    assert issuer.post(f"/rectifications/{notice_id}/check", data={"decision": "accept"}).status_code == 302
    closed = issuer.get(f"/rectifications/{notice_id}").get_data(as_text=True)
    assert 'data-status="closed"' in closed and "签到表、考试成绩" in closed
    assert engine.rectifications.get(notice_id, ADMIN).status == RectificationStatus.CLOSED


def test_the_pages_in_english(engine, client_for):
    case = open_case(engine)
    issuer = client_for("ho_gao")
    issuer.get("/rectifications?lang=en")
    refused = issuer.post("/rectifications/new", data=_issue_form(case.number, unit="BJ99"))
    assert refused.status_code == 422
    assert "Unit BJ99 does not exist" in refused.get_data(as_text=True)
    assert "Rectification notices" in issuer.get("/rectifications").get_data(as_text=True)
