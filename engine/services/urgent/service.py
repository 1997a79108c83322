"""Urgent and group complaints: record the first contact, form the task force (专项小组), record the day's progress;
read one case's urgent handling and list the urgent cases a person follows.

Every change is one transaction with its audit event; a refused attempt is audited and changes nothing. Problems
with the input are ValidationFailed with codes and parameters (the web UI, API and CLI word them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from engine.domain import authz
from engine.domain.clock import to_china
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.masking import personal_data_in
from engine.domain.model import Actor, Membership, NoticeKind
from engine.domain.urgent import (
    MAX_MEMBERS,
    MIN_MEMBERS,
    PERSON_MAX,
    TEXT_MAX,
    ContactMethod,
    NewTaskForce,
    ProgressEntry,
    UrgentCase,
    UrgentFilter,
    may_follow,
    may_form_task_force,
    may_record_progress,
)
from engine.services.cases import case_visible
from engine.services.context import EngineContext
from engine.services.oversight.record import record_notice
from engine.services.unit_of_work import UnitOfWork
from engine.services.urgent.sweep import UrgentSweep, sweep_urgent
from engine.services.urgent.texts import task_force_formed_reason

Problems = dict[str, list[tuple[str, dict[str, str]]]]

ENGLISH = {
    "required": "required",
    "too_long": "at most {max} characters",
    "no_such_unit": "unknown unit {unit}",
    "no_such_department": "unit {unit} has no department {department}",
    "members_count": "a task force has from {min} to {max} departments",
    "lead_not_member": "the lead department {lead} is not one of the task force's departments",
    "lead_person": "{person} is not an active member of the lead department {lead}",
    "not_a_member": "{queue} is not a department of the task force",
    "personal_data": "contains personal data ({kinds})",
    "contact_time": "the first contact lies between the complaint's receipt and now",
}


class UrgentService:
    """The urgent handling of urgent-grade and group complaints."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    # -- reading ------------------------------------------------------------------------------------------
    def for_case(self, case_id: int, actor: Actor) -> UrgentCase | None:
        """The case's urgent handling (None: not an urgent or group complaint, or a case the actor cannot see)."""
        with self.ctx.db.read() as uow:
            urgent = uow.urgent.get(case_id)
            if urgent is None or not case_visible(uow, actor, case_id):
                return None
        return urgent

    def get(self, case_id: int, actor: Actor) -> UrgentCase:
        """The case's urgent handling; NotFound (audited when the case exists) for a case the actor cannot see."""
        with self.ctx.db.write() as uow:
            return self._visible(uow, case_id, actor, "urgent_read")

    def find(self, actor: Actor, open_only: bool = True) -> list[UrgentCase]:
        """The urgent cases the actor follows (task forces of their departments; readers: of their units)."""
        if authz.reads_everything(actor):
            flt = UrgentFilter(open_only=open_only, units=actor.oversees)
        elif actor.memberships:
            flt = UrgentFilter(open_only=open_only, queues=frozenset(actor.memberships))
        else:
            flt = UrgentFilter(open_only=open_only, departments=frozenset(actor.departments))
        with self.ctx.db.read() as uow:
            return [u for u in uow.urgent.find(flt) if may_follow(actor, u)]

    def sweep(self) -> UrgentSweep:
        """Chase what is missed (the worker runs it after the timer sweep)."""
        return sweep_urgent(self.ctx)

    # -- first contact ------------------------------------------------------------------------------------
    def record_first_contact(self, case_id: int, method: ContactMethod, note: str, actor: Actor,
                             at: datetime | None = None) -> UrgentCase:
        """Who first contacted the customer, when (default: now), how, with a note; once per case."""
        now, note = self.ctx.now(), (note or "").strip()

        def change(uow: UnitOfWork, urgent: UrgentCase) -> dict[str, Any]:
            if not authz.may_change(actor):
                self._refuse(uow, actor, urgent, "urgent_first_contact")
            when = at or now
            problems: Problems = {}
            _text(problems, "note", note, TEXT_MAX)
            if when > now or when < urgent.received_at:
                problems["at"] = [("contact_time", {})]
            if problems:
                raise _invalid(problems)
            if urgent.first_contact is not None:
                raise Conflict(f"the first contact of {urgent.case_number} is recorded already",
                               code="urgent_contact_recorded", params={"case": urgent.case_number})
            return {"first_contact_at": when, "first_contact_by": actor.username,
                    "first_contact_method": method.value, "first_contact_note": note}

        return self._change(case_id, "urgent_first_contact", actor, change)

    # -- task force ---------------------------------------------------------------------------------------
    def form_task_force(self, case_id: int, force: NewTaskForce, actor: Actor) -> UrgentCase:
        """Form (or change) the task force: its departments, the lead among them, an optional lead person; each
        department is notified and sees the case."""
        now = self.ctx.now()
        members = tuple(dict.fromkeys(Membership(m.unit.strip(), m.department.strip()) for m in force.members))
        force = NewTaskForce(members, force.lead, (force.lead_person or "").strip())

        def change(uow: UnitOfWork, urgent: UrgentCase) -> dict[str, Any]:
            if not may_form_task_force(actor):
                self._refuse(uow, actor, urgent, "urgent_task_force")
            self._check_force(uow, force)
            uow.urgent.set_members(urgent.case_id, force.members, force.lead)
            reason = task_force_formed_reason(urgent, str(force.lead))
            for member in force.members:
                if member not in urgent.members:
                    record_notice(self.ctx, uow, NoticeKind.TASK_FORCE,
                                  (urgent.case_id, urgent.case_number, urgent.unit), None, member.department,
                                  reason, sender=actor.username, unit=member.unit)
            return {"task_force_at": urgent.task_force_at or now, "task_force_by": actor.username,
                    "lead_unit": force.lead.unit, "lead_department": force.lead.department,
                    "lead_person": force.lead_person}

        return self._change(case_id, "urgent_task_force", actor, change, members=[str(m) for m in force.members])

    def _check_force(self, uow: UnitOfWork, force: NewTaskForce) -> None:
        problems: Problems = {}
        for member in force.members:
            unit = self.ctx.organisation.get(member.unit)
            if unit is None:
                problems.setdefault("members", []).append(("no_such_unit", {"unit": member.unit}))
            elif member.department not in unit.departments:
                problems.setdefault("members", []).append(
                    ("no_such_department", {"unit": member.unit, "department": member.department}))
        if not MIN_MEMBERS <= len(force.members) <= MAX_MEMBERS:
            problems.setdefault("members", []).append(("members_count", {"min": str(MIN_MEMBERS),
                                                                          "max": str(MAX_MEMBERS)}))
        if force.lead not in force.members:
            problems["lead"] = [("lead_not_member", {"lead": str(force.lead)})]
        elif force.lead_person:
            user = uow.users.get(force.lead_person) if len(force.lead_person) <= PERSON_MAX else None
            if user is None or not user.active or force.lead not in user.memberships:
                problems["lead_person"] = [("lead_person", {"person": force.lead_person, "lead": str(force.lead)})]
        if problems:
            raise _invalid(problems)

    # -- daily progress -----------------------------------------------------------------------------------
    def record_progress(self, case_id: int, text: str, actor: Actor, queue: Membership | None = None) -> UrgentCase:
        """The day's progress, by the lead or any member department (`queue`: which, when the actor is in several)."""
        text, now = (text or "").strip(), self.ctx.now()

        def change(uow: UnitOfWork, urgent: UrgentCase) -> dict[str, Any]:
            if not may_record_progress(actor, urgent):
                self._refuse(uow, actor, urgent, "urgent_progress")
            problems: Problems = {}
            _text(problems, "text", text, TEXT_MAX, required=True)
            chosen = queue or _queue_of(actor, urgent)
            if chosen not in urgent.members or (actor.memberships and chosen not in actor.memberships):
                problems["queue"] = [("not_a_member", {"queue": str(chosen)})]
            if problems:
                raise _invalid(problems)
            uow.urgent.add_progress(urgent.case_id, ProgressEntry(0, to_china(now).date(), now, actor.username,
                                                                  chosen.unit, chosen.department, text))
            return {}

        return self._change(case_id, "urgent_progress", actor, change, text=text)

    # -- helpers ------------------------------------------------------------------------------------------
    def _visible(self, uow: UnitOfWork, case_id: int, actor: Actor, action: str) -> UrgentCase:
        urgent, case = uow.urgent.get(case_id), uow.read.case(case_id)
        if case is None or not case_visible(uow, actor, case_id):
            if case is not None:
                uow.audit.denied(self.ctx.now(), actor.username, action, case_id)
                uow.commit()  # another unit's case reads exactly like a missing one
            raise NotFound(f"case {case_id} not found", code="case_not_found", params={"case": case_id})
        ref = case.number or case_id
        if urgent is None:
            raise NotFound(f"case {ref} is not an urgent or group complaint", code="urgent_not_found",
                           params={"case": ref})
        return urgent

    def _change(self, case_id: int, action: str, actor: Actor, change: Any, **extra: Any) -> UrgentCase:
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            urgent = self._visible(uow, case_id, actor, action)
            case = uow.read.case(case_id)
            if case is None or case.status.value != "open":
                raise Conflict(f"case {urgent.case_number} is not open", code="urgent_case_closed",
                               params={"case": urgent.case_number})
            values = change(uow, urgent)
            if not uow.urgent.change(case_id, urgent.version, **values):
                raise Conflict("the case's urgent handling was changed by someone else; reload",
                               code="urgent_changed", params={"case": urgent.case_number})
            data = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in values.items()} | extra
            uow.audit.add(now, actor.username, action, case_id, None, data)
            changed = uow.urgent.get(case_id)
            uow.commit()
        assert changed is not None
        return changed

    def _refuse(self, uow: UnitOfWork, actor: Actor, urgent: UrgentCase, action: str) -> None:
        uow.audit.denied(self.ctx.now(), actor.username, action, urgent.case_id)
        uow.commit()
        raise Forbidden(f"{actor.username} may not do {action} on {urgent.case_number}", audited=True)


def _queue_of(actor: Actor, urgent: UrgentCase) -> Membership:
    """The actor's first department in the task force (the lead first); the lead for an actor without units."""
    ordered = ([urgent.lead] if urgent.lead else []) + list(urgent.members)
    for queue in ordered:
        if queue in actor.memberships or (not actor.memberships and queue.department in actor.departments):
            return queue
    return ordered[0] if ordered else Membership("", "")


def _text(problems: Problems, name: str, value: str, limit: int, required: bool = False) -> None:
    """Required, too long, or holding personal data (the audit trail and every task force member read it)."""
    kinds = personal_data_in(value)
    if required and not value:
        problems[name] = [("required", {})]
    elif len(value) > limit:
        problems[name] = [("too_long", {"max": str(limit)})]
    elif kinds:
        problems[name] = [("personal_data", {"kinds": ",".join(kinds)})]


def _invalid(problems: Problems) -> ValidationFailed:
    errors = {name: [ENGLISH[code].format(**params) for code, params in found] for name, found in problems.items()}
    return ValidationFailed(errors, "invalid urgent handling", coded=problems)
