"""What the urgent-complaint services need of the database (the unit of work's `urgent`)."""

from __future__ import annotations

from typing import Any, Protocol

from engine.domain.model import Membership
from engine.domain.urgent import ProgressEntry, UrgentCase, UrgentFilter


class UrgentRecords(Protocol):
    """The urgent handling of cases, their task forces and daily progress."""

    def add(self, urgent: UrgentCase) -> None:
        """Register a case's urgent handling."""
        ...

    def get(self, case_id: int, for_update: bool = False) -> UrgentCase | None:
        """A case's urgent handling (locked until commit when `for_update`), or None."""
        ...

    def change(self, case_id: int, expected_version: int, **values: Any) -> bool:
        """Set columns if still at `expected_version`; False if someone changed it first."""
        ...

    def set_members(self, case_id: int, members: tuple[Membership, ...], lead: Membership) -> None:
        """The task force's departments."""
        ...

    def add_progress(self, case_id: int, entry: ProgressEntry) -> int:
        """Store a progress entry; its id."""
        ...

    def queues(self, case_id: int) -> set[Membership]:
        """The (unit, department) queues of a case's task force and its managing queue."""
        ...

    def open_cases(self) -> list[UrgentCase]:
        """The urgent handling of every open case."""
        ...

    def find(self, flt: UrgentFilter) -> list[UrgentCase]:
        """Urgent cases matching the filter, newest first."""
        ...
