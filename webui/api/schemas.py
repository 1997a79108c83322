"""Request and response shapes of the REST API.

The complaint's own field rules live in engine/schemas/complaint.py (used by the service and put into
the OpenAPI document at start-up); these schemas only describe the envelopes around engine records.
"""

from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, fields, validate

from engine.domain.clock import CHINA_TZ
from engine.domain.model import CaseStatus, NoticeKind, TaskStatus

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


class TaskSchema(Schema):
    """A user task as the inbox projection holds it."""

    id = fields.String(required=True)
    case_id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    process_key = fields.String(required=True)
    bpmn_id = fields.String(required=True)
    title = fields.String(required=True)
    department = fields.String(required=True)
    lane = fields.String(allow_none=True)
    status = fields.Enum(TaskStatus, by_value=True, required=True)
    assignee = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    due_at = fields.AwareDateTime(allow_none=True)
    grade = fields.String(allow_none=True)
    completed_at = fields.AwareDateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    chase_count = fields.Integer()


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


class TaskFormSchema(Schema):
    """A task with the form that completes it and the values it starts from."""

    task = fields.Nested(TaskSchema, required=True)
    form = fields.List(fields.Nested(FormFieldSchema), required=True, attribute="form.fields")
    values = fields.Dict(required=True)


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


class NoticeSchema(Schema):
    """A chase or supervision notice."""

    id = fields.Integer(required=True)
    kind = fields.Enum(NoticeKind, by_value=True, required=True)
    case_id = fields.Integer(required=True)
    case_number = fields.String(required=True)
    task_id = fields.String(allow_none=True)
    department = fields.String(required=True)
    addressee = fields.String(allow_none=True)
    sender = fields.String(required=True)
    reason = fields.String(required=True)
    created_at = fields.AwareDateTime(required=True)
    read_at = fields.AwareDateTime(allow_none=True)


class NoticeQuerySchema(Schema):
    """Notice list filter."""

    unread = fields.Boolean(load_default=False)


class CaseSchema(Schema):
    """A case: complaint data (personal data masked), status and both deadlines."""

    id = fields.Integer(required=True)
    number = fields.String(required=True)
    process_key = fields.String(required=True)
    definition_version = fields.Integer(required=True)
    status = fields.Enum(CaseStatus, by_value=True, required=True)
    complaint = fields.Dict(required=True)
    received_at = fields.AwareDateTime(required=True)
    received_by = fields.String(required=True)
    organisation = fields.String(required=True)
    grade = fields.String(allow_none=True)
    internal_due_at = fields.AwareDateTime(allow_none=True)
    regulatory_due_at = fields.AwareDateTime(allow_none=True)
    supervised = fields.Boolean(required=True)
    closed_at = fields.AwareDateTime(allow_none=True)
    version = fields.Integer(required=True)
    calendar_warning = fields.String(allow_none=True)
    regulatory_extensions = fields.List(fields.Dict())


class AuditEventSchema(Schema):
    """One line of the case's timeline."""

    id = fields.Integer(required=True)
    at = fields.AwareDateTime(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    task_id = fields.String(allow_none=True)
    data = fields.Dict()


class CaseDetailSchema(Schema):
    """A case with its open tasks, every task, notices and timeline."""

    case = fields.Nested(CaseSchema, required=True)
    current_tasks = fields.List(fields.Nested(TaskSchema), required=True)
    tasks = fields.List(fields.Nested(TaskSchema), required=True)
    notices = fields.List(fields.Nested(NoticeSchema), required=True)
    timeline = fields.List(fields.Nested(AuditEventSchema), required=True)
    current_elements = fields.List(fields.String(), required=True)


class DefinitionSchema(Schema):
    """A deployed version of a process."""

    id = fields.Integer(required=True)
    process_key = fields.String(required=True)
    version = fields.Integer(required=True)
    content_hash = fields.String(required=True)
    deployed_at = fields.AwareDateTime(required=True)
    deployed_by = fields.String(required=True)
    files = fields.List(fields.String(), required=True)
    running_cases = fields.Integer()


class DeploySchema(Schema):
    """Diagram files to deploy, by file name (.bpmn / .dmn) with their XML text."""

    files = fields.Dict(
        keys=fields.String(validate=validate.Regexp(r"^[\w.\- ]{1,120}\.(bpmn|dmn)$",
                                                    error="a .bpmn or .dmn file name")),
        values=fields.String(), required=True, validate=validate.Length(min=1),
    )


class DeployResultSchema(Schema):
    """New versions stored, and processes whose files had not changed."""

    deployed = fields.List(fields.Nested(DefinitionSchema), required=True)
    unchanged = fields.List(fields.String(), required=True)
