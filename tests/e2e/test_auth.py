"""Signing in, CSRF on the forms, and the language switch, in the browser."""

from __future__ import annotations

import pytest

from tests.e2e.pages import COMPLAINT
from tests.support.actors import ADMIN

pytestmark = pytest.mark.e2e


def test_sign_in_rejects_a_wrong_password_then_lands_on_the_queue(person, live):
    teller = person("teller", signed_in=False)
    teller.goto("/queue/branch_front")
    assert "/login" in teller.page.url  # the gate keeps where the person wanted to go
    teller.page.fill("#username", "teller")
    teller.page.fill("#password", "not-the-password")
    response = teller.submit("form.form button[type=submit]")
    assert response.status == 401
    assert teller.page.inner_text("p.flash-error") == "用户名或密码错误"
    teller.page.fill("#password", "demo-password-2024")
    teller.submit("form.form button[type=submit]")
    assert teller.page.url.endswith("/queue/branch_front")
    cookie = next(c for c in teller.context.cookies() if c["name"] == "session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    # A static file never re-sends the session: a late one must not undo the sign-out below.
    assert "set-cookie" not in teller.context.request.get(f"{live.url}/static/css/app.css").headers
    teller.submit("form.inline button[type=submit]")  # 退出
    assert "/login" in teller.page.url
    teller.goto("/inbox")
    assert "/login" in teller.page.url
    teller.assert_clean()


def test_forms_carry_a_csrf_token_and_a_post_without_one_changes_nothing(person, live):
    teller = person("teller")
    task = live.engine.tasks.queue(live.engine.users.actor("teller"), "branch_front")[0]
    teller.goto("/queue/branch_front")
    forms = teller.page.locator("form[method=post]")
    assert forms.count() >= 4
    for i in range(forms.count()):
        assert len(forms.nth(i).locator("input[name=csrf_token]").input_value()) > 20

    forged = teller.context.request.post(f"{live.url}/tasks/{task.id}/claim", form={}, max_redirects=0)
    assert forged.status == 400 and "表单已失效" in forged.text()
    forged = teller.context.request.post(f"{live.url}/intake", form=dict(COMPLAINT), max_redirects=0)
    assert forged.status == 400
    assert live.engine.tasks.get(task.id, ADMIN).assignee is None
    assert len(live.engine.tasks.queue(live.engine.users.actor("teller"), "branch_front")) == 3

    with teller.page.expect_navigation():  # the real form, with its token, works
        teller.page.locator("table.list tbody tr", has_text=task.case_number).locator("button").click()
    assert live.engine.tasks.get(task.id, ADMIN).assignee == "teller"


def test_language_switch_to_english_and_back(person, live):
    manager = person("manager")
    manager.goto("/inbox")
    assert manager.page.locator("html").get_attribute("lang") == "zh-CN"
    assert manager.page.inner_text("h1") == "我的待办"
    with manager.page.expect_navigation():
        manager.page.click("header a.lang")
    assert manager.page.locator("html").get_attribute("lang") == "en"
    assert manager.page.inner_text("h1") == "My inbox"
    manager.goto("/archive")  # the choice is remembered
    assert manager.page.inner_text("h1") == "My archive"
    assert "Department queues" in manager.page.text_content("nav.sidenav")
    with manager.page.expect_navigation():
        manager.page.click("header a.lang")
    assert manager.page.locator("html").get_attribute("lang") == "zh-CN"
    assert manager.page.inner_text("h1") == "我的已办"
    assert "部门队列" in manager.page.text_content("nav.sidenav")
    manager.assert_clean()


def test_english_from_the_login_page(person, live):
    auditor = person("auditor", lang="en")
    auditor.goto("/supervisor/")
    assert auditor.page.locator("html").get_attribute("lang") == "en"
    assert "Sign out" in auditor.page.inner_text("header")
    auditor.assert_clean()
