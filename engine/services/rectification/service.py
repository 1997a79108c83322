"""Issue a rectification notice, record the measures and evidence, check them; read and list notices.

Every change is one transaction with its audit event; a refused attempt is audited and changes nothing.
Problems with the input are ValidationFailed with codes and parameters (the web UI, API and CLI word them).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import Actor, Membership
from engine.domain.rectification import (
    ISSUING_DEPARTMENTS,
    MAX_WORKDAYS,
    NUMBER_MAX,
    TEXT_MAX,
    NewRectification,
    Rectification,
    RectificationStatus,
    issuing_queues,
    list_filter,
    may_check,
    may_issue,
    may_see,
    may_submit,
)
from engine.services.cases import case_visible
from engine.services.context import EngineContext
from engine.services.rectification.sweep import RectificationSweep, sweep_rectifications
from engine.services.unit_of_work import UnitOfWork

Problems = dict[str, list[tuple[str, dict[str, str]]]]


class RectificationService:
    """Rectification notices from issue to the issuer's check."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    # -- issue -------------------------------------------------------------------------------------------
    def issue(self, new: NewRectification, actor: Actor) -> Rectification:
        """Issue a notice from a case the actor sees, from one of their queues to a department of a unit in
        the issuing unit's subtree, due `workdays` working days from now."""
        now = self.ctx.now()
        if not may_issue(actor):
            with self.ctx.db.write() as uow:
                uow.audit.denied(now, actor.username, "rectification_issue", None)
                uow.commit()
            raise Forbidden("rectification notices are issued by complaint management, service management or an "
                            "outlet head", audited=True)
        new = self._checked(new, actor)
        with self.ctx.db.write() as uow:
            case = uow.read.case(new.case_id)
            if case is None or not case_visible(uow, actor, new.case_id):
                if case is not None:
                    uow.audit.denied(now, actor.username, "rectification_issue", new.case_id)
                    uow.commit()
                raise NotFound(f"case {new.case_id} not found")
            notice = self._store(uow, new, case.number, actor)
            uow.commit()
        return notice

    def issue_from_step(self, uow: UnitOfWork, new: NewRectification, case_number: str,
                        actor: Actor) -> Rectification:
        """In the caller's transaction (a diagram step's completion by `actor`, who works the case): issue a
        notice checked as `issue` checks it; ValidationFailed names the notice's fields."""
        if not may_issue(actor):
            raise Forbidden("rectification notices are issued by complaint management, service management or "
                            "an outlet head")
        return self._store(uow, self._checked(new, actor), case_number, actor)

    def _store(self, uow: UnitOfWork, new: NewRectification, case_number: str, actor: Actor) -> Rectification:
        now = self.ctx.now()
        due = self.ctx.calendar.add_workdays(now, new.workdays)
        notice_id = uow.rectifications.add(new, case_number, actor.username, now, due)
        notice = uow.rectifications.get(notice_id)
        assert notice is not None
        uow.audit.add(now, actor.username, "rectification_issue", new.case_id, None, _issued_data(notice))
        return notice

    def _checked(self, new: NewRectification, actor: Actor) -> NewRectification:
        problems: Problems = {}
        new = replace(new, requirement=(new.requirement or "").strip(), number=(new.number or "").strip(),
                      unit=(new.unit or "").strip(), department=(new.department or "").strip())
        _text(problems, "requirement", new.requirement, TEXT_MAX, required=True)
        _text(problems, "number", new.number, NUMBER_MAX)
        if not 1 <= new.workdays <= MAX_WORKDAYS:
            problems["workdays"] = [("workdays_range", {"min": "1", "max": str(MAX_WORKDAYS)})]
        new = self._issuer(new, actor, problems)
        self._responsible(new, problems)
        if problems:
            raise _invalid(problems)
        return new

    def _issuer(self, new: NewRectification, actor: Actor, problems: Problems) -> NewRectification:
        """The issuing queue: as given, else the actor's only one; it must be one of the actor's."""
        queues = issuing_queues(actor)
        if not new.issuer_unit and not new.issuer_department and len(queues) == 1:
            return replace(new, issuer_unit=queues[0].unit, issuer_department=queues[0].department)
        wanted = Membership(new.issuer_unit, new.issuer_department)
        if actor.memberships:
            if wanted not in queues:
                problems["issuer"] = [("not_your_queue", {"queue": str(wanted)})]
        elif (new.issuer_department not in actor.departments & ISSUING_DEPARTMENTS
              or self.ctx.organisation.get(new.issuer_unit) is None):
            problems["issuer"] = [("not_your_queue", {"queue": str(wanted)})]
        return new

    def _responsible(self, new: NewRectification, problems: Problems) -> None:
        unit = self.ctx.organisation.get(new.unit)
        if unit is None:
            problems["unit"] = [("no_such_unit", {"unit": new.unit})]
            return
        if new.department not in unit.departments:
            problems["department"] = [("no_such_department", {"unit": new.unit, "department": new.department})]
        if "issuer" not in problems and new.unit not in self.ctx.organisation.subtree(new.issuer_unit):
            problems["unit"] = [("outside_issuer_subtree", {"unit": new.unit, "issuer_unit": new.issuer_unit})]

    # -- measures and evidence ----------------------------------------------------------------------------
    def submit(self, notice_id: int, measures: str, evidence: str, actor: Actor,
               evidence_files: tuple[str, ...] = ()) -> Rectification:
        """The responsible queue records the measures taken and the evidence (text, and the ids of files the
        attachments store keeps, when it exists) and hands them to the issuer for the check."""
        measures, evidence = (measures or "").strip(), (evidence or "").strip()
        now = self.ctx.now()

        def change(uow: UnitOfWork, notice: Rectification) -> dict[str, Any]:
            if not may_submit(actor, notice):
                self._refuse(uow, actor, notice, "rectification_submit")
            problems: Problems = {}
            _text(problems, "measures", measures, TEXT_MAX, required=True)
            _text(problems, "evidence", evidence, TEXT_MAX, required=not evidence_files)
            if problems:
                raise _invalid(problems)
            if notice.status != RectificationStatus.OPEN:
                raise Conflict(f"rectification {notice.number} is {notice.status.value}, not open",
                               code="rectification_not_open", params={"number": notice.number})
            return {"status": RectificationStatus.SUBMITTED.value, "measures": measures, "evidence": evidence,
                    "evidence_files": list(evidence_files), "submitted_at": now, "submitted_by": actor.username}

        return self._change(notice_id, "rectification_submit", actor, change)

    # -- the issuer's check -------------------------------------------------------------------------------
    def check(self, notice_id: int, accepted: bool, note: str, actor: Actor) -> Rectification:
        """The issuer accepts the measures (the notice closes) or returns them with a reason (open again)."""
        note = (note or "").strip()
        now = self.ctx.now()

        def change(uow: UnitOfWork, notice: Rectification) -> dict[str, Any]:
            if not may_check(actor, notice):
                self._refuse(uow, actor, notice, "rectification_check")
            problems: Problems = {}
            _text(problems, "note", note, TEXT_MAX, required=not accepted)
            if problems:
                raise _invalid(problems)
            if notice.status != RectificationStatus.SUBMITTED:
                raise Conflict(f"rectification {notice.number} is {notice.status.value}, not submitted",
                               code="rectification_not_submitted", params={"number": notice.number})
            values: dict[str, Any] = {"checked_at": now, "checked_by": actor.username, "check_note": note}
            if accepted:
                return values | {"status": RectificationStatus.CLOSED.value, "closed_at": now}
            return values | {"status": RectificationStatus.OPEN.value, "returns": notice.returns + 1}

        action = "rectification_accept" if accepted else "rectification_return"
        return self._change(notice_id, action, actor, change)

    def sweep(self) -> RectificationSweep:
        """Chase and supervise the notices that are due (the worker runs it after the timer sweep)."""
        return sweep_rectifications(self.ctx)

    # -- reading ------------------------------------------------------------------------------------------
    def get(self, notice_id: int, actor: Actor) -> Rectification:
        """One notice the actor may see (another unit's notice looks like a missing one)."""
        with self.ctx.db.read() as uow:
            notice = uow.rectifications.get(notice_id)
        if notice is not None and not may_see(actor, notice):
            with self.ctx.db.write() as uow:
                uow.audit.denied(self.ctx.now(), actor.username, "rectification_read", notice.case_id, None,
                                 rectification=notice.id)
                uow.commit()
        if notice is None or not may_see(actor, notice):
            raise NotFound(f"rectification {notice_id} not found")
        return notice

    def find(self, actor: Actor, status: RectificationStatus | None = None, overdue: bool = False,
             case_id: int | None = None) -> list[Rectification]:
        """The notices the actor may see, soonest due first: by status, overdue ones, or those of a case."""
        flt = list_filter(actor, status=status, overdue_at=self.ctx.now() if overdue else None, case_id=case_id)
        with self.ctx.db.read() as uow:
            return [n for n in uow.rectifications.find(flt) if may_see(actor, n)]

    # -- helpers ------------------------------------------------------------------------------------------
    def _change(self, notice_id: int, action: str, actor: Actor, change: Any) -> Rectification:
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            notice = uow.rectifications.get(notice_id, for_update=True)
            if notice is None or not may_see(actor, notice):
                if notice is not None:
                    uow.audit.denied(now, actor.username, action, notice.case_id, None, rectification=notice.id)
                    uow.commit()
                raise NotFound(f"rectification {notice_id} not found")
            values = change(uow, notice)
            if not uow.rectifications.change(notice.id, notice.version, **values):
                raise Conflict("the rectification notice was changed by someone else; reload",
                               code="rectification_changed", params={"number": notice.number})
            data = {"rectification": notice.id, "number": notice.number}
            data |= {k: v for k, v in values.items() if k in ("status", "check_note", "measures", "evidence")}
            uow.audit.add(now, actor.username, action, notice.case_id, None, data)
            changed = uow.rectifications.get(notice.id)
            uow.commit()
        assert changed is not None
        return changed

    def _refuse(self, uow: UnitOfWork, actor: Actor, notice: Rectification, action: str) -> None:
        uow.audit.denied(self.ctx.now(), actor.username, action, notice.case_id, None, rectification=notice.id)
        uow.commit()
        raise Forbidden(f"{actor.username} may not {action.removeprefix('rectification_')} rectification "
                        f"{notice.number}", audited=True)


def _text(problems: Problems, name: str, value: str, limit: int, required: bool = False) -> None:
    if required and not value:
        problems[name] = [("required", {})]
    elif len(value) > limit:
        problems[name] = [("too_long", {"max": str(limit)})]


ENGLISH = {
    "required": "required",
    "too_long": "at most {max} characters",
    "workdays_range": "a whole number of working days from {min} to {max}",
    "not_your_queue": "{queue} is not one of your departments",
    "no_such_unit": "unknown unit {unit}",
    "no_such_department": "unit {unit} has no department {department}",
    "outside_issuer_subtree": "unit {unit} is not in the subtree of the issuing unit {issuer_unit}",
}


def _invalid(problems: Problems) -> ValidationFailed:
    errors = {name: [ENGLISH[code].format(**params) for code, params in found] for name, found in problems.items()}
    return ValidationFailed(errors, "invalid rectification notice", coded=problems)


def _issued_data(notice: Rectification) -> dict[str, Any]:
    return {"rectification": notice.id, "number": notice.number, "unit": notice.unit,
            "department": notice.department, "requirement": notice.requirement, "workdays": notice.workdays,
            "due_at": notice.due_at.isoformat(), "issuer": f"{notice.issuer_unit}:{notice.issuer_department}"}
