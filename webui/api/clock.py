"""/api/v1/cases/<ref>/clock: read and move a case's regulatory clock; /api/v1/clock/requests: the 60-day
extension requests the caller may decide, and their decision.

The actions are state changes, safe to retry: a repeated extension, pause or resume is refused with 409 and
a code naming the state it found (`clock_already_extended`, `clock_already_paused`, `clock_not_paused`),
so a retry never extends or pauses twice. Deciding needs a person (a supervisor of the parent unit or of
head office): API keys have no unit and are refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.regulatory_clock import ClockRequest, PauseKind, RegulatoryClock
from engine.services.clock import MAX_TEXT
from webui.api.auth import api_actor, requires
from webui.api.cases import case_ref
from webui.api.schemas import record_schema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_clock", __name__, url_prefix="/api/v1", description="Regulatory clock (监管时限) actions")

CLOCK = "/cases/<string:ref>/clock"
TEXT = validate.Length(1, MAX_TEXT)

ClockRequestSchema = record_schema(ClockRequest, "ClockRequestSchema",
                                   "A request to extend a case's regulatory clock to 60 days, and its decision.")
RegulatoryClockSchema = record_schema(RegulatoryClock, "RegulatoryClockSchema",
                                      "The clock's state: base, limit in days, paused days, the running pause.")


class ClockSchema(Schema):
    """A case's regulatory clock: its deadline, its state and its 60-day extension requests."""

    case = fields.String(required=True, metadata={"description": "the complaint number"})
    regulatory_due_at = fields.AwareDateTime(required=True)
    paused = fields.Boolean(required=True)
    next_extension_days = fields.Integer(allow_none=True, required=True,
                                         metadata={"description": "30 or 60; null at the last extension"})
    clock = fields.Nested(RegulatoryClockSchema, required=True)
    requests = fields.List(fields.Nested(ClockRequestSchema), required=True)


class ExtendSchema(Schema):
    """Extend to 30 days (granted at once) or ask for 60 days (an approver at the parent unit decides)."""

    to_days = fields.Integer(required=True, validate=validate.OneOf([30, 60]))
    reason = fields.String(required=True, validate=TEXT, metadata={"description": "told to the customer"})


class PauseSchema(Schema):
    """Stop the clock for an external appraisal (鉴定) or a third party's verification (第三方核实)."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in PauseKind]))
    reason = fields.String(required=True, validate=TEXT)
    evidence = fields.String(required=True, validate=TEXT, metadata={"description": "e.g. the appraisal order"})


class ResumeSchema(Schema):
    """Start the clock again (the deadlines move by the paused days)."""

    note = fields.String(load_default="", validate=validate.Length(0, MAX_TEXT))


class RestartSchema(Schema):
    """The customer brought new facts: the clock counts 15 days again from their date."""

    facts_at = fields.AwareDateTime(required=True, metadata={"description": "when the new facts were given"})
    reason = fields.String(required=True, validate=TEXT)


class DecisionSchema(Schema):
    """Approve or reject a 60-day extension request, with an opinion."""

    approve = fields.Boolean(required=True)
    opinion = fields.String(required=True, validate=TEXT)


class RequestListSchema(Schema):
    """Pending 60-day extension requests the caller may decide, oldest first."""

    requests = fields.List(fields.Nested(ClockRequestSchema), required=True)


def clock_of(ref: str | int) -> dict[str, Any]:
    """The clock of a case the caller may see (404 otherwise)."""
    case = engine().cases.detail(ref, api_actor()).case
    view = engine().clock.view(case, api_actor())
    return {"case": case.number, "regulatory_due_at": view.due, "paused": view.clock.paused,
            "next_extension_days": view.next_days, "clock": view.clock, "requests": view.requests}


@bp.get(CLOCK)
@requires("cases:read")
@bp.response(200, ClockSchema)
@problems(bp, 404)
def get_clock(ref: str) -> dict[str, Any]:
    """The case's regulatory clock and its extension requests."""
    return clock_of(case_ref(ref))


@bp.post(f"{CLOCK}/extensions")
@requires("cases:clock")
@bp.arguments(ExtendSchema)
@bp.response(200, ClockSchema)
@problems(bp, 404, 409, 422)
def extend(body: dict[str, Any], ref: str) -> dict[str, Any]:
    """Extend to 30 days, or ask for 60 days (the pending request is in `requests`); 409 when already so long."""
    ref_ = case_ref(ref)
    engine().clock.extend(ref_, body["to_days"], body["reason"], api_actor())
    return clock_of(ref_)


@bp.post(f"{CLOCK}/pause")
@requires("cases:clock")
@bp.arguments(PauseSchema)
@bp.response(200, ClockSchema)
@problems(bp, 404, 409, 422)
def pause(body: dict[str, Any], ref: str) -> dict[str, Any]:
    """Pause the clock (409 `clock_already_paused` on a retry)."""
    ref_ = case_ref(ref)
    engine().clock.pause(ref_, body["kind"], body["reason"], body["evidence"], api_actor())
    return clock_of(ref_)


@bp.post(f"{CLOCK}/resume")
@requires("cases:clock")
@bp.arguments(ResumeSchema)
@bp.response(200, ClockSchema)
@problems(bp, 404, 409, 422)
def resume(body: dict[str, Any], ref: str) -> dict[str, Any]:
    """Resume the clock (409 `clock_not_paused` on a retry)."""
    ref_ = case_ref(ref)
    engine().clock.resume(ref_, body["note"], api_actor())
    return clock_of(ref_)


@bp.post(f"{CLOCK}/restart")
@requires("cases:clock")
@bp.arguments(RestartSchema)
@bp.response(200, ClockSchema)
@problems(bp, 404, 409, 422)
def restart(body: dict[str, Any], ref: str) -> dict[str, Any]:
    """Restart the clock from the customer's new facts."""
    ref_ = case_ref(ref)
    facts_at: datetime = body["facts_at"]
    engine().clock.restart(ref_, facts_at, body["reason"], api_actor())
    return clock_of(ref_)


@bp.get("/clock/requests")
@requires("cases:read")
@bp.response(200, RequestListSchema)
@problems(bp)
def pending_requests() -> dict[str, Any]:
    """The 60-day extension requests waiting for the caller's decision."""
    return {"requests": engine().clock.pending_requests(api_actor())}


@bp.post("/clock/requests/<int:request_id>/decision")
@requires("cases:clock")
@bp.arguments(DecisionSchema)
@bp.response(200, ClockRequestSchema)
@problems(bp, 404, 409, 422)
def decide(body: dict[str, Any], request_id: int) -> ClockRequest:
    """Approve or reject (409 `clock_request_decided` when already decided); the approval extends the clock
    and queues the extension notice."""
    return engine().clock.decide(request_id, body["approve"], body["opinion"], api_actor())
