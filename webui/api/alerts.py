"""/api/v1/alerts: risk alerts (风险提示) to my units or departments and their acknowledgement; complaint
management issues them from a published typical case and follows who has not acknowledged."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.knowledge import ALERT_LIMITS, Alert, AlertRecipient
from engine.services.oversight.alerts import ReceivedAlert
from webui.api.auth import api_actor, requires
from webui.api.schemas import record_schema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_alerts", __name__, url_prefix="/api/v1/alerts", description="Risk alerts (风险提示)")

MAX_ID = 2**31 - 1
AlertSchema = record_schema(Alert, "AlertSchema", "A risk alert with its addressees and their acknowledgements.")
RecipientSchema = record_schema(AlertRecipient, "AlertAddresseeSchema",
                                "An addressee: a unit (department null) or a department of a unit.")


class ReceivedAlertSchema(Schema):
    """An alert to me: my addressees among its addressees, and whether they all acknowledged."""

    alert = fields.Nested(AlertSchema, required=True)
    mine = fields.List(fields.Nested(RecipientSchema), required=True)
    acknowledged = fields.Boolean(required=True)


class AlertStatusSchema(Schema):
    """An alert as head office follows it: every addressee it may see, and those that have not acknowledged."""

    alert = fields.Nested(AlertSchema, required=True)
    pending = fields.List(fields.Nested(RecipientSchema), required=True)


class AlertQuerySchema(Schema):
    """Which alerts to me: all, or only those still to acknowledge."""

    pending = fields.Boolean(load_default=False)


class NewAlertSchema(Schema):
    """An alert from a published typical case to `UNIT`, `UNIT:DEPARTMENT` or `*` (the whole bank)."""

    typical_case = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_ID))
    title = fields.String(required=True, validate=validate.Length(max=ALERT_LIMITS["title"]))
    message = fields.String(required=True, validate=validate.Length(max=ALERT_LIMITS["message"]))
    recipients = fields.List(fields.String(validate=validate.Length(1, 130)), required=True,
                             validate=validate.Length(max=1000))


@bp.get("")
@requires("alerts")
@bp.arguments(AlertQuerySchema, location="query")
@bp.response(200, ReceivedAlertSchema(many=True))
@problems(bp, 422)
def received(query: dict[str, Any]) -> list[ReceivedAlert]:
    """Alerts to my units or departments, newest first (`pending=true`: only those still to acknowledge)."""
    return engine().alerts.received(api_actor(), pending_only=query["pending"])


@bp.post("")
@requires("alerts")
@bp.arguments(NewAlertSchema)
@bp.response(201, AlertSchema)
@problems(bp, 404, 409, 422)
def issue(body: dict[str, Any]) -> Alert:
    """Issue an alert (complaint management); 422 names unknown units or departments."""
    return engine().alerts.issue(body["typical_case"], body["title"], body["message"], body["recipients"],
                                 api_actor())


@bp.get(f"/<int(max={MAX_ID}):alert_id>")
@requires("alerts")
@bp.response(200, AlertStatusSchema)
@problems(bp, 404)
def status(alert_id: int) -> dict[str, Any]:
    """Who has acknowledged and who has not (complaint management: all; a supervisor: their subtrees)."""
    alert = engine().alerts.status(alert_id, api_actor())
    return {"alert": alert, "pending": alert.pending()}


@bp.post(f"/<int(max={MAX_ID}):alert_id>/acknowledge")
@requires("alerts")
@bp.response(200, ReceivedAlertSchema)
@problems(bp, 404, 409)
def acknowledge(alert_id: int) -> ReceivedAlert:
    """Acknowledge an alert for every addressee of it I belong to (409 when acknowledged already)."""
    return engine().alerts.acknowledge(alert_id, api_actor())
