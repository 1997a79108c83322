"""Shared test data and helpers for the web UI tests (imported as tests.webui.support)."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.model import Actor, Role

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
PASSWORD = "correct-horse-battery"
ADMIN = Actor("root", frozenset(), frozenset({Role.ADMIN}))
USERS = {
    "front1": (["branch_front"], ["staff"]),
    "front2": (["branch_front"], ["staff"]),
    "manager1": (["branch_manager"], ["staff"]),
    "seat1": (["card_seat"], ["staff"]),
    "super1": (["branch_front", "branch_manager"], ["supervisor"]),
    "owner1": ([], ["process_owner"]),
}

COMPLAINT = {
    "organisation": "branch", "channel": "counter", "complainant_name": "张三",
    "contact_phone": "13812345678", "id_type": "resident_id", "id_number": "310101199001011234",
    "category": "deposits", "cause": "service_attitude", "grade": "general",
    "facts": "柜员态度恶劣", "demand": "道歉", "expected_resolution": "apology",
    "read_back": "true",
}
def login(client: FlaskClient, username: str, password: str = PASSWORD):
    """Sign in through the form."""
    return client.post("/login", data={"username": username, "password": password})


def open_case(engine: Engine, username: str = "front1", **overrides: object):
    """A case registered by `username` through the service."""
    who = engine.users.actor(username)
    assert who is not None
    return engine.cases.open_case(None, COMPLAINT | overrides, who)


def queue_task(engine: Engine, department: str = "branch_front", username: str = "front1"):
    """The first task waiting in a department queue."""
    who = engine.users.actor(username)
    assert who is not None
    return engine.tasks.queue(who, department)[0]


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def audit_actions(engine: Engine, action: str) -> list:
    """Audit events of one action (through the read side, as an auditor would see them)."""
    with engine.ctx.db.read() as uow:
        return uow.read.audit_actions(action)
