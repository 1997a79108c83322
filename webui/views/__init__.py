"""One blueprint per area."""

from __future__ import annotations

from flask import Flask

from webui.views import auth, case, health, inbox, intake, notices, owner, supervisor, task

AREAS = (auth, health, inbox, task, intake, case, supervisor, notices, owner)


def register_blueprints(app: Flask) -> None:
    """Attach every area's blueprint."""
    for module in AREAS:
        app.register_blueprint(module.bp)
