"""Records made by completing a diagram step (camunda:property `createsRecord`, engine/domain/step_records.py),
in the completion's transaction: a step that fails to make its record is not completed.

- `typical_case`: a DRAFT typical case of the knowledge base, personal data removed, for complaint management
  to check and publish through the knowledge base's own pages, API or CLI (never published here).
- `rectification`: a rectification notice issued by the completing queue, like one issued by hand (checked the
  same way, then chased and supervised by the worker's sweep); a problem names the step's form field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.domain.errors import ValidationFailed
from engine.domain.model import Actor, HumanTask, UserTaskSpec
from engine.domain.rectification import DEFAULT_WORKDAYS, NewRectification
from engine.domain.step_records import RECTIFICATION_FIELDS, StepRecord
from engine.services.context import EngineContext
from engine.services.oversight.knowledge import KnowledgeService
from engine.services.rectification.service import RectificationService
from engine.services.unit_of_work import UnitOfWork


def create_step_records(ctx: EngineContext, uow: UnitOfWork, spec: UserTaskSpec | None, task: HumanTask,
                        values: Mapping[str, Any], actor: Actor) -> None:
    """Make the record the completed step declares (nothing when it declares none)."""
    kind = spec.creates_record if spec else None
    if kind == StepRecord.TYPICAL_CASE:
        data = {**uow.read.case_elements(task.case_id)[2], **values}
        KnowledgeService(ctx).draft_from_step(uow, task.case_id, data, actor)
    elif kind == StepRecord.RECTIFICATION:
        _issue_rectification(ctx, uow, task, values, actor)


def _issue_rectification(ctx: EngineContext, uow: UnitOfWork, task: HumanTask, values: Mapping[str, Any],
                         actor: Actor) -> None:
    def value(name: str) -> str:
        return str(values.get(RECTIFICATION_FIELDS[name]) or "").strip()

    new = NewRectification(
        case_id=task.case_id, unit=value("unit") or task.unit, department=value("department"),
        requirement=value("requirement"), workdays=int(value("workdays") or DEFAULT_WORKDAYS),
        number=value("number"), issuer_unit=task.unit, issuer_department=task.department)
    try:
        RectificationService(ctx).issue_from_step(uow, new, task.case_number, actor)
    except ValidationFailed as err:
        raise ValidationFailed({_field(k): v for k, v in err.errors.items()}, err.message,
                               {_field(k): v for k, v in err.coded.items()}) from err


def _field(name: str) -> str:
    """The step's form field a notice's field is read from (the notice's own name when it has none)."""
    return RECTIFICATION_FIELDS.get(name, name)
