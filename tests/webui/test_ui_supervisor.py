"""Supervisor desk: near-due and overdue work, chase, chase history, supervision list."""

from __future__ import annotations

from datetime import timedelta

from tests.webui.support import login, open_case, queue_task


def test_desk_lists_due_soon_and_overdue(client, engine, clock):
    case = open_case(engine)
    login(client, "super1")
    page = client.get("/supervisor/").text
    assert case.number in page and "临期" in page
    clock.advance(timedelta(days=3))  # Monday 2024-09-30: the Sunday deadline has passed
    login(client, "super1")  # the idle session expired meanwhile
    page = client.get("/supervisor/").text
    assert "已逾期" in page
    assert "逾期 1 个工作日" in page
    assert "一般" in page and "网点首问人员" in page


def test_chase_needs_a_reason_then_sends_a_notice(client, engine):
    case = open_case(engine)
    task = queue_task(engine)
    login(client, "super1")
    response = client.post(f"/supervisor/tasks/{task.id}/chase", data={"reason": " "})
    assert response.status_code == 422
    assert "请填写催办原因" in response.text
    response = client.post(f"/supervisor/tasks/{task.id}/chase", data={"reason": "请尽快联系客户"})
    assert response.status_code == 302
    assert "已发送催办通知" in client.get(response.location).text
    history = client.get(f"/supervisor/tasks/{task.id}/chases").text
    assert "请尽快联系客户" in history and "super1" in history
    assert "请尽快联系客户" in client.get(f"/cases/{case.number}").text

    again = client.post(f"/supervisor/tasks/{task.id}/chase", data={"reason": "再次催办"})
    assert again.status_code == 409
    assert "该任务在 1小时内已催办过" in again.text and "already chased" not in again.text

    client.post("/logout")
    login(client, "front1")
    notices = client.get("/notices").text
    assert "请尽快联系客户" in notices
    assert '<span class="count alert">1</span>' in notices


def test_mark_notice_read(client, engine):
    open_case(engine)
    task = queue_task(engine)
    engine.notices.chase(task.id, "快办", engine.users.actor("super1"))
    login(client, "front1")
    notice = engine.notices.for_actor(engine.users.actor("front1"))[0]
    response = client.post(f"/notices/{notice.id}/read")
    assert response.status_code == 302
    assert "已读于" in client.get("/notices").text
    assert engine.notices.for_actor(engine.users.actor("front1"), unread_only=True) == []


def test_staff_cannot_use_the_desk_or_chase(client, engine):
    open_case(engine)
    task = queue_task(engine)
    login(client, "front1")
    assert client.get("/supervisor/").status_code == 403
    assert client.post(f"/supervisor/tasks/{task.id}/chase", data={"reason": "x"}).status_code == 403
    assert client.get("/supervisor/supervision").status_code == 403


def test_supervision_list(client, engine):
    login(client, "super1")
    response = client.get("/supervisor/supervision")
    assert response.status_code == 200
    assert "督办清单为空" in response.text
