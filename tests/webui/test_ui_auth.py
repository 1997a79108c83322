"""Sign-in, sessions, CSRF, security headers, language switch and the health check."""

from __future__ import annotations

from datetime import timedelta

from tests.webui.support import PASSWORD, audit_actions, csrf_token, login


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/inbox")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=/inbox")


def test_login_and_logout(client, engine):
    response = login(client, "front1")
    assert response.status_code == 302
    assert client.get("/inbox").status_code == 200
    assert audit_actions(engine, "login")
    client.post("/logout")
    assert client.get("/inbox").status_code == 302


def test_wrong_password_is_refused_and_audited(client, engine):
    response = login(client, "front1", "wrong-password-1")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.text
    assert audit_actions(engine, "login_failed")


def test_login_starts_a_new_session(client):
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        sess["sid"] = "chosen-by-an-attacker"
    login(client, "front1")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["sid"] != "chosen-by-an-attacker"


def test_next_parameter_never_leaves_the_site(client):
    response = client.post("/login", data={"username": "front1", "password": PASSWORD,
                                           "next": "//evil.example/"})
    assert response.location == "/"


def test_idle_session_expires(client, clock, app):
    login(client, "front1")
    clock.advance(timedelta(minutes=app.extensions["complaintflow"].ctx.settings.session_idle_minutes + 1))
    response = client.get("/inbox")
    assert response.status_code == 302
    assert "expired=1" in response.location
    assert "会话已过期" in client.get(response.location).text


def test_activity_keeps_the_session_alive(client, clock):
    login(client, "front1")
    for _ in range(3):
        clock.advance(timedelta(minutes=20))
        assert client.get("/inbox").status_code == 200


def test_disabled_user_is_signed_out_on_next_request(client, engine):
    from tests.webui.support import ADMIN

    login(client, "front1")
    engine.users.disable("front1", ADMIN)
    assert client.get("/inbox").status_code == 302


def test_post_without_csrf_token_is_rejected(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"username": "front1", "password": PASSWORD})
    assert response.status_code == 400
    assert "表单已失效" in response.text


def test_post_with_csrf_token_is_accepted(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token(client.get("/login").text)
    response = client.post("/login", data={"username": "front1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/inbox").text
    response = client.post("/logout", data={})
    assert response.status_code == 400
    response = client.post("/logout", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302


def test_security_headers_and_cookie_flags(client):
    response = client.get("/login")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.text
    cookie = login(client, "front1").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_healthz_needs_no_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_english_is_selectable_and_remembered(client):
    login(client, "front1")
    assert "我的待办" in client.get("/inbox").text
    assert "My inbox" in client.get("/inbox?lang=en").text
    assert "My inbox" in client.get("/archive").text
    assert "我的待办" in client.get("/archive?lang=zh").text
