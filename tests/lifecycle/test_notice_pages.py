"""Customer notices in the web UI and the API (SQLite and PostgreSQL): the case page shows every notice with
its delivery status, the letter print view renders and "mark as sent" is audited, the API lists a case's
notices with personal data masked."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.customer_notices import DeliveryStatus
from tests.api.support import KeyMaker
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.engines import at, clock_of
from tests.webui.support import csrf_token
from webui import create_app

PASSWORD = "correct-horse-battery"
CARE = "sup_notices"


@pytest.fixture
def app(engine: Engine) -> Flask:
    engine.users.add("front_n", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    engine.users.add(CARE, PASSWORD, ["complaint_mgmt"], ["staff", "supervisor"], ADMIN)
    application = create_app(engine=engine)
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str, password: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]


def _open(engine: Engine, **fields: object):
    who = engine.users.actor("front_n")
    assert who is not None
    return engine.cases.open_case(None, complaint(**fields), who)


def test_the_case_page_shows_every_notice_with_its_status(engine: Engine, client: FlaskClient) -> None:
    case = _open(engine)
    clock_of(engine).set(at(2024, 10, 9, 15))
    engine.clock.extend(case.number, 30, "需调取第三方记录", engine.users.actor(CARE))
    login(client, "front_n", PASSWORD)
    page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "客户告知" in page and "受理告知" in page and "延期告知" in page
    assert page.count('data-status="pending"') == 2 and "待发送" in page
    assert "张*" in page and "张三" not in page and "138****5678" in page and "13812345678" not in page
    assert "需调取第三方记录" in page
    english = client.get(f"/cases/{case.number}?lang=en").get_data(as_text=True)
    assert "Customer notices" in english and "Acknowledgement of receipt" in english


def test_the_letter_print_view_renders_and_mark_as_sent_is_audited(engine: Engine, client: FlaskClient) -> None:
    case = _open(engine, reply_channel="letter", contact_address="上海市浦东新区世纪大道100号")
    [letter] = engine.customer_notices.for_case(case.number, engine.users.actor("front_n"))
    assert letter.status == DeliveryStatus.TO_PRINT
    login(client, "front_n", PASSWORD)
    case_page = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert f"/customer-notices/{letter.id}/letter" in case_page and "待打印寄送" in case_page
    view = client.get(f"/customer-notices/{letter.id}/letter")
    html = view.get_data(as_text=True)
    assert view.status_code == 200
    assert "投诉受理告知书" in html and "上海市浦东新区世纪大道100号" in html and "尊敬的张三" in html
    assert "标记为已寄送" in html
    assert client.post(f"/customer-notices/{letter.id}/sent").status_code == 400  # no CSRF token: refused
    clock_of(engine).set(at(2024, 9, 27, 10, 20))
    done = client.post(f"/customer-notices/{letter.id}/sent", data={"csrf_token": csrf_token(html)})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{case.number}#customer-notices")
    with engine.ctx.db.read() as uow:
        [event] = [e for e in uow.read.timeline(case.id) if e.action == "customer_notice_letter_sent"]
        [stored] = uow.customer_notices.for_case(case.id)
    assert event.actor == "front_n" and event.data == {"notice": letter.id, "kind": "acknowledgement"}
    assert (stored.status, stored.sent_by, stored.sent_at) == (DeliveryStatus.SENT, "front_n", at(2024, 9, 27, 10, 20))
    after = client.get(f"/cases/{case.number}").get_data(as_text=True)
    assert "已送达" in after and "告知书已寄送" in after  # status and the timeline entry
    again = client.post(f"/customer-notices/{letter.id}/sent", data={"csrf_token": csrf_token(html)})
    assert again.status_code == 409


def test_a_stranger_cannot_open_the_letter(engine: Engine, client: FlaskClient) -> None:
    case = _open(engine, reply_channel="letter")
    [letter] = engine.customer_notices.for_case(case.number, ADMIN)
    engine.users.add("retail_n", PASSWORD, ["retail_banking"], ["staff"], ADMIN)
    login(client, "retail_n", PASSWORD)
    assert client.get(f"/customer-notices/{letter.id}/letter").status_code == 404


def test_the_api_lists_a_case_s_notices(engine: Engine, client: FlaskClient) -> None:
    keys = KeyMaker(engine)
    case = _open(engine)
    body = client.get(f"/api/v1/cases/{case.number}/customer-notices", headers=keys.supervisor())
    assert body.status_code == 200
    [notice] = body.json["customer_notices"]
    assert (notice["kind"], notice["channel"], notice["status"], notice["attempts"]) == (
        "acknowledgement", "sms", "pending", 0)
    assert notice["address"] == "138****5678" and "张*" in notice["content"] and "张三" not in notice["content"]
    assert notice["case_number"] == case.number and notice["created_at"]
    detail = client.get(f"/api/v1/cases/{case.number}", headers=keys.supervisor()).json
    assert [n["id"] for n in detail["customer_notices"]] == [notice["id"]]
    outsider = keys.make("retail", ("retail_banking",))
    assert client.get(f"/api/v1/cases/{case.number}/customer-notices", headers=outsider).status_code == 404
