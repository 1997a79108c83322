"""Urgent and group complaints in the browser's pages (Flask test client, both databases): the case page's panel,
the first contact, a task force of three departments formed by the outlet head, whose members then open the case
and report progress; an outsider gets 404; bad input is shown in the user's language and stores nothing."""

from __future__ import annotations

import pytest

from tests.oversight.urgent_support import FRONT_SH01
from tests.support.actors import ADMIN
from tests.support.driver import open_case
from tests.support.engines import at, clock_of
from webui import create_app

PASSWORD = "correct-horse-battery"
USERS = {
    "sh01_li": (["SH01:branch_front"], ["staff"]),
    "sh01_zhao": (["SH01:branch_head"], ["staff"]),
    "sh01_wu": (["SH01:branch_manager"], ["staff"]),
    "ho_sun": (["HO:retail_banking"], ["staff"]),
    "bj01_he": (["BJ01:branch_manager"], ["staff"]),
}
MEMBERS = "SH01:branch_manager\nSH:service_mgmt\nHO:retail_banking"


@pytest.fixture
def client_for(engine):
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    def sign_in(username, lang="zh"):
        members, roles = USERS[username]
        if engine.users.actor(username) is None:
            engine.users.add(username, PASSWORD, members, roles, ADMIN)
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        if lang == "en":
            client.get("/urgent?lang=en")
        return client

    return sign_in


def test_first_contact_task_force_and_progress_in_the_browser(engine, client_for):
    case = open_case(engine, FRONT_SH01, is_group=True)
    front, head, manager = client_for("sh01_li"), client_for("sh01_zhao"), client_for("sh01_wu")
    page = front.get(f"/cases/{case.number}").get_data(as_text=True)
    assert 'id="urgent"' in page and "群体性投诉" in page and f"/cases/{case.number}/urgent" in page
    assert front.post(f"/cases/{case.number}/urgent/contact", data={"method": "phone", "note": "已联系"}
                      ).status_code == 302
    assert "已首次联系" in front.get(f"/cases/{case.number}/urgent").get_data(as_text=True)

    refused = head.post(f"/cases/{case.number}/urgent/task-force", data={"members": "SH01:branch_manager",
                                                                          "lead": "HO:office"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "专项小组应由 2 至 20 个部门组成" in text and "牵头部门 HO:office 不在专项小组中" in text
    assert engine.urgent.get(case.id, FRONT_SH01).task_force_at is None

    formed = head.post(f"/cases/{case.number}/urgent/task-force",
                       data={"members": MEMBERS, "lead": "SH01:branch_manager", "lead_person": "sh01_wu"})
    assert formed.status_code == 302
    retail = client_for("ho_sun")
    assert retail.get(f"/cases/{case.number}").status_code == 200  # a member department sees the case
    assert f'data-case="{case.id}"' in retail.get("/urgent").get_data(as_text=True)
    clock_of(engine).set(at(2024, 9, 29, 10))  # Sunday, a working day (sessions end after 30 idle minutes)
    retail, manager = client_for("ho_sun"), client_for("sh01_wu")
    assert retail.post(f"/cases/{case.number}/urgent/progress", data={"text": "零售部已核对产品条款"}
                       ).status_code == 302
    shown = manager.get(f"/cases/{case.number}/urgent").get_data(as_text=True)
    assert "零售部已核对产品条款" in shown and 'data-member="HO:retail_banking"' in shown

    outsider = client_for("bj01_he")
    assert outsider.get(f"/cases/{case.number}/urgent").status_code == 404
    assert outsider.post(f"/cases/{case.number}/urgent/progress", data={"text": "x"}).status_code == 404
    assert f'data-case="{case.id}"' not in outsider.get("/urgent").get_data(as_text=True)


def test_problems_in_english(engine, client_for):
    case = open_case(engine, FRONT_SH01, grade="urgent")
    head = client_for("sh01_zhao", "en")
    refused = head.post(f"/cases/{case.number}/urgent/task-force", data={"members": "SH01:branch_manager",
                                                                          "lead": "SH01:branch_manager"})
    assert refused.status_code == 422
    assert "A task force has from 2 to 20 departments" in refused.get_data(as_text=True)
