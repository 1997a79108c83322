"""Fixtures for the REST API: the app on the shared `engine` fixture (SQLite and PostgreSQL) and API keys."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.api.support import KeyMaker
from webui import create_app


@pytest.fixture
def app(engine: Engine) -> Flask:
    """The whole web app (UI and API) around the test engine; CSRF stays on."""
    application = create_app(engine=engine)
    application.config.update(TESTING=True)
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client without a session."""
    return app.test_client()


@pytest.fixture
def keys(engine: Engine) -> KeyMaker:
    """Makes API keys and hands out their Authorization headers."""
    return KeyMaker(engine)
