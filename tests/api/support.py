"""API test helpers: API keys as request headers, calls that expect a status, problem checks."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from tests.support.complaints import complaint

PROBLEM = "application/problem+json"
BRANCH_DEPARTMENTS = ("branch_front", "branch_manager", "branch_head", "complaint_mgmt")
Headers = dict[str, str]


class KeyMaker:
    """Creates API keys through the service (as the CLI does) and returns their headers."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.made: dict[str, Headers] = {}

    def make(
        self, name: str, departments: tuple[str, ...] = ("branch_front",), roles: tuple[str, ...] = ("staff",),
        scopes: tuple[str, ...] = ("all",),
    ) -> Headers:
        """Headers carrying a key with these departments, roles and scopes (made once per name)."""
        if name in self.made:
            return self.made[name]
        created = self.engine.api_keys.create(name, list(scopes), list(departments), list(roles), ADMIN)
        self.made[name] = {"Authorization": f"Bearer {created.token}"}
        return self.made[name]

    def front(self) -> Headers:
        """A branch front-desk system (opens complaints, works the front desk's tasks)."""
        return self.make("front-desk")

    def supervisor(self) -> Headers:
        """A supervisor's key over the branch departments."""
        return self.make("supervision", BRANCH_DEPARTMENTS, ("staff", "supervisor"))

    def owner(self) -> Headers:
        """A process owner's key."""
        return self.make("modeler", (), ("process_owner",))


def open_case(client: FlaskClient, headers: Headers, **overrides: Any) -> dict[str, Any]:
    """POST a valid complaint; the created case."""
    response = client.post("/api/v1/cases", json=complaint(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json or {})


def first_task(client: FlaskClient, headers: Headers, case_number: str) -> dict[str, Any]:
    """The first open task of a case, read through the API."""
    detail = client.get(f"/api/v1/cases/{case_number}", headers=headers).json or {}
    return dict(detail["current_tasks"][0])


def assert_problem(response: TestResponse, status: int, *, field: str | None = None) -> dict[str, Any]:
    """The response is an RFC 9457 problem of `status` (naming `field` under errors); its body."""
    assert response.status_code == status, response.text
    assert response.mimetype == PROBLEM
    body = dict(response.json or {})
    assert body["status"] == status and body["title"] and body["type"] and body["instance"]
    assert "Traceback" not in response.text
    if field is not None:
        assert field in body.get("errors", {}), body
    return body

