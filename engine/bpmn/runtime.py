"""The facade over SpiffWorkflow: start, restore, complete, refresh timers, and read what is waiting."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import migration, spiff_time
from engine.bpmn.bounded import run_budget
from engine.bpmn.clock_shift import shift_internal_clock
from engine.bpmn.definitions import EscalationSpec, LoadedDefinition
from engine.bpmn.scripting import ComplaintScriptEngine, attached_user_task, script_functions
from engine.bpmn.serialization import StateCodec
from engine.bpmn.static_limits import limit_message
from engine.domain.calendar import BusinessCalendar, parse_moment
from engine.domain.clock import Clock
from engine.domain.errors import NotFound, WorkflowError
from engine.domain.expression_limits import ExpressionLimits, LimitExceeded
from engine.domain.migration import MigrationBlocker
from engine.domain.model import TimerKind

spiff_time.install()


@dataclass(frozen=True)
class ReadyUserTask:
    """A user task waiting for a person."""

    id: str
    bpmn_id: str
    due_at: datetime | None
    # The value of the task's `${var}` department variable, when its spec names one.
    department: str | None = None
    # The user `camunda:assignee` names, if any.
    assignee: str | None = None
    # The value of the task's `${var}` unit variable (`${forward_unit}:branch_manager`), when it names one.
    unit: str | None = None


@dataclass(frozen=True)
class WaitingTimer:
    """A boundary timer armed in the workflow."""

    task_id: str
    bpmn_id: str
    kind: TimerKind
    fire_at: datetime
    attached_task_id: str | None


@dataclass(frozen=True)
class FiredTimer:
    """A timer that went off during the last engine run."""

    bpmn_id: str
    kind: TimerKind
    attached_task_id: str | None
    # For supervision raised by an escalation event (no task attached): the addressed department.
    department: str | None = None
    # A timer on a multi-instance task watches every instance: the instances still open.
    instance_task_ids: tuple[str, ...] = ()


@dataclass
class Snapshot:
    """What a saved workflow looks like from outside: the source of every projection."""

    ready: list[ReadyUserTask]
    timers: list[WaitingTimer]
    finished: bool
    data: dict[str, Any]
    completed_elements: list[str]
    current_elements: list[str]


@dataclass(frozen=True)
class Armed:
    """What a workflow waits for, as the projections show it: its ready user tasks (by id) and armed timers.
    Comparing the Armed of the stored state with the new one tells which projection rows to write."""

    ready: frozenset[str]
    timers: frozenset[WaitingTimer] | None  # None: the timer rows may differ from the state (rewrite them)
    # The case data the state carried (what the report facts row was written from); None: unknown, write it.
    data: dict[str, Any] | None = field(default=None, compare=False)


NOTHING_ARMED = Armed(frozenset(), frozenset())


@dataclass
class _Run:
    fired: list[FiredTimer] = field(default_factory=list)


class WorkflowRuntime:
    """Runs workflows of loaded definitions with our script environment and clock."""

    def __init__(
        self,
        calendar: BusinessCalendar,
        clock: Clock,
        allow_scripts: bool = False,
        limits: ExpressionLimits | None = None,
        reply_markers: Callable[[str], Sequence[str]] | None = None,
    ):
        self.clock = clock
        self.limits = limits or ExpressionLimits()
        self.script_engine = ComplaintScriptEngine(script_functions(calendar, clock), allow_scripts, self.limits,
                                                   reply_markers)
        self.codec = StateCodec()
        # What the stored projections of each live workflow show (see `stored_armed`).
        self._stored: WeakKeyDictionary[BpmnWorkflow, Armed] = WeakKeyDictionary()
        self._stored_lock = threading.Lock()

    def start(self, defn: LoadedDefinition, data: dict[str, Any]) -> tuple[BpmnWorkflow, list[FiredTimer]]:
        """Create a workflow, give its start event `data`, and run it to its first wait."""
        workflow = BpmnWorkflow(defn.spec, defn.subprocess_specs, script_engine=self.script_engine)
        start = workflow.get_next_task(state=TaskState.READY)
        if start is not None:
            start.data.update(data)
        self.remember_stored(workflow, NOTHING_ARMED)  # a new case: no projection rows yet
        return workflow, self._run(defn, workflow, lambda: None)

    def restore(self, defn: LoadedDefinition, state: str) -> BpmnWorkflow:
        """A workflow from its saved state."""
        workflow = self.codec.loads(state, defn.spec, defn.subprocess_specs)
        workflow.script_engine = self.script_engine
        self.remember_stored(workflow, self.armed(defn, workflow))
        return workflow

    def armed(self, defn: LoadedDefinition, workflow: BpmnWorkflow) -> Armed:
        """The ready user tasks and armed timers of the workflow as it is now (no expression is evaluated)."""
        tasks = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
        manual = [t for t in tasks if t.state == TaskState.READY and t.task_spec.manual]
        return Armed(frozenset(str(t.id) for t in manual), frozenset(self._waiting_timers(defn, workflow, tasks)),
                     _current_data(workflow, manual))

    def stored_armed(self, workflow: BpmnWorkflow) -> Armed | None:
        """What the projection rows of the workflow's case show: the Armed of the state it was restored from
        (nothing for a new workflow), or of the state last saved (`remember_stored`); None when unknown
        (a migrated workflow: its rows show the old definition's elements)."""
        with self._stored_lock:
            return self._stored.get(workflow)

    def remember_stored(self, workflow: BpmnWorkflow, armed: Armed | None) -> None:
        """Note what the projection rows of the workflow's case now show (None: unknown)."""
        with self._stored_lock:
            if armed is None:
                self._stored.pop(workflow, None)
            else:
                self._stored[workflow] = armed

    def set_variable(self, workflow: BpmnWorkflow, name: str, value: Any) -> None:
        """Change a variable the workflow already carries, in every task's data that holds it."""
        for task in workflow.get_tasks():
            if name in task.data:
                task.data[name] = value
        if name in workflow.data:
            workflow.data[name] = value

    def shift_internal_clock(self, workflow: BpmnWorkflow, shift: Callable[[datetime], datetime]) -> None:
        """Move the workflow's internal deadlines (data, task due times, armed timers) by `shift`."""
        shift_internal_clock(workflow, shift)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state as JSON text."""
        return self.codec.dumps(workflow)

    def complete(
        self, defn: LoadedDefinition, workflow: BpmnWorkflow, task_id: str, data: dict[str, Any]
    ) -> list[FiredTimer]:
        """Complete a ready user task with form `data` and run on to the next wait."""
        task = self.ready_task(workflow, task_id)

        def act() -> None:
            task.data.update(data)
            task.run()

        return self._run(defn, workflow, act)

    def waiting_messages(self, workflow: BpmnWorkflow) -> list[str]:
        """The names of the messages the workflow waits for (catch and boundary events), sorted."""
        return sorted({t.task_spec.event_definition.name for t in _message_waiters(workflow)})

    def deliver_message(
        self, defn: LoadedDefinition, workflow: BpmnWorkflow, name: str, data: dict[str, Any]
    ) -> list[FiredTimer]:
        """Deliver message `name` with `data` to every event waiting for it, and run on to the next wait.
        The data becomes case variables; Spiff also keeps it under `<event id>_Response` (Camunda's default)."""
        waiters = [t for t in _message_waiters(workflow) if t.task_spec.event_definition.name == name]
        if not waiters:
            raise NotFound(f"the case is not waiting for the message {name!r}")

        def act() -> None:
            definition = waiters[0].task_spec.event_definition
            payload = {"payload": dict(data), "result_var": None} if hasattr(definition, "result_var") else dict(data)
            workflow.send_event(BpmnEvent(definition, payload=payload))
            for task in waiters:
                if task.state == TaskState.READY:  # caught: its data goes on to what follows
                    task.data.update(data)

        return self._run(defn, workflow, act)

    def migrate(
        self, old: LoadedDefinition, new: LoadedDefinition, workflow: BpmnWorkflow, mapping: dict[str, str]
    ) -> tuple[list[MigrationBlocker], list[FiredTimer]]:
        """Move the workflow onto `new` in place (see engine.bpmn.migration) and run on; or the reasons it
        cannot move (the workflow is then not to be saved)."""
        mapping = migration.with_attached_timers(mapping, old, new)
        self.remember_stored(workflow, None)  # its task rows name the old definition's elements
        blockers = migration.blockers_of(workflow, old, new, mapping)
        if blockers:
            return blockers, []
        problems: list[MigrationBlocker] = []
        fired = self._run(new, workflow, lambda: problems.extend(migration.move(workflow, new, mapping)))
        if not problems:
            try:
                self.restore(new, self.dumps(workflow))
            except Exception as err:  # noqa: BLE001 - any failure to restore means the case must stay
                problems.append(MigrationBlocker("state_incompatible", workflow.spec.name, str(err)[:300]))
        return problems, fired

    def refresh_timers(self, defn: LoadedDefinition, workflow: BpmnWorkflow) -> list[FiredTimer]:
        """Let due timers fire (as of the clock) and run on; a cycle timer fires once however late.
        The sweep calls it for a timer row that is due; a row the workflow does not fire (moved by a retry, say)
        must be rewritten from the workflow, so the timer rows are no longer taken to match the state."""
        stored = self.stored_armed(workflow)
        if stored is not None:
            self.remember_stored(workflow, Armed(stored.ready, None, stored.data))
        _collapse_missed_cycles(defn, workflow, self.clock.now())
        return self._run(defn, workflow, workflow.refresh_timers)

    def ready_task(self, workflow: BpmnWorkflow, task_id: str) -> Any:
        """The ready user task with this id, or NotFound."""
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except (ValueError, KeyError, SpiffWorkflowException) as err:
            raise NotFound(f"task {task_id} not found in the workflow") from err
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise NotFound(f"task {task_id} is not waiting for a person")
        return task

    def snapshot(self, defn: LoadedDefinition, workflow: BpmnWorkflow) -> Snapshot:
        """Everything the projections need, read off the workflow once (due dates are evaluated here)."""
        with self._evaluating():
            manual = workflow.get_tasks(state=TaskState.READY, manual=True)
            ready = [self._ready(defn, t) for t in manual]
            timers = list(self._waiting_timers(defn, workflow))
        return Snapshot(
            ready=ready,
            timers=timers,
            finished=workflow.is_completed(),
            data=_current_data(workflow, manual),
            completed_elements=_elements(workflow, TaskState.COMPLETED),
            # where the case is: its waiting steps, not the chase / supervise timers that watch them
            current_elements=[e for e in _elements(workflow, TaskState.READY | TaskState.WAITING | TaskState.STARTED)
                              if e not in defn.timers],
        )

    def _ready(self, defn: LoadedDefinition, task: Any) -> ReadyUserTask:
        due = self.script_engine.due_of(task)
        spec = defn.user_tasks.get(task.task_spec.bpmn_id)
        variable = spec.department_variable if spec else None
        department = _text_or_none(task.data.get(variable)) if variable else None
        unit_variable = spec.unit_variable if spec else None
        unit = _text_or_none(task.data.get(unit_variable)) if unit_variable else None
        return ReadyUserTask(str(task.id), task.task_spec.bpmn_id, parse_moment(due) if due else None, department,
                             self.script_engine.assignee_of(task), unit)

    def _waiting_timers(self, defn: LoadedDefinition, workflow: BpmnWorkflow,
                        tasks: Sequence[Any] | None = None) -> Iterator[WaitingTimer]:
        for task in workflow.get_tasks(state=TaskState.WAITING) if tasks is None else tasks:
            if task.state != TaskState.WAITING:
                continue
            spec = defn.timers.get(getattr(task.task_spec, "bpmn_id", None) or "")
            fire_at = _timer_fire_at(task)
            if fire_at is None:
                continue
            attached = attached_user_task(task)
            yield WaitingTimer(
                task_id=str(task.id),
                bpmn_id=task.task_spec.bpmn_id,
                kind=spec.kind if spec else TimerKind.OTHER,
                fire_at=fire_at,
                attached_task_id=str(attached.id) if attached is not None else None,
            )

    def _run(self, defn: LoadedDefinition, workflow: BpmnWorkflow, act: Callable[[], Any]) -> list[FiredTimer]:
        run = _Run()
        with self._evaluating():
            act()
            workflow.do_engine_steps(did_complete_task=lambda t: _note_fired(defn, t, run))
            _prune_cycle_timer_children(defn, workflow)
            workflow.get_events()  # uncaught escalations would otherwise be stored with a copy of the data
        return run.fired


    @contextmanager
    def _evaluating(self) -> Iterator[None]:
        """Our clock and one time budget for every evaluation inside; failures become WorkflowError."""
        with spiff_time.using_clock(self.clock), run_budget(self.limits.max_seconds):
            try:
                yield
            except (SpiffWorkflowException, LimitExceeded) as err:
                raise _workflow_error(err) from err


def _note_fired(defn: LoadedDefinition, task: Any, run: _Run) -> None:
    bpmn_id = getattr(task.task_spec, "bpmn_id", None)
    escalation = defn.escalations.get(bpmn_id or "")
    if escalation is not None:
        run.fired.append(_supervision_raised(escalation, task))
        return
    spec = defn.timers.get(bpmn_id or "")
    source = task
    if spec is None or spec.cycle:
        parent_id = getattr(task.parent.task_spec, "bpmn_id", None) if task.parent else None
        spec = defn.timers.get(parent_id or "")
        source = task.parent
        if spec is None or not spec.cycle:
            return
    attached = attached_user_task(source)
    run.fired.append(
        FiredTimer(
            bpmn_id=spec.bpmn_id,
            kind=spec.kind,
            attached_task_id=str(attached.id) if attached is not None else None,
            instance_task_ids=_open_instances(attached) if attached is not None else (),
        )
    )


def _message_waiters(workflow: BpmnWorkflow) -> list[Any]:
    """The workflow's events waiting for a message (in any of its subprocesses)."""
    manager = workflow.top_workflow.event_manager
    return [t for t in manager.tasks.values()
            if t.state == TaskState.WAITING and isinstance(t.task_spec.event_definition, MessageEventDefinition)]


def _open_instances(attached: Any) -> tuple[str, ...]:
    """The open instances of a multi-instance user task (empty for an ordinary task)."""
    bpmn_id = getattr(attached.task_spec, "bpmn_id", None)
    return tuple(
        str(t.id) for t in attached.workflow.get_tasks(state=TaskState.READY | TaskState.STARTED, manual=True)
        if t.id != attached.id and getattr(t.task_spec, "bpmn_id", None) == bpmn_id and _descends(t, attached)
    )


def _descends(task: Any, ancestor: Any) -> bool:
    node = task.parent
    while node is not None:
        if node.id == ancestor.id:
            return True
        node = node.parent
    return False


def _supervision_raised(escalation: EscalationSpec, task: Any) -> FiredTimer:
    """A supervision escalation event was passed: treat it as a supervise timer with no task attached."""
    department = escalation.department
    if escalation.department_variable:
        department = _text_or_none(task.data.get(escalation.department_variable)) or ""
    return FiredTimer(escalation.bpmn_id, TimerKind.SUPERVISE, None, department)


def _text_or_none(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _collapse_missed_cycles(defn: LoadedDefinition, workflow: BpmnWorkflow, now: datetime) -> None:
    """Move each cycle timer's next firing to its last missed occurrence, so that a sweep that comes
    days late fires it once (one chase), not once per missed period (a backlog of branches to run)."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        spec = defn.timers.get(getattr(task.task_spec, "bpmn_id", None) or "")
        value = task._get_internal_data("event_value") if spec is not None and spec.cycle else None
        if not isinstance(value, dict) or value.get("cycles") == 0 or not value.get("duration"):
            continue
        next_at, period = datetime.fromisoformat(value["next"]), timedelta(seconds=value["duration"])
        missed = math.ceil((now - next_at) / period) - 1
        if missed > 0:
            cycles = value["cycles"]
            task._set_internal_data(event_value={
                **value, "next": (next_at + missed * period).isoformat(),
                "cycles": cycles if cycles < 0 else max(1, cycles - missed),
            })


def _prune_cycle_timer_children(defn: LoadedDefinition, workflow: BpmnWorkflow) -> None:
    """Drop finished branches under cycle timers so a task chased 30 times stays small."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        spec = defn.timers.get(getattr(task.task_spec, "bpmn_id", None) or "")
        if spec is None or not spec.cycle:
            continue
        for child in list(task.children):
            # Each firing adds a branch (the end event, finished) and another waiting join, which
            # the attached task's own branch already provides: both are dead weight once fired.
            if child.state & TaskState.FINISHED_MASK or (
                child.state == TaskState.WAITING and isinstance(child.task_spec, BoundaryEventJoin)
            ):
                if workflow.last_task is not None and workflow.last_task.id == child.id:
                    workflow.last_task = task
                child.workflow._remove_task(child.id)


def _timer_fire_at(task: Any) -> datetime | None:
    value = task._get_internal_data("event_value")
    if value is None:
        return None
    if isinstance(value, dict):
        if value.get("cycles") == 0:
            return None
        value = value.get("next")
    try:
        return parse_moment(value)
    except (TypeError, ValueError):
        return None


def _current_data(workflow: BpmnWorkflow, ready_manual: Sequence[Any]) -> dict[str, Any]:
    """The case data: the finished workflow's, else the last task's and the ready user tasks' (`ready_manual`,
    in tree order)."""
    if workflow.is_completed():
        return dict(workflow.data)
    data: dict[str, Any] = {}
    if workflow.last_task is not None:
        data.update(workflow.last_task.data)
    for task in ready_manual:
        data.update(task.data)
    return data


def _elements(workflow: BpmnWorkflow, mask: int) -> list[str]:
    seen = []
    for task in workflow.get_tasks(state=mask):
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if bpmn_id and bpmn_id not in seen:
            seen.append(bpmn_id)
    return seen


def _workflow_error(err: Exception) -> WorkflowError:
    """A WorkflowError naming the failing element; a limit violation keeps its code and numbers."""
    task_spec = getattr(getattr(err, "task", None), "task_spec", None)
    element = getattr(task_spec, "bpmn_id", None) or getattr(task_spec, "name", None)
    limit = _limit_cause(err)
    if limit is None:
        return WorkflowError(_describe(err), element=element)
    where = f" at element {element}" if element else ""
    return WorkflowError(f"an expression {limit_message(limit)}{where}", element=element,
                         code=f"limit_{limit.code}", params=limit.params, may_pass=limit.may_pass)


def _limit_cause(err: BaseException | None) -> LimitExceeded | None:
    """The limit violation behind an error (SpiffWorkflow wraps it, sometimes twice), if any."""
    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, LimitExceeded):
            return err
        err = getattr(err, "exception", None) or err.__cause__ or err.__context__
        seen += 1
    return None


def _describe(err: Exception) -> str:
    parts = [str(err)]
    task_spec = getattr(getattr(err, "task", None), "task_spec", None)
    if task_spec is not None:
        parts.append(f"at element {getattr(task_spec, 'bpmn_id', task_spec.name)}")
    return " ".join(parts)
