"""When a case is put under supervision (督办) besides a missed task deadline (DOMAIN.md):
a second chase goes unanswered, an important or urgent case makes no progress for a working day, or
the regulatory clock reaches its last days (day 10 of 15: five days before the regulatory deadline)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.domain.calendar import BusinessCalendar
from engine.domain.clock import to_china
from engine.domain.paging import Sorting

# The department that keeps the supervision list and is addressed when a supervised case has no open task
# (head-office complaint management, 总行投诉管理部门; a code of processes/departments.toml).
SUPERVISING_DEPARTMENT = "complaint_mgmt"
# The supervision list's sorts: by receipt (oldest first), by either deadline, by complaint number.
SUPERVISION_SORTING = Sorting(keys=("received", "internal_due", "regulatory_due", "number"), default="received")


@dataclass(frozen=True)
class SupervisionThresholds:
    """The limits of the supervision rules; the candidate query and the rules both take them from here."""

    regulatory_warning: timedelta = timedelta(days=5)  # supervise this long before the regulatory deadline
    unanswered_chases: int = 2  # chases of one open task that put its case under supervision
    stall_workdays: int = 1  # working days without progress that put an important or urgent case under it
    stall_grades: tuple[str, ...] = ("important", "urgent")


THRESHOLDS = SupervisionThresholds()


@dataclass(frozen=True)
class SupervisionCandidate:
    """What the rules look at for one open, not yet supervised case."""

    case_id: int
    number: str
    grade: str | None
    received_at: datetime
    regulatory_due_at: datetime | None
    last_progress_at: datetime | None  # the latest task completion, if any
    most_chases_on_an_open_task: int


@dataclass(frozen=True)
class SupervisionRule:
    """Which rule put the case under supervision, and the notice text."""

    code: str
    reason: str


def rule_that_applies(case: SupervisionCandidate, now: datetime, calendar: BusinessCalendar,
                      limits: SupervisionThresholds = THRESHOLDS) -> SupervisionRule | None:
    """The first rule that applies to the case at `now`, or None."""
    if case.regulatory_due_at is not None and now >= case.regulatory_due_at - limits.regulatory_warning:
        return SupervisionRule("regulatory_clock", regulatory_reason(case.regulatory_due_at, now))
    if case.most_chases_on_an_open_task >= limits.unanswered_chases:
        return SupervisionRule("second_chase_unanswered", "二次催办后仍未办理")
    if case.grade in limits.stall_grades:
        since = case.last_progress_at or case.received_at
        if calendar.add_workdays(since, limits.stall_workdays) <= now:
            return SupervisionRule("no_progress",
                                   "重要/紧急投诉一个工作日无进展")
    return None


def days_over(due: datetime, now: datetime) -> int:
    """Calendar days (China dates) by which `now` is past `due`, at least 1 once passed; 0 when not passed."""
    if now <= due:
        return 0
    return max(1, (to_china(now).date() - to_china(due).date()).days)


def regulatory_reason(due: datetime, now: datetime) -> str:
    """The supervision text of the regulatory clock: a deadline still ahead in the future tense, a passed one
    in the past with the days over (never "将于 11-24 届满" on 11-26)."""
    day = f"{to_china(due):%Y-%m-%d}"
    if now <= due:
        return f"监管时限将于 {day} 届满，尚未办结"
    over = days_over(due, now)
    return f"监管时限已于 {day} 届满，已超 {over} 日，尚未办结"
