"""Finding 3 of issue 19: signing out did not end the session. A cookie copied before sign-out still worked,
and each use slid its idle window. Now the session lives on the server: sign-out, idleness, a password change
and disabling the user end it, and a copy of the cookie gets the sign-in page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from tests.support.engines import clock_of
from webui import create_app

PASSWORD = "session-password-123"
USER = "session_teller"


@pytest.fixture
def app(engine: Engine) -> Flask:
    engine.users.add(USER, PASSWORD, ["branch_front"], ["staff"], ADMIN)
    application = create_app(engine=engine)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return application


def _signed_in(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert client.post("/login", data={"username": USER, "password": PASSWORD}).status_code == 302
    return client


def _stolen(client: FlaskClient) -> str:
    """The value of the client's session cookie (as copied by someone else)."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def _browser_with(app: Flask, cookie: str) -> FlaskClient:
    """Another browser presenting `cookie`."""
    browser = app.test_client()
    browser.set_cookie("session", cookie)
    return browser


def _signed_out(client: FlaskClient) -> bool:
    response = client.get("/inbox")
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_cookie_copied_before_sign_out_gets_the_sign_in_page(app: Flask) -> None:
    client = _signed_in(app)
    thief = _browser_with(app, _stolen(client))
    assert thief.get("/inbox").status_code == 200  # the copy works while the session lives
    assert client.post("/logout").status_code == 302
    assert _signed_out(thief)
    assert thief.get("/api/v1/tasks").status_code == 401


def test_a_stolen_copy_does_not_slide_the_idle_window_after_sign_out(app: Flask, engine: Engine) -> None:
    clock = clock_of(engine)
    client = _signed_in(app)
    stolen = _stolen(client)
    client.post("/logout")
    for _ in range(4):  # replayed every 10 minutes: with a sliding window it would never expire
        clock.advance(timedelta(minutes=10))
        assert _signed_out(_browser_with(app, stolen))


def test_the_cookie_lives_as_long_as_the_browser_and_the_server_judges_idleness(app: Flask) -> None:
    """The cookie is not renewed on each request any more, so it carries no expiry of its own: one fixed at
    sign-in would sign out a busy user after the idle period."""
    response = app.test_client().post("/login", data={"username": USER, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Expires" not in cookie and "Max-Age" not in cookie


def test_idleness_ends_the_session_for_every_copy(app: Flask, engine: Engine) -> None:
    clock = clock_of(engine)
    client = _signed_in(app)
    thief = _browser_with(app, _stolen(client))
    idle = engine.ctx.settings.session_idle_minutes
    clock.advance(timedelta(minutes=idle - 1))
    assert thief.get("/inbox").status_code == 200  # one use by either copy is activity of the session
    clock.advance(timedelta(minutes=idle - 1))
    assert client.get("/inbox").status_code == 200
    clock.advance(timedelta(minutes=idle + 1))
    response = thief.get("/inbox")
    assert response.status_code == 302 and "expired=1" in response.headers["Location"]
    assert _signed_out(client)


@pytest.mark.parametrize("change", ["password", "disable"])
def test_a_password_change_or_disabling_the_user_ends_their_sessions(app: Flask, engine: Engine,
                                                                      change: str) -> None:
    client = _signed_in(app)
    other_browser = _signed_in(app)
    if change == "password":
        engine.users.set_password(USER, "another-password-456", ADMIN)
    else:
        engine.users.disable(USER, ADMIN)
    assert _signed_out(client) and _signed_out(other_browser)
