"""CamundaParser with what Spiff leaves out: candidate groups, due dates and timer kinds."""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.specs.defaults import BoundaryEvent, IntermediateCatchEvent, IntermediateThrowEvent, StartEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import CAMUNDA_MODEL_NS, UserTaskParser
from SpiffWorkflow.camunda.specs.user_task import UserTask

from engine.bpmn.cycle_timer import CronCycleTimer
from engine.bpmn.decisions import PolicyDMNEngine

_CAMUNDA = "{" + CAMUNDA_MODEL_NS + "}"


def camunda_properties(node: Any) -> dict[str, str]:
    """The `camunda:properties` of an element, as a dict."""
    props = {}
    for ext in node.findall("{*}extensionElements"):
        for prop in ext.iter(f"{_CAMUNDA}property"):
            if prop.get("name"):
                props[prop.get("name")] = prop.get("value", "")
    return props


class CronTimers:
    """Event parsers whose cycle timers also run cron cycles (see engine.bpmn.cycle_timer)."""

    def parse_timer_event(self, event: Any) -> Any:
        definition = super().parse_timer_event(event)  # type: ignore[misc]
        if type(definition) is CycleTimerEventDefinition:
            return CronCycleTimer(definition.name, definition.expression, description=definition.description)
        return definition


class ComplaintStartEventParser(CronTimers, CamundaStartEventParser):  # type: ignore[misc]
    """A start event (a timer start may run a cron cycle)."""


class ComplaintCatchEventParser(CronTimers, CamundaIntermediateCatchEventParser):  # type: ignore[misc]
    """An intermediate catch event (a timer may run a cron cycle)."""


class ComplaintUserTaskParser(UserTaskParser):
    """Reads `camunda:candidateGroups`, `camunda:dueDate` and `camunda:assignee`, which Spiff ignores."""

    def create_task(self) -> Any:
        if self.node.get(f"{_CAMUNDA}formKey") is None:
            # Spiff reads camunda:formData only when a formKey is present; default it to the task id.
            self.node.set(f"{_CAMUNDA}formKey", self.node.get("id", ""))
        task = super().create_task()
        groups = self.node.get(f"{_CAMUNDA}candidateGroups") or ""
        task.candidate_groups = [g.strip() for g in groups.split(",") if g.strip()]
        task.due_date = self.node.get(f"{_CAMUNDA}dueDate")
        task.assignee = self.node.get(f"{_CAMUNDA}assignee")  # translated to Python (validation.camunda7)
        task.complaint_properties = camunda_properties(self.node)
        return task


class ComplaintBoundaryEventParser(CronTimers, CamundaBoundaryEventParser):  # type: ignore[misc]
    """Reads the `timerKind` property (chase / supervise) of a boundary timer."""

    def create_task(self) -> Any:
        task = super().create_task()
        task.timer_kind = timer_kind_of(self.node)
        task.attached_to = self.node.get("attachedToRef")
        return task


class ComplaintThrowEventParser(CamundaIntermediateThrowEventParser):
    """Keeps the `camunda:properties` of a throw event (a supervision escalation names its department)."""

    def create_task(self) -> Any:
        task = super().create_task()
        task.complaint_properties = camunda_properties(self.node)
        return task


def timer_kind_of(node: Any) -> str:
    """A boundary timer's kind: its `timerKind` property, else read off its id (Chase_*, Supervise_*)."""
    return camunda_properties(node).get("timerKind") or _kind_from_id(node.get("id", ""))


def _kind_from_id(element_id: str) -> str:
    lowered = element_id.lower()
    if lowered.startswith("chase"):
        return "chase"
    if lowered.startswith("supervis"):
        return "supervise"
    return "other"


class ComplaintParser(CamundaParser):
    """The Camunda 7 dialect plus the attributes complaintflow needs."""

    OVERRIDE_PARSER_CLASSES = {
        **CamundaParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (ComplaintUserTaskParser, UserTask),
        full_tag("boundaryEvent"): (ComplaintBoundaryEventParser, BoundaryEvent),
        full_tag("startEvent"): (ComplaintStartEventParser, StartEvent),
        full_tag("intermediateCatchEvent"): (ComplaintCatchEventParser, IntermediateCatchEvent),
        full_tag("intermediateThrowEvent"): (ComplaintThrowEventParser, IntermediateThrowEvent),
    }

    def get_engine(self, decision_ref: str, node: Any) -> PolicyDMNEngine:
        """The decision's table, run with the hit policy it declares (see `engine/bpmn/decisions.py`)."""
        return PolicyDMNEngine(super().get_engine(decision_ref, node).decision_table)
