"""Regulatory clock actions: extend (30 days; 60 days after an approval), pause and resume, restart on new facts.

Each action checks who may act (engine.domain.regulatory_clock), changes the clock, the deadline, the report
facts and the audit trail in one transaction; a granted extension queues the extension notice (延期告知).
A pause stops the case's timers (the sweep skips a paused case) and, on resume, moves the internal
working-day clock by the working days the pause took: the case's internal deadline, its open tasks' due
times and its armed timers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NoReturn

from engine.domain.calendar import iso
from engine.domain.clock import ensure_aware
from engine.domain.customer_notices import CustomerNoticeKind
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import Actor, CaseSummary, Role
from engine.domain.records import StoredCase
from engine.domain.regulatory_clock import (
    ClockFacts,
    ClockRequest,
    PauseKind,
    RegulatoryClock,
    RequestStatus,
    approver_units,
    may_approve,
    may_move_clock,
    paused_workdays,
)
from engine.services.cases import case_visible
from engine.services.context import EngineContext
from engine.services.customer_notices.compose import NoticeSubject, queue_customer_notice
from engine.services.projection import persist_workflow
from engine.services.unit_of_work import UnitOfWork

MAX_TEXT = 2000  # characters of a reason, evidence or opinion


@dataclass(frozen=True)
class ClockView:
    """What the case page's clock panel shows, and which of its forms the actor may use."""

    clock: RegulatoryClock
    due: datetime
    requests: list[ClockRequest] = field(default_factory=list)
    may_move: bool = False
    may_decide: bool = False
    next_days: int | None = None  # the extension the clock may take next (30, 60), None at the last

    @property
    def pending(self) -> ClockRequest | None:
        """The 60-day request waiting for a decision, if any."""
        return next((r for r in self.requests if r.status == RequestStatus.PENDING), None)


def _required(fields: dict[str, str]) -> None:
    """Refuse empty or overlong texts, each named by field (codes the UI words: clock_required, clock_too_long)."""
    coded: dict[str, list[tuple[str, dict[str, str]]]] = {}
    errors: dict[str, list[str]] = {}
    for name, value in fields.items():
        if not value.strip():
            coded[name], errors[name] = [("clock_required", {})], ["required"]
        elif len(value) > MAX_TEXT:
            coded[name] = [("clock_too_long", {"limit": str(MAX_TEXT)})]
            errors[name] = [f"at most {MAX_TEXT} characters"]
    if errors:
        raise ValidationFailed(errors, coded=coded)


class ClockService:
    """The clock actions of the case page, the API and the command line."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    # -- reading -------------------------------------------------------------------------------------------

    def view(self, case: CaseSummary, actor: Actor) -> ClockView:
        """The clock of a case the actor already sees (the case page checked), with what the actor may do."""
        with self.ctx.db.read() as uow:
            clock = self._clock(uow, case.id, case.received_at, len(case.regulatory_extensions))
            requests = uow.clock.requests_of_case(case.id)
            queues = uow.read.case_queues(case.id)
        is_open = case.status.value == "open"
        return ClockView(
            clock, clock.due(self.ctx.calendar), requests,
            may_move=is_open and may_move_clock(actor, self.ctx.organisation, case.unit, queues),
            may_decide=is_open and may_approve(actor, self.ctx.organisation, case.unit),
            next_days=self._next_days(clock))

    def paused_among(self, case_ids: Iterable[int]) -> frozenset[int]:
        """Those of the cases (e.g. the rows of a list) whose regulatory clock stands still: the lists mark them
        paused, as the case page does, instead of counting their deadline as passed."""
        ids = {i for i in case_ids if i}
        if not ids:
            return frozenset()
        with self.ctx.db.read() as uow:
            return frozenset(uow.clock.paused_among(ids))

    def pending_requests(self, actor: Actor) -> list[ClockRequest]:
        """The 60-day requests the actor may decide, oldest first (their work list)."""
        if not actor.has(Role.SUPERVISOR) or not actor.memberships:
            return []
        units = {m.unit for m in actor.memberships}
        every = self.ctx.organisation.root.code in units  # head office decides any unit's requests
        with self.ctx.db.read() as uow:
            found = uow.clock.pending(None if every else units)
        return [r for r in found if r.requested_by != actor.username]

    # -- extensions ----------------------------------------------------------------------------------------

    def extend(self, ref: str | int, to_days: int, reason: str, actor: Actor) -> ClockRequest | None:
        """Extend to 30 days at once, or ask for 60 days (returns the pending request the approver decides)."""
        with self.ctx.db.write() as uow:
            case, clock = self._open_case(uow, ref, actor, "clock_extend")
            _required({"reason": reason})
            expected = self._next_days(clock)
            sla = self.ctx.sla
            if to_days not in (sla.regulatory_first_extension, sla.regulatory_second_extension):
                raise ValidationFailed({"to_days": [f"the next extension is to {expected} days"]}, coded={
                    "to_days": [("clock_next_extension", {"days": str(expected or clock.days)})]})
            if to_days <= clock.days:  # a retried request: the clock already runs that long
                raise Conflict("the clock is already extended", code="clock_already_extended",
                               params={"case": case.number, "days": str(clock.days)})
            if expected is None:
                raise Conflict("the regulatory clock is already at its last extension", code="clock_at_last_extension",
                               params={"case": case.number})
            if to_days != expected:
                raise ValidationFailed({"to_days": [f"the next extension is to {expected} days"]},
                                       coded={"to_days": [("clock_next_extension", {"days": str(expected)})]})
            if to_days == self.ctx.sla.regulatory_first_extension:
                self._grant(uow, case, clock, to_days, reason.strip(), actor.username, None, actor)
                uow.commit()
                return None
            request = self._request(uow, case, to_days, reason.strip(), actor)
            uow.commit()
        return request

    def decide(self, request_id: int, approve: bool, opinion: str, actor: Actor) -> ClockRequest:
        """Approve or reject a 60-day request, with an opinion: a supervisor of the parent unit or head office."""
        with self.ctx.db.write() as uow:
            if not actor.has(Role.SUPERVISOR) or not actor.memberships:
                self._deny(uow, actor, "clock_approve", None)
            _required({"opinion": opinion})
            request = uow.clock.request(request_id)
            if request is None:
                raise NotFound(f"extension request {request_id} not found")
            case = uow.cases.load_for_update(request.case_id)
            if case is None:
                raise NotFound(f"extension request {request_id} not found")
            self._check_approver(uow, request, case, actor)
            status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
            if request.status != RequestStatus.PENDING or not uow.clock.decide(
                    request_id, status, actor.username, self.ctx.now(), opinion.strip()):
                raise Conflict("the request was already decided", code="clock_request_decided",
                               params={"case": request.case_number})
            data = {"request": request_id, "to_days": request.to_days, "opinion": opinion.strip(),
                    "requested_by": request.requested_by}
            if approve:
                if case.status != "open":
                    raise Conflict("the case is closed", code="clock_case_closed", params={"case": case.number})
                clock = self._clock(uow, case.id, case.received_at, len(uow.cases.extensions(case.id)))
                self._grant(uow, case, clock, request.to_days, request.reason, request.requested_by,
                            (actor.username, opinion.strip()), actor)
            uow.audit.add(self.ctx.now(), actor.username,
                          "clock_extension_approved" if approve else "clock_extension_rejected", case.id, None, data)
            decided = uow.clock.request(request_id)
            uow.commit()
        assert decided is not None
        return decided

    # -- pause, resume, restart ----------------------------------------------------------------------------

    def pause(self, ref: str | int, kind: str, reason: str, evidence: str, actor: Actor) -> CaseSummary:
        """Stop the clock for an external appraisal or a third party's verification (time not counted)."""
        with self.ctx.db.write() as uow:
            case, clock = self._open_case(uow, ref, actor, "clock_pause")
            _required({"reason": reason, "evidence": evidence})
            pause_kind = self._pause_kind(kind)
            if clock.paused:
                raise Conflict("the clock is already paused", code="clock_already_paused", params={"case": case.number})
            now = self.ctx.now()
            paused = clock.paused_at(now, pause_kind, reason.strip(), evidence.strip())
            uow.clock.save_state(case.id, paused.as_record(), now, paused.due(self.ctx.calendar))
            uow.audit.add(now, actor.username, "clock_paused", case.id, None, {
                "kind": pause_kind.value, "reason": reason.strip(), "evidence": evidence.strip()})
            uow.commit()
            return self._summary(uow, case.id)

    def resume(self, ref: str | int, note: str, actor: Actor) -> CaseSummary:
        """Start the clock again: the regulatory deadline moves by the paused calendar days, the internal
        clock (deadline, task due times, timers) by the working days the pause took."""
        with self.ctx.db.write() as uow:
            case, clock = self._open_case(uow, ref, actor, "clock_resume")
            if not clock.paused:
                raise Conflict("the clock is not paused", code="clock_not_paused", params={"case": case.number})
            now = self.ctx.now()
            assert clock.paused_since is not None
            resumed, days = clock.resumed_at(now)
            workdays = paused_workdays(self.ctx.calendar, clock.paused_since, now)
            before, due = clock.due(self.ctx.calendar), resumed.due(self.ctx.calendar)
            internal = self._shift_internal(uow, case, workdays)
            uow.clock.save_state(case.id, resumed.as_record(), None, due)
            uow.case_facts.set_regulatory(case.id, due, len(uow.cases.extensions(case.id)))
            self._keep_facts(uow, case.id, resumed)
            uow.audit.add(now, actor.username, "clock_resumed", case.id, None, {
                "kind": clock.pause_kind, "paused_since": iso(clock.paused_since), "days": days,
                "workdays": workdays, "from": iso(before), "to": iso(due), "internal_to": internal,
                **({"reason": note.strip()} if note.strip() else {})})
            uow.commit()
            return self._summary(uow, case.id)

    def restart(self, ref: str | int, facts_at: datetime | None, reason: str, actor: Actor) -> CaseSummary:
        """The customer brought new facts: the clock counts its first limit again from their date
        (None: the date given was unreadable)."""
        with self.ctx.db.write() as uow:
            case, clock = self._open_case(uow, ref, actor, "clock_restart")
            _required({"reason": reason})
            if clock.paused:
                raise Conflict("resume the clock first", code="clock_paused_restart", params={"case": case.number})
            facts_at = ensure_aware(facts_at) if facts_at is not None else None
            if facts_at is None or facts_at > self.ctx.now() or facts_at < clock.base:
                raise ValidationFailed({"facts_at": ["after the clock's start and not in the future"]},
                                       coded={"facts_at": [("clock_facts_at", {"start": iso(clock.base)[:10]})]})
            restarted = clock.restarted(facts_at, self.ctx.sla.regulatory_initial)
            before, due = clock.due(self.ctx.calendar), restarted.due(self.ctx.calendar)
            uow.clock.save_state(case.id, restarted.as_record(), None, due)
            uow.case_facts.set_regulatory(case.id, due, len(uow.cases.extensions(case.id)))
            uow.audit.add(self.ctx.now(), actor.username, "clock_restarted", case.id, None, {
                "facts_at": iso(facts_at), "reason": reason.strip(), "from": iso(before), "to": iso(due),
                "days": restarted.days})
            uow.commit()
            return self._summary(uow, case.id)

    # -- helpers -------------------------------------------------------------------------------------------

    def _open_case(self, uow: UnitOfWork, ref: str | int, actor: Actor, action: str) -> tuple[StoredCase,
                                                                                             RegulatoryClock]:
        """The open case locked for change, and its clock; NotFound / Forbidden (audited) otherwise."""
        case_id = self._case_id(uow, ref)
        case = uow.cases.load_for_update(case_id) if case_id is not None else None
        if case is None:
            raise NotFound(f"case {ref} not found")
        if not case_visible(uow, actor, case.id):
            self._deny(uow, actor, action, case.id, NotFound(f"case {ref} not found"))
        if not may_move_clock(actor, self.ctx.organisation, case.unit, uow.read.case_queues(case.id)):
            self._deny(uow, actor, action, case.id)
        if case.status != "open":
            raise Conflict("the case is closed", code="clock_case_closed", params={"case": case.number})
        return case, self._clock(uow, case.id, case.received_at, len(uow.cases.extensions(case.id)))

    def _case_id(self, uow: UnitOfWork, ref: str | int) -> int | None:
        if isinstance(ref, int) or str(ref).isdigit():
            return int(ref)
        return uow.read.case_id_by_number(str(ref))

    def _deny(self, uow: UnitOfWork, actor: Actor, action: str, case_id: int | None,
              error: Exception | None = None) -> NoReturn:
        """Undo what the transaction did, record the refusal instead, then refuse (Forbidden unless `error`)."""
        uow.rollback()
        uow.audit.denied(self.ctx.now(), actor.username, action, case_id)
        uow.commit()
        raise error or Forbidden(f"{actor.username} may not {action.replace('_', ' ')} of this case", audited=True)

    def _clock(self, uow: UnitOfWork, case_id: int, received_at: datetime, extensions: int) -> RegulatoryClock:
        """The stored clock, or for a case never moved the one its extensions imply."""
        sla = self.ctx.sla
        limits = [sla.regulatory_initial, sla.regulatory_first_extension, sla.regulatory_second_extension]
        return RegulatoryClock.from_record(uow.clock.state(case_id), received_at, limits[min(extensions, 2)])

    def _next_days(self, clock: RegulatoryClock) -> int | None:
        sla = self.ctx.sla
        following = {sla.regulatory_initial: sla.regulatory_first_extension,
                     sla.regulatory_first_extension: sla.regulatory_second_extension}
        return following.get(clock.days)

    def _request(self, uow: UnitOfWork, case: StoredCase, to_days: int, reason: str, actor: Actor) -> ClockRequest:
        if any(r.status == RequestStatus.PENDING for r in uow.clock.requests_of_case(case.id)):
            raise Conflict("an extension request is already waiting", code="clock_request_pending",
                           params={"case": case.number})
        approver = approver_units(self.ctx.organisation, case.unit)[0]
        draft = ClockRequest(0, case.id, case.number, case.unit, approver, to_days, reason, actor.username,
                             self.ctx.now(), RequestStatus.PENDING)
        request_id = uow.clock.add_request(draft)
        uow.audit.add(self.ctx.now(), actor.username, "clock_extension_requested", case.id, None,
                      {"request": request_id, "to_days": to_days, "reason": reason, "approver_unit": approver})
        found = uow.clock.request(request_id)
        assert found is not None
        return found

    def _check_approver(self, uow: UnitOfWork, request: ClockRequest, case: StoredCase, actor: Actor) -> None:
        """The approver is a supervisor of the parent unit (or head office), never the one who asked."""
        if request.requested_by == actor.username:
            self._deny(uow, actor, "clock_approve_own", case.id)
        if not may_approve(actor, self.ctx.organisation, case.unit):
            self._deny(uow, actor, "clock_approve", case.id)

    def _grant(self, uow: UnitOfWork, case: StoredCase, clock: RegulatoryClock, to_days: int, reason: str,
               requested_by: str, approval: tuple[str, str] | None, actor: Actor) -> None:
        """Move the clock to `to_days`, record the extension, keep the facts, tell the customer."""
        now = self.ctx.now()
        extended = RegulatoryClock(clock.base, to_days, clock.paused_days, clock.paused_since, clock.pause_kind,
                                   clock.pause_reason, clock.pause_evidence, clock.pauses, clock.total_paused_days)
        due = extended.due(self.ctx.calendar)
        done = uow.cases.extensions(case.id)
        record: dict[str, Any] = {"to_days": to_days, "reason": reason, "requested_by": requested_by,
                                  "recorded_by": actor.username, "recorded_at": iso(now), "due": iso(due)}
        if approval is not None:
            record |= {"approved_by": approval[0], "opinion": approval[1]}
        uow.cases.update_fields(case.id, regulatory_extensions=[*done, record])
        uow.clock.save_state(case.id, extended.as_record(), clock.paused_since, due)
        uow.case_facts.set_regulatory(case.id, due, len(done) + 1)
        self._keep_facts(uow, case.id, extended, long_extensions=sum(
            1 for e in [*done, record] if e.get("to_days") == self.ctx.sla.regulatory_second_extension))
        uow.audit.add(now, actor.username, "regulatory_extension", case.id, None, record)
        summary = uow.read.case(case.id)
        queue_customer_notice(self.ctx, uow, CustomerNoticeKind.EXTENSION, NoticeSubject(
            case.id, case.number, case.unit, case.complaint, case.received_at,
            summary.internal_due_at if summary else None, due,
            {"extension_no": len(done) + 1, "reason": reason, "regulatory_days": to_days}))

    def _keep_facts(self, uow: UnitOfWork, case_id: int, clock: RegulatoryClock,
                    long_extensions: int | None = None) -> None:
        if long_extensions is None:
            second = self.ctx.sla.regulatory_second_extension
            long_extensions = sum(1 for e in uow.cases.extensions(case_id) if e.get("to_days") == second)
        uow.clock.set_facts(case_id, ClockFacts(long_extensions, clock.pauses, clock.total_paused_days))

    def _shift_internal(self, uow: UnitOfWork, case: StoredCase, workdays: int) -> str | None:
        """Move the internal clock by `workdays` working days; returns the new internal deadline (ISO)."""
        summary = uow.read.case(case.id)
        internal = summary.internal_due_at if summary else None
        if workdays <= 0:
            return iso(internal) if internal else None
        calendar = self.ctx.calendar
        stored_def = uow.definitions.get(case.definition_id)
        assert stored_def is not None
        defn = self.ctx.definitions.get(stored_def)
        workflow = self.ctx.runtime.restore(defn, case.state)
        self.ctx.runtime.shift_internal_clock(workflow, lambda moment: calendar.add_workdays(moment, workdays))
        persist_workflow(self.ctx, uow, case, defn, workflow, [])
        snap_dues = {t.id: t.due_at for t in self.ctx.runtime.snapshot(defn, workflow).ready}
        uow.clock.set_task_dues(case.id, snap_dues)
        moved = calendar.add_workdays(internal, workdays) if internal else None
        if moved is not None:
            uow.cases.update_fields(case.id, internal_due_at=moved)
        return iso(moved) if moved else None

    def _pause_kind(self, kind: str) -> PauseKind:
        try:
            return PauseKind(kind)
        except ValueError:
            allowed = ", ".join(k.value for k in PauseKind)
            raise ValidationFailed({"kind": [f"one of {allowed}"]},
                                   coded={"kind": [("clock_pause_kind", {"allowed": allowed})]}) from None

    def _summary(self, uow: UnitOfWork, case_id: int) -> CaseSummary:
        summary = uow.read.case(case_id)
        assert summary is not None
        return summary
