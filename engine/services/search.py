"""Search: find complaints by number, phone, ID number, name, days and codes, within the actor's visibility."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from engine.domain import authz
from engine.domain.clock import CHINA_TZ
from engine.domain.errors import ValidationFailed
from engine.domain.matching import KEY_LENGTH, id_number_key, name_key, phone_key
from engine.domain.model import Actor, CaseStatus, CaseSummary
from engine.domain.paging import COUNT_CAP, Page, PageRequest, counted
from engine.domain.search import CASE_SORTING, CaseCriteria, CaseQuery
from engine.services.context import EngineContext
from engine.services.search_audit import audit_personal_search, personal_criteria

Problems = dict[str, list[tuple[str, dict[str, str]]]]


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time(0), CHINA_TZ)


class SearchService:
    """Find cases; each actor finds only the cases they may open."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def cases(self, actor: Actor, query: CaseQuery, page: PageRequest | None = None) -> Page[CaseSummary]:
        """One page of the cases matching `query` that the actor may see, with their (capped) count."""
        page = page or PageRequest(sort=CASE_SORTING.default, descending=True)
        criteria = self.criteria(query)
        scope = authz.case_scope(actor, self.ctx.organisation)
        personal = personal_criteria(criteria)  # a search by personal data is audited, like a reveal
        with self.ctx.db.write() if personal else self.ctx.db.read() as uow:
            found, count = uow.search.find(criteria, scope, page, COUNT_CAP)
            total, capped = counted(count)
            result = Page(found, max(total, page.offset + len(found)), page, capped)
            if personal:
                audit_personal_search(self.ctx, uow, actor, personal, result)
                uow.commit()
        return result

    def criteria(self, query: CaseQuery) -> CaseCriteria:
        """The query checked and in the database's terms (personal values as keyed hashes)."""
        keyed = self.keyed(query)
        before = query.received_to + timedelta(days=1) if query.received_to else None
        return CaseCriteria(
            number=query.number.strip().upper() or None,
            phone_key=keyed.phone_key or None, id_number_key=keyed.id_number_key or None,
            name_key=keyed.name_key or None,
            received_from=_start_of(query.received_from), received_before=_start_of(before),
            status=query.status or None, unit=query.unit or None, department=query.department or None,
            grade=query.grade or None, process_key=query.process_key or None,
        )

    def keyed(self, query: CaseQuery) -> CaseQuery:
        """The query with phone, ID number and name replaced by their keyed hashes (for links and logs)."""
        self._check(query)
        key = self.ctx.settings.match_key
        return replace(
            query, phone="", id_number="", name="",
            phone_key=(phone_key(query.phone, key) if query.phone.strip() else "") or query.phone_key,
            id_number_key=(id_number_key(query.id_number, key) if query.id_number.strip() else "")
            or query.id_number_key,
            name_key=(name_key(query.name, key) if query.name.strip() else "") or query.name_key,
        )

    def _check(self, query: CaseQuery) -> None:
        problems: Problems = {}
        if query.phone.strip() and not any(ch.isdigit() for ch in query.phone):
            problems["phone"] = [("search_phone_digits", {})]
        for name in ("phone_key", "id_number_key", "name_key"):
            if getattr(query, name) and not KEY_TEXT.match(getattr(query, name)):
                problems[name] = [("search_bad_key", {})]
        if query.received_from and query.received_to and query.received_from > query.received_to:
            problems["received_to"] = [("end_before_start", {})]
        if query.status and query.status not in {s.value for s in CaseStatus}:
            problems["status"] = [("search_unknown_code", {"value": query.status})]
        if query.unit and self.ctx.organisation.get(query.unit) is None:
            problems["unit"] = [("unknown_unit_code", {"unit": query.unit})]
        if query.department and self.ctx.departments.get(query.department) is None:
            problems["department"] = [("search_unknown_code", {"value": query.department})]
        if problems:
            raise ValidationFailed({name: [ENGLISH[code].format(**params) for code, params in found]
                                    for name, found in problems.items()}, coded=problems)


KEY_TEXT = re.compile(rf"^[0-9a-f]{{{KEY_LENGTH}}}$")
ENGLISH = {
    "search_bad_key": "not a search key (follow a link of the search page)",
    "search_phone_digits": "a phone number has digits",
    "end_before_start": "the last day comes before the first",
    "unknown_unit_code": "unknown unit {unit}",
    "search_unknown_code": "unknown value {value}",
}
