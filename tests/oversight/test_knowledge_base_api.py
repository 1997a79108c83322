"""The knowledge base and risk alerts through /api/v1 and the command line (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.model import Actor
from tests.api.support import KeyMaker
from tests.oversight.knowledge_support import CLEAN, NAME, add_users, closed_complaint, published
from tests.support.engines import TEST_DATA_KEY, TEST_MATCH_KEY
from webui import create_app
from webui.cli import main

PROBLEM = "application/problem+json"


@pytest.fixture
def people(engine: Engine) -> dict[str, Actor]:
    return add_users(engine)


@pytest.fixture
def client(engine: Engine, people: dict[str, Actor]) -> FlaskClient:
    app: Flask = create_app(engine=engine)
    app.config.update(TESTING=True)
    return app.test_client()


def test_typical_cases_are_drafted_published_and_searched_through_the_api(engine, client) -> None:
    number = engine.cases.summary(closed_complaint(engine)).number
    keys = KeyMaker(engine)
    curator, teller = keys.make("kb-curator", ("complaint_mgmt",)), keys.make("kb-teller", ("branch_front",))
    texts = CLEAN.fields()

    refused = client.post("/api/v1/knowledge", json={"case": number, **texts, "facts": f"{NAME}来电"},
                          headers=curator)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert refused.json["errors"] == {"facts": ["contains personal data (name)"]}
    assert client.post("/api/v1/knowledge", json={"case": number, **texts}, headers=teller).status_code == 404

    created = client.post("/api/v1/knowledge", json={"case": number, **texts}, headers=curator)
    assert created.status_code == 201 and created.json["status"] == "draft"
    assert "case_number" not in created.json and "case_id" not in created.json
    typical = created.json["id"]
    assert client.get(f"/api/v1/knowledge/{typical}", headers=teller).status_code == 404  # drafts stay hidden
    stale = client.post(f"/api/v1/knowledge/{typical}/publish", json={"version": 7}, headers=curator)
    assert stale.status_code == 409
    done = client.post(f"/api/v1/knowledge/{typical}/publish", json={"version": created.json["version"]},
                       headers=curator)
    assert done.status_code == 200 and done.json["published_by"] == "api:kb-curator"

    found = client.get("/api/v1/knowledge", query_string={"q": "重复扣款 清算"}, headers=teller)
    assert [t["id"] for t in found.json] == [typical]
    assert found.json[0]["text"]["lessons"] == CLEAN.lessons
    assert client.get("/api/v1/knowledge", query_string={"q": "扣款", "cause": "fees"}, headers=teller).json == []


def test_an_alert_is_issued_acknowledged_and_followed_through_the_api(engine, client, people) -> None:
    typical = published(engine, closed_complaint(engine), people["k_curator"])
    keys = KeyMaker(engine)
    curator, teller = keys.make("al-curator", ("complaint_mgmt",)), keys.make("al-teller", ("branch_front",))
    body = {"typical_case": typical.id, "title": "重复扣款风险提示", "message": "请当日核查。",
            "recipients": ["SH01:branch_front", "BJ01"]}
    issued = client.post("/api/v1/alerts", json=body, headers=curator)
    assert issued.status_code == 201
    alert_id = issued.json["id"]
    mine = client.get("/api/v1/alerts", query_string={"pending": "true"}, headers=teller).json
    assert [(a["alert"]["id"], a["acknowledged"]) for a in mine] == [(alert_id, False)]
    acked = client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=teller)
    assert acked.status_code == 200 and acked.json["acknowledged"]
    assert client.post(f"/api/v1/alerts/{alert_id}/acknowledge", headers=teller).json["code"] == "alert_acknowledged"
    status = client.get(f"/api/v1/alerts/{alert_id}", headers=curator).json
    assert [(p["unit"], p["department"]) for p in status["pending"]] == [("BJ01", None)]
    assert client.get(f"/api/v1/alerts/{alert_id}", headers=teller).status_code == 404
    bad = client.post("/api/v1/alerts", json={**body, "recipients": ["XX9"]}, headers=curator)
    assert bad.status_code == 422 and "recipients" in bad.json["errors"]


def test_the_command_line_drafts_publishes_searches_and_follows_alerts(engine, people, db_url, tmp_path, monkeypatch,
                                                                       capsys, repo_root) -> None:
    number = engine.cases.summary(closed_complaint(engine)).number
    for name, value in (("DATABASE_URL", db_url), ("INSTANCE_DIR", str(tmp_path / "cli")), ("SECRET_KEY", "test"),
                        ("PROCESSES_DIR", str(repo_root / "processes")), ("DATA_KEY", TEST_DATA_KEY),
                        ("MATCH_KEY", TEST_MATCH_KEY)):
        monkeypatch.setenv(f"COMPLAINTFLOW_{name}", value)
    assert main(["knowledge", "draft", number, "--user", "k_curator"]) == 1  # the proposal still names the customer
    assert "facts: 含有个人信息（客户姓名、电话号码），请删除后再保存" in capsys.readouterr().err
    data = tmp_path / "texts.json"
    data.write_text(json.dumps(CLEAN.fields(), ensure_ascii=False), encoding="utf-8")
    assert main(["knowledge", "draft", number, "--data", str(data), "--user", "k_curator", "--json"]) == 0
    typical = json.loads(capsys.readouterr().out)["id"]
    assert main(["knowledge", "publish", str(typical), "--user", "k_curator"]) == 0
    assert main(["knowledge", "search", "重复扣款", "--user", "k_front_bj01"]) == 0
    assert CLEAN.title in capsys.readouterr().out.splitlines()[-1]

    assert main(["alerts", "issue", str(typical), "--title", "提示", "--message", "请核查", "--to", "SH01,BJ01",
                 "--user", "k_curator", "--json"]) == 0
    alert = json.loads(capsys.readouterr().out)["id"]
    assert main(["alerts", "ack", str(alert), "--user", "k_head_sh01"]) == 0
    capsys.readouterr()
    assert main(["alerts", "status", str(alert), "--user", "k_curator"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "acknowledged by k_head_sh01" in next(line for line in lines if "SH01" in line)
    assert "NOT acknowledged" in next(line for line in lines if "BJ01" in line)
