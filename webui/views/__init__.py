"""One blueprint per area."""

from __future__ import annotations

from flask import Flask

from webui.views import (
    admin,
    alerts,
    auth,
    case,
    case_links,
    clock,
    customer_notices,
    evidence,
    health,
    inbox,
    intake,
    knowledge,
    notices,
    owner,
    rectifications,
    search,
    supervisor,
    task,
    units,
    urgent,
)

AREAS = (auth, health, inbox, task, intake, case, case_links, evidence, clock, customer_notices, supervisor, notices,
         owner, admin, units, knowledge, alerts, rectifications, search, urgent)


def register_blueprints(app: Flask) -> None:
    """Attach every area's blueprint."""
    for module in AREAS:
        app.register_blueprint(module.bp)
