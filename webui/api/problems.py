"""Every error under /api as RFC 9457 application/problem+json; never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, g, json, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HTTPNotFound

from engine.domain.errors import (
    ConcurrentUpdate,
    Conflict,
    DatabaseUnavailable,
    DeployRejected,
    Forbidden,
    NotFound,
    ValidationFailed,
    WorkflowError,
)
from engine.schemas.errors import field_errors
from webui.errors import RETRY_AFTER, record_refusal

log = logging.getLogger("webui.api")

API_PREFIX = "/api/"
PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_TYPE = "/api/v1/docs#problem-"


def problem(
    status: int, title: str, detail: str = "", slug: str = "", headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem+json response: type, title, status, detail, instance, plus any extra members."""
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + slug if slug else "about:blank",
        "title": title,
        "status": status,
        "detail": detail or title,
        "instance": request.path,
    }
    body.update(extra)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers.update(headers or {})
    return response


def validation_failed(err: ValidationFailed) -> Response:
    """422 with the messages of each field under `errors`."""
    return problem(422, "Unprocessable Content", str(err), "validation-failed", errors=err.errors)


def deploy_rejected(err: DeployRejected) -> Response:
    """422 listing each diagram problem (file, element, message), also as per-field `errors`."""
    errors: dict[str, list[str]] = {}
    for p in err.problems:
        errors.setdefault(f"{p.file}: {p.element}", []).append(p.message)
    listed = [{"file": p.file, "element": p.element, "message": p.message} for p in err.problems]
    return problem(422, "Deploy rejected", str(err), "deploy-rejected", errors=errors, problems=listed)


def forbidden(err: Forbidden) -> Response:
    """403; a refusal no service recorded is audited for the key or session that asked."""
    record_refusal(err, g.get("api_actor"))
    return problem(403, "Forbidden", str(err), "forbidden")


def http_error(err: HTTPException) -> Response:
    """Werkzeug/webargs errors (400, 401, 404, 405, 413, 415, 422 from argument parsing...)."""
    status = err.code or 500
    if status >= 500:
        return server_error(err)
    data = getattr(err, "data", None) or {}
    messages = data.get("messages")
    headers = {k: v for k, v in err.get_headers() if k.lower() in ("www-authenticate", "allow")}
    headers.update(data.get("headers") or {})
    if isinstance(messages, dict):
        return problem(status, err.name, "the request has invalid fields", "validation-failed",
                       headers=headers, errors=flat_field_errors(messages))
    return problem(status, err.name, err.description or err.name, headers=headers)


def flat_field_errors(messages: dict[str, Any]) -> dict[str, list[str]]:
    """webargs messages ({location: {field: [..]}}) as {field: [..]}, as the engine words them."""
    out: dict[str, list[str]] = {}
    for fields in messages.values():
        for name, texts in field_errors(fields).items():
            out.setdefault(name, []).extend(texts)
    return out


def server_error(err: BaseException) -> Response:
    """500 without any detail of the failure (it is logged with its traceback)."""
    if not isinstance(err, HTTPException) or (err.code or 500) >= 500:
        log.error("API request %s %s failed", request.method, request.path, exc_info=err)
    return problem(500, "Internal Server Error", "the server failed; the error has been logged", "server-error")


HANDLERS: tuple[tuple[type[Exception], Callable[[Any], Response]], ...] = (
    (NotFound, lambda e: problem(404, "Not Found", str(e), "not-found")),
    (Forbidden, forbidden),
    (ConcurrentUpdate, lambda e: problem(409, "Conflict", str(e), "concurrent-update")),
    (Conflict, lambda e: problem(409, "Conflict", str(e), "conflict", code=e.code, params=e.params)),
    (ValidationFailed, validation_failed),
    (DeployRejected, deploy_rejected),
    (DatabaseUnavailable, lambda e: problem(503, "Service Unavailable", "the database is unreachable or did not "
                                            "answer in time; try again later", "database-unavailable",
                                            headers=RETRY_AFTER)),
    (WorkflowError, lambda e: problem(422, "Workflow error", str(e), "workflow-error", code=e.code,
                                      element=e.element, params=e.params)),
    (CSRFError, lambda e: problem(400, "CSRF token missing or invalid", e.description, "csrf")),
    (HTTPException, http_error),
    (Exception, server_error),
)


def install_on_blueprint(bp: Blueprint) -> None:
    """Problem responses for everything a view of `bp` raises."""
    for exc, handler in HANDLERS:
        bp.register_error_handler(exc, handler)


def install_for_unrouted_paths(app: Flask) -> None:
    """Unknown /api URLs (404) and wrong methods (405) match no blueprint: answer those with problems too.

    The UI's own app-wide handlers stay in charge of every other path.
    """
    spec = app.error_handler_spec.setdefault(None, {})
    for code, exc_class in ((404, HTTPNotFound), (None, HTTPException)):
        ui_handler = spec.get(code, {}).get(exc_class)
        app.register_error_handler(code or exc_class, _api_or(ui_handler))


def _api_or(ui_handler: Callable[[Any], Any] | None) -> Callable[[HTTPException], Any]:
    def handle(err: HTTPException) -> Any:
        if request.path.startswith(API_PREFIX) or ui_handler is None:
            return http_error(err)
        return ui_handler(err)

    return handle
