"""Risk alerts (风险提示): issued from a typical case, acknowledged by the addressees, followed by head office."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain.errors import Conflict, ValidationFailed
from webui.conflicts import conflict_text
from webui.context import actor, engine
from webui.knowledge_text import problem_texts
from webui.views.knowledge import show_with_alert_errors

bp = Blueprint("alerts", __name__)


@bp.post("/knowledge/<int:typical_id>/alerts")
def issue(typical_id: int) -> Response | tuple[str, int]:
    """Issue an alert from a published typical case to the chosen units / departments (or the whole bank)."""
    title, message = request.form.get("title", ""), request.form.get("message", "")
    recipients = request.form.getlist("recipients")
    recipients += [w for w in request.form.get("more_recipients", "").replace("，", ",").split(",") if w.strip()]
    values = {"title": title, "message": message, "recipients": recipients}
    try:
        alert = engine().alerts.issue(typical_id, title, message, recipients, actor())
    except ValidationFailed as err:
        return show_with_alert_errors(typical_id, values, problem_texts(err, gettext), 422)
    except Conflict as err:
        return show_with_alert_errors(typical_id, values, {"_alert": [conflict_text(err, gettext)]}, 409)
    flash(gettext("风险提示已发出。"), "ok")
    return redirect(url_for("alerts.show", alert_id=alert.id))


@bp.get("/alerts")
def index() -> str:
    """The alerts issued, with how many addressees have acknowledged (those the reader follows)."""
    return render_template("alerts/index.html", alerts=engine().alerts.issued(actor()))


@bp.get("/alerts/<int:alert_id>")
def show(alert_id: int) -> str:
    """One alert: who has acknowledged, and who has not, per unit / department."""
    alert = engine().alerts.status(alert_id, actor())
    return render_template("alerts/show.html", alert=alert, typical=engine().knowledge.get(alert.typical_case_id,
                                                                                             actor()))


@bp.post("/alerts/<int:alert_id>/acknowledge")
def acknowledge(alert_id: int) -> Response:
    """Acknowledge an alert for my unit / department."""
    engine().alerts.acknowledge(alert_id, actor())
    flash(gettext("已确认收到风险提示。"), "ok")
    return redirect(url_for("notices.index"))
