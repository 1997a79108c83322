"""The `createsRecord` property of a user task names a record completing it creates
(engine/domain/step_records.py): a kind the engine knows, on a step whose form has the fields the record
is made from, so a deployed diagram never completes a step that cannot make its record."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.validation.common import CAMUNDA, NS, Rules, problem_at
from engine.domain.departments import department_variable
from engine.domain.errors import DeployProblem
from engine.domain.organisation import split_level
from engine.domain.rectification import ISSUING_DEPARTMENTS
from engine.domain.step_records import CREATES_RECORD, REQUIRED_FIELDS, StepRecord

_FIELDS = "bpmn:extensionElements/camunda:formData/camunda:formField"
_PROPERTIES = "bpmn:extensionElements/camunda:properties/camunda:property"


def creates_record_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Every `createsRecord` of an unknown kind, on a step lacking a form field its record needs, or a
    rectification notice on a step of a department that does not issue notices."""
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
        if kinds[written.strip()] == StepRecord.RECTIFICATION:
            problems += _issuer_problems(file, task, rules)
    return problems


def _issuer_problems(file: str, task: etree._Element, rules: Rules) -> list[DeployProblem]:
    """The step's department (its first candidate group, when written as one) must issue rectification notices."""
    first = (task.get(f"{CAMUNDA}candidateGroups") or "").split(",")[0].strip()
    label = split_level(first)[1]
    dept = rules.departments.resolve(label) if first and not department_variable(label) else None
    if dept is None or dept.code in ISSUING_DEPARTMENTS:
        return []
    message = (f'{CREATES_RECORD} "rectification" on a step of {dept.code}, which does not issue rectification '
               f"notices (issuers: {', '.join(sorted(ISSUING_DEPARTMENTS))})")
    return [problem_at(file, task, message)]
