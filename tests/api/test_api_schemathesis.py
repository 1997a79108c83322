"""schemathesis against the served OpenAPI document: no 5xx and no response outside its documented schema.

Each operation gets a bounded number of generated requests (fast enough for every CI run), sent to the
WSGI app with a broad API key; both databases.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from engine.bootstrap import Engine
from engine.services.apikeys import SCOPES
from tests.support.actors import ADMIN
from tests.support.complaints import complaint

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance,
          response_headers_conformance]
MAX_EXAMPLES = 10
BROAD_DEPARTMENTS = ["branch_front", "branch_manager", "branch_head", "complaint_mgmt"]


def test_every_operation_conforms_to_its_schema(app, broad_key):
    """Each operation of the served document, generated requests, all checks (a failure names the request)."""
    api = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 11
    for operation in operations:
        _fuzz(operation, broad_key)


def _fuzz(operation, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck), database=None, derandomize=True)
    def call(case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    call()


@pytest.fixture
def broad_key(engine: Engine) -> dict[str, str]:
    """An API key with every scope and role over the branch departments, and a case to work on."""
    created = engine.api_keys.create("schemathesis", sorted(SCOPES), BROAD_DEPARTMENTS,
                                     ["staff", "supervisor", "process_owner"], ADMIN)
    engine.cases.open_case(None, complaint(), ADMIN)
    return {"Authorization": f"Bearer {created.token}"}
