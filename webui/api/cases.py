"""/api/v1/cases: open a complaint (safe to retry with an Idempotency-Key) and read a case."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.errors import NotFound, ValidationFailed
from engine.domain.masking import mask_complaint
from engine.domain.model import CaseDetail, CaseStatus, TaskStatus
from engine.services.messages import DeliveredMessage
from webui.api.auth import api_actor, requires
from webui.api.schemas import CaseDetailSchema, CaseSchema, CustomerNoticeListSchema, OpenedCaseSchema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_cases", __name__, url_prefix="/api/v1/cases", description="Complaints (工单) and cases")

IDEMPOTENCY_HEADER = "Idempotency-Key"
OPEN_STATUSES = (TaskStatus.READY, TaskStatus.CLAIMED)


class OpenCaseHeaders(Schema):
    """Headers of the open-complaint request."""

    idempotency_key = fields.String(
        data_key=IDEMPOTENCY_HEADER, validate=validate.Regexp(r"^[\x21-\x7e]{1,200}$"),
        metadata={"description": "any unique string (e.g. a UUID), 1-200 printable ASCII characters; "
                                 "a retry with the same key returns the first case"},
    )


class OpenCaseQuery(Schema):
    """Which process to start (default: the one of the complaint's receiving organisation)."""

    process = fields.String(validate=validate.Length(1, 120))
    unit = fields.String(validate=validate.Length(1, 40), metadata={
        "description": "the receiving organisation unit's code (see `complaintflow units`); default: "
                       "the caller's unit, the head office for an API key"})


COMPLAINT_BODY = {
    "required": True,
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Complaint"}}},
}


@bp.post("")
@requires("cases:write")
@bp.arguments(OpenCaseHeaders, location="headers", as_kwargs=True)
@bp.arguments(OpenCaseQuery, location="query", as_kwargs=True)
@bp.doc(requestBody=COMPLAINT_BODY)
@bp.response(201, OpenedCaseSchema)
@problems(bp, 400, 404, 409, 415, 422)
def open_case(
    idempotency_key: str | None = None, process: str | None = None, unit: str | None = None
) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Open a complaint: validated by the complaint schema, numbered, started on its process. The answer
    lists the complainant's other open and recent cases (`same_customer`): a repeat may be merged."""
    raw = complaint_body()
    if idempotency_key:
        case, replayed = engine().cases.open_case_once(process, raw, api_actor(), idempotency_key, unit)
    else:
        case, replayed = engine().cases.open_case(process, raw, api_actor(), unit), False
    case.complaint = mask_complaint(case.complaint)  # full values only on the case page, each view audited
    headers = {"Location": f"/api/v1/cases/{case.number}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    return {**vars(case), "same_customer": engine().repeats.same_customer(case.id, api_actor())}, 201, headers


def complaint_body() -> dict[str, Any]:
    """The JSON object of the request (415 when not JSON, 400 when malformed)."""
    body = request.get_json()
    if not isinstance(body, dict):
        raise ValidationFailed({"_schema": ["the body must be a JSON object with the complaint's fields"]})
    return body


def case_ref(ref: str) -> str | int:
    """An id (ASCII digits that fit a database integer) or else a complaint number."""
    if ref.isdigit():
        if not ref.isascii() or len(ref) > 9:
            raise NotFound(f"case {ref} not found")
        return int(ref)
    return ref


@bp.get("/<string:ref>")
@requires("cases:read")
@bp.response(200, CaseDetailSchema)
@problems(bp, 404)
def get_case(ref: str) -> dict[str, Any]:
    """A case by complaint number (or id): data, status, due times, current tasks, timeline."""
    detail: CaseDetail = engine().cases.detail(case_ref(ref), api_actor())
    return {
        "case": detail.case,
        "current_tasks": [t for t in detail.tasks if t.status in OPEN_STATUSES],
        "tasks": detail.tasks,
        "notices": detail.notices,
        "customer_notices": detail.customer_notices,
        "timeline": detail.timeline,
        "current_elements": detail.current_elements,
        "waiting_messages": engine().messages.waiting(detail.case.id, detail.current_elements)
        if detail.case.status == CaseStatus.OPEN else [],
    }


class MessageSchema(Schema):
    """A message for a case: its name (as in the diagram's message) and data that become case variables."""

    message = fields.String(required=True, validate=validate.Length(1, 200),
                            metadata={"description": "the message's name, e.g. customer supplied documents"})
    data = fields.Dict(keys=fields.String(), load_default=dict,
                       metadata={"description": "variables the case receives with the message"})


class DeliveredSchema(Schema):
    """What a delivered message did."""

    case = fields.Nested(CaseSchema, required=True)
    message = fields.String(required=True)
    waiting_before = fields.List(fields.String(), required=True,
                                 metadata={"description": "messages the case waited for before"})
    waiting_after = fields.List(fields.String(), required=True,
                                metadata={"description": "messages the case waits for now"})


@bp.post("/<string:ref>/messages")
@requires("cases:message")
@bp.arguments(MessageSchema)
@bp.response(200, DeliveredSchema)
@problems(bp, 404, 409, 422)
def send_message(body: dict[str, Any], ref: str) -> DeliveredMessage:
    """Deliver a named message to the case's events waiting for it (409 `message_not_waiting` naming what the
    case waits for when none is); the case runs on to its next wait."""
    delivered = engine().messages.send(case_ref(ref), body["message"], body["data"], api_actor())
    delivered.case.complaint = mask_complaint(delivered.case.complaint)
    return delivered


@bp.get("/<string:ref>/customer-notices")
@requires("cases:read")
@bp.response(200, CustomerNoticeListSchema)
@problems(bp, 404)
def customer_notices(ref: str) -> dict[str, Any]:
    """The notices sent to the complainant (受理告知, 延期告知, 处理结果告知) with channel and delivery status."""
    return {"customer_notices": engine().customer_notices.for_case(case_ref(ref), api_actor())}
