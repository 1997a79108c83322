"""/api/v1/urgent: urgent and group complaints (紧急、群体性投诉): the urgent cases the caller follows, one case's
urgent handling, recording the first contact, forming the task force (专项小组), reporting the day's progress.
Visible to those who see the case (a task force's departments included)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain.model import Membership
from engine.domain.urgent import (
    MAX_MEMBERS,
    PERSON_MAX,
    TEXT_MAX,
    ContactMethod,
    NewTaskForce,
    UrgentCase,
)
from webui.api.auth import api_actor, requires
from webui.api.schemas import BankTime
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_urgent", __name__, url_prefix="/api/v1/urgent",
               description="Urgent and group complaints (紧急、群体性投诉)")

MAX_ID = 2**31 - 1
CASE = f"/<int(max={MAX_ID}):case_id>"


class UrgentQueueSchema(Schema):
    """A department of a unit (a queue)."""

    unit = fields.String(required=True, validate=validate.Length(1, 40))
    department = fields.String(required=True, validate=validate.Length(1, 80))


class UrgentFirstContactSchema(Schema):
    """Who first contacted the customer, when and how."""

    by = fields.String(required=True)
    at = BankTime(required=True)
    method = fields.Enum(ContactMethod, by_value=True, required=True)
    note = fields.String(required=True)


class UrgentProgressEntrySchema(Schema):
    """One progress entry of the task force (its China date, who, for which department, what)."""

    id = fields.Integer(required=True)
    day = fields.Date(required=True)
    recorded_at = BankTime(required=True)
    recorded_by = fields.String(required=True)
    unit = fields.String(required=True)
    department = fields.String(required=True)
    text = fields.String(required=True)


class UrgentSchema(Schema):
    """A case's urgent handling: the deadlines (first contact in clock hours, the task force by the end of the
    day), the first contact, the task force (lead among the members), the progress, the chase marks."""

    case_id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    unit = fields.String(required=True)
    grade = fields.String(allow_none=True)
    group = fields.Boolean(required=True)
    received_at = BankTime(required=True)
    registered_at = BankTime(required=True)
    first_contact_due_at = BankTime(required=True)
    task_force_due_at = BankTime(required=True)
    manager = fields.Nested(UrgentQueueSchema, required=True)
    first_contact = fields.Nested(UrgentFirstContactSchema, allow_none=True)
    task_force_at = BankTime(allow_none=True)
    task_force_by = fields.String(allow_none=True)
    lead = fields.Nested(UrgentQueueSchema, allow_none=True)
    lead_person = fields.String(required=True)
    members = fields.List(fields.Nested(UrgentQueueSchema), required=True)
    progress = fields.List(fields.Nested(UrgentProgressEntrySchema), required=True)
    first_contact_chased_at = BankTime(allow_none=True)
    task_force_chased_at = BankTime(allow_none=True)
    progress_checked_through = fields.Date(allow_none=True)
    version = fields.Integer(required=True)


class UrgentQuerySchema(Schema):
    """Open cases only (default), or closed ones too."""

    all = fields.Boolean(load_default=False)


class UrgentContactInputSchema(Schema):
    """The first contact: how, a note, when (default: now)."""

    method = fields.Enum(ContactMethod, by_value=True, required=True)
    note = fields.String(load_default="", validate=validate.Length(0, TEXT_MAX))
    at = fields.AwareDateTime(load_default=None)


class UrgentTaskForceSchema(Schema):
    """The task force's departments, the lead among them, an optional lead person (a user of the lead)."""

    members = fields.List(fields.Nested(UrgentQueueSchema), required=True, validate=validate.Length(1, MAX_MEMBERS))
    lead = fields.Nested(UrgentQueueSchema, required=True)
    lead_person = fields.String(load_default="", validate=validate.Length(0, PERSON_MAX))


class UrgentProgressInputSchema(Schema):
    """Today's progress, for one of the caller's departments in the task force (default: the first)."""

    text = fields.String(required=True, validate=validate.Length(1, TEXT_MAX))
    queue = fields.Nested(UrgentQueueSchema, load_default=None)


def _queue(value: dict[str, str]) -> Membership:
    return Membership(value["unit"], value["department"])


@bp.get("")
@requires("urgent:read")
@bp.arguments(UrgentQuerySchema, location="query")
@bp.response(200, UrgentSchema(many=True))
@problems(bp, 422)
def list_urgent(query: dict[str, Any]) -> list[UrgentCase]:
    """The urgent cases I follow (my task forces and managing queues; readers: their units'), newest first."""
    return engine().urgent.find(api_actor(), open_only=not query["all"])


@bp.get(CASE)
@requires("urgent:read")
@bp.response(200, UrgentSchema)
@problems(bp, 404)
def get_urgent(case_id: int) -> UrgentCase:
    """A case's urgent handling (404: a case I cannot see, or not an urgent or group complaint)."""
    return engine().urgent.get(case_id, api_actor())


@bp.post(f"{CASE}/first-contact")
@requires("urgent:write")
@bp.arguments(UrgentContactInputSchema)
@bp.response(200, UrgentSchema)
@problems(bp, 404, 409, 422)
def first_contact(body: dict[str, Any], case_id: int) -> UrgentCase:
    """Record the first contact with the customer (once)."""
    return engine().urgent.record_first_contact(case_id, body["method"], body["note"], api_actor(), body["at"])


@bp.put(f"{CASE}/task-force")
@requires("urgent:write")
@bp.arguments(UrgentTaskForceSchema)
@bp.response(200, UrgentSchema)
@problems(bp, 404, 409, 422)
def task_force(body: dict[str, Any], case_id: int) -> UrgentCase:
    """Form (or change) the task force; each new member department is notified and sees the case."""
    force = NewTaskForce(tuple(_queue(m) for m in body["members"]), _queue(body["lead"]), body["lead_person"])
    return engine().urgent.form_task_force(case_id, force, api_actor())


@bp.post(f"{CASE}/progress")
@requires("urgent:write")
@bp.arguments(UrgentProgressInputSchema)
@bp.response(200, UrgentSchema)
@problems(bp, 404, 409, 422)
def progress(body: dict[str, Any], case_id: int) -> UrgentCase:
    """Report today's progress (the lead or a member department)."""
    queue = _queue(body["queue"]) if body["queue"] else None
    return engine().urgent.record_progress(case_id, body["text"], api_actor(), queue)
