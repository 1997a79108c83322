"""Fixtures of the evidence tests (imported by the test modules): the people of two outlets; an S3-compatible
server on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.workbench.evidence_support import PASSWORD, add_people
from webui import create_app


@pytest.fixture
def people(engine: Engine) -> Engine:
    """The engine with the users of evidence_support.PEOPLE."""
    add_people(engine)
    return engine


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server on 127.0.0.1 (a free port), started once per session (per xdist worker)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def web(people: Engine) -> Callable[[str], FlaskClient]:
    """Signed-in test clients of the app around `people` (CSRF off: the access matrix checks it is on)."""
    app = create_app(engine=people)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    def signed_in(username: str) -> FlaskClient:
        client = app.test_client()
        response = client.post("/login", data={"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return signed_in
