"""Filters and paging for task lists (a plain record the services and queries share)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.domain.model import Membership


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
    limit: int = 100
    offset: int = 0
