"""Request and response shapes of the REST API.

The complaint's own field rules live in engine/schemas/complaint.py (used by the service and put into
the OpenAPI document at start-up); these schemas only describe the envelopes around engine records.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING
from datetime import datetime
from enum import Enum
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from flask import current_app, has_app_context
from marshmallow import Schema, fields, validate

from engine.config import DEFAULT_TIMEZONE
from engine.domain.clock import CHINA_TZ, in_zone
from engine.domain.customer_notices import CustomerNotice
from engine.domain.model import AuditEvent, CaseSummary, DefinitionInfo, HumanTask, Notice, TaskStatus
from engine.domain.repeats import SameCustomerCase

TASK_STATUSES = [s.value for s in TaskStatus]


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"description": "a URI reference naming the kind of problem"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "validation messages per field"},
    )
    problems = fields.List(fields.Dict(), metadata={"description": "deploy: each diagram problem"})
    code = fields.String(metadata={"description": "what went wrong, for programs (e.g. message_not_waiting)"})
    params = fields.Dict(metadata={"description": "the values the problem names (case, message, waiting...)"})


def record_schema(record: type, name: str, doc: str, *, exclude: tuple[str, ...] = (),
                  required: tuple[str, ...] = ()) -> type[Schema]:
    """A response schema with a field for each field of the engine's `record` dataclass, so the API's
    shape follows the record: required unless it has a default (or is named in `required`), nullable
    where its type allows None."""
    hints = get_type_hints(record)
    declared: dict[str, fields.Field] = {}
    for item in dataclasses.fields(record):
        if item.name in exclude:
            continue
        nullable, kind = _nullable(hints[item.name])
        has_default = item.default is not MISSING or item.default_factory is not MISSING
        if nullable:
            declared[item.name] = _field(kind, allow_none=True)
        elif not has_default or item.name in required:
            declared[item.name] = _field(kind, required=True)
        else:
            declared[item.name] = _field(kind)
    schema = Schema.from_dict(declared, name=name)
    schema.__doc__ = doc
    return schema


def _nullable(hint: Any) -> tuple[bool, Any]:
    """(True, T) for `T | None`, else (False, hint)."""
    args = get_args(hint)
    if get_origin(hint) in (Union, UnionType) and type(None) in args:
        return True, next(a for a in args if a is not type(None))
    return False, hint


def _field(kind: Any, **options: Any) -> fields.Field:
    """The marshmallow field for a record field's type."""
    if get_origin(kind) is list:
        return fields.List(_field(get_args(kind)[0]), **options)
    if get_origin(kind) is dict or kind is dict:
        return fields.Dict(**options)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return fields.Enum(kind, by_value=True, **options)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return fields.Nested(record_schema(kind, f"{kind.__name__}Schema", kind.__doc__ or ""), **options)
    return _SCALARS[kind](**options)


class BankTime(fields.AwareDateTime):
    """A moment written as ISO 8601 with the offset of the bank's time zone (COMPLAINTFLOW_TIMEZONE)."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | float | None:
        if value is None:
            return None
        zone = current_app.config["COMPLAINTFLOW_TIMEZONE"] if has_app_context() else DEFAULT_TIMEZONE
        return super()._serialize(in_zone(value, zone), attr, obj, **kwargs)


_SCALARS: dict[Any, type[fields.Field]] = {
    str: fields.String, int: fields.Integer, bool: fields.Boolean, datetime: BankTime,
}

TaskSchema = record_schema(HumanTask, "TaskSchema", "A user task as the inbox projection holds it.")
NoticeSchema = record_schema(Notice, "NoticeSchema", "A chase or supervision notice.", required=("id",))
CaseSchema = record_schema(CaseSummary, "CaseSchema",
                           "A case: complaint data (personal data masked), status and both deadlines.")
SameCustomerCaseSchema = record_schema(
    SameCustomerCase, "SameCustomerCaseSchema",
    "Another case of the same complainant (same phone or same ID number, compared by keyed hash): no personal data.")


class OpenedCaseSchema(CaseSchema):  # type: ignore[valid-type,misc]
    """The case just opened, and the complainant's other open and recent cases the caller may see (repeats)."""

    same_customer = fields.List(fields.Nested(SameCustomerCaseSchema), required=True)
AuditEventSchema = record_schema(AuditEvent, "AuditEventSchema", "One line of the case's timeline.",
                                 exclude=("case_id",))
DefinitionSchema = record_schema(DefinitionInfo, "DefinitionSchema", "A deployed version of a process.")
CustomerNoticeSchema = record_schema(
    CustomerNotice, "CustomerNoticeSchema",
    "A notice to the complainant (受理告知 / 延期告知 / 处理结果告知): channel, text (name shortened), masked "
    "address, delivery status, attempts and times.")


class FormFieldSchema(Schema):
    """One field of a task's form."""

    id = fields.String(required=True)
    label = fields.String(required=True)
    type = fields.String(required=True)
    required = fields.Boolean()
    default = fields.String(allow_none=True)
    options = fields.Method("_options")
    readonly = fields.Boolean()

    def _options(self, obj: object) -> list[dict[str, str]]:
        return [{"value": code, "label": label} for code, label in getattr(obj, "options", ())]


class ContextEntrySchema(Schema):
    """An earlier decision the task acts on (the diagram's actsOn), labelled as on the form that produced it."""

    field = fields.String(required=True)
    label = fields.String(required=True)
    step = fields.String(required=True, metadata={"description": "the step whose form produced the value"})
    value = fields.Raw(required=True)
    text = fields.String(required=True, metadata={"description": "the value as shown: option name, 是/否"})


class TaskFormSchema(Schema):
    """A task with the form that completes it, the values it starts from and the decisions it acts on."""

    task = fields.Nested(TaskSchema, required=True)
    form = fields.List(fields.Nested(FormFieldSchema), required=True, attribute="form.fields")
    values = fields.Dict(required=True)
    context = fields.List(fields.Nested(ContextEntrySchema), required=True)


class TaskPageSchema(Schema):
    """One page of tasks."""

    items = fields.List(fields.Nested(TaskSchema), required=True)
    page = fields.Integer(required=True)
    page_size = fields.Integer(required=True)
    has_more = fields.Boolean(required=True)


class TaskQuerySchema(Schema):
    """Filters and paging of the task list."""

    department = fields.String(validate=validate.Length(1, 80))
    assignee = fields.String(validate=validate.Length(1, 80))
    completed_by = fields.String(validate=validate.Length(1, 80))
    status = fields.List(fields.String(validate=validate.OneOf(TASK_STATUSES)),
                         metadata={"description": "repeat for several; default ready and claimed"})
    due_before = fields.AwareDateTime(
        default_timezone=CHINA_TZ,
        validate=validate.Range(datetime(2000, 1, 1, tzinfo=CHINA_TZ), datetime(2200, 1, 1, tzinfo=CHINA_TZ)),
    )
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    page_size = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


FORM_RULES = (
    "The values of the task's form by field id. GET /tasks/{id} lists the form's fields: each required field "
    "must be given (a required text not empty, a required multiple choice with at least one option); values "
    "must have the field's type (string, long, boolean, date, enum, multiple choice as a list without "
    "repeats), be among its options, and keep its length and range limits; read-only fields and unknown "
    "fields are refused. A value breaking a rule is 422 with the field named under `errors`."
)


class CompleteSchema(Schema):
    """The values of the task's form (see GET /tasks/{id} for its fields)."""

    data = fields.Dict(keys=fields.String(), required=True, metadata={"description": FORM_RULES})


class ChaseSchema(Schema):
    """Why the task is chased."""

    reason = fields.String(required=True, validate=validate.Length(1, 500))


class NoticeQuerySchema(Schema):
    """Notice list filter."""

    unread = fields.Boolean(load_default=False)


class CaseDetailSchema(Schema):
    """A case with its open tasks, every task, notices and timeline."""

    case = fields.Nested(CaseSchema, required=True)
    current_tasks = fields.List(fields.Nested(TaskSchema), required=True)
    tasks = fields.List(fields.Nested(TaskSchema), required=True)
    notices = fields.List(fields.Nested(NoticeSchema), required=True)
    customer_notices = fields.List(fields.Nested(CustomerNoticeSchema), required=True)
    timeline = fields.List(fields.Nested(AuditEventSchema), required=True)
    current_elements = fields.List(fields.String(), required=True)
    waiting_messages = fields.List(fields.String(), required=True, metadata={
        "description": "messages the case waits for (deliver one with POST /cases/{ref}/messages)"})


class CustomerNoticeListSchema(Schema):
    """A case's customer notices, oldest first."""

    customer_notices = fields.List(fields.Nested(CustomerNoticeSchema), required=True)


class DeploySchema(Schema):
    """Diagram files to deploy, by file name (.bpmn / .dmn) with their XML text."""

    files = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[\w.\- ]{1,120}\.(bpmn|dmn|bpmn20\.xml|dmn11\.xml)$",
                                                    error="a .bpmn, .bpmn20.xml or .dmn file name")),
        values=fields.String(), required=True, validate=validate.Length(min=1),
    )


class DeployResultSchema(Schema):
    """New versions stored, and processes whose files had not changed."""

    deployed = fields.List(fields.Nested(DefinitionSchema), required=True)
    unchanged = fields.List(fields.String(), required=True)
