"""Review (核查): a customer who disagrees with a decision asks, within the configured days of it
(customer_notices.toml `review_days`), for the higher level to look again.

The request opens a linked review case (processes/complaint_review.bpmn) at the parent unit of the unit that
decided (an outlet's decision goes to its branch, a branch's or the card centre's to head office; head office
reviews its own), with its own regulatory clock of REVIEW_CLOCK_DAYS calendar days; the decided case stays
closed, is linked to it and counted as reopened by the reports. Branch, card-centre and head-office cases alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.domain import authz
from engine.domain.calendar import iso
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.masking import mask_complaint
from engine.domain.model import Actor, CaseStatus, CaseSummary, TaskStatus
from engine.domain.repeats import (
    REVIEW_CLOCK_DAYS,
    REVIEW_PROCESS,
    deciding_unit,
    review_deadline,
    review_level,
    review_unit,
)
from engine.services.cases import CaseService, case_visible
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

REASON_MAX = 2000


class ReviewService:
    """Open a review case of a decided case at the parent unit of the unit that decided it."""

    def __init__(self, ctx: EngineContext, cases: CaseService):
        self.ctx = ctx
        self.cases = cases

    def request(self, ref: str | int, reason: str, actor: Actor) -> CaseSummary:
        """The customer disagrees with case `ref`'s decision: open its review case (audited on both); the review."""
        if not authz.may_change(actor):
            raise Forbidden("auditors cannot register review requests")
        reason = reason.strip()
        if not reason or len(reason) > REASON_MAX:
            raise ValidationFailed({"reason": [f"请填写客户申请核查的理由（{REASON_MAX}字以内） / give the customer's "
                                               f"reason for the review (up to {REASON_MAX} characters)"]})
        case_id = self.cases.resolve_id(ref)
        with self.ctx.db.write() as uow:
            case = self._decided_case(uow, actor, case_id, ref)
            worked = [t.unit for t in uow.read.case_tasks(case_id) if t.status == TaskStatus.COMPLETED]
            unit = review_unit(self.ctx.organisation, deciding_unit(self.ctx.organisation, worked, case.unit))
        now = self.ctx.now()
        complaint = {**case.complaint, "received_at": iso(now)}
        started = self.cases.start_linked(REVIEW_PROCESS, complaint, actor, REVIEW_CLOCK_DAYS, {
            "review_request": reason, "review_of": case.number,
            "review_level": review_level(self.ctx.organisation, unit)})
        with self.ctx.db.write() as uow:
            uow.cases.lock(case_id)
            self._decided_case(uow, actor, case_id, ref)  # nobody asked meanwhile
            review_id = self.cases.store_started(uow, started, actor, unit)
            uow.links.link_review(review_id, case_id)
            number = uow.read.case(review_id)
            data = {"review": number.number if number else str(review_id), "unit": unit, "reason": reason}
            uow.audit.add(now, actor.username, "review_requested", case_id, None, data)
            uow.audit.add(now, actor.username, "review_opened", review_id, None,
                          {"of": case.number, "unit": unit, "reason": reason})
            uow.commit()
        review = self.cases.summary(review_id)
        review.complaint = mask_complaint(review.complaint)
        return review

    def _decided_case(self, uow: UnitOfWork, actor: Actor, case_id: int, ref: object) -> CaseSummary:
        """The case, if the actor may see it and its customer may still ask for review of it."""
        case = uow.read.case(case_id)
        if case is None or not case_visible(uow, actor, case_id):
            uow.audit.denied(self.ctx.now(), actor.username, "request_review", case_id if case else None)
            uow.commit()
            raise NotFound(f"case {ref} not found")
        params: dict[str, Any] = {"case": case.number}
        if case.status != CaseStatus.CLOSED or case.review_of_id is not None:
            raise Conflict(f"case {case.number} has no decision to review", code="review_not_decided", params=params)
        if any(r.status == CaseStatus.OPEN for r in uow.links.links(case_id).reviews):
            raise Conflict(f"case {case.number} is already under review", code="review_open", params=params)
        decided = self._decided_at(uow, case)
        until = review_deadline(decided, self.ctx.notices.review_days)
        if self.ctx.now() > until:
            raise Conflict(f"the review of {case.number} had to be asked for by {iso(until)}",
                           code="review_window_passed", params=params | {"until": iso(until)})
        return case

    @staticmethod
    def _decided_at(uow: UnitOfWork, case: CaseSummary) -> datetime:
        """When the decision was told: the recorded reply, else the closing."""
        kept = uow.case_facts.kept(case.id)
        replied = kept[0] if kept else None
        return replied or case.closed_at or case.received_at
