"""Finding 9 of issue 19: /healthz said ok while the database was unreachable, and requests got 500.

Now /healthz runs a cheap query under a deadline and answers 503 with the database state within a second;
a page or API request that fails because the database is gone answers 503 (problem+json for the API).
The database really goes away: the SQLite file is replaced by a directory, the PostgreSQL database is
dropped while the app runs, and a listener that never answers stands in for a hanging server.
"""

from __future__ import annotations

import shutil
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from tests.support.databases import postgres_base_or_skip
from tests.support.engines import make_engine
from webui import create_app

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]
PASSWORD = "outage-password-123"


@dataclass
class Outage:
    """A running app on a real database, a signed-in client, an API key, and a way to take the database away."""

    app: Flask
    client: FlaskClient
    key: dict[str, str]
    take_down: Callable[[], None]


@contextmanager
def _database(kind: str, folder: Path) -> Iterator[tuple[str, Callable[[Engine], None]]]:
    """A database URL and a function that makes it unreachable for an engine using it."""
    if kind == "sqlite":
        path = folder / "outage.db"

        def replace_file_by_directory(engine: Engine) -> None:
            engine.dispose()  # pooled connections would go on using the deleted file
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.mkdir()

        yield f"sqlite:///{path}", replace_file_by_directory
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    base = postgres_base_or_skip()
    name = f"cf_outage_{uuid.uuid4().hex[:12]}"
    admin = create_engine("postgresql+psycopg://" + base.split("://", 1)[1], poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")

    def drop(_engine: Engine | None = None) -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield urlunsplit(urlsplit(base)._replace(path=f"/{name}")), drop
    finally:
        drop()
        admin.dispose()


@pytest.fixture(params=DATABASES)
def outage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Outage]:
    """The app on a migrated database with one user signed in; `take_down` makes the database unreachable."""
    with _database(str(request.param), tmp_path) as (url, take_down):
        engine = make_engine(url, tmp_path)
        try:
            engine.init_db()
            engine.users.add("outage_staff", PASSWORD, ["branch_front"], ["staff"], ADMIN)
            token = engine.api_keys.create("outage", ["all"], ["branch_front"], ["staff"], ADMIN).token
            app = create_app(engine=engine)
            app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
            client = app.test_client()
            assert client.post("/login", data={"username": "outage_staff", "password": PASSWORD}).status_code == 302
            yield Outage(app, client, {"Authorization": f"Bearer {token}"}, lambda: take_down(engine))
        finally:
            engine.dispose()


def _timed_health(client: FlaskClient) -> tuple[int, dict[str, str], float]:
    started = time.monotonic()
    response = client.get("/healthz")
    return response.status_code, response.json or {}, time.monotonic() - started


def test_healthz_reports_a_reachable_database(outage: Outage) -> None:
    """With the database up: 200 and the database's state in the body."""
    status, body, _seconds = _timed_health(outage.app.test_client())
    assert (status, body) == (200, {"status": "ok", "database": "ok"})


def test_an_unreachable_database_is_a_503_everywhere(outage: Outage) -> None:
    """Database gone: /healthz 503 within a second; pages, sign-in and the API answer 503, never 500."""
    assert outage.client.get("/inbox").status_code == 200
    outage.take_down()
    status, body, seconds = _timed_health(outage.app.test_client())
    assert (status, body) == (503, {"status": "unavailable", "database": "unreachable"})
    assert seconds < 1.0
    page = outage.client.get("/inbox")
    assert page.status_code == 503 and page.headers["Retry-After"]
    assert "数据库暂时无法访问" in page.get_data(as_text=True)
    sign_in = outage.app.test_client().post("/login", data={"username": "outage_staff", "password": PASSWORD})
    assert sign_in.status_code == 503
    api = outage.app.test_client().get("/api/v1/tasks", headers=outage.key)
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert (api.json or {})["type"].endswith("#problem-database-unavailable")


@contextmanager
def _silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word (a hanging database server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_a_hanging_database_gives_503_not_a_hung_request(tmp_path: Path) -> None:
    """A server that never answers: /healthz says timeout within a second, again and again; a request that
    needs the database gives up after the connect timeout with 503."""
    with _silent_server() as port:
        engine = make_engine(f"postgresql://postgres@127.0.0.1:{port}/hang", tmp_path)
        try:
            client = create_app(engine=engine).test_client()
            for _ in range(3):
                status, body, seconds = _timed_health(client)
                assert (status, body["database"]) == (503, "timeout")
                assert seconds < 1.0
            started = time.monotonic()
            api = client.get("/api/v1/tasks", headers={"Authorization": "Bearer cf_abcdefgh_secret"})
            assert api.status_code == 503 and time.monotonic() - started < 20
        finally:
            engine.dispose()
            shutil.rmtree(tmp_path, ignore_errors=True)
