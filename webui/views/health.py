"""Health check for load balancers: no login; reports whether the database answers."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from webui.context import engine

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers within the probe's deadline, else 503; the body names its state."""
    database = engine().health.database()
    status = 200 if database.ok else 503
    body = {"status": "ok" if database.ok else "unavailable", "database": database.state}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    if not database.ok:
        response.headers["Retry-After"] = "5"
    return response, status
