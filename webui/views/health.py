"""Liveness check for load balancers: no login, no database."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> tuple[str, int, dict[str, str]]:
    """200 ok."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}
