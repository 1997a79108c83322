"""Move a workflow's internal clock: the case's working-day deadlines in its data, the due times its user
tasks keep, and the fire times of its armed timers (after the regulatory clock was paused)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.scripting import CEILING, DEFAULT_DUE, DUE_KEY
from engine.domain.calendar import iso, parse_moment

# The workflow variables that hold the internal (working-day) clock, set at intake.
INTERNAL_VARIABLES = (DEFAULT_DUE, CEILING)
Shift = Callable[[datetime], datetime]


def shift_internal_clock(workflow: BpmnWorkflow, shift: Shift, names: Iterable[str] = INTERNAL_VARIABLES) -> None:
    """Apply `shift` to every internal deadline the workflow carries (data, task due times, armed timers)."""
    names = tuple(names)
    for task in workflow.get_tasks():
        for name in names:
            if name in task.data:
                task.data[name] = _shifted(task.data[name], shift)
        if task.state in (TaskState.READY, TaskState.STARTED) and task._get_internal_data(DUE_KEY) is not None:
            task._set_internal_data(**{DUE_KEY: _shifted(task._get_internal_data(DUE_KEY), shift)})
        if task.state == TaskState.WAITING:
            _shift_timer(task, shift)
    for name in names:
        if name in workflow.data:
            workflow.data[name] = _shifted(workflow.data[name], shift)


def _shift_timer(task: Any, shift: Shift) -> None:
    value = task._get_internal_data("event_value")
    if isinstance(value, dict) and value.get("next"):
        task._set_internal_data(event_value={**value, "next": _shifted(value["next"], shift)})
    elif isinstance(value, str):
        task._set_internal_data(event_value=_shifted(value, shift))


def _shifted(value: Any, shift: Shift) -> Any:
    """The moment moved, in the ISO form the workflow keeps; anything that is not a moment unchanged."""
    if not isinstance(value, str | datetime) or value == "":
        return value
    try:
        moment = parse_moment(value)
    except (TypeError, ValueError):
        return value
    return shift(moment) if isinstance(value, datetime) else iso(shift(moment))
