"""/api/v1/rectifications: rectification notices (整改通知单): issue from a case, list and read, record the measures
and evidence, the issuer's check. Visible to the issuing and responsible queues and to readers of their units."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.rectification import (
    DEFAULT_WORKDAYS,
    MAX_WORKDAYS,
    NUMBER_MAX,
    TEXT_MAX,
    NewRectification,
    Rectification,
    RectificationStatus,
)
from webui.api.auth import api_actor, requires
from webui.api.schemas import record_schema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_rectifications", __name__, url_prefix="/api/v1/rectifications",
               description="Rectification notices (整改通知单)")

MAX_ID = 2**31 - 1
NOTICE = f"/<int(max={MAX_ID}):notice_id>"

RectificationSchema = record_schema(
    Rectification, "RectificationSchema",
    "A rectification notice: the case, the responsible unit and department, the due time (working days after "
    "issue), the measures and evidence, the issuer's check, chases and supervision.",
    exclude=("evidence_files",))


class RectificationQuerySchema(Schema):
    """Which notices: by status, only overdue ones, or those of one case."""

    status = fields.Enum(RectificationStatus, by_value=True, load_default=None)
    overdue = fields.Boolean(load_default=False)
    case_id = fields.Integer(load_default=None, validate=validate.Range(1, MAX_ID))


class IssueSchema(Schema):
    """A new notice; the issuing queue defaults to the caller's only one."""

    case_id = fields.Integer(required=True, validate=validate.Range(1, MAX_ID))
    unit = fields.String(required=True, validate=validate.Length(1, 40))
    department = fields.String(required=True, validate=validate.Length(1, 80))
    requirement = fields.String(required=True, validate=validate.Length(1, TEXT_MAX))
    workdays = fields.Integer(load_default=DEFAULT_WORKDAYS, validate=validate.Range(1, MAX_WORKDAYS))
    number = fields.String(load_default="", validate=validate.Length(0, NUMBER_MAX))
    issuer_unit = fields.String(load_default="", validate=validate.Length(0, 40))
    issuer_department = fields.String(load_default="", validate=validate.Length(0, 80))


class SubmitSchema(Schema):
    """The measures taken and the evidence."""

    measures = fields.String(required=True, validate=validate.Length(1, TEXT_MAX))
    evidence = fields.String(required=True, validate=validate.Length(1, TEXT_MAX))


class CheckSchema(Schema):
    """The issuer's check: accepted closes the notice; returned needs a note."""

    accepted = fields.Boolean(required=True)
    note = fields.String(load_default="", validate=validate.Length(0, TEXT_MAX))


@bp.get("")
@requires("rectifications:read")
@bp.arguments(RectificationQuerySchema, location="query")
@bp.response(200, RectificationSchema(many=True))
@problems(bp, 422)
def list_rectifications(query: dict[str, Any]) -> list[Rectification]:
    """The notices I may see, soonest due first."""
    return engine().rectifications.find(api_actor(), query["status"], query["overdue"], query["case_id"])


@bp.post("")
@requires("rectifications:write")
@bp.arguments(IssueSchema)
@bp.response(201, RectificationSchema)
@problems(bp, 404, 422)
def issue(body: dict[str, Any]) -> Rectification:
    """Issue a notice from a case I see, to a department of a unit in my unit's subtree."""
    return engine().rectifications.issue(NewRectification(**body), api_actor())


@bp.get(NOTICE)
@requires("rectifications:read")
@bp.response(200, RectificationSchema)
@problems(bp, 404)
def get_rectification(notice_id: int) -> Rectification:
    """One notice."""
    return engine().rectifications.get(notice_id, api_actor())


@bp.post(f"{NOTICE}/submit")
@requires("rectifications:write")
@bp.arguments(SubmitSchema)
@bp.response(200, RectificationSchema)
@problems(bp, 404, 409, 422)
def submit(body: dict[str, Any], notice_id: int) -> Rectification:
    """The responsible queue records the measures and evidence for the issuer's check."""
    return engine().rectifications.submit(notice_id, body["measures"], body["evidence"], api_actor())


@bp.post(f"{NOTICE}/check")
@requires("rectifications:write")
@bp.arguments(CheckSchema)
@bp.response(200, RectificationSchema)
@problems(bp, 404, 409, 422)
def check(body: dict[str, Any], notice_id: int) -> Rectification:
    """The issuer accepts (closed) or returns (open again, with the note)."""
    return engine().rectifications.check(notice_id, body["accepted"], body["note"], api_actor())
