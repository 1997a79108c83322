"""Urgent and group complaints through /api/v1/urgent and `complaintflow urgent …` (both databases): the first
contact, a task force of three departments, a member's progress; `complaintflow worker --once` chases the missed
first contact and a missed day; problems as the API's problem documents and the shell's `error:` lines."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from engine.domain.model import NoticeKind
from tests.api.support import KeyMaker
from tests.oversight.shell_support import shell_runner
from tests.oversight.urgent_support import FRONT_SH01, HEAD_SH01, MANAGER_SH01
from tests.oversight.urgent_support import THREE as THREE_QUEUES
from tests.support.actors import ADMIN
from tests.support.driver import open_case
from tests.support.engines import at, clock_of
from webui import create_app

PROBLEM = "application/problem+json"
THREE = [{"unit": "SH01", "department": "branch_manager"}, {"unit": "SH", "department": "service_mgmt"},
         {"unit": "HO", "department": "retail_banking"}]


@pytest.fixture
def client(engine) -> FlaskClient:
    app = create_app(engine=engine)
    app.config.update(TESTING=True)
    return app.test_client()


def test_first_contact_task_force_and_progress_through_the_api(engine, client):
    case = open_case(engine, FRONT_SH01, is_group=True)
    keys = KeyMaker(engine)
    head, retail = keys.make("outlet-head", ("branch_head",)), keys.make("ho-retail", ("retail_banking",))
    reader = keys.make("reader", ("branch_head",), scopes=("urgent:read",))
    shown = client.get(f"/api/v1/urgent/{case.id}", headers=head)
    assert shown.status_code == 200
    assert (shown.json["group"], shown.json["first_contact_due_at"]) == (True, "2024-09-27T12:00:00+08:00")
    assert client.get(f"/api/v1/urgent/{case.id}", headers=retail).status_code == 404
    assert client.post(f"/api/v1/urgent/{case.id}/first-contact", json={"method": "phone"},
                       headers=reader).status_code == 403

    clock_of(engine).set(at(2024, 9, 27, 11, 45))  # recorded after the visit of 11:30
    contacted = client.post(f"/api/v1/urgent/{case.id}/first-contact",
                            json={"method": "visit", "note": "上门走访客户代表", "at": "2024-09-27T11:30:00+08:00"},
                            headers=head)
    assert contacted.status_code == 200 and contacted.json["first_contact"]["by"] == "api:outlet-head"
    assert client.post(f"/api/v1/urgent/{case.id}/first-contact", json={"method": "phone"},
                       headers=head).status_code == 409

    refused = client.put(f"/api/v1/urgent/{case.id}/task-force", json={"members": THREE[:1], "lead": THREE[0]},
                         headers=head)
    assert refused.status_code == 422 and refused.mimetype == PROBLEM
    assert refused.json["errors"] == {"members": ["a task force has from 2 to 20 departments"]}
    formed = client.put(f"/api/v1/urgent/{case.id}/task-force", json={"members": THREE, "lead": THREE[0]},
                        headers=head)
    assert formed.status_code == 200 and formed.json["lead"] == THREE[0] and formed.json["members"] == THREE
    assert [u["case_id"] for u in client.get("/api/v1/urgent", headers=retail).json] == [case.id]
    clock_of(engine).set(at(2024, 9, 29, 10))
    done = client.post(f"/api/v1/urgent/{case.id}/progress", json={"text": "零售部核对产品条款"}, headers=retail)
    assert done.status_code == 200
    assert [(p["day"], p["unit"], p["department"]) for p in done.json["progress"]] == [
        ("2024-09-29", "HO", "retail_banking")]


@pytest.fixture
def shell(engine, db_url, tmp_path, monkeypatch, capsys):
    run = shell_runner(db_url, tmp_path, monkeypatch, capsys)
    for user, member in (("sh01_zhao", "SH01:branch_head"), ("sh01_wu", "SH01:branch_manager"),
                         ("bj01_he", "BJ01:branch_manager")):
        engine.users.add(user, "correct-horse-battery", [member], ["staff"], ADMIN)
    return run


def test_urgent_commands_and_the_worker_from_a_shell(engine, shell, monkeypatch):
    case = open_case(engine, FRONT_SH01, grade="urgent")
    code, out, _ = shell("urgent", "show", case.number, "--user", "sh01_zhao", "--json")
    assert code == 0 and json.loads(out)["task_force_due_at"] == "2024-09-28T00:00:00+08:00"
    code, out, _ = shell("worker", "--once", "--now", "2024-09-27T13:00:00+08:00", "--json")
    assert code == 0 and json.loads(out)["urgent_first_contacts_chased"] == 1
    code, _, err = shell("urgent", "task-force", case.number, "--member", "SH01:branch_manager", "--member",
                         "SH:nowhere", "--lead", "SH01:branch_manager", "--user", "sh01_zhao")
    assert code == 1 and err.strip() == "members: 机构 SH 没有部门 nowhere"
    # formed on the test clock's Friday (the shell runs on the wall clock), then changed from the shell
    engine.urgent.form_task_force(case.id, THREE_QUEUES, HEAD_SH01)
    code, out, _ = shell("urgent", "task-force", case.number, "--member", "SH01:branch_manager", "--member",
                         "SH:service_mgmt", "--member", "HO:retail_banking", "--lead", "SH01:branch_manager",
                         "--lead-person", "sh01_wu", "--user", "sh01_zhao")
    assert code == 0 and "lead SH01:branch_manager" in out and "lead person sh01_wu" in out
    code, _, err = shell("urgent", "progress", case.number, "--text", "进展", "--user", "bj01_he")
    assert code == 1 and err.strip() == f"error: 未找到工单 {case.id}（或您无权查看）"
    code, out, _ = shell("worker", "--once", "--now", "2024-10-08T09:00:00+08:00", "--json")
    assert code == 0 and json.loads(out)["urgent_progress_days_chased"] == 2  # Sunday 09-29 and Monday 09-30
    chased = [n.reason for n in engine.notices.for_actor(MANAGER_SH01) if n.kind == NoticeKind.CHASE]
    assert sum("未报送专项小组处理进展" in r for r in chased) == 2
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    code, _, err = shell("urgent", "contact", case.number, "--method", "phone", "--at", "yesterday",
                         "--user", "sh01_wu")
    assert code == 1 and err.startswith("error: --at")
    code, out, _ = shell("urgent", "list", "--user", "sh01_wu")
    assert code == 0 and case.number in out
    code, out, _ = shell("urgent", "list", "--user", "bj01_he")
    assert code == 0 and out.strip() == "(none)"
