"""/api/v1/tasks: listing with filters and paging, reading a task's form, claim, unclaim, complete, chase."""

from __future__ import annotations

from tests.api.support import assert_problem, first_task, open_case
from tests.support.complaints import NOT_ON_SPOT


def test_list_tasks_by_department_status_and_due_time_with_paging(client, keys):
    headers = keys.front()
    numbers = [open_case(client, headers)["number"] for _ in range(3)]
    page1 = client.get("/api/v1/tasks?department=branch_front&status=ready&page_size=2", headers=headers).json
    page2 = client.get("/api/v1/tasks?department=branch_front&status=ready&page_size=2&page=2", headers=headers).json
    assert page1["has_more"] is True and page2["has_more"] is False
    listed = [t["case_number"] for t in page1["items"] + page2["items"]]
    assert sorted(listed) == sorted(numbers)
    due = page1["items"][0]["due_at"]
    assert client.get(f"/api/v1/tasks?due_before={due.replace('+', '%2B')}", headers=headers).json["items"] == []
    later = client.get("/api/v1/tasks?due_before=2030-01-01T00:00:00%2B08:00", headers=headers).json
    assert len(later["items"]) == 3
    assert client.get("/api/v1/tasks?status=completed", headers=headers).json["items"] == []


def test_list_tasks_filters_by_assignee_and_stays_in_my_departments(client, keys):
    headers = keys.front()
    case = open_case(client, headers)
    task = first_task(client, headers, case["number"])
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers)
    mine = client.get("/api/v1/tasks?assignee=api:front-desk", headers=headers).json["items"]
    assert [t["id"] for t in mine] == [task["id"]]
    outsider = keys.make("retail", ("retail_banking",))
    assert client.get("/api/v1/tasks", headers=outsider).json["items"] == []
    assert client.get("/api/v1/tasks?department=branch_front", headers=outsider).json["items"] == []


def test_list_tasks_rejects_bad_filters_per_field(client, keys):
    response = client.get("/api/v1/tasks?status=lost&page=0&due_before=yesterday", headers=keys.front())
    body = assert_problem(response, 422)
    assert {"status", "page", "due_before"} <= set(body["errors"])


def test_get_task_shows_its_form(client, keys):
    headers = keys.front()
    task = first_task(client, headers, open_case(client, headers)["number"])
    body = client.get(f"/api/v1/tasks/{task['id']}", headers=headers).json
    assert body["task"]["id"] == task["id"]
    assert {"resolved_on_spot", "on_spot_result"} <= {f["id"] for f in body["form"]}


def test_unknown_or_foreign_task_is_404(client, keys):
    headers = keys.front()
    task = first_task(client, headers, open_case(client, headers)["number"])
    outsider = keys.make("retail", ("retail_banking",))
    for path in ("", "/claim", "/unclaim"):
        assert_problem(client.get(f"/api/v1/tasks/no-such-task{path}", headers=headers) if not path
                       else client.post(f"/api/v1/tasks/no-such-task{path}", headers=headers), 404)
    assert_problem(client.post(f"/api/v1/tasks/{task['id']}/claim", headers=outsider), 404)


def test_claim_unclaim_and_a_second_claim_conflicts(client, keys):
    headers = keys.front()
    other = keys.make("second-terminal")
    task = first_task(client, headers, open_case(client, headers)["number"])
    claimed = client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers)
    assert claimed.status_code == 200 and claimed.json["assignee"] == "api:front-desk"
    body = assert_problem(client.post(f"/api/v1/tasks/{task['id']}/claim", headers=other), 409)
    assert "api:front-desk" in body["detail"]
    assert_problem(client.post(f"/api/v1/tasks/{task['id']}/unclaim", headers=other), 403)
    released = client.post(f"/api/v1/tasks/{task['id']}/unclaim", headers=headers)
    assert released.status_code == 200 and released.json["status"] == "ready" and released.json["assignee"] is None


def test_complete_validates_the_form_then_moves_the_case_on(client, keys):
    headers = keys.front()
    case = open_case(client, headers)
    task = first_task(client, headers, case["number"])
    url = f"/api/v1/tasks/{task['id']}/complete"
    assert_problem(client.post(url, json={"data": NOT_ON_SPOT}, headers=headers), 409)  # not claimed yet
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=headers)
    body = assert_problem(client.post(url, json={"data": {"resolved_on_spot": "perhaps"}}, headers=headers), 422)
    assert "resolved_on_spot" in body["errors"]
    assert_problem(client.post(url, json={"values": {}}, headers=headers), 422, field="data")
    done = client.post(url, json={"data": NOT_ON_SPOT}, headers=headers)
    assert done.status_code == 200 and done.json["status"] == "completed"
    assert done.json["completed_by"] == "api:front-desk"
    assert_problem(client.post(url, json={"data": NOT_ON_SPOT}, headers=headers), 409)
    detail = client.get(f"/api/v1/cases/{case['number']}", headers=keys.supervisor()).json
    assert task["id"] not in [t["id"] for t in detail["current_tasks"]]
    assert "complete" in [e["action"] for e in detail["timeline"]]


def test_chase_by_a_supervisor_once_per_interval(client, keys):
    front = keys.front()
    task = first_task(client, front, open_case(client, front)["number"])
    url = f"/api/v1/tasks/{task['id']}/chase"
    assert_problem(client.post(url, json={"reason": "请尽快处理"}, headers=front), 403)
    sent = client.post(url, json={"reason": "请尽快处理"}, headers=keys.supervisor())
    assert sent.status_code == 201 and sent.json["department"] == "branch_front"
    assert sent.json["kind"] == "chase" and sent.json["sender"] == "api:supervision"
    assert_problem(client.post(url, json={"reason": "again"}, headers=keys.supervisor()), 409)
    assert_problem(client.post(url, json={"reason": ""}, headers=keys.supervisor()), 422, field="reason")


def test_scope_limits_what_a_key_may_call(client, keys, engine):
    front = keys.front()
    reader = keys.make("reader", scopes=("tasks:read", "cases:read"))
    task = first_task(client, front, open_case(client, front)["number"])
    assert client.get("/api/v1/tasks", headers=reader).status_code == 200
    body = assert_problem(client.post(f"/api/v1/tasks/{task['id']}/claim", headers=reader), 403)
    assert "tasks:write" in body["detail"]
    with engine.ctx.db.read() as uow:
        denied = uow.read.audit_actions("access_denied")
    assert [(e.actor, e.data.get("scope")) for e in denied] == [("api:reader", "tasks:write")]
