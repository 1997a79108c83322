"""The knowledge base and risk alerts in the web UI (SQLite and PostgreSQL): drafting from a closed complaint
(refused while personal data remains), publishing, searching at another unit, the similar resolved cases of the
intake and task pages; an alert to two units acknowledged at one, the other listed as not acknowledged."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.model import Actor
from tests.oversight.knowledge_support import CLEAN, NAME, PASSWORD, PHONE, add_users, closed_complaint, published
from tests.support.driver import open_case, open_tasks
from tests.support.scenarios_head_office import COMPLAINT, CS_AGENT
from webui import create_app


@pytest.fixture
def people(engine: Engine) -> dict[str, Actor]:
    return add_users(engine)


@pytest.fixture
def app(engine: Engine, people: dict[str, Actor]) -> Flask:
    application = create_app(engine=engine)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return application


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    answer = client.post("/login", data={"username": username, "password": PASSWORD})
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    return client


def test_a_typical_case_is_drafted_checked_published_and_found_at_another_unit(engine, app) -> None:
    number = engine.cases.summary(closed_complaint(engine)).number
    curator = signed_in(app, "k_curator")
    case_page = curator.get(f"/cases/{number}").text  # the closed complaint links to a new typical case
    assert f'href="/knowledge/new?case={number}"' in case_page and "编写典型案例（入知识库）" in case_page
    proposed = curator.get(f"/knowledge/new?case={number}")
    assert proposed.status_code == 200 and NAME in proposed.text  # the complaint's facts, to be cleaned
    fields = {name: re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>', proposed.text).group(1)  # type: ignore
              for name in ("facts", "analysis", "resolution", "lessons")}
    refused = curator.post("/knowledge/new", data={"case": number, "title": CLEAN.title, **fields})
    assert refused.status_code == 422
    assert "含有个人信息（客户姓名、电话号码），请删除后再保存" in refused.text
    assert engine.knowledge.drafts(engine.users.actor("k_curator")) == []  # type: ignore[arg-type]

    saved = curator.post("/knowledge/new", data={"case": number, **CLEAN.fields()})
    assert saved.status_code == 302
    draft_page = curator.get(saved.headers["Location"])
    assert "发布到知识库" in draft_page.text
    version = re.search(r'name="version" value="(\d+)"', draft_page.text).group(1)  # type: ignore[union-attr]
    assert curator.post(saved.headers["Location"] + "/publish", data={"version": version}).status_code == 302

    reader = signed_in(app, "k_front_bj01")
    found = reader.get("/knowledge?q=重复扣款")
    assert CLEAN.title in found.text
    shown = reader.get(saved.headers["Location"])
    assert CLEAN.lessons in shown.text and NAME not in shown.text and PHONE not in shown.text
    assert number not in shown.text  # the source complaint is not shown outside complaint management
    assert f'href="{saved.headers["Location"]}"' in curator.get(f"/cases/{number}").text  # linked once made
    assert reader.get("/knowledge?q=信用卡").text.count("typical-case\"") == 0


def test_intake_and_task_pages_list_similar_resolved_cases(engine, app, people) -> None:
    typical = published(engine, closed_complaint(engine), people["k_curator"])
    front = signed_in(app, "k_front_sh01")
    assert 'id="similar-cases"' in front.get("/intake").text
    fragment = front.get("/knowledge/similar?category=payment&cause=business_error")
    assert f"/knowledge/{typical.id}" in fragment.text and CLEAN.title in fragment.text
    assert CLEAN.title not in front.get("/knowledge/similar?category=payment&cause=fees").text
    again = front.post("/intake", data={"category": "payment", "cause": "business_error"})  # refused, re-shown
    assert again.status_code == 422 and CLEAN.title in again.text

    new_case = open_case(engine, CS_AGENT, **COMPLAINT).id  # the same category and cause
    task = open_tasks(engine, new_case)[0]
    page = signed_in(app, "k_curator").get(f"/tasks/{task.id}")
    assert page.status_code == 200 and "类似已办结案例" in page.text and CLEAN.title in page.text


def test_an_alert_to_two_units_lists_the_unit_that_has_not_acknowledged(engine, app, people) -> None:
    typical = published(engine, closed_complaint(engine), people["k_curator"])
    curator = signed_in(app, "k_curator")
    issued = curator.post(f"/knowledge/{typical.id}/alerts", data={
        "title": "重复扣款风险提示", "message": "请各网点当日核查客户反映的重复扣款。", "recipients": ["SH01", "BJ01"]})
    assert issued.status_code == 302
    status_url = issued.headers["Location"]

    front = signed_in(app, "k_front_sh01")
    notices = front.get("/notices")
    assert "重复扣款风险提示" in notices.text and "确认收到" in notices.text
    alert_id = status_url.rsplit("/", 1)[1]
    assert front.post(f"/alerts/{alert_id}/acknowledge").status_code == 302
    assert "已确认：k_front_sh01" in front.get("/notices").text
    assert front.get(status_url).status_code == 404  # staff do not follow acknowledgements

    status = curator.get(status_url).text
    pending = status.split('class="pending-recipients"')[1].split("</ul>")[0]
    assert 'data-unit="BJ01"' in pending and 'data-unit="SH01"' not in pending
    assert "k_front_sh01" in status
    assert "重复扣款风险提示" in curator.get("/alerts").text


def test_a_refused_alert_says_why_in_the_readers_language(engine, app, people) -> None:
    typical = published(engine, closed_complaint(engine), people["k_curator"])
    curator = signed_in(app, "k_curator")
    refused = curator.post(f"/knowledge/{typical.id}/alerts?lang=en", data={
        "title": "提示", "message": "请联系13812345678", "more_recipients": "XX9"})
    assert refused.status_code == 422
    assert "unit XX9 does not exist" in refused.text and "personal data (phone number)" in refused.text
    assert engine.alerts.issued(people["k_curator"]) == []
