"""The REST API (/api/v1) for channel systems: flask-smorest blueprints over the engine's services."""

from __future__ import annotations

from typing import Any

from flask import Flask

from engine.schemas.complaint import complaint_schema_class
from webui.api import (
    alerts,
    case_links,
    cases,
    clock,
    definitions,
    docs,
    evidence,
    knowledge,
    notices,
    problems,
    rectifications,
    reports,
    search,
    tasks,
    units,
    urgent,
    users,
)
from webui.api.auth import authenticate
from webui.api.inputs import refuse_unstorable_text
from webui.api.spec import API_CONFIG, ProblemApi
from webui.context import engine
from webui.security import csrf

RESOURCES = (cases, case_links, evidence, search, clock, tasks, notices, definitions, reports, users, units,
             knowledge, alerts, rectifications, urgent)
EXTENSION = "complaintflow_api"


def init_app(app: Flask) -> None:
    """Register /api/v1 (its blueprints, problem handlers, OpenAPI document and docs page) on `app`."""
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    api = ProblemApi(app)
    with app.app_context():
        complaint = complaint_schema_class(engine().ctx.codes)
    api.spec.components.schema("Complaint", schema=complaint)
    _numeric_bounds(api.spec.components.schemas["Complaint"])
    for module in RESOURCES:
        csrf.exempt(module.bp)  # API keys carry no cookies; session calls are checked in `authenticate`
        api.register_blueprint(module.bp)
    app.register_blueprint(docs.bp)
    problems.install_for_unrouted_paths(app)
    app.extensions[EXTENSION] = api


def blueprint_names() -> list[str]:
    """The names of the API's resource blueprints (the rate limiter covers them)."""
    return [module.bp.name for module in RESOURCES]


def _numeric_bounds(component: dict[str, Any]) -> None:
    """apispec writes a Decimal field's Range as strings ("0.00"); OpenAPI wants numbers there."""
    for prop in component.get("properties", {}).values():
        for bound in ("minimum", "maximum"):
            if isinstance(prop.get(bound), str):
                prop[bound] = float(prop[bound])


def _install_request_hooks() -> None:
    for module in RESOURCES:
        module.bp.before_request(authenticate)
        module.bp.before_request(refuse_unstorable_text)
        problems.install_on_blueprint(module.bp)


_install_request_hooks()
