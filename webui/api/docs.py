"""The browsable API docs page: vendored Swagger UI (no CDN), started by a static script (no inline code)."""

from __future__ import annotations

from flask import Blueprint, Response, render_template

bp = Blueprint("api_docs_page", __name__, url_prefix="/api/v1")

# Swagger UI's stylesheet uses data: images; everything else stays same-origin, scripts from files only.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data:; script-src 'self'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'; object-src 'none'"
)


@bp.get("/docs")
def docs() -> Response:
    """Swagger UI on /api/v1/openapi.json."""
    response = Response(render_template("api/docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response
