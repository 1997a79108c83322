"""The printable complaint form (客户投诉处理单): the complaint as registered, the handling record (each
completed step: who, when, in which department, what they decided, labelled as on the step's form), the
evidence list and the people who sign. Personal data as the viewer may see it (masked unless revealed,
each reveal audited by CaseService.detail)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from engine.domain import authz
from engine.domain.evidence import Attachment
from engine.domain.model import Actor, CaseSummary, HumanTask
from engine.services.attachments import AttachmentService
from engine.services.cases import CaseService
from engine.services.context import EngineContext
from engine.services.history import ShownValue, labelled


@dataclass(frozen=True)
class HandlingStep:
    """One completed step of the handling record."""

    title: str
    department: str  # code
    unit: str
    completed_by: str
    completed_at: datetime | None
    entries: tuple[ShownValue, ...]  # labelled by the step's form (history.labelled, as on the timeline)


@dataclass
class ComplaintForm:
    """Everything the printed form shows."""

    case: CaseSummary
    steps: list[HandlingStep]
    attachments: list[Attachment]
    revealed: bool
    printed_by: str
    printed_at: datetime
    open_steps: list[str] = field(default_factory=list)  # titles of the steps still in progress


class PrintService:
    """Assemble the complaint form of a case for printing."""

    def __init__(self, ctx: EngineContext, cases: CaseService, attachments: AttachmentService):
        self.ctx = ctx
        self.cases = cases
        self.attachments = attachments

    def complaint_form(self, ref: str | int, actor: Actor, reveal_personal_data: bool = False) -> ComplaintForm:
        """The form of a case the actor may see (NotFound otherwise, audited)."""
        detail = self.cases.detail(ref, actor, reveal_personal_data)
        case = detail.case
        submitted = {e.task_id: e.data.get("data") or {} for e in detail.timeline
                     if e.action == "complete" and e.task_id}
        steps = self._steps(case.id, [t for t in detail.tasks if t.completed_at is not None], submitted)
        return ComplaintForm(
            case=case, steps=steps, attachments=self.attachments.for_case(case.id, actor),
            revealed=reveal_personal_data and authz.may_see_personal_data(actor),
            printed_by=actor.username, printed_at=self.ctx.now(),
            open_steps=[t.title for t in detail.tasks if t.completed_at is None and t.status.value != "cancelled"],
        )

    def _steps(self, case_id: int, done: list[HumanTask], submitted: dict[str, dict[str, Any]]) -> list[HandlingStep]:
        with self.ctx.db.read() as uow:
            definition_id = uow.read.case_definition_id(case_id)
            stored = uow.definitions.get(definition_id) if definition_id is not None else None
        defn = self.ctx.definitions.get(stored) if stored is not None else None
        order = {task_id: n for n, task_id in enumerate(submitted)}  # the audit trail's order of completion
        return [HandlingStep(task.title, task.department, task.unit, task.completed_by or "", task.completed_at,
                             labelled(defn, task.bpmn_id, submitted.get(task.id, {})))
                for task in sorted(done, key=lambda t: order.get(t.id, len(order)))]
