"""The script environment diagrams run in: calendar functions, allow-listed Python, task due times."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.bpmn.camunda7.juel import EMPTY_FUNCTION
from engine.bpmn.expressions import SafeEnvironment
from engine.bpmn.spiff_time import current_time
from engine.domain.calendar import BusinessCalendar, iso, parse_moment
from engine.domain.clock import Clock
from engine.domain.expression_limits import ExpressionLimits, LimitExceeded

DUE_KEY = "due_at"
ASSIGNEE_KEY = "assignee"
TASK_DUE = "task_due"
CEILING = "internal_ceiling"  # no user task before the reply is due after the case's ceiling (set at intake)
DEFAULT_DUE = "internal_due"  # a user task without camunda:dueDate is due when the case is (set at intake)
MAX_DAY_OFFSET = 10_000  # days a calendar function may move a moment (about 27 years)


def _day_count(n: Any) -> int:
    """A day offset for the calendar functions, refused beyond MAX_DAY_OFFSET (each day is a loop step)."""
    days = int(n)
    if abs(days) > MAX_DAY_OFFSET:
        raise LimitExceeded("days", limit=MAX_DAY_OFFSET, size=days)
    return days


def script_functions(calendar: BusinessCalendar, clock: Clock) -> dict[str, Callable[..., Any]]:
    """Functions a diagram's expressions may call; every time they return is ISO-8601 with +08:00."""

    def now() -> str:
        return iso(current_time(clock))

    def add_workdays(moment: Any, n: int) -> str:
        return iso(calendar.add_workdays(parse_moment(moment), _day_count(n)))

    def workday_before(moment: Any, n: int = 1) -> str:
        return iso(calendar.workday_before(parse_moment(moment), _day_count(n)))

    def add_days(moment: Any, n: int) -> str:
        return iso(calendar.add_calendar_days(parse_moment(moment), _day_count(n)))

    def chase_cycle(due: Any, every: str = "P1D") -> str:
        return f"R/{workday_before(due, 1)}/{every}"

    def workdays_between(start: Any, end: Any) -> float:
        return calendar.workdays_between(parse_moment(start), parse_moment(end))

    def remaining_due(deadline: Any, minimum_workdays: int = 1) -> str:
        """The deadline, or `minimum_workdays` working days from now when less than that is left of it."""
        floor = calendar.add_workdays(current_time(clock), _day_count(minimum_workdays))
        return iso(max(parse_moment(deadline), floor))

    def earliest(*moments: Any) -> str:
        return iso(min(parse_moment(m) for m in moments))

    def is_empty(value: Any) -> bool:
        """JUEL's `empty`: null, an empty text, list or map."""
        return value is None or (isinstance(value, (str, list, tuple, dict, set)) and len(value) == 0)

    return {
        "now": now,
        "add_workdays": add_workdays,
        "workday_before": workday_before,
        "add_days": add_days,
        "chase_cycle": chase_cycle,
        "workdays_between": workdays_between,
        "remaining_due": remaining_due,
        "earliest": earliest,
        EMPTY_FUNCTION: is_empty,
    }


def known_names(calendar: BusinessCalendar, clock: Clock) -> set[str]:
    """Names a diagram may use besides case data: the functions plus `task_due`."""
    return set(script_functions(calendar, clock)) | {TASK_DUE}


class ComplaintScriptEngine(PythonScriptEngine):  # type: ignore[misc]
    """Evaluates with the allow-list and limits, offers `task_due` to timers attached to a user task,
    and caps the instances of a multi-instance activity."""

    def __init__(
        self,
        functions: dict[str, Callable[..., Any]],
        allow_scripts: bool = False,
        limits: ExpressionLimits | None = None,
        reply_markers: Callable[[str], Sequence[str]] | None = None,
    ):
        self.limits = limits or ExpressionLimits()
        self.reply_markers = reply_markers or _no_markers
        super().__init__(environment=SafeEnvironment(functions, allow_scripts=allow_scripts, limits=self.limits))

    def evaluate(self, task: Any, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        extra = dict(external_context or {})
        attached = attached_user_task(task)
        if attached is not None:
            due = self.due_of(attached)
            if due is not None:
                extra[TASK_DUE] = due
        value = super().evaluate(task, expression, extra)
        if expression is not None and expression == getattr(task.task_spec, "cardinality", None):
            try:
                self._check_cardinality(value)
            except LimitExceeded as exc:
                raise WorkflowTaskException(str(exc), task=task, exception=exc) from exc
        return value

    def _check_cardinality(self, value: Any) -> None:
        """A loop cardinality (a number, or the collection a Camunda loop iterates) within the cap."""
        size = value if isinstance(value, int) else len(value) if hasattr(value, "__len__") else 0
        if size > self.limits.max_cardinality:
            raise LimitExceeded("cardinality", limit=self.limits.max_cardinality, size=size)

    def due_of(self, user_task: Any) -> str | None:
        """The user task's due time: computed once from `camunda:dueDate`, then kept on the task."""
        stored = user_task._get_internal_data(DUE_KEY)
        if stored is not None:
            return str(stored)
        expression = getattr(user_task.task_spec, "due_date", None) or DEFAULT_DUE
        if expression == DEFAULT_DUE and DEFAULT_DUE not in user_task.data:
            return None
        value = super().evaluate(user_task, expression)
        due = self._within_ceiling(user_task, iso(parse_moment(value)))
        user_task._set_internal_data(**{DUE_KEY: due})
        return due

    def _within_ceiling(self, user_task: Any, due: str) -> str:
        """The due time, brought forward to the case's ceiling until the customer has been replied to."""
        ceiling = user_task.data.get(CEILING)
        if not ceiling or self._replied(user_task):
            return due
        return due if parse_moment(due) <= parse_moment(ceiling) else iso(parse_moment(ceiling))

    def _replied(self, user_task: Any) -> bool:
        """True once a variable that holds the reply (the process's `replied` report fact) has a value."""
        workflow = getattr(user_task.workflow, "top_workflow", None) or user_task.workflow
        names = self.reply_markers(str(workflow.spec.name))
        return any(user_task.data.get(name) not in (None, "") for name in names)


    def assignee_of(self, user_task: Any) -> str | None:
        """The user `camunda:assignee` names (evaluated once, then kept on the task), or None."""
        expression = getattr(user_task.task_spec, "assignee", None)
        if not expression:
            return None
        internal = user_task.internal_data
        if ASSIGNEE_KEY not in internal:
            value = super().evaluate(user_task, expression)
            user_task._set_internal_data(**{ASSIGNEE_KEY: str(value).strip() if value not in (None, "") else None})
        stored = internal.get(ASSIGNEE_KEY)
        return str(stored) if stored else None


def _no_markers(process_key: str) -> Sequence[str]:
    return ()


def attached_user_task(task: Any) -> Any:
    """The user task a boundary event is attached to (its sibling), or None."""
    attached_to = getattr(task.task_spec, "attached_to", None)
    if not attached_to or task.parent is None:
        return None
    for sibling in task.parent.children:
        if getattr(sibling.task_spec, "bpmn_id", None) == attached_to:
            return sibling
    return None
