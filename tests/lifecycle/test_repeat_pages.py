"""Repeat complaints in the web UI, the API and the command line (SQLite and PostgreSQL): intake tells the
registering person of the customer's other cases, the case page lists them (numbers only, within what the
person may see) and merges a repeat; the API answers a new case with them and merges; `complaintflow repeats`
and `complaintflow merge` do the same from a shell."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.model import CaseStatus
from tests.api.support import KeyMaker, assert_problem
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.engines import clock_of
from tests.webui.support import csrf_token
from webui import create_app
from webui.cli import main

PASSWORD = "correct-horse-battery"
PHONE = "13812345678"


@pytest.fixture
def app(engine: Engine) -> Flask:
    engine.users.add("front_sh01", PASSWORD, ["SH01:branch_front"], ["staff"], ADMIN)
    engine.users.add("front_bj01", PASSWORD, ["BJ01:branch_front"], ["staff"], ADMIN)
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


def open_as(engine: Engine, username: str, **fields: object):
    who = engine.users.actor(username)
    assert who is not None
    return engine.cases.open_case(None, complaint(**fields), who)


def register(client: FlaskClient, **fields: str):
    token = csrf_token(client.get("/intake").get_data(as_text=True))
    data = {k: v for k, v in complaint(**fields).items() if v not in (None, False)} | {"csrf_token": token}
    return client.post("/intake", data=data, follow_redirects=True)


def test_intake_shows_the_customer_s_other_cases_and_the_case_page_merges_a_repeat(engine, client):
    first = open_as(engine, "front_sh01", contact_phone=PHONE)
    elsewhere = open_as(engine, "front_bj01", contact_phone=PHONE)
    clock_of(engine).advance(timedelta(days=2))
    login(client, "front_sh01")

    page = register(client, contact_phone=PHONE, id_number="")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "同一客户另有 1 件投诉" in html
    assert f'data-case="{first.number}"' in html and elsewhere.number not in html  # BJ01's case is not theirs
    assert "310101199001011234" not in html and PHONE not in html  # numbers of cases, no personal data
    assert "并入该投诉" in html and 'name="repeat_count"' not in html

    repeat_number = html.split("工单 ", 1)[1].split()[0]
    token = csrf_token(html)
    merged = client.post(f"/cases/{repeat_number}/merge", data={"into": first.number, "csrf_token": token},
                         follow_redirects=True)
    assert merged.status_code == 200
    first_page = merged.get_data(as_text=True)
    assert "已并入本投诉的重复投诉" in first_page and repeat_number in first_page
    repeat_page = client.get(f"/cases/{repeat_number}").get_data(as_text=True)
    assert "本投诉已并入投诉" in repeat_page and "已并入先前投诉" in repeat_page
    assert engine.cases.summary(engine.cases.resolve_id(repeat_number)).status == CaseStatus.MERGED


def test_a_refused_merge_says_why_in_the_user_s_language(engine, client):
    first = open_as(engine, "front_sh01", contact_phone=PHONE)
    other = open_as(engine, "front_sh01", contact_phone="13700000000", id_number="110101198803150019")
    login(client, "front_sh01")
    token = csrf_token(client.get(f"/cases/{other.number}").get_data(as_text=True))
    refused = client.post(f"/cases/{other.number}/merge", data={"into": first.number, "csrf_token": token})
    assert refused.status_code == 409
    assert "不是同一客户的投诉" in refused.get_data(as_text=True)
    assert engine.cases.summary(other.id).status == CaseStatus.OPEN


def test_the_api_answers_a_new_case_with_the_customer_s_cases_and_merges(engine, client):
    keys = KeyMaker(engine)
    first = client.post("/api/v1/cases", json=complaint(contact_phone=PHONE), headers=keys.front()).json
    assert first["same_customer"] == []
    clock_of(engine).advance(timedelta(hours=3))
    second = client.post("/api/v1/cases", json=complaint(contact_phone=PHONE, id_number=""), headers=keys.front())
    assert second.status_code == 201
    body = second.json
    [same] = body["same_customer"]
    assert (same["number"], same["same_phone"], same["same_id_number"], same["status"]) == (
        first["number"], True, False, "open")
    assert body["complaint"]["repeat_count"] == 1 and body["complaint"]["contact_phone"] == "138****5678"
    listed = client.get(f"/api/v1/cases/{body['number']}/same-customer", headers=keys.front()).json
    assert [c["number"] for c in listed["cases"]] == [first["number"]]

    typed = client.post("/api/v1/cases", json=complaint(repeat_count=2), headers=keys.front())
    assert_problem(typed, 422, field="repeat_count")

    merged = client.post(f"/api/v1/cases/{body['number']}/merge", json={"into": first["number"]},
                         headers=keys.front())
    assert merged.status_code == 200 and merged.json["status"] == "merged"
    assert merged.json["merged_into_id"] == first["id"]
    again = client.post(f"/api/v1/cases/{body['number']}/merge", json={"into": first["number"]},
                        headers=keys.front())
    assert assert_problem(again, 409)["code"] == "merge_not_open"


def test_the_command_line_lists_and_merges(engine, monkeypatch, capsys, db_url, tmp_path):
    first = open_as_admin(engine, contact_phone=PHONE)
    clock_of(engine).advance(timedelta(hours=1))
    repeat = open_as_admin(engine, contact_phone=PHONE)
    monkeypatch.setenv("COMPLAINTFLOW_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTFLOW_INSTANCE_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("COMPLAINTFLOW_SECRET_KEY", "test")
    monkeypatch.setenv("COMPLAINTFLOW_DATA_KEY", engine.ctx.settings.data_keys[0])
    monkeypatch.setenv("COMPLAINTFLOW_MATCH_KEY", engine.ctx.settings.match_key)
    assert main(["repeats", repeat.number]) == 0
    listed = capsys.readouterr().out
    assert "1 other case(s) of the same customer" in listed and first.number in listed and "phone+id_number" in listed
    assert main(["merge", first.number, "--into", repeat.number]) == 1  # never into a later case
    assert "不在投诉" in capsys.readouterr().err
    assert main(["merge", repeat.number, "--into", first.number, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "merged"


def open_as_admin(engine: Engine, **fields: object):
    return engine.cases.open_case(None, complaint(**fields), ADMIN)
