"""The flask-smorest Api: OpenAPI 3 document at /api/v1/openapi.json, errors documented as problems."""

from __future__ import annotations

import http
from collections.abc import Callable
from typing import Any, TypeVar

from flask_smorest import Api, Blueprint
from flask_smorest.utils import prepare_response

from webui.api.inputs import MAX_JSON_DEPTH
from webui.api.problems import PROBLEM_MIMETYPE
from webui.api.schemas import ProblemSchema

F = TypeVar("F", bound=Callable[..., Any])

TEXT_RULE = ("Text anywhere in a request (path, query, JSON body) must not contain NUL characters or unpaired "
             "UTF-16 surrogates, which the databases cannot store: such a request is refused with 422 naming "
             "the field.")
# What the problem responses mean beyond their status phrase.
STATUS_DESCRIPTIONS = {
    422: "Unprocessable Content: `errors` names each field that fails validation (a missing required field, "
         "a wrong type, a value outside its choices or range, an unknown field). " + TEXT_RULE,
    429: "Too Many Requests: too many failed authentications from this address; retry after Retry-After seconds.",
    503: "Service Unavailable: the database is unreachable or did not answer in time; retry after Retry-After.",
}

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
            "POST /cases accepts an Idempotency-Key header: a retry returns the first case; requests are "
            "compared after defaults are applied, so a retry that spells out a default value is a replay. "
            f"{TEXT_RULE} JSON bodies nested deeper than {MAX_JSON_DEPTH} levels are refused with 400. "
            "Failed authentication (an unknown API key, no credentials) is limited per source address: past "
            "the limit the answer is 429 with Retry-After. Every response carries Cache-Control: no-store."
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
            response: dict[str, Any] = {"description": STATUS_DESCRIPTIONS.get(status, status.phrase)}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_MIMETYPE)
            self.spec.components.response(status.name, response, lazy=True)
        default: dict[str, Any] = {"description": "Default error response", "schema": self.ERROR_SCHEMA}
        prepare_response(default, self.spec, PROBLEM_MIMETYPE)
        self.spec.components.response("DEFAULT_ERROR", default, lazy=True)


def problems(bp: Blueprint, *codes: int) -> Callable[[F], F]:
    """Document the problem responses an operation may give (401, 403, 429 and 503 always)."""

    def decorate(view: F) -> F:
        for code in sorted({401, 403, 429, 503, *codes}):
            view = bp.alt_response(code, response=http.HTTPStatus(code).name)(view)
        return view

    return decorate
