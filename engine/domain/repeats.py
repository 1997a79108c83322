"""Repeat complaints and review (核查): what intake shows of a customer's other cases, and the rules of merging
a repeat into the first case and of asking for review of a decided case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.domain.model import CaseStatus

REPEAT_WINDOW_DAYS = 90  # a closed case counts as "recent" (and a new complaint as a repeat) this long after receipt
REVIEW_WINDOW_DAYS = 30  # a customer may ask for review this long after the decision (the result was told)
REVIEW_CLOCK_DAYS = 30  # a review case is decided within this many calendar days of the request

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


def review_deadline(decided_at: datetime) -> datetime:
    """The last moment a customer may ask for review of a decision told at `decided_at`."""
    return decided_at + timedelta(days=REVIEW_WINDOW_DAYS)
