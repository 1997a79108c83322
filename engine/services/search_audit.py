"""Searches by personal data (phone, ID number, name) are audited: who searched, by which kinds of criteria,
how many cases were found; never the values searched for (not even their keyed hashes). One event for each case
the search showed (so each case's audit view says who found it by personal data), or one without a case when
it showed none. Audit-only: in the audit view, not in the staff timeline (engine/services/history.py)."""

from __future__ import annotations

from engine.domain.model import Actor, CaseSummary
from engine.domain.paging import Page
from engine.domain.search import CaseCriteria
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

PERSONAL_SEARCH = "personal_search"


def personal_criteria(criteria: CaseCriteria) -> list[str]:
    """The kinds of personal data a search asks for (phone, id_number, name), in that order."""
    asked = (("phone", criteria.phone_key), ("id_number", criteria.id_number_key), ("name", criteria.name_key))
    return [kind for kind, key in asked if key]


def audit_personal_search(ctx: EngineContext, uow: UnitOfWork, actor: Actor, kinds: list[str],
                          found: Page[CaseSummary]) -> None:
    """Record, in the caller's transaction, a search by personal data and what it found."""
    data = {"criteria": kinds, "found": found.total, "capped": found.capped, "page": found.request.page}
    now = ctx.now()
    shown: list[int | None] = [c.id for c in found.items]
    for case_id in shown or [None]:
        uow.audit.add(now, actor.username, PERSONAL_SEARCH, case_id, None, data)
