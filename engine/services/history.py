"""A case's timeline as people read it: each completed form labelled by the form of the step that produced it,
the tasks named (linked only when the reader may open them), and the audit-only events (refusals, reveals of
personal data, timer bookkeeping) kept for the audit view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.bpmn.definitions import LoadedDefinition
from engine.domain import authz
from engine.domain.errors import Forbidden
from engine.domain.model import Actor, AuditEvent, CaseDetail, FormField, HumanTask
from engine.services.context import EngineContext
from engine.services.search_audit import PERSONAL_SEARCH

# Events of the audit trail that belong to the audit view (auditors, supervisors), not the staff timeline.
AUDIT_ONLY = frozenset({
    "access_denied", "personal_data_viewed", "timer_checked", "timer_failed", "timer_fired", "attachment_downloaded",
    PERSONAL_SEARCH,
})


@dataclass(frozen=True)
class ShownValue:
    """A submitted value and the form field that asked for it (label, type, options)."""

    field: FormField
    value: Any


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the timeline: who did what when, on which task, with which values."""

    at: datetime
    actor: str
    action: str
    task_title: str = ""  # the step's name (the projection's title), '' for case-level events
    task_bpmn_id: str = ""
    task_id: str | None = None  # set only when the reader may open the task
    values: tuple[ShownValue, ...] = ()
    assignee: str = ""
    reason: str = ""
    message: str = ""
    # Only in the audit view: what the event recorded besides the above (refused action, timer, worker...).
    details: dict[str, Any] = field(default_factory=dict)
    # A change of the regulatory clock: what it recorded (days, deadlines before and after, opinion...).
    clock: dict[str, Any] = field(default_factory=dict)


class HistoryService:
    """The timeline of a case for staff, and the full audit trail for those who audit."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def timeline(self, detail: CaseDetail, actor: Actor) -> list[HistoryEntry]:
        """The staff timeline of a case the actor was allowed to read (`detail` from `cases.detail`)."""
        return self._entries(detail, actor, audit=False)

    def audit_trail(self, detail: CaseDetail, actor: Actor) -> list[HistoryEntry]:
        """Every event of the case, refusals and reveals included: for auditors and supervisors only."""
        if not authz.may_see_audit_trail(actor):
            raise Forbidden("the audit trail is for auditors and supervisors", code="audit_trail_only")
        return self._entries(detail, actor, audit=True)

    def process_name(self, detail: CaseDetail) -> str:
        """The name of the process the case runs (its key when the definition is gone)."""
        defn = self._definition(detail.case.id)
        return defn.name if defn is not None else detail.case.process_key

    def _entries(self, detail: CaseDetail, actor: Actor, audit: bool) -> list[HistoryEntry]:
        defn = self._definition(detail.case.id)
        tasks = {t.id: t for t in detail.tasks}
        return [entry(event, defn, tasks, actor, audit) for event in detail.timeline
                if audit or event.action not in AUDIT_ONLY]

    def _definition(self, case_id: int) -> LoadedDefinition | None:
        with self.ctx.db.read() as uow:
            definition_id = uow.read.case_definition_id(case_id)
            stored = uow.definitions.get(definition_id) if definition_id is not None else None
        return self.ctx.definitions.get(stored) if stored is not None else None


SHOWN_KEYS = ("assignee", "reason", "message")
CLOCK_ACTIONS = frozenset({"regulatory_extension", "clock_extension_requested", "clock_extension_approved",
                           "clock_extension_rejected", "clock_paused", "clock_resumed", "clock_restarted"})
BOOKKEEPING = ("task", "title", "data", "previous", *SHOWN_KEYS)


def entry(event: AuditEvent, defn: LoadedDefinition | None, tasks: dict[str, HumanTask], actor: Actor,
          audit: bool) -> HistoryEntry:
    """One audit event as a timeline line."""
    task = tasks.get(event.task_id or "")
    bpmn_id = str(event.data.get("task") or (task.bpmn_id if task else ""))
    data = event.data.get("data")
    values = labelled(defn, bpmn_id, data) if event.action == "complete" and isinstance(data, dict) else ()
    note = data.get("message_note") if event.action == "message_received" and isinstance(data, dict) else None
    return HistoryEntry(
        at=event.at, actor=event.actor, action=event.action,
        task_title=str(event.data.get("title") or (task.title if task else "")),
        task_bpmn_id=bpmn_id,
        task_id=task.id if task is not None and authz.may_see_task(actor, task) else None,
        values=values,
        assignee=str(event.data.get("assignee") or ""),
        reason=str(event.data.get("reason") or note or ""),
        message=str(event.data.get("message") or ""),
        details={k: v for k, v in event.data.items() if k not in BOOKKEEPING} if audit else {},
        clock=dict(event.data) if event.action in CLOCK_ACTIONS else {},
    )


def labelled(defn: LoadedDefinition | None, bpmn_id: str, data: dict[str, Any]) -> tuple[ShownValue, ...]:
    """The values a step submitted, each with the field of that step's form (fields its form does not have,
    and empty values, are left out: the timeline shows no raw field names)."""
    step = defn.user_tasks.get(bpmn_id) if defn is not None else None
    if step is None:
        return ()
    return tuple(ShownValue(f, data[f.id]) for f in step.form.fields
                 if f.id in data and data[f.id] not in (None, "", []))
