"""Rectification notices (整改通知单): the record, its life and who may do what with it.

A notice is issued from a complaint by a department of a unit (the issuer) to a responsible department of a
unit in the issuer's subtree, due a number of working days later. The responsible department records the
measures taken and the evidence and submits them; the issuer checks them: accepted closes the notice, returned
sends it back with a reason. Open notices are chased from one working day before their due time, daily on
working days, and supervised once when overdue (engine/services/rectification/sweep.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from engine.domain.authz import may_change, reads_everything, reads_unit
from engine.domain.model import Actor, Membership

# Who issues notices: head office's complaint management, a branch's service management, an outlet's head
# (codes of processes/departments.toml).
ISSUING_DEPARTMENTS = frozenset({"complaint_mgmt", "service_mgmt", "branch_head"})
MAX_WORKDAYS = 60
DEFAULT_WORKDAYS = 10
TEXT_MAX = 4000
NUMBER_MAX = 60


class RectificationStatus(StrEnum):
    """Where a notice is: waiting for measures (also after a return), waiting for the check, closed."""

    OPEN = "open"
    SUBMITTED = "submitted"
    CLOSED = "closed"


@dataclass(frozen=True)
class NewRectification:
    """What the issuer writes on a notice."""

    case_id: int
    unit: str  # the responsible unit
    department: str  # the responsible department
    requirement: str  # what is to be put right
    workdays: int = DEFAULT_WORKDAYS
    number: str = ""  # the notice's own number (the form's 整改通知单编号); the record's id when empty
    issuer_unit: str = ""
    issuer_department: str = ""


@dataclass(frozen=True)
class Rectification:
    """One rectification notice as stored."""

    id: int
    number: str
    case_id: int
    case_number: str
    unit: str
    department: str
    requirement: str
    workdays: int
    issued_at: datetime
    due_at: datetime
    issued_by: str
    issuer_unit: str
    issuer_department: str
    status: RectificationStatus
    measures: str = ""
    evidence: str = ""
    # Attachments (files of evidence) are kept by the attachments store; the notice holds their ids only.
    evidence_files: tuple[str, ...] = ()
    submitted_at: datetime | None = None
    submitted_by: str | None = None
    checked_at: datetime | None = None
    checked_by: str | None = None
    check_note: str = ""
    returns: int = 0
    chases: int = 0
    last_chased_at: datetime | None = None
    supervised_at: datetime | None = None
    closed_at: datetime | None = None
    version: int = 1

    @property
    def queue(self) -> Membership:
        """The responsible (unit, department)."""
        return Membership(self.unit, self.department)

    @property
    def issuer_queue(self) -> Membership:
        """The issuing (unit, department)."""
        return Membership(self.issuer_unit, self.issuer_department)

    def overdue(self, now: datetime) -> bool:
        """Still open (not closed) after its due time."""
        return self.status != RectificationStatus.CLOSED and now > self.due_at

    def closed_on_time(self) -> bool:
        """Closed, and the accepted measures were submitted by the due time."""
        return (self.status == RectificationStatus.CLOSED and self.submitted_at is not None
                and self.submitted_at <= self.due_at)


@dataclass(frozen=True)
class RectificationFilter:
    """Which notices a list shows: by status, overdue only, of one case; and whose: issued from or to a unit of
    `units` (None: any), and, for staff, issued by `issued_by` or from or to one of `queues` (or, for an actor
    without units, one of `departments`); None for those: no limit by them."""

    status: RectificationStatus | None = None
    overdue_at: datetime | None = None
    units: frozenset[str] | None = None
    case_id: int | None = None
    issued_by: str | None = None
    queues: frozenset[Membership] | None = None
    departments: frozenset[str] | None = None
    limit: int = 200


def list_filter(actor: Actor, **wanted: object) -> RectificationFilter:
    """The filter of the notices `actor` may see (what may_see admits), narrowed by `wanted`."""
    if reads_everything(actor):
        return RectificationFilter(units=actor.oversees, **wanted)  # type: ignore[arg-type]
    if actor.memberships:
        return RectificationFilter(issued_by=actor.username, queues=frozenset(actor.memberships),
                                   **wanted)  # type: ignore[arg-type]
    return RectificationFilter(issued_by=actor.username, departments=frozenset(actor.departments),
                               **wanted)  # type: ignore[arg-type]


def _member(actor: Actor, queue: Membership) -> bool:
    """In the (unit, department) queue; an actor without units (an API key, the shell): in the department."""
    if actor.memberships:
        return queue in actor.memberships
    return queue.department in actor.departments


def may_see(actor: Actor, notice: Rectification) -> bool:
    """The issuer and the responsible queue, their members, and readers of either unit."""
    return (actor.username == notice.issued_by or _member(actor, notice.queue)
            or _member(actor, notice.issuer_queue)
            or reads_unit(actor, notice.unit) or reads_unit(actor, notice.issuer_unit))


def may_submit(actor: Actor, notice: Rectification) -> bool:
    """Measures and evidence come from the responsible queue."""
    return may_change(actor) and _member(actor, notice.queue)


def may_check(actor: Actor, notice: Rectification) -> bool:
    """The issuer, or another member of the issuing queue, accepts or returns."""
    return may_change(actor) and (actor.username == notice.issued_by or _member(actor, notice.issuer_queue))


def issuing_queues(actor: Actor) -> list[Membership]:
    """The (unit, department) queues of an issuing department the actor is a member of (if they may act)."""
    if not may_change(actor):
        return []
    return sorted((m for m in actor.memberships if m.department in ISSUING_DEPARTMENTS), key=str)


def may_issue(actor: Actor) -> bool:
    """A member of an issuing department's queue; an actor without units (an API key, the shell): of the
    department."""
    if actor.memberships:
        return bool(issuing_queues(actor))
    return may_change(actor) and bool(actor.departments & ISSUING_DEPARTMENTS)
