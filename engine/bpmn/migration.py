"""Move a restored workflow onto a newer version of its process, with SpiffWorkflow's `migrate_workflow`.

Each task is aligned with the new version's element of the same id (or the id an explicit map names; a mapped
task's chase and supervise timers follow it to the new task's timers of the same kind). A case
that waits on, or passed, an element with no counterpart cannot move; nor one whose open user task would change
department or stop being a user task. Tasks that are waiting (user tasks, timers, message events) keep their
ids, data and internal data: claims, due dates and armed timer times survive. Spiff re-predicts what follows each
waiting task, so the rest of the case runs the new version.

Limits: a timer or boundary event that the new version adds to a task the case already waits in arms only when
the task is entered again; a changed timer expression applies to tasks entered after the move.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.diff import migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.definitions import LoadedDefinition
from engine.domain.migration import MigrationBlocker

OPEN = TaskState.READY | TaskState.WAITING | TaskState.STARTED
PASSED = TaskState.COMPLETED | TaskState.CANCELLED | TaskState.ERROR


@dataclass
class _Alignment:
    """What `migrate_workflow` reads: each task's spec in the new version (None: no counterpart)."""

    alignment: dict[Any, Any]


def mapped_name(name: str, mapping: dict[str, str]) -> str:
    """A task spec's name in the new version: mapped explicitly (with the specs Spiff derives from it, such as
    `<id>.BoundaryEventSplit`), else the same."""
    if name in mapping:
        return mapping[name]
    head, dot, rest = name.partition(".")
    return f"{mapping[head]}.{rest}" if dot and head in mapping else name


def blockers_of(workflow: Any, old: LoadedDefinition, new: LoadedDefinition,
                mapping: dict[str, str]) -> list[MigrationBlocker]:
    """Every reason the workflow cannot move to `new` (empty when it can)."""
    found: list[MigrationBlocker] = []
    for sub_workflow, spec in _workflows(workflow, new):
        if spec is None:
            name = sub_workflow.spec.name
            found.append(MigrationBlocker("subprocess_removed", name, f"called process {name} is not in the new "
                                          "version", (("element", name),)))
            continue
        for task in sub_workflow.get_tasks(skip_subprocesses=True):
            found.extend(_task_blockers(task, spec, old, new, mapping))
    return _owner_visible(_unique(found), old)


def with_attached_timers(mapping: dict[str, str], old: LoadedDefinition, new: LoadedDefinition) -> dict[str, str]:
    """The map, plus each boundary timer of a mapped task onto the new task's timer of the same kind (deploy adds
    chase and supervise timers the owner never drew, so the owner cannot name them)."""
    full = dict(mapping)
    for timer in old.timers.values():
        if timer.bpmn_id in mapping or timer.attached_to not in mapping:
            continue
        target = next((t.bpmn_id for t in new.timers.values()
                       if t.attached_to == mapping[timer.attached_to] and t.kind == timer.kind), None)
        if target is not None:
            full[timer.bpmn_id] = target
    return full


def _owner_visible(blockers: list[MigrationBlocker], old: LoadedDefinition) -> list[MigrationBlocker]:
    """Leave out a boundary timer whose task is already named: the task's reason covers it."""
    named = {b.element for b in blockers}
    return [b for b in blockers
            if b.element not in old.timers or old.timers[b.element].attached_to not in named]


def _workflows(workflow: Any, new: LoadedDefinition) -> list[tuple[Any, BpmnProcessSpec | None]]:
    """The top workflow and each subprocess, with the spec each runs in the new version."""
    pairs = [(workflow, new.spec)]
    pairs += [(sp, new.subprocess_specs.get(sp.spec.name)) for sp in workflow.subprocesses.values()]
    return pairs


def _task_blockers(task: Any, spec: BpmnProcessSpec, old: LoadedDefinition, new: LoadedDefinition,
                   mapping: dict[str, str]) -> list[MigrationBlocker]:
    name = task.task_spec.name
    element = _element(task.task_spec)
    target = spec.task_specs.get(mapped_name(name, mapping))
    if target is None:
        if task.state & OPEN:
            return [MigrationBlocker("waits_on_removed", element, f"the case waits in {element}, which the new "
                                     "version does not have (map it with OLD=NEW)", (("element", element),))]
        if task.state & PASSED:
            return [MigrationBlocker("passed_removed", element, f"the case passed {element}, which the new version "
                                     "does not have (map it with OLD=NEW)", (("element", element),))]
        return []  # predicted: re-predicted from the new version
    if task.state & TaskState.READY and task.task_spec.manual:
        return _user_task_blockers(element, getattr(target, "bpmn_id", None) or target.name, old, new)
    return []


def _user_task_blockers(element: str, target: str, old: LoadedDefinition,
                        new: LoadedDefinition) -> list[MigrationBlocker]:
    before, after = old.user_tasks.get(element), new.user_tasks.get(target)
    if before is None:
        return []
    if after is None:
        return [MigrationBlocker("type_changed", element, f"open task {element} is not a user task in the new "
                                 "version", (("element", element),))]
    if (before.department, before.department_variable, before.level) != (
            after.department, after.department_variable, after.level):
        return [MigrationBlocker(
            "department_changed", element, f"open task {element} moves from department {before.department} to "
            f"{after.department}; finish it first", (("element", element), ("old", before.department),
                                                     ("new", after.department)))]
    return []


def _unique(blockers: list[MigrationBlocker]) -> list[MigrationBlocker]:
    """One reason per element; waiting in it says more than having passed it (a boundary split, a loop)."""
    seen: dict[str, MigrationBlocker] = {}
    for blocker in blockers:
        if blocker.element not in seen or seen[blocker.element].code == "passed_removed":
            seen[blocker.element] = blocker
    return list(seen.values())


def _element(task_spec: Any) -> str:
    """The diagram element of a task spec (`Task_X` for Spiff's own `Task_X.BoundaryEventSplit`)."""
    return getattr(task_spec, "bpmn_id", None) or task_spec.name.split(".")[0]


def move(workflow: Any, new: LoadedDefinition, mapping: dict[str, str]) -> list[MigrationBlocker]:
    """Put `workflow` (checked with `blockers_of`) on the new version in place, keeping what waiting tasks carry.
    Returns problems found after the move (the state is then unusable)."""
    kept = {t.id: (t.state, dict(t.internal_data), t.data) for t in workflow.get_tasks() if t.state & OPEN}
    last = workflow.last_task  # Spiff's migrate_workflow forgets it (it looks the task up among the ids)
    for sub_workflow, spec in _workflows(workflow, new):
        alignment = {t: spec.task_specs.get(mapped_name(t.task_spec.name, mapping))  # type: ignore[union-attr]
                     for t in sub_workflow.get_tasks(skip_subprocesses=True)}
        migrate_workflow(_Alignment(alignment), sub_workflow, spec)
    workflow.subprocess_specs = new.subprocess_specs
    while last is not None and last.id not in workflow.tasks:
        last = last.parent
    workflow.last_task = last
    for task in workflow.get_tasks():
        if task.id in kept and task.state == kept[task.id][0]:
            task.internal_data = kept[task.id][1]
            task.data = kept[task.id][2]
    return _misplaced(workflow, new)


def _misplaced(workflow: Any, new: LoadedDefinition) -> list[MigrationBlocker]:
    """Tasks still on a spec of the old version after the move."""
    found = []
    for sub_workflow, spec in _workflows(workflow, new):
        for task in sub_workflow.get_tasks(skip_subprocesses=True):
            if spec is None or spec.task_specs.get(task.task_spec.name) is not task.task_spec:
                element = _element(task.task_spec)
                found.append(MigrationBlocker("state_incompatible", element, f"{element} does not fit the new "
                                              "version", (("element", element),)))
    return _unique(found)
