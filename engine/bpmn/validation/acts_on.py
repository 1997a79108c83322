"""The `actsOn` property of a user task names earlier decisions: each must be a form field of another
user task of the same process, so a step never shows a decision no step can produce."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.definitions import ACTS_ON, acts_on
from engine.bpmn.validation.common import NS, problem_at
from engine.domain.errors import DeployProblem

_FIELDS = "bpmn:extensionElements/camunda:formData/camunda:formField"
_PROPERTIES = "bpmn:extensionElements/camunda:properties/camunda:property"


def acts_on_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """Every `actsOn` entry that names no form field of another user task of its process."""
    problems = []
    for process in root.iterfind(".//bpmn:process", NS):
        tasks = list(process.iterfind(".//bpmn:userTask", NS))
        fields = {t.get("id"): {f.get("id") for f in t.iterfind(_FIELDS, NS)} for t in tasks}
        for task in tasks:
            others = set().union(*(ids for tid, ids in fields.items() if tid != task.get("id")))
            for field_id in _declared(task):
                if field_id not in others:
                    message = (f'{ACTS_ON} names "{field_id}", which no other user task of the process has '
                               "as a form field")
                    problems.append(problem_at(file, task, message))
    return problems


def _declared(task: etree._Element) -> tuple[str, ...]:
    return acts_on({p.get("name"): p.get("value") or "" for p in task.iterfind(_PROPERTIES, NS)})
