"""Repeat complaints (重复投诉): the same customer's other cases at intake, and merging a repeat into the first.

A customer is the same when the phone or the ID number is, compared through the keyed hashes stored on each
case (engine.domain.matching); nothing personal is compared in clear. A person sees only the cases they may
see (the case page's rule). A repeat received inside an open case's regulatory period may be merged into it:
the repeat becomes a linked record (status merged) without tasks or timers of its own, its deadlines those
of the first case; the reports count one complaint with a repeat (engine.services.reports).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine.domain import authz
from engine.domain.calendar import iso
from engine.domain.errors import Conflict, Forbidden, NotFound
from engine.domain.matching import match_keys
from engine.domain.model import Actor, CaseStatus, CaseSummary
from engine.domain.repeats import REPEAT_WINDOW_DAYS, CaseLinks, SameCustomerCase, may_merge_into
from engine.services.cases import CaseService, case_visible
from engine.services.context import EngineContext
from engine.services.denials import record_denied
from engine.services.unit_of_work import UnitOfWork


class RepeatService:
    """Find a customer's other cases; merge a repeat complaint into the first one."""

    def __init__(self, ctx: EngineContext, cases: CaseService):
        self.ctx = ctx
        self.cases = cases

    def same_customer(self, ref: str | int, actor: Actor) -> list[SameCustomerCase]:
        """The open and recent (REPEAT_WINDOW_DAYS) cases of the case's complainant that the actor may see."""
        case_id = self.cases.resolve_id(ref)
        with self.ctx.db.read() as uow:
            self._visible_or_deny(uow, actor, case_id, "same_customer", ref)
            phone, id_number = uow.links.keys_of(case_id)
            return self._visible(uow, actor, phone, id_number, case_id)

    def links(self, ref: str | int, actor: Actor) -> CaseLinks:
        """The links of a case the actor may see: merged into / review of, repeats merged in, review cases."""
        case_id = self.cases.resolve_id(ref)
        with self.ctx.db.read() as uow:
            self._visible_or_deny(uow, actor, case_id, "case_links", ref)
            return uow.links.links(case_id)

    def _visible_or_deny(self, uow: UnitOfWork, actor: Actor, case_id: int, action: str, ref: object) -> None:
        """NotFound (the refusal audited, in a writing unit of its own: `uow` only reads) unless the case exists and
        the actor may see it."""
        if uow.read.case(case_id) is None or not case_visible(uow, actor, case_id):
            record_denied(self.ctx, actor, action, case_id)
            raise NotFound(f"case {ref} not found")

    def same_customer_as(self, complaint: dict[str, Any], actor: Actor) -> list[SameCustomerCase]:
        """The open and recent cases of a complainant not registered yet (phone, ID number) the actor may see."""
        keys = match_keys(complaint, self.ctx.settings.match_key)
        with self.ctx.db.read() as uow:
            return self._visible(uow, actor, keys.phone, keys.id_number, None)

    def _visible(self, uow: UnitOfWork, actor: Actor, phone: str | None, id_number: str | None,
                 exclude: int | None) -> list[SameCustomerCase]:
        since = self.ctx.now() - timedelta(days=REPEAT_WINDOW_DAYS)
        found = uow.links.same_customer(phone, id_number, since, exclude)
        return [c for c in found if case_visible(uow, actor, c.case_id)]

    def merge(self, ref: str | int, into: str | int, actor: Actor) -> CaseSummary:
        """Merge case `ref` (a repeat) into the earlier case `into` of the same customer; audited on both."""
        if not authz.may_change(actor):
            raise Forbidden("auditors cannot merge complaints")
        repeat_id, first_id = self.cases.resolve_id(ref), self.cases.resolve_id(into)
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            for case_id in sorted({repeat_id, first_id}):  # one lock order: concurrent merges never deadlock
                uow.cases.lock(case_id)
            repeat, first = uow.read.case(repeat_id), uow.read.case(first_id)
            for case_id, case in ((repeat_id, repeat), (first_id, first)):
                if case is None or not case_visible(uow, actor, case_id):
                    uow.audit.denied(now, actor.username, "merge_case", case_id if case else None)
                    uow.commit()
                    raise NotFound(f"case {ref if case_id == repeat_id else into} not found")
            assert repeat is not None and first is not None
            self._check(uow, repeat, first)
            uow.links.merge(repeat_id, first_id, first.internal_due_at, first.regulatory_due_at, now)
            uow.audit.add(now, actor.username, "case_merged", repeat_id, None,
                          {"into": first.number, "regulatory_due": _iso(first.regulatory_due_at)})
            uow.audit.add(now, actor.username, "repeat_merged", first_id, None, {"repeat": repeat.number})
            uow.commit()
        return self.cases.summary(repeat_id)

    @staticmethod
    def _check(uow: UnitOfWork, repeat: CaseSummary, first: CaseSummary) -> None:
        """A repeat merges into an open earlier case of the same customer, received inside its regulatory
        period; neither may be a merged record or a review case."""
        params = {"case": repeat.number, "first": first.number}
        if repeat.id == first.id or repeat.status != CaseStatus.OPEN or repeat.review_of_id is not None:
            raise Conflict(f"case {repeat.number} cannot be merged", code="merge_not_open", params=params)
        mine, theirs = uow.links.keys_of(repeat.id), uow.links.keys_of(first.id)
        if not any(a is not None and a == b for a, b in zip(mine, theirs, strict=True)):
            raise Conflict(f"{first.number} is another customer's case", code="merge_other_customer",
                           params=params)
        target = SameCustomerCase(first.id, first.number, first.status, first.unit, first.received_at,
                                  first.regulatory_due_at, first.closed_at, True, True, first.merged_into_id)
        if first.review_of_id is not None or not may_merge_into(target, repeat.received_at):
            raise Conflict(f"{repeat.number} was not received inside the regulatory period of open case "
                           f"{first.number}", code="merge_outside_period",
                           params=params | {"due": _iso(first.regulatory_due_at)})


def _iso(moment: datetime | None) -> str:
    return iso(moment) if moment is not None else ""
