"""Random mixed work on branch complaints from many threads, with a log of what each call did.

Each worker thread draws its operations from its own seeded `random.Random`, reads the open tasks
(as a person's list would show them, possibly stale by the time they act) and calls the services:
claim, unclaim, complete, chase, open. Every call is logged with its outcome so the test can check
that each success left exactly one audit event and that every failure was a clear, expected error.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from engine.bootstrap import Engine
from engine.domain.errors import ConcurrentUpdate, Conflict, Forbidden, NotFound
from engine.domain.filters import TaskFilter
from engine.domain.model import Actor, HumanTask
from tests.support import complaints as forms
from tests.support.actors import staff, supervisor
from tests.support.complaints import complaint
from tests.support.engines import clock_of

# Clear refusals a racing call may get; anything else is a defect.
CLEAR_REFUSALS: dict[str, tuple[type[Exception], ...]] = {
    "claim": (Conflict, ConcurrentUpdate, NotFound),
    # A stale "give it back" finds the task already given back or taken by someone else: Forbidden.
    "unclaim": (Conflict, ConcurrentUpdate, NotFound, Forbidden),
    "complete": (Conflict, ConcurrentUpdate, NotFound),
    "chase": (Conflict, NotFound),
    "open": (),
}
# The audit action each successful operation must leave behind.
AUDIT_ACTION = {"claim": "claim", "unclaim": "unclaim", "complete": "complete", "chase": "chase",
                "open": "case_opened"}
OPERATIONS = ("claim", "unclaim", "complete", "chase", "open")
WEIGHTS = (34, 14, 12, 20, 10)
STALE_SHARE = 0.1  # this share of task operations aims at any task ever seen (also finished ones)

DEPARTMENT_STAFF = {
    dept: [staff(f"{dept}_{n}", dept) for n in (1, 2, 3)]
    for dept in ("branch_front", "branch_manager", "branch_head", "service_mgmt", "complaint_mgmt")
}
SUPERVISORS = [
    supervisor("sup_branch", "branch_front", "branch_manager", "branch_head"),
    supervisor("sup_head_office", "complaint_mgmt"),
]
FRONT_DESK = DEPARTMENT_STAFF["branch_front"]

# Valid submissions per user task of processes/branch_complaint.bpmn, so cases take every path
# (on the spot, head office, approval refused and investigated again, rectification).
FORMS: dict[str, list[dict[str, Any]]] = {
    "Task_OnSpot": [forms.NOT_ON_SPOT] * 4 + [forms.ON_SPOT],
    "Task_Investigate": [forms.INVESTIGATED_NO_FAULT, forms.INVESTIGATED_BANK_FAULT, forms.INVESTIGATED_BEYOND],
    "Task_BranchReview": [forms.BRANCH_TO_HEAD_OFFICE, forms.BRANCH_ANSWERED],
    "Task_HeadOffice": [forms.HEAD_OFFICE_REVIEWED],
    "Task_HeadOfficeDept": [forms.HEAD_OFFICE_DEPARTMENT_DONE],
    "Task_Approve": [forms.APPROVED, forms.APPROVED, forms.REJECTED],
    "Task_Notify": [forms.NOTIFIED, forms.NOTIFIED_RECTIFY],
    "Task_Rectify": [forms.RECTIFIED],
    "Task_Revisit": [forms.REVISITED],
    "Task_Archive": [forms.ARCHIVED],
}


@dataclass
class Attempt:
    """One operation a thread tried and how it ended."""

    thread: int
    kind: str
    actor: str
    task_id: str | None = None
    case_id: int | None = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def describe(self) -> str:
        """A line for failure messages."""
        outcome = "ok" if self.ok else f"{type(self.error).__name__}: {self.error}"
        return f"thread {self.thread} {self.kind} by {self.actor} task={self.task_id} case={self.case_id}: {outcome}"


@dataclass
class World:
    """What the threads share: the engine, how many cases may still be opened, every task seen."""

    engine: Engine
    open_slots: int
    clock_step: timedelta
    clock_every: int
    seen_tasks: dict[str, HumanTask] = field(default_factory=dict)
    done: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_open_slot(self) -> bool:
        """Reserve one of the cases still to be opened."""
        with self.lock:
            if self.open_slots <= 0:
                return False
            self.open_slots -= 1
            return True

    def tick(self) -> None:
        """Count one operation; every `clock_every` of them the (shared) clock moves on."""
        with self.lock:
            self.done += 1
            if self.done % self.clock_every == 0:
                clock_of(self.engine).advance(self.clock_step)

    def open_tasks(self) -> list[HumanTask]:
        """Ready and claimed tasks as a task list shows them now (remembered for stale picks)."""
        with self.engine.ctx.db.read() as uow:
            tasks = uow.read.tasks(TaskFilter(statuses=("ready", "claimed"), limit=10_000))
        with self.lock:
            self.seen_tasks.update((t.id, t) for t in tasks)
        return tasks

    def any_seen_task(self, rng: random.Random) -> HumanTask | None:
        """A task seen at some point, maybe finished since."""
        with self.lock:
            seen = sorted(self.seen_tasks)
            return self.seen_tasks[rng.choice(seen)] if seen else None


def open_complaint(rng: random.Random) -> dict[str, Any]:
    """A valid branch complaint; some large or urgent enough to go to head office."""
    grade = rng.choice(["general", "general", "important", "urgent"])
    amount = rng.choice(["120.00", "5000.00", "60000.00", "250000.00"])
    return complaint(grade=grade, amount=amount)


def _target(world: World, rng: random.Random, want: str | None) -> HumanTask | None:
    if rng.random() < STALE_SHARE:
        return world.any_seen_task(rng)
    tasks = [t for t in world.open_tasks() if want is None or t.status.value == want]
    return rng.choice(tasks) if tasks else None


def _worker(task: HumanTask, rng: random.Random) -> Actor:
    return rng.choice(DEPARTMENT_STAFF.get(task.department) or [staff(f"{task.department}_1", task.department)])


def _holder(task: HumanTask, rng: random.Random) -> Actor:
    """Whoever holds the task (as last seen), or now and then a supervisor taking it back."""
    members = DEPARTMENT_STAFF.get(task.department, [])
    holder = next((m for m in members if m.username == task.assignee), None)
    if holder is None or rng.random() < 0.2:
        return next((s for s in SUPERVISORS if task.department in s.departments), SUPERVISORS[0])
    return holder


def _completer(task: HumanTask, rng: random.Random) -> Actor:
    members = DEPARTMENT_STAFF.get(task.department, [])
    holder = next((m for m in members if m.username == task.assignee), None)
    return holder or _worker(task, rng)


def do_open(world: World, rng: random.Random, thread: int) -> Attempt | None:
    """Register a complaint at the front desk (while cases remain to be opened)."""
    if not world.take_open_slot():
        return None
    actor = rng.choice(FRONT_DESK)
    attempt = Attempt(thread, "open", actor.username)
    case = _call(attempt, partial(world.engine.cases.open_case, None, open_complaint(rng), actor))
    if case is not None:
        attempt.case_id = case.id
    return attempt


def do_task_operation(world: World, rng: random.Random, thread: int, kind: str) -> Attempt | None:
    """Claim, unclaim, complete or chase a task chosen at random from the list as it stands."""
    want = {"claim": "ready", "unclaim": "claimed", "complete": "claimed", "chase": None}[kind]
    task = _target(world, rng, want)
    if task is None:
        return None
    tasks = world.engine.tasks
    call: Callable[[], Any]
    if kind == "claim":
        actor = _worker(task, rng)
        call = partial(tasks.claim, task.id, actor)
    elif kind == "unclaim":
        actor = _holder(task, rng)
        call = partial(tasks.unclaim, task.id, actor)
    elif kind == "complete":
        actor = _completer(task, rng)
        call = partial(tasks.complete, task.id, dict(rng.choice(FORMS[task.bpmn_id])), actor)
    else:
        actor = rng.choice(SUPERVISORS)
        call = partial(world.engine.notices.chase, task.id, f"请尽快办理 {rng.random():.3f}", actor)
    attempt = Attempt(thread, kind, actor.username, task.id, task.case_id)
    _call(attempt, call)
    return attempt


def _call(attempt: Attempt, call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as err:  # noqa: BLE001 - recorded and judged by the test
        attempt.error = err
        return None


def run_thread(world: World, seed: int, thread: int, operations: int) -> list[Attempt]:
    """Do `operations` random operations; returns what each did."""
    rng = random.Random(seed)
    attempts: list[Attempt] = []
    while len(attempts) < operations:
        kind = rng.choices(OPERATIONS, WEIGHTS)[0]
        attempt = do_open(world, rng, thread) if kind == "open" else do_task_operation(world, rng, thread, kind)
        if attempt is None:
            continue  # nothing to act on for this kind right now: draw again
        attempts.append(attempt)
        world.tick()
    return attempts


def unclear_failures(attempts: list[Attempt]) -> list[Attempt]:
    """Attempts that failed with anything but a clear refusal for their kind."""
    return [a for a in attempts if not a.ok and not isinstance(a.error, CLEAR_REFUSALS[a.kind])]


def expected_audit(attempts: list[Attempt]) -> Counter[tuple[str, str | None, str]]:
    """(audit action, task id, actor) of every success (and of every refusal logged as access_denied)."""
    counts: Counter[tuple[str, str | None, str]] = Counter()
    for a in attempts:
        if a.ok:
            counts[(AUDIT_ACTION[a.kind], None if a.kind == "open" else a.task_id, a.actor)] += 1
        elif isinstance(a.error, Forbidden):
            counts[("access_denied", a.task_id, a.actor)] += 1
    return counts
