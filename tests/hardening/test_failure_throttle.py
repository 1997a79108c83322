"""Finding 6 of issue 19: anyone could grow the audit chain: each bad API key and failed sign-in wrote a
hash-chained audit row, unthrottled (8 anonymous clients wrote 69 rows/s on PostgreSQL).

Now failures are limited per source address with Flask-Limiter, its counters in the database (two web
processes on one database share them), and repeated failures are audited once per window, not per attempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import cycle
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from tests.support.engines import make_engine
from webui import create_app

PASSWORD = "throttle-password-123"
ATTACKER, COLLEAGUE = "203.0.113.66", "10.1.2.3"
ATTEMPTS = 150
NAMES = ("throttle_teller", "no_such_user", "admin2")


def _app(engine: Engine) -> Flask:
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return app


@pytest.fixture
def two_processes(engine: Engine, tmp_path: Path) -> Iterator[tuple[Flask, Flask]]:
    """Two web apps, each with its own engine (as two processes would have), on one database."""
    engine.users.add("throttle_teller", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    second = make_engine(engine.ctx.settings.database_url, tmp_path / "second")
    try:
        yield _app(engine), _app(second)
    finally:
        second.dispose()


def _client(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _failure(client: FlaskClient, n: int) -> int:
    """One anonymous failure: a wrong password (for one of three names) or an unknown API key."""
    if n % 2:
        return client.get("/api/v1/tasks", headers={"Authorization": f"Bearer cf_deadbeef_{n:040d}"}).status_code
    name = NAMES[(n // 2) % len(NAMES)]
    return client.post("/login", data={"username": name, "password": f"wrong-guess-{n:05d}"}).status_code


def _audit_rows(engine: Engine) -> list[str]:
    with engine.ctx.db.read() as uow:
        return [e.action for e in uow.read.audit_actions(None, limit=10_000)]


def test_anonymous_failures_are_limited_per_source_and_audited_once_per_window(
        engine: Engine, two_processes: tuple[Flask, Flask]) -> None:
    before = len(_audit_rows(engine))
    attackers = cycle([_client(app, ATTACKER) for app in two_processes])
    statuses = [_failure(next(attackers), n) for n in range(ATTEMPTS)]
    limit = engine.ctx.settings.failures_per_source
    assert set(statuses) <= {401, 429}
    assert statuses.count(401) <= limit  # both processes count against one limit
    assert statuses[-20:] == [429] * 20
    added = _audit_rows(engine)[: len(_audit_rows(engine)) - before]
    assert sorted(set(added)) == ["api_key_rejected", "login_failed", "login_locked", "rate_limited"]
    assert len(added) <= 2 * len(NAMES) + 2, added  # per name: first failure + lock; per source: 2

    colleague = _client(two_processes[1], COLLEAGUE)  # another address: its API key still works
    token = engine.api_keys.create("throttle-key", ["all"], ["branch_front"], ["staff"], ADMIN).token
    assert colleague.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_user_at_another_address_signs_in_while_one_source_is_limited(
        engine: Engine, two_processes: tuple[Flask, Flask]) -> None:
    attacker = _client(two_processes[0], ATTACKER)
    limit = engine.ctx.settings.failures_per_source
    for n in range(limit + 5):
        attacker.get("/api/v1/tasks", headers={"Authorization": f"Bearer cf_deadbeef_{n:040d}"})
    refused = attacker.post("/login", data={"username": "throttle_teller", "password": PASSWORD})
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert "失败次数过多" in refused.get_data(as_text=True)
    api = attacker.get("/api/v1/tasks", headers={"Authorization": "Bearer cf_deadbeef_x"})
    assert api.status_code == 429 and api.mimetype == "application/problem+json"
    colleague = _client(two_processes[1], COLLEAGUE)
    assert colleague.post("/login", data={"username": "throttle_teller", "password": PASSWORD}).status_code == 302
    assert colleague.get("/inbox").status_code == 200
