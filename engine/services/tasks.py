"""Inboxes and the work on a task: claim, unclaim, reassign, complete."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import lru_cache
from typing import Any

from marshmallow import ValidationError

from engine.bpmn.definitions import LoadedDefinition
from engine.domain import authz
from engine.domain.errors import ConcurrentUpdate, Conflict, Forbidden, NotFound, ValidationFailed, WorkflowError
from engine.domain.filters import TaskFilter
from engine.domain.model import (
    Actor,
    ContextEntry,
    FormField,
    FormSpec,
    HumanTask,
    Membership,
    NoticeKind,
    TaskStatus,
)
from engine.domain.paging import COUNT_CAP, Page, PageRequest, counted
from engine.schemas.errors import field_errors
from engine.schemas.forms import dump_form_values, form_schema
from engine.services.context import EngineContext
from engine.services.denials import record_denied
from engine.services.failures import record_failure
from engine.services.oversight.record import record_notice
from engine.services.oversight.step_records import create_step_records
from engine.services.projection import persist_workflow
from engine.services.task_context import acted_on
from engine.services.unit_of_work import UnitOfWork

MAX_RETRIES = 3
# A form's schema is built once per form (a deployed version's forms never change).
_form_schema = lru_cache(maxsize=512)(form_schema)


@dataclass
class TaskForm:
    """A task and the form to complete it, with current values filled in."""

    task: HumanTask
    form: FormSpec
    values: dict[str, Any]
    # The earlier decisions this step acts on (the diagram's actsOn), e.g. the proposal a branch head approves.
    context: tuple[ContextEntry, ...] = ()
    # The step must contact the customer (the diagram's contactsCustomer): its assignee may reveal the phone.
    contacts_customer: bool = False


NAV_COUNT_CAP = COUNT_CAP


class TaskService:
    """Everything a person does with user tasks."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    # -- lists ---------------------------------------------------------------
    def queue(self, actor: Actor, department: str | None = None, **filters: Any) -> list[HumanTask]:
        """Unclaimed tasks of my departments (or one of them)."""
        return self._list(actor, self._queue_filter(actor, department, **filters))

    def _queue_filter(self, actor: Actor, department: str | None, **filters: Any) -> TaskFilter:
        queues = self._queues(actor, department)
        units = actor.oversees if queues is None else None
        return TaskFilter(departments=self._scope(actor, department), queues=queues, units=units,
                          statuses=("ready",), **filters)

    def inbox(self, actor: Actor, **filters: Any) -> list[HumanTask]:
        """Tasks claimed by me."""
        return self._list(actor, TaskFilter(assignee=actor.username, statuses=("claimed",), **filters))

    def archive(self, actor: Actor, **filters: Any) -> list[HumanTask]:
        """Tasks I completed, newest first."""
        return self._list(actor, TaskFilter(completed_by=actor.username, statuses=("completed",),
                                            **filters))

    def queue_page(self, actor: Actor, department: str, page: PageRequest, **filters: Any) -> Page[HumanTask]:
        """One page of a department queue, with the queue's (capped) count."""
        return self._page(self._queue_filter(actor, department, **filters), page)

    def inbox_page(self, actor: Actor, page: PageRequest, **filters: Any) -> Page[HumanTask]:
        """One page of my inbox, with its (capped) count."""
        return self._page(TaskFilter(assignee=actor.username, statuses=("claimed",), **filters), page)

    def archive_page(self, actor: Actor, page: PageRequest, **filters: Any) -> Page[HumanTask]:
        """One page of the tasks I completed, with their (capped) count."""
        return self._page(TaskFilter(completed_by=actor.username, statuses=("completed",), **filters), page)

    def _page(self, flt: TaskFilter, page: PageRequest) -> Page[HumanTask]:
        flt = replace(flt, sort=page.sort, descending=page.descending, limit=page.size, offset=page.offset)
        with self.ctx.db.read() as uow:
            items = uow.read.tasks(flt)
            total, capped = counted(uow.read.count_tasks(flt, cap=COUNT_CAP))
        return Page(items, max(total, page.offset + len(items)), page, capped)

    def search(self, actor: Actor, flt: TaskFilter) -> list[HumanTask]:
        """Tasks by any filter, restricted to what the actor may see."""
        if not authz.reads_everything(actor):
            allowed = frozenset(actor.departments)
            depts = allowed if flt.departments is None else flt.departments & allowed
            flt = TaskFilter(**{**flt.__dict__, "departments": depts, "queues": authz.queues_of(actor)})
        elif actor.oversees is not None:
            flt = TaskFilter(**{**flt.__dict__, "units": actor.oversees})
        return self._list(actor, flt)

    def counts(self, actor: Actor) -> dict[str, int]:
        """Queue / inbox / overdue counts for the navigation, and each department's queue (`queue:<code>`).
        Counting stops at NAV_COUNT_CAP: the page says "999+", and a huge queue costs no more than that."""
        now = self.ctx.now()
        depts = frozenset(actor.departments)
        queues = authz.queues_of(actor)
        wanted = {
            "queue": TaskFilter(departments=depts, queues=queues, statuses=("ready",)),
            "inbox": TaskFilter(assignee=actor.username, statuses=("claimed",)),
            "overdue": TaskFilter(departments=depts, queues=queues, due_before=now),
        }
        if len(depts) > 1:
            wanted |= {f"queue:{d}": TaskFilter(departments=frozenset({d}), queues=self._queues(actor, d),
                                                statuses=("ready",)) for d in sorted(depts)}
        with self.ctx.db.read() as uow:  # one statement for them all
            counted = uow.read.count_tasks_together(list(wanted.values()), NAV_COUNT_CAP)
        return dict(zip(wanted, counted, strict=True))

    def _scope(self, actor: Actor, department: str | None) -> frozenset[str]:
        if department is None:
            return frozenset(actor.departments)
        if department not in actor.departments and not authz.reads_everything(actor):
            raise Forbidden(f"you are not a member of department {department}")
        return frozenset({department})

    def _queues(self, actor: Actor, department: str | None) -> frozenset[Membership] | None:
        """The actor's own queues of `department` (all units of it for a reader-of-everything who has none)."""
        queues = authz.queues_of(actor, department)
        return queues if queues else None

    def _list(self, actor: Actor, flt: TaskFilter) -> list[HumanTask]:
        with self.ctx.db.read() as uow:
            return uow.read.tasks(flt)

    # -- one task ------------------------------------------------------------
    def get(self, task_id: str, actor: Actor) -> HumanTask:
        """A task the actor may see (read without a write lock; only a refusal is written)."""
        with self.ctx.db.read() as uow:
            return self._seen_task(uow, task_id, actor, "view_task")

    def _seen_task(self, uow: UnitOfWork, task_id: str, actor: Actor, action: str) -> HumanTask:
        """_visible_task for a reading unit of work: a refusal is recorded in a writing one of its own."""
        task = uow.read.task(task_id)
        if task is not None and not authz.may_see_task(actor, task):
            record_denied(self.ctx, actor, action, task.case_id, task_id)
            task = None
        if task is None:
            raise NotFound(f"task {task_id} not found", code="task_not_found", params={"task": task_id})
        return task

    def _visible_task(self, uow: UnitOfWork, task_id: str, actor: Actor, action: str) -> HumanTask:
        return self._seen(uow, uow.read.task(task_id), task_id, actor, action)

    def _seen(self, uow: UnitOfWork, task: HumanTask | None, task_id: str, actor: Actor, action: str) -> HumanTask:
        """The task as read, if the actor may see it (else NotFound, the refusal audited)."""
        if task is None:
            raise NotFound(f"task {task_id} not found", code="task_not_found", params={"task": task_id})
        if not authz.may_see_task(actor, task):
            uow.audit.denied(self.ctx.now(), actor.username, action, task.case_id, task_id)
            uow.commit()
            raise NotFound(f"task {task_id} not found", code="task_not_found", params={"task": task_id})
        return task

    def form(self, task_id: str, actor: Actor) -> TaskForm:
        """The task's form with defaults and current case data as initial values."""
        with self.ctx.db.read() as uow:
            task = self._seen_task(uow, task_id, actor, "view_task")
            defn = self.ctx.definitions.version(uow, self._definition_id(uow, task.case_id))
            data = uow.read.case_elements(task.case_id)[2]
            done = sorted((t for t in uow.read.case_tasks(task.case_id) if t.completed_at is not None),
                          key=lambda t: t.completed_at or task.created_at)
        assert defn is not None
        step = defn.user_tasks[task.bpmn_id]
        values = {f.id: data.get(f.id, f.default) for f in step.form.fields}
        return TaskForm(task, step.form, values, acted_on(defn, task.bpmn_id, data, [t.bpmn_id for t in done]),
                        step.contacts_customer)

    def _definition_id(self, uow: UnitOfWork, case_id: int) -> int:
        definition_id = uow.read.case_definition_id(case_id)
        if definition_id is None:
            raise NotFound(f"case {case_id} not found")
        return definition_id

    # -- claim / unclaim / reassign -------------------------------------------
    def claim(self, task_id: str, actor: Actor) -> HumanTask:
        """Take a task from the department queue into my inbox."""
        return self._assign(task_id, actor, actor.username, "claim")

    def unclaim(self, task_id: str, actor: Actor) -> HumanTask:
        """Put my task back into the department queue (supervisors: anyone's in their departments)."""
        return self._assign(task_id, actor, None, "unclaim")

    def reassign(self, task_id: str, actor: Actor, to_user: str) -> HumanTask:
        """A supervisor hands a task to another member of its department."""
        return self._assign(task_id, actor, to_user, "reassign")

    def _assign(self, task_id: str, actor: Actor, to_user: str | None, action: str) -> HumanTask:
        """One guarded UPDATE of the task row (it must still look as it was read) and the audit event; a
        change that got in first (a claim, a completion) makes the UPDATE miss and says what it was."""
        with self.ctx.db.write() as uow:
            if action == "claim":
                claimed = self._claim_ready(uow, task_id, actor)
                if claimed is not None:
                    return claimed
            task = self._visible_task(uow, task_id, actor, action)
            uow.cases.lock(task.case_id)  # a completion in flight finishes first; then the UPDATE sees its end
            expect = self._check_assign(uow, task, actor, to_user, action)
            if not uow.tasks.set_assignee(task_id, to_user, expect):
                raise self._changed(uow, task_id)
            uow.audit.add(self.ctx.now(), actor.username, action, task.case_id, task_id,
                          {"assignee": to_user, "previous": task.assignee})
            assigned = replace(task, assignee=to_user, status=TaskStatus.CLAIMED if to_user else TaskStatus.READY)
            if action == "reassign":  # the new assignee is told (and emailed, when mail is configured)
                record_notice(self.ctx, uow, NoticeKind.REASSIGN, (task.case_id, task.case_number, task.unit),
                              assigned, task.department, task.title, sender=actor.username)
            uow.commit()
            return assigned

    def _claim_ready(self, uow: UnitOfWork, task_id: str, actor: Actor) -> HumanTask | None:
        """The common claim in one guarded `UPDATE … RETURNING` (the case locked first, found by the task's id):
        the claimed task, committed, when it was ready and the actor may see and work it. Otherwise nothing is
        kept (None), and the caller goes the long way, which says why (not found, refused, claimed by, ...)."""
        uow.cases.lock_by_task(task_id)  # as in the long way: a completion in flight finishes first
        claimed = uow.tasks.claim_ready(task_id, actor.username)
        if claimed is None:
            return None
        was = replace(claimed, status=TaskStatus.READY, assignee=None)  # the guard says it was so
        if not (authz.may_see_task(actor, was) and authz.may_work_task(actor, was)):
            uow.rollback()
            return None
        uow.audit.add(self.ctx.now(), actor.username, "claim", claimed.case_id, task_id,
                      {"assignee": actor.username, "previous": None})
        uow.commit()
        return claimed

    def reassign_choices(self, task: HumanTask, actor: Actor) -> list[tuple[str, str]]:
        """(user name, display name) of the active members of the task's queue the actor may hand it to (none
        if the actor may not reassign it); the current assignee is left out."""
        if not authz.may_reassign(actor, task):
            return []
        with self.ctx.db.read() as uow:
            members = uow.users.in_department(task.department, unit=task.unit)
        return [(u.username, u.display_name) for u in members if u.username != task.assignee]

    def reassign_choices_of(self, tasks: Sequence[HumanTask], actor: Actor) -> dict[str, list[tuple[str, str]]]:
        """reassign_choices of each task of a list (the supervisor desk), each queue's members read once."""
        handed = [t for t in tasks if authz.may_reassign(actor, t)]
        with self.ctx.db.read() as uow:
            members = {q: uow.users.in_department(q[1], unit=q[0])
                       for q in sorted({(t.unit, t.department) for t in handed})}
        choices: dict[str, list[tuple[str, str]]] = {t.id: [] for t in tasks}
        for t in handed:
            choices[t.id] = [(u.username, u.display_name) for u in members[(t.unit, t.department)]
                             if u.username != t.assignee]
        return choices

    def _check_assign(
        self, uow: UnitOfWork, task: HumanTask, actor: Actor, to_user: str | None, action: str
    ) -> dict[str, Any]:
        if task.status not in (TaskStatus.READY, TaskStatus.CLAIMED):
            raise self._changed(uow, task.id)
        if action == "claim":
            if not authz.may_work_task(actor, task):
                self._deny(uow, actor, task, action)
            if task.status == TaskStatus.CLAIMED:
                raise Conflict(f"already claimed by {task.assignee}", code="task_claimed_by",
                               params={"user": task.assignee})
            return {"status": "ready", "assignee": None}
        if action == "unclaim":
            if task.status == TaskStatus.READY and authz.may_work_task(actor, task):
                # Already given back (another tab, a supervisor): a race, not an access violation.
                raise Conflict("the task was already given back", code="task_given_back")
            if task.assignee != actor.username and not authz.may_reassign(actor, task):
                self._deny(uow, actor, task, action)
            return {"status": "claimed", "assignee": task.assignee}
        if not authz.may_reassign(actor, task):
            self._deny(uow, actor, task, action)
        user = uow.users.get(to_user or "")
        if not to_user:
            raise ValidationFailed({"assignee": ["choose a member of the task's department"]},
                                   coded={"assignee": [("reassign_choose", {})]})
        if user is None or not user.active or Membership(task.unit, task.department) not in user.memberships:
            raise ValidationFailed(
                {"assignee": [f"{to_user} is not an active member of {task.unit}:{task.department}"]},
                coded={"assignee": [("not_an_active_member", {"user": to_user or "", "unit": task.unit,
                                                             "department": task.department})]})
        return {"status": task.status.value, "assignee": task.assignee}

    def _deny(self, uow: UnitOfWork, actor: Actor, task: HumanTask, action: str) -> None:
        uow.audit.denied(self.ctx.now(), actor.username, action, task.case_id, task.id)
        uow.commit()
        raise Forbidden(f"you may not {action} this task", audited=True, code="task_action_refused")

    def _changed(self, uow: UnitOfWork, task_id: str) -> Conflict:
        """The conflict saying what became of a task someone else changed first."""
        uow.expire()
        now = uow.read.task(task_id)
        if now is None:
            return Conflict("the task no longer exists", code="task_gone")
        if now.status == TaskStatus.COMPLETED:
            return Conflict(f"already completed by {now.completed_by}", code="task_completed_by",
                            params={"user": now.completed_by})
        if now.status == TaskStatus.CANCELLED:
            return Conflict("the task was cancelled by a change in the case", code="task_cancelled")
        if now.status == TaskStatus.CLAIMED:
            return Conflict(f"claimed by {now.assignee}", code="task_claimed_by", params={"user": now.assignee})
        return Conflict("the task was changed by someone else; reload", code="task_changed")

    # -- complete ---------------------------------------------------------------
    def complete(self, task_id: str, data: dict[str, Any], actor: Actor) -> HumanTask:
        """Validate the form, complete the task and run the case on; one transaction."""
        for attempt in range(MAX_RETRIES):
            try:
                return self._complete_once(task_id, data, actor)
            except ConcurrentUpdate:
                if attempt == MAX_RETRIES - 1:
                    raise
            except WorkflowError as err:  # the completion was rolled back; supervisors see the failure
                record_failure(self.ctx, self._case_of(task_id), err, "task")
                raise
        raise AssertionError("unreachable")

    def _case_of(self, task_id: str) -> int:
        """The case a task belongs to."""
        with self.ctx.db.read() as uow:
            task = uow.read.task(task_id)
        if task is None:
            raise NotFound(f"task {task_id} not found", code="task_not_found", params={"task": task_id})
        return task.case_id

    def _complete_once(self, task_id: str, data: dict[str, Any], actor: Actor) -> HumanTask:
        """The case locked first (by the task's id), then the task read as it is now: each row read once, and
        rows locked in the order every writer follows (case, then task; one statement locking both could take
        them the other way round and deadlock with a claim). The definition from the cache; the workflow
        restored, run and saved once."""
        with self.ctx.db.write() as uow:
            case, found = uow.cases.load_for_update_with_task(task_id)
            task = self._seen(uow, found, task_id, actor, "complete")
            if not authz.may_work_task(actor, task):
                self._deny(uow, actor, task, "complete")
            if case is None:
                raise NotFound(f"case {task.case_id} not found")
            self._check_completable(uow, task, actor)
            defn = self.ctx.definitions.version(uow, case.definition_id)
            assert defn is not None
            values = self._validated(defn, task, data)
            workflow = self.ctx.runtime.restore(defn, case.state)
            fired = self.ctx.runtime.complete(defn, workflow, task_id, values)
            persist_workflow(self.ctx, uow, case, defn, workflow, fired, {task_id: actor.username})
            create_step_records(self.ctx, uow, defn.user_tasks.get(task.bpmn_id), task, values, actor)
            now = self.ctx.now()
            uow.audit.add(now, actor.username, "complete", case.id, task_id,
                          {"task": task.bpmn_id, "title": task.title, "data": values})
            uow.commit()
            return replace(task, status=TaskStatus.COMPLETED, completed_at=now, completed_by=actor.username)

    def _check_completable(self, uow: UnitOfWork, task: HumanTask, actor: Actor) -> None:
        if task.status == TaskStatus.CLAIMED and task.assignee == actor.username:
            return
        if task.status == TaskStatus.READY:
            raise Conflict("claim the task before completing it", code="task_claim_first")
        raise self._changed(uow, task.id)

    def _validated(self, defn: LoadedDefinition, task: HumanTask, data: dict[str, Any]) -> dict[str, Any]:
        spec = defn.user_tasks.get(task.bpmn_id)
        if spec is None:
            raise NotFound(f"no form for task {task.bpmn_id}")
        try:
            loaded = _form_schema(spec.form).load(data)
        except ValidationError as err:
            raise ValidationFailed(field_errors(err.messages)) from err
        self._check_units(spec.form.fields, loaded)
        return dump_form_values(loaded)

    def _check_units(self, fields: tuple[FormField, ...], loaded: dict[str, Any]) -> None:
        """Fields naming a unit (`unitKind`) hold the code of a unit of that kind in the tree."""
        errors = {}
        for f in fields:
            code = loaded.get(f.id)
            if f.unit_kind and code:
                unit = self.ctx.organisation.get(str(code).strip())
                if unit is None or unit.kind != f.unit_kind:
                    errors[f.id] = [f"{code} 不是 {f.unit_kind} 类机构的机构号 / "
                                    f"{code} is not the code of a unit of kind {f.unit_kind}"]
        if errors:
            raise ValidationFailed(errors)

    def overdue(self, actor: Actor, within: timedelta = timedelta(0), limit: int = 100) -> list[HumanTask]:
        """Open tasks in scope due before now + `within`, most overdue first, at most `limit`."""
        flt = replace(self._desk_filter(actor), due_before=self.ctx.now() + within, limit=limit)
        with self.ctx.db.read() as uow:
            return uow.read.tasks(flt)

    def desk(self, actor: Actor, within: timedelta, page: PageRequest) -> Page[HumanTask]:
        """The supervisor desk: open tasks in the actor's visibility that are due, or whose case's internal or
        regulatory deadline passes, before now + `within`; one page with the (capped) count."""
        flt = replace(self._desk_filter(actor), due_before=self.ctx.now() + within, case_clocks=True)
        return self._page(flt, page)

    def _desk_filter(self, actor: Actor) -> TaskFilter:
        """The desk's scope, as wide as what the actor reads: a supervisor's subtrees (head office's cover the
        tree: no unit list then); the bank for readers of everything without units (as their supervision list);
        the own queues of others (the business group)."""
        if authz.reads_everything(actor) or actor.oversees is not None:
            whole_tree = actor.oversees is not None and actor.oversees >= self.ctx.organisation.units.keys()
            return TaskFilter(units=None if whole_tree else actor.oversees)
        return TaskFilter(departments=frozenset(actor.departments), queues=authz.queues_of(actor))
