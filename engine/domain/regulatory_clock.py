"""The regulatory clock of a case and who may move it (CBIRC Order 2020 No. 3; DOMAIN.md "Time limits").

The clock runs `days` calendar days (15, then 30 or 60 when extended) from its `base` (receipt, or the date
of the customer's new facts after a restart), plus the calendar days it was paused for an external
appraisal or a third party's investigation (鉴定/第三方核实 time is excluded). The deadline is therefore
`base + days + paused_days`; while paused, the running pause is added when it ends.

Who may act: extending to 30 days, pausing, resuming, restarting and asking for the 60-day extension are
open to the case's handling staff (members of a queue the case reached), complaint management over the
case's unit, and supervisors who read the case's unit. Granting the 60-day extension is an approval by a
supervisor who is a member of the parent unit of the case's unit (an outlet's branch, a branch's head
office), or by a head-office senior manager (a supervisor who is a member of the head office); never by
the person who asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from engine.domain.calendar import BusinessCalendar, iso, parse_moment
from engine.domain.clock import to_china
from engine.domain.model import Actor, Membership, Role
from engine.domain.organisation import OrganisationTree
from engine.domain.supervision import SUPERVISING_DEPARTMENT


class PauseKind(StrEnum):
    """Why the clock stands still: an external appraisal (鉴定) or a third party's verification (第三方核实)."""

    APPRAISAL = "appraisal"
    THIRD_PARTY = "third_party"


class RequestStatus(StrEnum):
    """Where a request for the 60-day extension stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RegulatoryClock:
    """The clock's state as stored on the case (JSON): what the deadline is computed from."""

    base: datetime
    days: int
    paused_days: int = 0
    paused_since: datetime | None = None
    pause_kind: str = ""
    pause_reason: str = ""
    pause_evidence: str = ""
    pauses: int = 0  # pauses that ended since the case was received (restarts do not reset it)
    total_paused_days: int = 0  # their calendar days, across restarts

    def due(self, calendar: BusinessCalendar) -> datetime:
        """The regulatory deadline: base + limit + the calendar days of ended pauses."""
        return calendar.add_calendar_days(self.base, self.days + self.paused_days)

    @property
    def paused(self) -> bool:
        """True while the clock stands still."""
        return self.paused_since is not None

    def as_record(self) -> dict[str, Any]:
        """The JSON stored on the case row."""
        return {"base": iso(self.base), "days": self.days, "paused_days": self.paused_days,
                "paused_since": iso(self.paused_since) if self.paused_since else None,
                "pause_kind": self.pause_kind, "pause_reason": self.pause_reason,
                "pause_evidence": self.pause_evidence, "pauses": self.pauses,
                "total_paused_days": self.total_paused_days}

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None, received_at: datetime, days: int) -> RegulatoryClock:
        """The stored clock, or (a case from before clock actions) one from receipt with `days`."""
        if not record:
            return cls(base=received_at, days=days)
        since = record.get("paused_since")
        return cls(base=parse_moment(record["base"]), days=int(record["days"]),
                   paused_days=int(record.get("paused_days", 0)),
                   paused_since=parse_moment(since) if since else None,
                   pause_kind=str(record.get("pause_kind", "")), pause_reason=str(record.get("pause_reason", "")),
                   pause_evidence=str(record.get("pause_evidence", "")), pauses=int(record.get("pauses", 0)),
                   total_paused_days=int(record.get("total_paused_days", 0)))

    def paused_at(self, moment: datetime, kind: PauseKind, reason: str, evidence: str) -> RegulatoryClock:
        """The clock stopped at `moment`."""
        return replace(self, paused_since=moment, pause_kind=kind.value, pause_reason=reason,
                       pause_evidence=evidence)

    def resumed_at(self, moment: datetime) -> tuple[RegulatoryClock, int]:
        """The clock running again at `moment`, and the calendar days the pause lasted."""
        assert self.paused_since is not None
        days = calendar_days_between(self.paused_since, moment)
        return replace(self, paused_since=None, pause_kind="", pause_reason="", pause_evidence="",
                       paused_days=self.paused_days + days, pauses=self.pauses + 1,
                       total_paused_days=self.total_paused_days + days), days

    def restarted(self, facts_at: datetime, days: int) -> RegulatoryClock:
        """The clock counting `days` again from the customer's new facts."""
        return replace(self, base=facts_at, days=days, paused_days=0)


def calendar_days_between(start: datetime, end: datetime) -> int:
    """Calendar days from `start`'s date to `end`'s date in China time (never negative)."""
    return max(0, (to_china(end).date() - to_china(start).date()).days)


def paused_workdays(calendar: BusinessCalendar, start: datetime, end: datetime) -> int:
    """The working days the internal clock loses to a pause: working days from `start`'s date up to,
    not including, `end`'s date (China time)."""
    first: date = to_china(start).date()
    last: date = to_china(end).date()
    if last <= first:
        return 0
    return calendar.workdays_in(first, date.fromordinal(last.toordinal() - 1))


def approver_units(tree: OrganisationTree, case_unit: str) -> tuple[str, ...]:
    """The units whose supervisors may grant a 60-day extension: the parent of the case's unit and the head
    office (only the head office for a head-office case)."""
    unit = tree.get(case_unit)
    root = tree.root.code
    parent = unit.parent if unit is not None else None
    return (parent, root) if parent and parent != root else (root,)


def may_approve(actor: Actor, tree: OrganisationTree, case_unit: str) -> bool:
    """A supervisor who is a member of the parent unit of the case's unit, or of the head office."""
    if not actor.has(Role.SUPERVISOR):
        return False
    units = set(approver_units(tree, case_unit))
    return any(m.unit in units for m in actor.memberships)


def may_move_clock(actor: Actor, tree: OrganisationTree, case_unit: str, case_queues: Iterable[Membership]) -> bool:
    """Handling staff of the case, complaint management over its unit, supervisors who read its unit."""
    if Role.AUDITOR in actor.roles and len(actor.roles) == 1:
        return False
    queues = set(case_queues)
    if actor.has(Role.SUPERVISOR) and (actor.oversees is None or case_unit in actor.oversees):
        return True
    if actor.memberships:
        if actor.memberships & queues:
            return True
        managing = [m.unit for m in actor.memberships if m.department == SUPERVISING_DEPARTMENT]
        return any(case_unit in tree.subtree(unit) for unit in managing)
    return bool(actor.departments & ({q.department for q in queues} | {SUPERVISING_DEPARTMENT}))


@dataclass(frozen=True)
class ClockRequest:
    """A request to extend a case's regulatory clock to 60 days, and the approver's decision once given."""

    id: int
    case_id: int
    case_number: str
    case_unit: str
    approver_unit: str
    to_days: int
    reason: str
    requested_by: str
    requested_at: datetime
    status: RequestStatus
    decided_by: str | None = None
    decided_at: datetime | None = None
    opinion: str | None = None


@dataclass(frozen=True)
class ClockFacts:
    """What the reports count of a case's clock: extensions to 60 days, ended pauses and their days."""

    long_extensions: int
    pauses: int
    paused_days: int
