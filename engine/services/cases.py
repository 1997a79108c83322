"""Opening complaints and reading cases."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from marshmallow import Schema, ValidationError

from engine.bpmn.definitions import LoadedDefinition
from engine.bpmn.runtime import FiredTimer
from engine.bpmn.scripting import CEILING
from engine.domain import authz
from engine.domain.calendar import iso
from engine.domain.clock import to_china
from engine.domain.customer_notices import CustomerNoticeKind, masked
from engine.domain.errors import (
    ConcurrentUpdate,
    Forbidden,
    NotFound,
    Problem,
    ValidationFailed,
    WorkflowError,
    invalid,
)
from engine.domain.masking import mask_complaint
from engine.domain.matching import match_keys
from engine.domain.model import Actor, CaseDetail, CaseStatus, CaseSummary
from engine.domain.organisation import receiving_unit
from engine.domain.records import NewCase, StoredCase, StoredDefinition, StoredIdempotencyKey
from engine.domain.repeats import REPEAT_WINDOW_DAYS
from engine.schemas.complaint import complaint_schema_class, workflow_variables
from engine.schemas.errors import field_errors
from engine.services.context import EngineContext
from engine.services.customer_notices.compose import NoticeSubject, queue_customer_notice
from engine.services.denials import record_denied
from engine.services.failures import failure_of, note_failure
from engine.services.projection import persist_workflow
from engine.services.unit_of_work import UnitOfWork
from engine.services.urgent.register import register_urgent


def request_fingerprint(process_key: str, complaint: dict[str, Any], raw: dict[str, Any]) -> str:
    """A hash of what was asked for, to tell a retry from a different request with a reused key. It is taken
    of the validated complaint, defaults applied, so a retry that spells out a default is the same request;
    the receipt time counts only when the caller gave it (its default is the moment of the request)."""
    asked = {k: v for k, v in complaint.items() if k != "received_at" or "received_at" in raw}
    canonical = json.dumps({"process": process_key, "complaint": asked}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def complaint_number(received_at: datetime, case_id: int) -> str:
    """`TS-20261123-000042`: receipt date in China time and the case's sequence number."""
    return f"TS-{to_china(received_at):%Y%m%d}-{case_id:06d}"


def unit_complaint_number(unit: str, received_at: datetime, sequence: int) -> str:
    """`SH01-2026-000123`: the receiving unit, the year of receipt (China time), the unit's sequence that year."""
    return f"{unit}-{to_china(received_at):%Y}-{sequence:06d}"


@dataclass
class StartedCase:
    """A new case's workflow run to its first wait (or the error that stopped it), not yet stored."""

    stored_def: StoredDefinition
    defn: LoadedDefinition
    complaint: dict[str, Any]
    received: datetime
    internal_due: datetime
    regulatory_due: datetime
    warning: str | None
    workflow: Any = None
    fired: list[FiredTimer] = field(default_factory=list)
    failure: WorkflowError | None = None


def case_visible(uow: UnitOfWork, actor: Actor, case_id: int) -> bool:
    """The actor may see the case: it reached their queues or subtrees, or they touched it."""
    if authz.reads_everything(actor) and actor.oversees is None:
        return True
    queues = uow.read.case_queues(case_id) | uow.urgent.queues(case_id)  # an urgent case's task force too
    return authz.may_see_case(actor, queues, uow.read.touched_by(actor.username, case_id))


class CaseService:
    """Open a complaint as a case; read cases within the actor's scope."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx
        self._schema = complaint_schema_class(ctx.codes)()

    @property
    def complaint_schema(self) -> Schema:
        """The schema every complaint is checked against (the intake form is read off it)."""
        return self._schema

    def validate_complaint(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The complaint loaded and checked, or ValidationFailed with messages per field."""
        try:
            loaded: dict[str, Any] = self._schema.load(raw)
        except ValidationError as err:
            raise ValidationFailed(field_errors(err.messages)) from err
        received = loaded.get("received_at") or self.ctx.now()
        loaded["received_at"] = received
        dumped: dict[str, Any] = self._schema.dump(loaded)
        return dumped | {"received_at": iso(received)}

    def process_for(self, organisation: str) -> str:
        """The process a receiving organisation's complaints start."""
        org = self.ctx.codes.organisations.get(organisation)
        if org is None:
            raise ValidationFailed({"organisation": [f"unknown organisation {organisation!r}"]})
        return org.process

    def open_case(self, process_key: str | None, raw: dict[str, Any], actor: Actor,
                  unit: str | None = None) -> CaseSummary:
        """Validate the complaint, number it, start its workflow and run it to the first wait.
        `unit` is the receiving organisation unit (default: the registering person's unit)."""
        if not authz.may_change(actor):
            raise Forbidden("auditors cannot register complaints")
        complaint = self.validate_complaint(raw)
        process_key = process_key or self.process_for(complaint["organisation"])
        unit = self._receiving_unit(unit, actor)
        started = self._start(process_key, self._with_repeat_count(complaint), actor)
        with self.ctx.db.write() as uow:
            case_id = self._open(uow, started, actor, unit)
            uow.commit()
        return self.summary(case_id)

    def open_case_once(
        self, process_key: str | None, raw: dict[str, Any], actor: Actor, idempotency_key: str,
        unit: str | None = None,
    ) -> tuple[CaseSummary, bool]:
        """open_case, safe to retry: the same caller and key give the first case back (and True: replayed).

        Two requests racing with one key both open a case, but only one records the key (unique
        constraint); the other rolls its case back and returns the winner's.
        """
        if not authz.may_change(actor):
            raise Forbidden("auditors cannot register complaints")
        complaint = self.validate_complaint(raw)
        process_key = process_key or self.process_for(complaint["organisation"])
        fingerprint = request_fingerprint(process_key, complaint, raw)
        unit = self._receiving_unit(unit, actor)
        started = self._start(process_key, self._with_repeat_count(complaint), actor)
        with self.ctx.db.write() as uow:
            earlier = uow.idempotency.find(actor.username, idempotency_key)
            if earlier is None:
                case_id = self._open(uow, started, actor, unit)
                record = StoredIdempotencyKey(actor.username, idempotency_key, fingerprint, case_id)
                if uow.idempotency.add(record, self.ctx.now()):
                    uow.commit()
                    return self.summary(case_id), False
                uow.rollback()
                earlier = uow.idempotency.find(actor.username, idempotency_key)
        if earlier is None:
            raise ConcurrentUpdate("a concurrent request with this Idempotency-Key failed; retry")
        if earlier.fingerprint != fingerprint:
            raise invalid({"Idempotency-Key": Problem(
                "idempotency_key_reused", "already used for a different request; use a new key")})
        return self.summary(earlier.case_id), True

    def _with_repeat_count(self, complaint: dict[str, Any]) -> dict[str, Any]:
        """The complaint with its computed repeat count: the same customer's complaints (same phone or same
        ID number, by keyed hash) received in the REPEAT_WINDOW_DAYS before it (decision tables read it)."""
        keys = match_keys(complaint, self.ctx.settings.match_key)
        received = datetime.fromisoformat(complaint["received_at"])
        with self.ctx.db.read() as uow:
            count = uow.links.count_received(keys.phone, keys.id_number,
                                             received - timedelta(days=REPEAT_WINDOW_DAYS), received)
        return complaint | {"repeat_count": count}

    def _receiving_unit(self, unit: str | None, actor: Actor) -> str:
        tree = self.ctx.organisation
        if unit is None:
            return receiving_unit(tree, actor.memberships)
        if tree.get(unit) is None:
            raise ValidationFailed({"unit": [f"unknown organisation unit {unit!r}"]})
        return unit

    def start_linked(self, process_key: str, complaint: dict[str, Any], actor: Actor, regulatory_days: int,
                     variables: dict[str, Any]) -> StartedCase:
        """A case opened on behalf of another (a review, 核查): one clock of its own, `regulatory_days` calendar
        days from receipt (both deadlines and the task ceiling), extra workflow variables; stored with
        `store_started`."""
        return self._start(process_key, complaint, actor, regulatory_days, variables)

    def store_started(self, uow: UnitOfWork, started: StartedCase, actor: Actor, unit: str) -> int:
        """Store a case started by `start_linked` in the caller's transaction; its id."""
        return self._open(uow, started, actor, unit)

    def _start(self, process_key: str, complaint: dict[str, Any], actor: Actor, regulatory_days: int | None = None,
               extra: dict[str, Any] | None = None) -> StartedCase:
        """Run the new case's workflow to its first wait before any write lock is taken: every
        expression up to there (due dates included) is evaluated here, so a slow or failing diagram
        never holds the database while it runs. The case number is filled in once the case is stored."""
        with self.ctx.db.read() as uow:
            stored_def = uow.definitions.latest(process_key)
        if stored_def is None:
            raise NotFound(f"process {process_key!r} is not deployed", code="process_not_deployed",
                           params={"process": process_key})
        defn = self.ctx.definitions.get(stored_def)
        received = datetime.fromisoformat(complaint["received_at"])
        started = StartedCase(stored_def, defn, complaint, received,
                              *self._deadlines(complaint, received, regulatory_days))
        variables = workflow_variables(complaint) | (extra or {}) | {
            "case_number": "", "received_by": actor.username,
            "internal_due": iso(started.internal_due), "regulatory_due": iso(started.regulatory_due),
            CEILING: iso(started.regulatory_due if regulatory_days else self._ceiling(complaint, received)),
        }
        try:
            started.workflow, started.fired = self.ctx.runtime.start(defn, variables)
            self.ctx.runtime.snapshot(defn, started.workflow)  # evaluates (and keeps) the due dates
        except WorkflowError as err:
            started.failure = err
        return started

    def _open(self, uow: UnitOfWork, started: StartedCase, actor: Actor, unit: str) -> int:
        """Store a started case: its row, number, workflow and projections, or its failure."""
        complaint, stored_def, now = started.complaint, started.stored_def, self.ctx.now()
        case_id = uow.cases.add(NewCase(
            definition_id=stored_def.id, process_key=stored_def.process_key, complaint=complaint,
            channel=complaint["channel"], organisation=complaint["organisation"],
            grade=complaint.get("grade"), category=complaint.get("category"),
            cause=complaint.get("cause"), received_at=started.received, received_by=actor.username,
            internal_due_at=started.internal_due, regulatory_due_at=started.regulatory_due,
            calendar_warning=started.warning, now=now, unit=unit,
        ))
        uow.case_facts.created(case_id)  # a new case has no facts row: its first save inserts one unread
        number = self._number(uow, started.received, case_id, unit)
        uow.cases.set_number(case_id, number)
        uow.audit.add(now, actor.username, "case_opened", case_id, None,
                      {"number": number, "process": stored_def.process_key,
                       "definition_version": stored_def.version,
                       "complaint": mask_complaint(complaint)})
        if started.failure is not None or started.workflow is None:
            # The complaint is kept (as a failed case, without a workflow) and supervisors see why.
            failure = started.failure or WorkflowError("the workflow did not start")
            note_failure(uow, case_id, failure_of(self.ctx, failure, "intake"), status=CaseStatus.FAILED)
        else:
            self.ctx.runtime.set_variable(started.workflow, "case_number", number)
            stored = StoredCase(case_id, number, stored_def.id, stored_def.process_key, "open", 0, "", complaint,
                                started.received, complaint.get("grade"), False, unit)
            persist_workflow(self.ctx, uow, stored, started.defn, started.workflow, started.fired)
        register_urgent(self.ctx, uow, (case_id, number, unit), complaint, started.received)
        # 受理告知: the customer is told at once that the complaint was received, when to expect an answer
        # and whom to call (queued with the case; the dispatcher delivers it on its next run).
        queue_customer_notice(self.ctx, uow, CustomerNoticeKind.ACKNOWLEDGEMENT, NoticeSubject(
            case_id, number, unit, complaint, started.received, started.internal_due, started.regulatory_due))
        return case_id

    def _ceiling(self, complaint: dict[str, Any], received: datetime) -> datetime:
        """The case's internal ceiling: no task before the reply is due after it (see sla.toml)."""
        return self.ctx.calendar.add_workdays(received, self.ctx.sla.ceiling_workdays())

    def _number(self, uow: UnitOfWork, received: datetime, case_id: int, unit: str) -> str:
        """The complaint number in the bank's convention (organisations.toml `[numbering] style`)."""
        if self.ctx.organisation.numbering != "unit":
            return complaint_number(received, case_id)
        year = f"{to_china(received):%Y}"
        return unit_complaint_number(unit, received, uow.cases.next_in_sequence(f"{unit}-{year}"))

    def _deadlines(self, complaint: dict[str, Any], received: datetime, regulatory_days: int | None = None,
                   ) -> tuple[datetime, datetime, str | None]:
        sla = self.ctx.sla
        days = sla.internal_workdays(complaint.get("grade"), bool(complaint.get("is_complex")))
        internal = self.ctx.calendar.add_workdays(received, days)
        regulatory = self.ctx.calendar.add_calendar_days(received, regulatory_days or sla.regulatory_initial)
        if regulatory_days:  # a linked case (review) has one clock of its own: both deadlines at its end
            internal = regulatory
        return internal, regulatory, self.ctx.calendar.coverage_warning(received, internal)

    def summary(self, case_id: int) -> CaseSummary:
        """A case's summary without access checks (internal use after a permitted action)."""
        with self.ctx.db.read() as uow:
            case = uow.read.case(case_id)
        if case is None:
            raise NotFound(f"case {case_id} not found")
        return case

    def failed_cases(self, actor: Actor, limit: int = 100) -> list[CaseSummary]:
        """Cases whose last engine run failed, newest first: for supervisors, within the units they oversee."""
        if not authz.reads_everything(actor):
            return []
        with self.ctx.db.read() as uow:
            return uow.read.failed_cases(limit, actor.oversees)

    def resolve_id(self, ref: str | int) -> int:
        """A case id from an id or a complaint number."""
        if isinstance(ref, int) or str(ref).isdigit():
            return int(ref)
        with self.ctx.db.read() as uow:
            case_id = uow.read.case_id_by_number(str(ref))
        if case_id is None:
            raise NotFound(f"case {ref} not found", code="case_not_found", params={"case": ref})
        return case_id

    def detail(self, ref: str | int, actor: Actor, reveal_personal_data: bool = False) -> CaseDetail:
        """Everything the case page shows, if the actor may see the case."""
        case_id = self.resolve_id(ref)
        reveal = reveal_personal_data and authz.may_see_personal_data(actor)
        # Only a reveal writes (its audit event); a page view reads without SQLite's write lock.
        with self.ctx.db.write() if reveal else self.ctx.db.read() as uow:
            case = uow.read.case(case_id)
            if case is not None and case_visible(uow, actor, case_id):
                return self._detail(uow, case, actor, reveal)
        record_denied(self.ctx, actor, "view_case", case_id)
        raise NotFound(f"case {ref} not found", code="case_not_found", params={"case": ref})

    def _detail(self, uow: UnitOfWork, case: CaseSummary, actor: Actor, reveal: bool) -> CaseDetail:
        case_id = case.id
        customer_notices = uow.customer_notices.for_case(case_id)
        if reveal:
            uow.audit.add(self.ctx.now(), actor.username, "personal_data_viewed", case_id)
            uow.commit()
        else:
            name = str(case.complaint.get("complainant_name") or "")
            customer_notices = [masked(n, name) for n in customer_notices]
            case.complaint = mask_complaint(case.complaint)
        completed, current, _data = uow.read.case_elements(case_id)
        return CaseDetail(
            case=case, tasks=uow.read.case_tasks(case_id), timeline=uow.read.timeline(case_id),
            notices=uow.read.notices(case_id=case_id), completed_elements=completed,
            current_elements=current, customer_notices=customer_notices,
        )

    def process_data(self, case_id: int) -> dict[str, Any]:
        """The latest workflow data of a case (projection; no workflow load)."""
        with self.ctx.db.read() as uow:
            return uow.read.case_elements(case_id)[2]
