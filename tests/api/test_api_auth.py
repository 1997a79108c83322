"""API keys (hashed, shown once, revocable, scoped) and web-session calls with a CSRF header."""

from __future__ import annotations

import json

import pytest

from engine.domain.errors import Forbidden, ValidationFailed
from engine.services.apikeys import secret_hash
from tests.api.support import assert_problem, open_case
from tests.support.actors import ADMIN, staff
from tests.support.complaints import complaint
from tests.webui.support import PASSWORD, csrf_token
from webui.cli import main


def test_no_or_malformed_credentials_are_401_with_a_challenge(client, keys):
    keys.front()
    for headers in ({}, {"Authorization": "Basic Zm9vOmJhcg=="}, {"Authorization": "Bearer "},
                    {"Authorization": "Bearer cf_00000000_not-a-real-key"}, {"Authorization": "Bearer junk"}):
        response = client.get("/api/v1/tasks", headers=headers)
        assert_problem(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_token_is_shown_once_and_only_its_hash_is_stored(engine):
    created = engine.api_keys.create("crm", ["cases:read"], ["branch_front"], ["staff"], ADMIN)
    assert created.token.startswith(f"cf_{created.info.prefix}_")
    with engine.ctx.db.read() as uow:
        stored, stored_hash = uow.api_keys.by_prefix(created.info.prefix)
    assert stored_hash == secret_hash(created.token) and created.token not in json.dumps(stored.__dict__,
                                                                                         default=str)
    listed = engine.api_keys.list(ADMIN)
    assert [k.name for k in listed] == ["crm"] and not hasattr(listed[0], "token")


def test_a_tampered_token_with_a_real_prefix_is_refused(client, engine):
    created = engine.api_keys.create("crm", ["all"], ["branch_front"], ["staff"], ADMIN)
    forged = created.token[:-4] + ("AAAA" if not created.token.endswith("AAAA") else "BBBB")
    assert_problem(client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {forged}"}), 401)


def test_a_revoked_key_stops_working_at_once(client, engine, keys):
    headers = keys.front()
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    engine.api_keys.revoke("front-desk", ADMIN)
    assert_problem(client.get("/api/v1/tasks", headers=headers), 401)
    assert [k.revoked_at is not None for k in engine.api_keys.list(ADMIN)] == [True]


def test_key_management_is_for_admins_and_checks_its_input(engine):
    with pytest.raises(Forbidden):
        engine.api_keys.create("crm", ["all"], [], ["staff"], staff("someone", "branch_front"))
    with pytest.raises(ValidationFailed) as err:
        engine.api_keys.create("Bad Name!", ["cases:eat"], ["nowhere"], ["king"], ADMIN)
    assert set(err.value.errors) == {"name", "scopes", "departments", "roles"}


def test_a_key_acts_only_for_its_departments(client, keys):
    case = open_case(client, keys.front())
    manager = keys.make("manager-system", ("branch_manager",))
    tasks = client.get("/api/v1/tasks", headers=manager).json["items"]
    assert tasks == [], "the front desk's task is not the manager department's"
    assert_problem(client.get(f"/api/v1/cases/{case['number']}", headers=manager), 404)


@pytest.fixture
def signed_in(app, client, engine):
    """A client signed in through the login form as a front-desk user."""
    engine.users.add("front1", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"username": "front1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    return client


def test_the_web_session_reads_without_a_token(signed_in):
    response = signed_in.get("/api/v1/tasks")
    assert response.status_code == 200 and response.json["items"] == []


def test_session_writes_need_the_csrf_header(signed_in):
    refused = signed_in.post("/api/v1/cases", json=complaint())
    assert_problem(refused, 400)
    token = csrf_token(signed_in.get("/intake").text)
    accepted = signed_in.post("/api/v1/cases", json=complaint(), headers={"X-CSRFToken": token})
    assert accepted.status_code == 201 and accepted.json["received_by"] == "front1"


def test_api_key_calls_need_no_csrf_token(client, keys):
    assert client.post("/api/v1/cases", json=complaint(), headers=keys.front()).status_code == 201


def test_cli_adds_lists_and_revokes_keys(engine, db_url, tmp_path, monkeypatch, capsys, repo_root, client):
    monkeypatch.setenv("COMPLAINTFLOW_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTFLOW_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("COMPLAINTFLOW_PROCESSES_DIR", str(repo_root / "processes"))
    assert main(["apikey", "add", "hotline", "--departments", "branch_front", "--scopes", "cases:write,cases:read",
                 "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["key"]["scopes"] == ["cases:read", "cases:write"]
    headers = {"Authorization": f"Bearer {added['token']}"}
    assert client.post("/api/v1/cases", json=complaint(), headers=headers).status_code == 201
    assert main(["apikey", "list"]) == 0
    listing = capsys.readouterr().out
    assert "hotline" in listing and "active" in listing and added["token"] not in listing
    assert main(["apikey", "revoke", "hotline"]) == 0
    capsys.readouterr()
    assert_problem(client.get("/api/v1/tasks", headers=headers), 401)
    assert main(["apikey", "revoke", "hotline"]) == 1
    assert main(["apikey", "add", "x", "--departments", "nowhere"]) == 1
    assert "departments" in capsys.readouterr().err
