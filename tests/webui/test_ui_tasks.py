"""Queue -> claim -> complete, validation errors, conflicts, access outside one's department."""

from __future__ import annotations

from tests.webui.support import audit_actions, login, open_case, queue_task


def test_queue_lists_the_task_marked_due_soon(client, engine):
    case = open_case(engine)
    login(client, "front1")
    page = client.get("/queue/branch_front").text
    assert case.number in page
    assert "首问受理与现场处理" in page
    assert 'class="due-soon"' in page  # due Sunday 2024-09-29 (a swapped working day)
    assert "网点首问人员" in page


def test_nav_shows_queue_and_inbox_counts(client, engine):
    open_case(engine)
    login(client, "front1")
    page = client.get("/inbox").text
    assert '<span class="count">1</span>' in page


def test_queue_filters(client, engine):
    open_case(engine)
    login(client, "front1")
    assert "首问受理与现场处理" in client.get("/queue/branch_front?grade=general").text
    assert "首问受理与现场处理" not in client.get("/queue/branch_front?grade=urgent").text
    assert "首问受理与现场处理" not in client.get("/queue/branch_front?overdue=1").text


def test_claim_then_complete_with_error_then_success(client, engine):
    open_case(engine)
    task = queue_task(engine)
    login(client, "front1")
    response = client.post(f"/tasks/{task.id}/claim")
    assert response.location == f"/tasks/{task.id}"
    page = client.get(f"/tasks/{task.id}").text
    assert 'type="radio" name="resolved_on_spot" value="true"' in page
    assert '<textarea id="f-on_spot_result"' in page
    assert f"/tasks/{task.id}" in client.get("/inbox").text

    response = client.post(f"/tasks/{task.id}", data={"on_spot_result": "x"})
    assert response.status_code == 422
    assert '<span class="field-error">必填</span>' in response.text
    assert ">x</textarea>" in response.text  # what was typed is kept

    response = client.post(f"/tasks/{task.id}", data={"resolved_on_spot": "false", "on_spot_result": ""})
    assert response.status_code == 302
    assert response.location.startswith("/cases/TS-")
    case_page = client.get(response.location).text
    assert "已完成" in case_page
    assert task.id in client.get("/archive").text


def test_form_renders_enum_number_and_required_marks(client, engine):
    open_case(engine)
    task = queue_task(engine)
    front = engine.users.actor("front1")
    engine.tasks.claim(task.id, front)
    engine.tasks.complete(task.id, {"resolved_on_spot": False}, front)
    investigate = queue_task(engine, "branch_manager", "manager1")
    login(client, "manager1")
    client.post(f"/tasks/{investigate.id}/claim")
    page = client.get(f"/tasks/{investigate.id}").text
    assert '<select id="f-responsibility" name="responsibility"' in page
    assert '<option value="bank"' in page and "银行全责" in page
    assert 'type="number"' in page and 'step="any"' in page and 'min="0"' in page
    assert page.count('class="req"') >= 4
    response = client.post(f"/tasks/{investigate.id}", data={
        "evidence": "录音", "responsibility": "nonsense", "within_authority": "true",
        "resolution": "道歉", "compensation_amount": "-5"})
    assert response.status_code == 422
    assert "请从列表中选择" in response.text


def test_second_user_gets_a_plain_409(client, app, engine):
    open_case(engine)
    task = queue_task(engine)
    other = app.test_client()
    login(client, "front1")
    login(other, "front2")
    assert other.get(f"/tasks/{task.id}").status_code == 200
    client.post(f"/tasks/{task.id}/claim")
    client.post(f"/tasks/{task.id}", data={"resolved_on_spot": "true", "on_spot_result": "解释清楚"})

    response = other.post(f"/tasks/{task.id}", data={"resolved_on_spot": "false"})
    assert response.status_code == 409
    assert "已由 front1 完成" in response.text
    assert "already completed" not in response.text  # the Chinese page says it in Chinese only
    assert "status-completed" in response.text  # the current state, on the task page itself
    response = other.post(f"/tasks/{task.id}/claim")
    assert response.status_code == 409
    assert "front1" in response.text


def test_claim_race_shows_who_has_it(client, app, engine):
    open_case(engine)
    task = queue_task(engine)
    other = app.test_client()
    login(client, "front1")
    login(other, "front2")
    client.post(f"/tasks/{task.id}/claim")
    response = other.post(f"/tasks/{task.id}/claim")
    assert response.status_code == 409
    assert "front1" in response.text


def test_other_department_gets_404_and_is_logged(client, engine):
    case = open_case(engine)
    task = queue_task(engine)
    login(client, "seat1")
    assert client.get(f"/cases/{case.number}").status_code == 404
    assert client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/tasks/{task.id}").status_code == 404
    assert client.post(f"/tasks/{task.id}/claim").status_code == 404
    assert client.get(f"/cases/{case.number}/diagram.bpmn").status_code == 404
    denied = audit_actions(engine, "access_denied")
    assert {e.actor for e in denied} == {"seat1"}
    assert {e.data["action"] for e in denied} >= {"view_case", "view_task"}


def test_unknown_task_is_404(client):
    login(client, "front1")
    assert client.get("/tasks/no-such-task").status_code == 404


def test_unclaim_returns_to_queue(client, engine):
    open_case(engine)
    task = queue_task(engine)
    login(client, "front1")
    client.post(f"/tasks/{task.id}/claim")
    response = client.post(f"/tasks/{task.id}/unclaim")
    assert response.location == "/queue/branch_front"
    assert f"/tasks/{task.id}/claim" in client.get("/queue/branch_front").text


def test_supervisor_reassigns_within_the_department(client, engine):
    open_case(engine)
    task = queue_task(engine)
    login(client, "super1")
    response = client.post(f"/tasks/{task.id}/reassign", data={"assignee": "seat1"})
    assert response.status_code == 422
    assert "不是" in response.text and "的在岗成员" in response.text and "not an active member" not in response.text
    response = client.post(f"/tasks/{task.id}/reassign", data={"assignee": "front2"})
    assert response.status_code == 302
    assert engine.tasks.get(task.id, engine.users.actor("front2")).assignee == "front2"


def test_staff_cannot_reassign(client, engine):
    open_case(engine)
    task = queue_task(engine)
    login(client, "front1")
    assert 'name="assignee"' not in client.get(f"/tasks/{task.id}").text
    assert client.post(f"/tasks/{task.id}/reassign", data={"assignee": "front2"}).status_code == 403
