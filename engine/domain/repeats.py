"""Repeat complaints and review (核查): what intake shows of a customer's other cases, and the rules of merging
a repeat into the first case and of asking for review of a decided case."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.domain.model import CaseStatus
from engine.domain.organisation import OrganisationTree

REPEAT_WINDOW_DAYS = 90  # a closed case counts as "recent" (and a new complaint as a repeat) this long after receipt
REVIEW_CLOCK_DAYS = 30  # a review case is decided within this many calendar days of the request
REVIEW_PROCESS = "complaint_review"  # processes/complaint_review.bpmn
# The review task's level (review_level): at head office (complaint management) or at a branch (service management).
HEAD_OFFICE_LEVEL, BRANCH_LEVEL = "head_office", "branch"

MERGED, REVIEW = "merged", "review"  # case_fact.linked_as: counted apart from complaints


@dataclass(frozen=True)
class SameCustomerCase:
    """Another case of the same complainant, as the repeat check finds it (no personal data)."""

    case_id: int
    number: str
    status: CaseStatus
    unit: str
    received_at: datetime
    regulatory_due_at: datetime | None
    closed_at: datetime | None
    same_phone: bool
    same_id_number: bool
    merged_into_id: int | None = None

    @property
    def is_open(self) -> bool:
        """Still being handled."""
        return self.status == CaseStatus.OPEN


@dataclass(frozen=True)
class LinkedCase:
    """A case linked to another: a merged repeat or a review case (number, status, receipt)."""

    case_id: int
    number: str
    status: CaseStatus
    received_at: datetime


@dataclass(frozen=True)
class CaseLinks:
    """A case's links: the case it was merged into or reviews, the repeats merged into it, its review cases."""

    merged_into: LinkedCase | None = None
    review_of: LinkedCase | None = None
    repeats: tuple[LinkedCase, ...] = ()
    reviews: tuple[LinkedCase, ...] = ()


def may_merge_into(first: SameCustomerCase, received_at: datetime) -> bool:
    """A complaint received at `received_at` may be merged into `first`: it is open, not itself a merged
    record, received earlier, and the new complaint came inside its regulatory period."""
    return (first.is_open and first.merged_into_id is None and first.received_at <= received_at
            and first.regulatory_due_at is not None and received_at <= first.regulatory_due_at)


def review_deadline(decided_at: datetime, review_days: int) -> datetime:
    """The last moment a customer may ask for review of a decision told at `decided_at`."""
    return decided_at + timedelta(days=review_days)


def deciding_unit(tree: OrganisationTree, task_units: Iterable[str], case_unit: str) -> str:
    """The unit that decided a case: the highest (nearest the head office) unit that worked one of its tasks;
    the case's own unit when none did."""
    units = [u for u in task_units if tree.get(u) is not None] or [case_unit]
    return min(units, key=lambda code: (len(tree.ancestors(code)), code))


def review_unit(tree: OrganisationTree, decided_by: str) -> str:
    """Where a review (核查) of a decision taken at `decided_by` is handled: its parent unit (the head office
    reviews its own decisions)."""
    unit = tree.get(decided_by)
    return unit.parent if unit is not None and unit.parent is not None else tree.root.code


def review_level(tree: OrganisationTree, unit: str) -> str:
    """The review task's level at `unit`: head office for the root, else a branch's service management (a
    sub-branch's review goes up to its branch: the nearest unit with that department)."""
    return HEAD_OFFICE_LEVEL if unit == tree.root.code else BRANCH_LEVEL
