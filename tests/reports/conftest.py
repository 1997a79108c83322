"""Fixtures for the report pages: the seeded data set on the shared `engine` fixture, users, a signed-in client."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.reports.dataset import NOW, seed
from tests.support.actors import ADMIN
from tests.support.engines import clock_of
from webui import create_app

PASSWORD = "correct-horse-battery"
USERS = {
    "super1": (["complaint_mgmt"], ["staff", "supervisor"]),
    "auditor1": ([], ["auditor"]),
    "admin1": ([], ["admin"]),
    "teller1": (["branch_front"], ["staff"]),
    "csgroup1": (["cs_business_group"], ["staff"]),
}


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    """The engine with the hand-made data set, its clock at the report time."""
    seed(engine)
    clock_of(engine).set(NOW)
    return engine


@pytest.fixture
def app(seeded: Engine) -> Flask:
    """The web app; CSRF off (the report pages only read)."""
    application = create_app(engine=seeded)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return application


@pytest.fixture
def signed_in(app: Flask, seeded: Engine) -> Callable[[str], FlaskClient]:
    """A client signed in as the named user of USERS (created on first use: hashing passwords is slow)."""

    def sign_in(username: str) -> FlaskClient:
        departments, roles = USERS[username]
        seeded.users.add(username, PASSWORD, departments, roles, ADMIN)
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, f"{username} could not sign in"
        return client

    return sign_in
