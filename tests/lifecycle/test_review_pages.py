"""Review (核查) from the case page, the API and the command line (SQLite and PostgreSQL): a closed case offers
the review request to those who may act on it; the review case's page names the case it reviews; the API and
`complaintflow review` open it and refuse a second one while the first is open."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.api.support import KeyMaker, assert_problem
from tests.support import scenarios_complaint_review as reviews
from tests.support.actors import ADMIN
from tests.support.engines import clock_of
from tests.webui.support import csrf_token
from webui import create_app
from webui.cli import main

PASSWORD = "correct-horse-battery"


@pytest.fixture
def app(engine: Engine) -> Flask:
    engine.users.add("front_sh01", PASSWORD, ["SH01:branch_front"], ["staff"], ADMIN)
    engine.users.add("service_sh", PASSWORD, ["SH:service_mgmt"], ["staff"], ADMIN)
    application = create_app(engine=engine)
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, username: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302


def test_the_case_page_takes_a_review_request_and_the_branch_sees_the_review_case(engine, client):
    decided = reviews.closed_branch_case(engine)
    open_one = engine.cases.open_case(None, reviews.forms.complaint(), reviews.FRONT_SH01, "SH01")
    login(client, "front_sh01")
    assert 'id="review-form"' not in client.get(f"/cases/{open_one.number}").get_data(as_text=True)
    page = client.get(f"/cases/{decided.number}").get_data(as_text=True)
    assert 'id="review-form"' in page

    answer = client.post(f"/cases/{decided.number}/review",
                         data={"reason": reviews.REASON, "csrf_token": csrf_token(page)}, follow_redirects=True)
    assert answer.status_code == 200  # the review case is the front desk's to see: they registered it
    html = answer.get_data(as_text=True)
    assert "已受理核查申请" in html and f"本案件为投诉 {decided.number} 的核查" in html
    [review] = engine.repeats.links(decided.number, ADMIN).reviews
    after = client.get(f"/cases/{decided.number}").get_data(as_text=True)
    assert review.number in after and 'id="review-form"' not in after  # one review at a time

    client.post("/logout", data={"csrf_token": csrf_token(after)})
    login(client, "service_sh")
    queue = client.get("/queue/service_mgmt").get_data(as_text=True)
    assert review.number in queue


def test_the_api_opens_a_review_and_refuses_a_second_and_a_late_one(engine, client):
    keys = KeyMaker(engine)
    decided = reviews.closed_branch_case(engine)
    opened = client.post(f"/api/v1/cases/{decided.number}/review", json={"reason": reviews.REASON},
                         headers=keys.front())
    assert opened.status_code == 201, opened.text
    assert (opened.json["unit"], opened.json["review_of_id"], opened.json["process_key"]) == (
        "SH", decided.id, "complaint_review")
    assert opened.json["complaint"]["contact_phone"] == "138****5678"
    again = client.post(f"/api/v1/cases/{decided.number}/review", json={"reason": "再次"}, headers=keys.front())
    assert assert_problem(again, 409)["code"] == "review_open"
    assert_problem(client.post(f"/api/v1/cases/{decided.number}/review", json={}, headers=keys.front()), 422,
                   field="reason")
    late = reviews.closed_branch_case(engine)
    clock_of(engine).advance(timedelta(days=31))
    refused = client.post(f"/api/v1/cases/{late.number}/review", json={"reason": "晚了"}, headers=keys.front())
    assert assert_problem(refused, 409)["code"] == "review_window_passed"


def test_the_command_line_opens_a_review(engine, monkeypatch, capsys, db_url, tmp_path):
    clock_of(engine).set(datetime.now(UTC) - timedelta(days=2))  # the shell's clock is the wall clock
    decided = reviews.closed_branch_case(engine)
    monkeypatch.setenv("COMPLAINTFLOW_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTFLOW_INSTANCE_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("COMPLAINTFLOW_SECRET_KEY", "test")
    monkeypatch.setenv("COMPLAINTFLOW_DATA_KEY", engine.ctx.settings.data_keys[0])
    monkeypatch.setenv("COMPLAINTFLOW_MATCH_KEY", engine.ctx.settings.match_key)
    assert main(["review", decided.number, "--reason", reviews.REASON, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unit"] == "SH"
    assert main(["review", decided.number, "--reason", reviews.REASON]) == 1
    assert "的核查正在办理中" in capsys.readouterr().err
