"""Finding cases: what a search asks for, which cases an actor may find, and the sorts a result offers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from engine.domain.model import Membership
from engine.domain.paging import Sorting

CASE_SORTING = Sorting(keys=("received", "number", "regulatory_due"), default="received",
                       descending=frozenset({"received"}))


@dataclass(frozen=True)
class CaseQuery:
    """A search as a person asks it: exact number, phone, ID number or name; days; codes. Empty: any.

    Phone, ID number and name may come as their keyed hashes instead (`*_key`: a search page's link carries
    those, so personal data never sits in a URL, a browser history or a proxy's log)."""

    number: str = ""
    phone: str = ""
    id_number: str = ""
    name: str = ""
    phone_key: str = ""
    id_number_key: str = ""
    name_key: str = ""
    received_from: date | None = None  # China days, both included
    received_to: date | None = None
    status: str = ""
    unit: str = ""
    department: str = ""
    grade: str = ""
    process_key: str = ""

    def is_empty(self) -> bool:
        """Nothing asked: the search page shows its form only."""
        return not any(getattr(self, name) for name in self.__dataclass_fields__)


@dataclass(frozen=True)
class CaseCriteria:
    """A search as the database answers it: personal values replaced by their keyed hashes, days by times."""

    number: str | None = None
    phone_key: str | None = None
    id_number_key: str | None = None
    name_key: str | None = None
    received_from: datetime | None = None  # included
    received_before: datetime | None = None  # excluded
    status: str | None = None
    unit: str | None = None
    department: str | None = None
    grade: str | None = None
    process_key: str | None = None


ANY_UNIT: frozenset[str] = frozenset({"*"})  # CaseScope.units: a task in any unit of the tree


@dataclass(frozen=True)
class CaseScope:
    """The cases an actor may find, as authz.may_see_case decides for one case: every case; or those with a
    task in `units` (a supervisor's subtrees), in `queues` (staff), in `departments` (an actor without
    units), or that `worked_by` worked on."""

    everything: bool = False
    units: frozenset[str] | None = None
    queues: frozenset[Membership] | None = None
    departments: frozenset[str] | None = None
    worked_by: str | None = None
