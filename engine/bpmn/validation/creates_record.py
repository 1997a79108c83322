"""The `createsRecord` property of a user task names a record completing it creates
(engine/domain/step_records.py): a kind the engine knows, on a step whose form has the fields the record
is made from, so a deployed diagram never completes a step that cannot make its record."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.validation.common import NS, problem_at
from engine.domain.errors import DeployProblem
from engine.domain.step_records import CREATES_RECORD, REQUIRED_FIELDS, StepRecord

_FIELDS = "bpmn:extensionElements/camunda:formData/camunda:formField"
_PROPERTIES = "bpmn:extensionElements/camunda:properties/camunda:property"


def creates_record_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """Every `createsRecord` of an unknown kind, or on a step lacking a form field its record needs."""
    problems = []
    for task in root.iterfind(".//bpmn:userTask", NS):
        written = {p.get("name"): p.get("value") or "" for p in task.iterfind(_PROPERTIES, NS)}.get(CREATES_RECORD)
        if written is None:
            continue
        kinds = {k.value: k for k in StepRecord}
        if written.strip() not in kinds:
            message = f'{CREATES_RECORD} "{written}" is not one of: {", ".join(kinds)}'
            problems.append(problem_at(file, task, message))
            continue
        fields = {f.get("id") for f in task.iterfind(_FIELDS, NS)}
        for missing in (f for f in REQUIRED_FIELDS[kinds[written.strip()]] if f not in fields):
            message = f'{CREATES_RECORD} "{written}" needs the form field "{missing}"'
            problems.append(problem_at(file, task, message))
    return problems
