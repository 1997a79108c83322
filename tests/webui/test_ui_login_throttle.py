"""The sign-in page answers 429 with a plain message once a name is locked, and the right password
does not get through during the lock."""

from __future__ import annotations

from tests.webui.support import PASSWORD


def test_locked_name_gets_429_and_no_session(client):
    for _ in range(5):
        failed = client.post("/login", data={"username": "front1", "password": "wrong-password-123"})
        assert failed.status_code == 401
    locked = client.post("/login", data={"username": "front1", "password": PASSWORD})
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.text
    assert client.get("/inbox").status_code in (302, 401)  # still signed out
