"""The whole web app around a test engine, with signed-in browsers and API keys (for the hardening tests)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from webui import create_app

PASSWORD = "correct-horse-battery"


def web_app(engine: Engine) -> Flask:
    """The app (UI and API) with CSRF off: these tests are about what the server does with the input."""
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return app


def signed_in(app: Flask, engine: Engine, username: str, departments: list[str], roles: list[str]) -> FlaskClient:
    """A client signed in through the form as a new user with these departments and roles."""
    engine.users.add(username, PASSWORD, departments, roles, ADMIN)
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def api_key(engine: Engine, name: str, departments: list[str], roles: list[str]) -> dict[str, str]:
    """Authorization headers of a new API key with every scope."""
    created = engine.api_keys.create(name, ["all"], departments, roles, ADMIN)
    return {"Authorization": f"Bearer {created.token}"}
