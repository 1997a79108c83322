"""One blueprint per area."""

from __future__ import annotations

from flask import Flask

from webui.views import (
    admin,
    auth,
    case,
    clock,
    customer_notices,
    health,
    inbox,
    intake,
    notices,
    owner,
    supervisor,
    task,
    units,
)

AREAS = (auth, health, inbox, task, intake, case, clock, customer_notices, supervisor, notices, owner, admin, units)


def register_blueprints(app: Flask) -> None:
    """Attach every area's blueprint."""
    for module in AREAS:
        app.register_blueprint(module.bp)
