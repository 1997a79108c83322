"""Filters and paging for task lists (a plain record the services and queries share)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.domain.model import Membership
from engine.domain.paging import Sorting

# The task lists' sorts: by due time (soonest first; none last), by arrival, by complaint number.
TASK_SORTING = Sorting(keys=("due", "created", "case"), default="due")
# The archive's: by completion (newest first), by due time, by complaint number.
ARCHIVE_SORTING = Sorting(keys=("completed", "due", "case"), default="completed", descending=frozenset({"completed"}))


@dataclass(frozen=True)
class TaskFilter:
    """Filters and paging for task lists."""

    departments: frozenset[str] | None = None
    # (unit, department) queues; None: any
    queues: frozenset[Membership] | None = None
    # units (a supervisor's subtrees); None: any
    units: frozenset[str] | None = None
    assignee: str | None = None
    completed_by: str | None = None
    statuses: tuple[str, ...] = ("ready", "claimed")
    grade: str | None = None
    process_key: str | None = None
    due_before: datetime | None = None
    # due_before applies to the case's internal and regulatory deadlines as well (the supervisor desk)
    case_clocks: bool = False
    sort: str = ""  # a key of TASK_SORTING / ARCHIVE_SORTING; "": soonest due first (completed: newest first)
    descending: bool = False
    limit: int = 100
    offset: int = 0
