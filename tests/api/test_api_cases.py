"""POST /api/v1/cases and GET /api/v1/cases/{ref}: opening complaints and reading cases."""

from __future__ import annotations

from tests.api.support import assert_problem, open_case
from tests.support.complaints import complaint


def test_open_complaint_creates_a_numbered_case_with_both_deadlines(client, keys):
    headers = keys.front()
    response = client.post("/api/v1/cases", json=complaint(), headers=headers)
    assert response.status_code == 201
    case = response.json
    assert case["number"].startswith("TS-20240927-")
    assert response.headers["Location"] == f"/api/v1/cases/{case['number']}"
    assert case["status"] == "open" and case["process_key"] == "branch_complaint"
    assert case["received_by"] == "api:front-desk"
    assert case["internal_due_at"] and case["regulatory_due_at"]
    assert case["complaint"]["id_number"] != "310101199001011234", "personal data must be masked"


def test_open_complaint_reports_each_invalid_field(client, keys, engine):
    bad = complaint(channel="pigeon", contact_phone="12", facts="")
    del bad["cause"]
    body = assert_problem(client.post("/api/v1/cases", json=bad, headers=keys.front()), 422)
    assert set(body["errors"]) == {"channel", "contact_phone", "facts", "cause"}
    with engine.ctx.db.read() as uow:
        assert uow.read.case_id_by_number("TS-20240927-000001") is None, "nothing may be stored"


def test_open_complaint_needs_a_json_object(client, keys):
    assert_problem(client.post("/api/v1/cases", json=[1, 2], headers=keys.front()), 422, field="_schema")
    response = client.post("/api/v1/cases", data="channel=counter", headers=keys.front(),
                           content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415)
    response = client.post("/api/v1/cases", data="{not json", headers=keys.front(), content_type="application/json")
    assert_problem(response, 400)


def test_open_complaint_on_an_undeployed_process_is_404(client, keys):
    response = client.post("/api/v1/cases?process=no_such_process", json=complaint(), headers=keys.front())
    assert_problem(response, 404)


def test_auditor_key_cannot_open_complaints(client, keys):
    headers = keys.make("audit", (), ("auditor",))
    assert_problem(client.post("/api/v1/cases", json=complaint(), headers=headers), 403)


def test_get_case_by_number_and_id_shows_status_deadlines_tasks_and_timeline(client, keys):
    headers = keys.front()
    case = open_case(client, headers)
    for ref in (case["number"], str(case["id"])):
        response = client.get(f"/api/v1/cases/{ref}", headers=headers)
        assert response.status_code == 200
        detail = response.json
        assert detail["case"]["number"] == case["number"]
        assert detail["case"]["status"] == "open"
        assert detail["case"]["internal_due_at"] == case["internal_due_at"]
        assert [t["department"] for t in detail["current_tasks"]] == ["branch_front"]
        assert detail["current_tasks"][0]["due_at"]
        assert [e["action"] for e in detail["timeline"]][0] == "case_opened"


def test_get_unknown_case_is_404(client, keys):
    headers = keys.front()
    for ref in ("TS-20990101-000001", "424242", "99999999999999999999", "²"):
        assert_problem(client.get(f"/api/v1/cases/{ref}", headers=headers), 404)


def test_case_of_another_department_is_hidden(client, keys):
    case = open_case(client, keys.front())
    outsider = keys.make("retail", ("retail_banking",))
    assert_problem(client.get(f"/api/v1/cases/{case['number']}", headers=outsider), 404)
