"""The flask-smorest Api: OpenAPI 3 document at /api/v1/openapi.json, errors documented as problems."""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

from webui.api.problems import PROBLEM_MIMETYPE
from webui.api.schemas import ProblemSchema

F = TypeVar("F", bound=Callable[..., Any])

API_CONFIG = {
    "API_TITLE": "complaintflow",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {
        "info": {"description": (
            "Open complaints, read cases, work tasks, chase, read notices and deploy diagrams. "
            "Authenticate with 'Authorization: Bearer API_KEY' (complaintflow apikey add), or with "
            "the web session plus an X-CSRFToken header. Errors are RFC 9457 application/problem+json. "
            "POST /cases accepts an Idempotency-Key header: a retry returns the first case."
        )},
        "components": {"securitySchemes": {
            "apiKey": {"type": "http", "scheme": "bearer", "description": "an API key"},
            "session": {"type": "apiKey", "in": "cookie", "name": "session"},
        }},
        "security": [{"apiKey": []}, {"session": []}],
    },
}


class ProblemApi(Api):  # type: ignore[misc]
    """flask-smorest's Api, leaving the UI's error pages alone and documenting errors as problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """Nothing app-wide: the API blueprints install their own problem handlers."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def problems(bp: Blueprint, *codes: int) -> Callable[[F], F]:
    """Document the problem responses an operation may give (401, 403 and 503 always)."""

    def decorate(view: F) -> F:
        for code in sorted({401, 403, 503, *codes}):
            view = bp.alt_response(code, response=http.HTTPStatus(code).name)(view)
        return view

    return decorate
