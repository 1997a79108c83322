"""The complaintflow web UI: a Flask app factory and one blueprint per area."""

from __future__ import annotations

from flask import Flask

from engine.bootstrap import Engine, build
from engine.config import Settings

EXTENSION = "complaintflow"


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, start_worker: bool = False
) -> Flask:
    """Build the Flask app around an Engine (built from `settings` or the environment if not given)."""
    if engine is None:
        engine = build(settings or Settings.from_env())
    settings = engine.ctx.settings
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,  # on behind HTTPS: COMPLAINTFLOW_SECURE_COOKIES=true
        # Only responses that change the session send the cookie (sign-in, sign-out, language); activity is
        # recorded on the server. Otherwise a slow response carrying the old cookie could undo a sign-out.
        SESSION_REFRESH_EACH_REQUEST=False,
        # Uploads: a diagram bundle, or an attachment with room for the form around it.
        MAX_CONTENT_LENGTH=max(settings.max_diagram_bytes * 10, settings.attachments.limits.max_bytes + 1_000_000),
        WTF_CSRF_TIME_LIMIT=None,
        COMPLAINTFLOW_TIMEZONE=settings.timezone,  # times on pages and in the API's JSON
        BABEL_DEFAULT_TIMEZONE=settings.timezone,
    )
    app.extensions[EXTENSION] = engine
    _install(app)
    if start_worker:
        from engine.scheduler import start_background

        app.extensions["complaintflow_worker"] = start_background(engine)
    return app


def _install(app: Flask) -> None:
    """Wire extensions, hooks, filters and blueprints."""
    from webui import api, errors, formatting, i18n, paging, ratelimit, reports, security
    from webui.views import register_blueprints

    i18n.init_app(app)
    security.init_app(app)
    formatting.init_app(app)
    paging.init_app(app)
    errors.init_app(app)
    register_blueprints(app)
    reports.init_app(app)
    api.init_app(app)
    ratelimit.init_app(app, api.blueprint_names())
