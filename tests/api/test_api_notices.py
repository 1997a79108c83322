"""/api/v1/notices: a chased department's notices, marking them read."""

from __future__ import annotations

from tests.api.support import assert_problem, first_task, open_case


def _chased(client, keys):
    front = keys.front()
    task = first_task(client, front, open_case(client, front)["number"])
    client.post(f"/api/v1/tasks/{task['id']}/chase", json={"reason": "请今日回复"}, headers=keys.supervisor())
    return front


def test_notices_of_my_department_and_marking_one_read(client, keys):
    front = _chased(client, keys)
    notices = client.get("/api/v1/notices", headers=front).json
    assert [(n["kind"], n["reason"], n["read_at"]) for n in notices] == [("chase", "请今日回复", None)]
    marked = client.post(f"/api/v1/notices/{notices[0]['id']}/read", headers=front)
    assert marked.status_code == 204
    assert client.get("/api/v1/notices?unread=true", headers=front).json == []
    assert client.get("/api/v1/notices", headers=front).json[0]["read_at"]


def test_someone_elses_notice_cannot_be_marked(client, keys):
    _chased(client, keys)
    notice_id = client.get("/api/v1/notices", headers=keys.front()).json[0]["id"]
    outsider = keys.make("retail", ("retail_banking",))
    assert client.get("/api/v1/notices", headers=outsider).json == []
    assert_problem(client.post(f"/api/v1/notices/{notice_id}/read", headers=outsider), 404)
    assert_problem(client.post("/api/v1/notices/999999/read", headers=outsider), 404)


def test_notice_list_rejects_a_bad_filter(client, keys):
    assert_problem(client.get("/api/v1/notices?unread=maybe", headers=keys.front()), 422, field="unread")
