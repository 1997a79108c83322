"""Urgent and group complaints (紧急、群体性投诉): first contact within hours, a task force (专项小组) the same
working day, a progress entry every working day until closure, the case supervised throughout (DOMAIN.md:
"urgent and group complaints: first contact within hours, a task force the same day, daily progress"; the
procedures: 「对于重大、复杂或群体性投诉，可考虑成立临时专项处理小组」).

Times: the first contact is due a number of CLOCK hours after receipt (sla.toml `[urgent] first_contact_hours`;
an urgent complaint does not wait for Monday); the task force is due by the end (24:00 China time) of the first
working day on or after the day of receipt; a progress entry is due for every working day after the later of the
receipt day and the day the task force was formed, and a missed one is chased the next working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from engine.domain.authz import may_change, reads_unit
from engine.domain.calendar import BusinessCalendar
from engine.domain.clock import CHINA_TZ, to_china
from engine.domain.model import Actor, Membership
from engine.domain.organisation import OrganisationTree

URGENT_GRADES = frozenset({"urgent"})
# Who forms a task force: an outlet's head, a branch's service management, head office's complaint management;
# the case's managing queue is the first of these found at the case's unit or up the tree.
MANAGING_ORDER = ("branch_head", "service_mgmt", "complaint_mgmt")
FORMING_DEPARTMENTS = frozenset(MANAGING_ORDER)
MIN_MEMBERS = 2  # "several departments": the lead and at least one more
MAX_MEMBERS = 20
TEXT_MAX = 2000
PERSON_MAX = 80
MAX_FIRST_CONTACT_HOURS = 24
DEFAULT_FIRST_CONTACT_HOURS = 2


class ContactMethod(StrEnum):
    """How the customer (or the group's representatives) was first contacted."""

    PHONE = "phone"
    VISIT = "visit"
    MEETING = "meeting"
    SMS = "sms"
    OTHER = "other"


def is_urgent(grade: str | None, is_group: bool) -> bool:
    """An urgent-grade complaint or one flagged a group complaint (群体性投诉)."""
    return grade in URGENT_GRADES or bool(is_group)


def managing_queue(tree: OrganisationTree, unit: str) -> Membership:
    """The queue that forms the case's task force and answers for it until then: the outlet head of the case's unit,
    else the service management of its branch, else head office's complaint management."""
    for department in MANAGING_ORDER:
        found = tree.with_department(unit, department)
        if found is not None:
            return Membership(found.code, department)
    return Membership(tree.root.code, MANAGING_ORDER[-1])


def first_contact_due(received_at: datetime, hours: int) -> datetime:
    """Clock hours after receipt (nights, weekends and holidays count)."""
    return received_at + timedelta(hours=hours)


def task_force_due(received_at: datetime, calendar: BusinessCalendar) -> datetime:
    """The end (24:00 China time) of the first working day on or after the day of receipt."""
    day = to_china(received_at).date()
    while not calendar.is_workday(day):
        day += timedelta(days=1)
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=CHINA_TZ)


def missed_progress_days(after: date, through: date, recorded: Iterable[date],
                         calendar: BusinessCalendar) -> list[date]:
    """The working days in (`after`, `through`] without a progress entry."""
    have = set(recorded)
    days, day = [], after + timedelta(days=1)
    while day <= through:
        if calendar.is_workday(day) and day not in have:
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class ProgressEntry:
    """One day's progress of the task force (每日进展)."""

    id: int
    day: date  # the China date it was recorded on
    recorded_at: datetime
    recorded_by: str
    unit: str
    department: str
    text: str


@dataclass(frozen=True)
class FirstContact:
    """Who contacted the customer first, when and how."""

    by: str
    at: datetime
    method: ContactMethod
    note: str = ""


@dataclass(frozen=True)
class NewTaskForce:
    """A task force as formed: its member departments (the lead among them) and an optional lead person."""

    members: tuple[Membership, ...]
    lead: Membership
    lead_person: str = ""


@dataclass(frozen=True)
class UrgentCase:
    """The urgent handling of one case: its deadlines, the first contact, the task force, the progress."""

    case_id: int
    case_number: str
    unit: str
    grade: str | None
    group: bool
    received_at: datetime
    first_contact_due_at: datetime
    task_force_due_at: datetime
    registered_at: datetime
    manager: Membership  # the managing queue (managing_queue): forms the task force, sees the case
    first_contact: FirstContact | None = None
    task_force_at: datetime | None = None
    task_force_by: str | None = None
    lead: Membership | None = None
    lead_person: str = ""
    members: tuple[Membership, ...] = ()
    progress: tuple[ProgressEntry, ...] = ()
    first_contact_chased_at: datetime | None = None
    task_force_chased_at: datetime | None = None
    progress_checked_through: date | None = None
    version: int = 1

    def first_contact_overdue(self, now: datetime) -> bool:
        """No first contact recorded and its due time passed."""
        return self.first_contact is None and now > self.first_contact_due_at

    def first_contact_late(self) -> bool:
        """The first contact was recorded after its due time."""
        return self.first_contact is not None and self.first_contact.at > self.first_contact_due_at

    def task_force_overdue(self, now: datetime) -> bool:
        """No task force yet and its due time passed."""
        return self.task_force_at is None and now > self.task_force_due_at

    def progress_due_after(self) -> date | None:
        """Progress is due on the working days after this date (None: no task force yet)."""
        if self.task_force_at is None:
            return None
        return max(to_china(self.received_at).date(), to_china(self.task_force_at).date())

    def missed_days(self, today: date, calendar: BusinessCalendar) -> list[date]:
        """The working days before `today` (and after progress became due) without an entry."""
        after = self.progress_due_after()
        if after is None:
            return []
        return missed_progress_days(after, today - timedelta(days=1), (p.day for p in self.progress), calendar)


def _member(actor: Actor, queues: Iterable[Membership]) -> bool:
    """In one of the (unit, department) queues; an actor without units (an API key, the shell): in a department."""
    wanted = set(queues)
    if actor.memberships:
        return bool(actor.memberships & wanted)
    return bool(actor.departments & {q.department for q in wanted})


def is_task_force_member(actor: Actor, urgent: UrgentCase) -> bool:
    """A member of one of the task force's departments."""
    return _member(actor, urgent.members)


def may_form_task_force(actor: Actor) -> bool:
    """Complaint management, service management or an outlet head (not an auditor)."""
    return may_change(actor) and bool(actor.departments & FORMING_DEPARTMENTS)


def may_record_progress(actor: Actor, urgent: UrgentCase) -> bool:
    """The lead or any member department of the task force records the day's progress."""
    return may_change(actor) and is_task_force_member(actor, urgent)


def may_follow(actor: Actor, urgent: UrgentCase) -> bool:
    """Task force members, the managing queue, readers of the case's unit or of a member's unit."""
    return (is_task_force_member(actor, urgent) or _member(actor, [urgent.manager]) or reads_unit(actor, urgent.unit)
            or any(reads_unit(actor, m.unit) for m in urgent.members))


@dataclass(frozen=True)
class UrgentFilter:
    """Which urgent cases a list shows: open ones only; of the units a reader follows (None: any) and, for
    staff, those whose task force has one of `queues` (or, without units, one of `departments`)."""

    open_only: bool = True
    units: frozenset[str] | None = None
    queues: frozenset[Membership] | None = None
    departments: frozenset[str] | None = None
    limit: int = 200
