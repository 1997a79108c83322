"""Plain records the services hand out: cases, tasks, notices, users, definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import field as dataclass_field  # ContextEntry has a member named `field`
from datetime import datetime
from enum import StrEnum
from typing import Any

from engine.domain.customer_notices import CustomerNotice
from engine.domain.step_records import StepRecord


class Role(StrEnum):
    """What a user may do; a user has one or more."""

    STAFF = "staff"
    SUPERVISOR = "supervisor"
    PROCESS_OWNER = "process_owner"
    ADMIN = "admin"
    AUDITOR = "auditor"


class CaseStatus(StrEnum):
    """Where a case is in its life."""

    OPEN = "open"
    CLOSED = "closed"
    FAILED = "failed"  # its workflow could not start: the complaint is kept, supervisors see why
    MERGED = "merged"  # a repeat complaint merged into an earlier case: handled (and timed) there


class TaskStatus(StrEnum):
    """A human task row: waiting in a queue, claimed by someone, or finished."""

    READY = "ready"
    CLAIMED = "claimed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class TimerKind(StrEnum):
    """What a boundary timer means to the business."""

    CHASE = "chase"
    SUPERVISE = "supervise"
    OTHER = "other"


class NoticeKind(StrEnum):
    """Why a notice was sent."""

    CHASE = "chase"
    SUPERVISION = "supervision"
    MENTION = "mention"  # a comment on the case mentions the department
    REASSIGN = "reassign"  # a supervisor handed a task to someone: they are told
    TASK_FORCE = "task_force"  # the department was made a member of an urgent case's task force (专项小组)


SYSTEM = "system"


@dataclass(frozen=True, order=True)
class Membership:
    """A person's place in the bank: a department of a unit, written `UNIT:DEPARTMENT`."""

    unit: str
    department: str

    def __str__(self) -> str:
        return f"{self.unit}:{self.department}"


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, an API client or the system itself."""

    username: str
    departments: frozenset[str] = frozenset()
    roles: frozenset[Role] = frozenset()
    # (unit, department) pairs of a person; `departments` are their department codes.
    memberships: frozenset[Membership] = frozenset()
    # The units whose work a supervisor reads (their units' subtrees); None: no limit by unit.
    oversees: frozenset[str] | None = None

    def has(self, role: Role) -> bool:
        """True when the actor holds `role`."""
        return role in self.roles

@dataclass(frozen=True)
class FormField:
    """One field of a user task's form, as defined in the diagram."""

    id: str
    label: str
    type: str
    required: bool = False
    default: str | None = None
    options: tuple[tuple[str, str], ...] = ()
    constraints: tuple[tuple[str, str], ...] = ()
    readonly: bool = False
    # An enum with camunda:property multiple="true": the value is a list of option ids (checkboxes).
    multiple: bool = False
    # A string with camunda:property unitKind="outlet": the code of a unit of that kind in the tree.
    unit_kind: str | None = None


@dataclass(frozen=True)
class FormSpec:
    """A user task's form."""

    key: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class UserTaskSpec:
    """What the engine needs to know of a user task besides Spiff's own spec."""

    bpmn_id: str
    name: str
    department: str
    lane: str | None
    form: FormSpec
    # Set when candidateGroups is `${var}`: the department code is read from the task's data.
    department_variable: str | None = None
    # Set when the candidate group names a level of the tree (`branch:service_mgmt`): a unit kind.
    level: str | None = None
    # Set when the candidate group names the unit at run time (`${forward_unit}:branch_manager`).
    unit_variable: str | None = None
    # The earlier decisions the step acts on (form field ids of other steps; camunda:property actsOn).
    acts_on: tuple[str, ...] = ()
    # The assignee must contact the customer (camunda:property contactsCustomer="true"): they may reveal the
    # customer's phone for this task, each reveal audited.
    contacts_customer: bool = False
    # The record completing the step creates (camunda:property createsRecord; engine/domain/step_records.py).
    creates_record: StepRecord | None = None


@dataclass(frozen=True)
class ContextEntry:
    """An earlier decision a step acts on: its value, and its label on the form of the step that produced it."""

    field: str
    label: str
    step: str  # the name of the step whose form produced the value
    value: Any
    text: str  # the value as shown: an option's name, 是/否, or the value itself
    # The field of the producing step's form (type, options), for readers in another language.
    form_field: FormField | None = dataclass_field(default=None, compare=False)


@dataclass
class HumanTask:
    """A row of the inbox projection."""

    id: str
    case_id: int
    case_number: str
    process_key: str
    bpmn_id: str
    title: str
    department: str
    lane: str | None
    status: TaskStatus
    assignee: str | None
    created_at: datetime
    due_at: datetime | None
    grade: str | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    chase_count: int = 0
    unit: str = ""  # the organisation unit whose department queue holds the task
    regulatory_due_at: datetime | None = None  # the case's regulatory deadline (lists mark it when passed)
    internal_due_at: datetime | None = None  # the case's internal deadline (the supervisor desk marks it too)


@dataclass
class AuditEvent:
    """One line of a case's timeline."""

    id: int
    at: datetime
    actor: str
    action: str
    case_id: int | None
    task_id: str | None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Notice:
    """A chase or supervision notice addressed to a department (and maybe a person); id 0 until stored."""

    kind: NoticeKind
    case_id: int
    case_number: str
    task_id: str | None
    department: str
    addressee: str | None
    sender: str
    reason: str
    created_at: datetime
    id: int = 0
    read_at: datetime | None = None
    unit: str = ""  # the unit of the task (or case) the notice concerns


@dataclass(frozen=True)
class NoticeAudience:
    """Whose notices an actor reads: those addressed to them by name, and those to their departments
    within their (unit, department) queues (`queues`, staff) and within `units` (a supervisor's
    subtrees); None for either means no limit by it. engine/domain/authz.py decides; queries mirror it."""

    addressee: str
    departments: frozenset[str]
    queues: frozenset[Membership] | None = None
    units: frozenset[str] | None = None

    def admits(self, notice: Notice) -> bool:
        """True when the notice is addressed to this audience."""
        if notice.addressee == self.addressee:
            return True
        return (notice.department in self.departments
                and (self.queues is None or Membership(notice.unit, notice.department) in self.queues)
                and (self.units is None or notice.unit in self.units))


@dataclass(frozen=True)
class ApiKey:
    """A calling system's API key as everyone sees it: never its secret, nor the secret's hash."""

    name: str
    prefix: str
    scopes: list[str]
    departments: list[str]
    roles: list[str]
    created_at: datetime
    created_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        """True until revoked."""
        return self.revoked_at is None


@dataclass(frozen=True)
class CaseFailure:
    """Why a case's workflow last failed: the element, a code and its parameters (translated for people)."""

    element: str | None
    code: str
    params: dict[str, Any]
    message: str
    during: str  # "intake", "task" or "timer"
    at: datetime

    def as_record(self) -> dict[str, Any]:
        """The failure as stored on the case row (JSON)."""
        return {"element": self.element, "code": self.code, "params": self.params,
                "message": self.message, "during": self.during}


@dataclass
class CaseSummary:
    """A case as lists and the case page see it (from projections only)."""

    id: int
    number: str
    process_key: str
    definition_version: int
    status: CaseStatus
    complaint: dict[str, Any]
    received_at: datetime
    received_by: str
    organisation: str
    grade: str | None
    internal_due_at: datetime | None
    regulatory_due_at: datetime | None
    supervised: bool
    closed_at: datetime | None
    version: int
    calendar_warning: str | None = None
    regulatory_extensions: list[dict[str, Any]] = field(default_factory=list)
    failure: CaseFailure | None = None
    unit: str = ""  # the organisation unit that received the case
    merged_into_id: int | None = None  # a repeat merged into that earlier case (status MERGED)
    review_of_id: int | None = None  # a review case (核查) of that decided case


@dataclass
class CaseDetail:
    """Everything the case page shows."""

    case: CaseSummary
    tasks: list[HumanTask]
    timeline: list[AuditEvent]
    notices: list[Notice]
    completed_elements: list[str]
    current_elements: list[str]
    customer_notices: list[CustomerNotice] = field(default_factory=list)


@dataclass
class DefinitionInfo:
    """A deployed process definition version."""

    id: int
    process_key: str
    version: int
    content_hash: str
    deployed_at: datetime
    deployed_by: str
    files: list[str]
    running_cases: int = 0


@dataclass
class UserInfo:
    """A user account as lists show it (never the password hash)."""

    username: str
    display_name: str
    memberships: list[Membership]
    roles: list[str]
    active: bool
