"""Plain records passed between repositories and services (no SQLAlchemy types leak out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from engine.domain.model import Membership


@dataclass
class StoredDefinition:
    """A deployed definition version with its files."""

    id: int
    process_key: str
    name: str
    version: int
    content_hash: str
    files: dict[str, str]
    deployed_at: datetime
    deployed_by: str


@dataclass
class StoredCase:
    """A case loaded for change: its state and the version it was read at."""

    id: int
    number: str
    definition_id: int
    process_key: str
    status: str
    version: int
    state: str
    complaint: dict[str, Any]
    received_at: datetime
    grade: str | None
    supervised: bool
    unit: str = ""  # the receiving organisation unit


@dataclass
class NewCase:
    """What opening a case stores."""

    definition_id: int
    process_key: str
    complaint: dict[str, Any]
    channel: str
    organisation: str
    grade: str | None
    category: str | None
    cause: str | None
    received_at: datetime
    received_by: str
    internal_due_at: datetime | None
    regulatory_due_at: datetime | None
    calendar_warning: str | None
    now: datetime
    unit: str = ""


@dataclass
class CaseProjection:
    """Everything written back to a case row after its workflow ran."""

    state: str
    status: str
    process_data: dict[str, Any]
    completed_elements: list[str]
    current_elements: list[str]
    now: datetime
    closed_at: datetime | None = None
    supervised: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TaskProjection:
    """A ready user task as the inbox stores it."""

    id: str
    bpmn_id: str
    title: str
    department: str
    lane: str | None
    due_at: datetime | None
    unit: str = ""


@dataclass
class TimerProjection:
    """An armed timer as the sweep stores it."""

    task_id: str
    bpmn_id: str
    kind: str
    attached_task_id: str | None
    fire_at: datetime


@dataclass
class DueTimer:
    """A due timer row the sweep found, with the version of its case when it was read."""

    id: int
    case_id: int
    bpmn_id: str
    kind: str
    attempts: int
    fire_at: datetime
    case_version: int


Claim = Literal["held", "changed", "claimed"]
"""What the sweep's claim on a due timer's case got: another transaction holds the case (skip it), the case or
the timer changed since the timer was read (read it again), or the case is locked for this transaction."""


@dataclass
class StoredUser:
    """A user with the password hash (services only; never shown)."""

    id: int
    username: str
    display_name: str
    password_hash: str
    memberships: list[Membership]
    roles: list[str]
    email: str | None
    active: bool

    @property
    def departments(self) -> frozenset[str]:
        """The departments the user is a member of, in any unit."""
        return frozenset(m.department for m in self.memberships)


@dataclass
class CaseFactRecord:
    """The report facts of one case (the case_fact row); amounts in fen, durations in minutes."""

    case_id: int
    process_key: str
    organisation: str
    channel: str
    category: str | None
    cause: str | None
    grade: str | None
    product: str | None
    received_at: datetime
    received_month: str
    received_day: int
    customer_key: str | None
    internal_due_at: datetime | None = None
    regulatory_due_at: datetime | None = None
    regulatory_extensions: int = 0
    amount_cents: int = 0
    compensation_cents: int = 0
    resolved_on_spot: bool = False
    replied_at: datetime | None = None
    reply_workday_minutes: int | None = None
    reply_minutes: int | None = None
    satisfaction: str | None = None
    rework_returns: int = 0
    review_requested: bool = False
    review_overturned: bool = False
    rectification_issued: bool = False
    rectification_closed: bool = False
    root_cause: str | None = None
    closed_at: datetime | None = None
    unit: str = ""  # the case's organisation unit (where it currently is)


@dataclass(frozen=True)
class ReportScope:
    """Which cases a report covers: received on China days first_day..last_day (days since 1970-01-01,
    both included) = moments [received_from, received_before), one organisation or all, of the organisation
    units in `units` (None: every unit)."""

    first_day: int
    last_day: int
    received_from: datetime
    received_before: datetime
    organisation: str | None
    now: datetime
    units: frozenset[str] | None = None


@dataclass(frozen=True)
class StoredIdempotencyKey:
    """The case a caller's Idempotency-Key opened, and a fingerprint of the request that did it."""

    caller: str
    key: str
    fingerprint: str
    case_id: int


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: how many events it checked and the first broken link, if any."""

    checked: int
    broken_at: int | None = None  # the place (seq) of the first bad link; for an unsealed event its id
    problem: str | None = None
    anchor: str | None = None  # the newest anchor as `id:hash`, to keep outside the database

    @property
    def intact(self) -> bool:
        return self.problem is None
