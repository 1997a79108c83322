"""SIGKILL the web server and the timer worker 20 times under load; nothing committed is lost or doubled.

Real processes on a PostgreSQL schema: `complaintflow serve --no-worker` (real time) and
`complaintflow worker --once --now T` run again and again with T moving on, so chases and
supervisions of the overdue cases fire. People (threads) register complaints and claim and complete
tasks over HTTP through the login form and CSRF-protected forms, while the test kills a process at
random moments and restarts it. Afterwards:

- every completion the server confirmed has exactly one "complete" audit event and a completed task
  row; no task is completed twice; registrations and claims likewise;
- every case's projections equal its restored workflow; a last sweep leaves no due timer behind;
- every chase/supervision notice has its audit event and vice versa; automatic chases at most one
  per task and day, supervision at most one per task;
- the audit hash chain verifies; no request got a 500 and no process logged a traceback.
"""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.bootstrap import Engine
from engine.domain.clock import CHINA_TZ
from engine.domain.model import SYSTEM
from engine.persistence.tables import AuditEventRow, CaseRow, HumanTaskRow, NoticeRow, TimerRow
from tests.support.actors import ADMIN
from tests.support.driver import assert_projection_matches_workflow
from tests.support.hardening_load import Call, Load, Person
from tests.support.hardening_processes import SweepWorker, WebServer, complaintflow_env, free_port

SEED_ENV = "COMPLAINTFLOW_HARDENING_SEED"
PASSWORD = "crash-load-password-2024"
PEOPLE = {"front1": "branch_front", "front2": "branch_front", "manager1": "branch_manager",
          "manager2": "branch_manager", "head1": "branch_head", "hocm1": "complaint_mgmt"}
KILLS = 20
MAX_CASES = 30
KILL_GAP = (0.2, 1.2)  # seconds between kills
WORKER_STEP = timedelta(hours=3)  # each worker run sweeps 3 hours later than the one before

pytestmark = [
    pytest.mark.slow,
    pytest.mark.parametrize("db_kind", [pytest.param("postgresql", marks=pytest.mark.postgres)]),
]


@dataclass
class Stack:
    """The processes under test and the engine the test reads the database with."""

    engine: Engine
    server: WebServer
    worker: SweepWorker


@pytest.fixture
def stack(engine: Engine, db_url: str, tmp_path: Path) -> Iterator[Stack]:
    """Users seeded in the test schema; a server and a worker ready to start (stopped afterwards)."""
    for username, department in PEOPLE.items():
        engine.users.add(username, PASSWORD, [department], ["staff"], ADMIN)
    env = complaintflow_env(db_url, tmp_path / "instance")
    (tmp_path / "instance").mkdir()
    built = Stack(engine, WebServer(env, tmp_path, free_port()), SweepWorker(env, tmp_path))
    try:
        yield built
    finally:
        built.server.stop()
        built.worker.stop()


@pytest.fixture
def rng() -> random.Random:
    """The kill schedule's randomness; its seed is printed so a failing schedule can be replayed."""
    seed = int(os.environ.get(SEED_ENV) or random.SystemRandom().randrange(2**31))
    print(f"\ncrash load seed: {seed}  (replay: {SEED_ENV}={seed})")
    return random.Random(seed)


class SweepLoop:
    """Runs `worker --once --now T` back to back, T moving on by WORKER_STEP each run."""

    def __init__(self, worker: SweepWorker, start: datetime):
        self.worker = worker
        self.moment = start
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.thread = threading.Thread(target=self._run, name="sweep-loop", daemon=True)

    def _run(self) -> None:
        while not self.stop.is_set():
            self.moment += WORKER_STEP
            code = self.worker.sweep_at(self.moment).wait(timeout=120)
            if code not in (0, -signal.SIGKILL):
                self.failures.append(f"sweep at {self.moment} exited with {code}")

    def kill_current(self, timeout: float = 5.0) -> bool:
        """SIGKILL the running sweep (waiting for one to be running)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.worker.kill():
                return True
            time.sleep(0.05)
        return False


def _kill_at_random(rng: random.Random, server: WebServer, sweeps: SweepLoop) -> None:
    """KILLS SIGKILLs of the server or the worker at random moments; each is restarted."""
    done = 0
    while done < KILLS:
        time.sleep(rng.uniform(*KILL_GAP))
        if rng.random() < 0.5:
            assert server.kill(), f"the web server had died by itself:\n{server.log_tail()}"
            done += 1
            server.start_and_wait()
        elif sweeps.kill_current():
            done += 1  # the sweep loop starts the next run by itself


def _run_load(stack: Stack, rng: random.Random) -> tuple[Load, datetime]:
    """Load plus crashes; returns the load (its call log) and the moment of the last sweep."""
    stack.server.start_and_wait()
    load = Load(stack.server.base, stack.engine, PASSWORD, MAX_CASES)
    people = [threading.Thread(target=Person(load, name, dept, rng.randrange(2**31)).run, name=name, daemon=True)
              for name, dept in PEOPLE.items()]
    sweeps = SweepLoop(stack.worker, datetime.now(CHINA_TZ).replace(minute=0, second=0, microsecond=0))
    for thread in [*people, sweeps.thread]:
        thread.start()
    try:
        _kill_at_random(rng, stack.server, sweeps)
        _until_enough_was_done(load)  # on a busy machine the restarts leave little time for work between kills
    finally:
        load.stop.set()
        sweeps.stop.set()
        for thread in [*people, sweeps.thread]:
            thread.join(timeout=60)
            assert not thread.is_alive(), f"{thread.name} hung"
    assert not sweeps.failures, f"{sweeps.failures}\n{stack.worker.log_tail()}"
    final = sweeps.moment + WORKER_STEP
    stack.worker.sweep_to_the_end(final)
    return load, final


def test_killing_server_and_worker_under_load_loses_and_doubles_nothing(stack: Stack, rng: random.Random) -> None:
    started = time.monotonic()
    load, final_sweep = _run_load(stack, rng)
    engine = stack.engine
    print(f"{time.monotonic() - started:.0f}s; server runs {stack.server.starts}, kills {stack.server.kills}; "
          f"worker runs {stack.worker.starts}, kills {stack.worker.kills}; "
          f"calls {Counter((c.kind, c.outcome) for c in load.calls)}")

    assert stack.server.kills + stack.worker.kills == KILLS
    _assert_no_defects_reported(load.calls, stack)
    _assert_the_load_did_something(load.calls)

    events = _audit_events(engine)
    _assert_completions_once(engine, load.calls, events)
    _assert_claims_accounted(load.calls, events)
    case_ids = _assert_registrations_once(engine, load.calls)
    for case_id in case_ids:
        assert_projection_matches_workflow(engine, case_id)
    _assert_no_timer_left_behind(engine, final_sweep)
    _assert_timer_effects_once(engine)
    with engine.ctx.db.read() as uow:
        report = uow.audit.verify()
    assert report.intact, f"audit chain broken at {report.broken_at}: {report.problem}"


# -- what the people saw ----------------------------------------------------------------------------
def _assert_no_defects_reported(calls: list[Call], stack: Stack) -> None:
    unexpected = [c for c in calls if c.outcome == "unexpected"]
    assert not unexpected, "answers that are neither done nor a clear 409:\n" + "\n".join(
        f"{c.user} {c.kind} {c.ref}: {c.detail}" for c in unexpected[:10])
    # /healthz answering 503 while a busy machine starts the server is the health check's own answer ("not yet"),
    # which start_and_wait polls through; any other 5xx is a server error.
    server_errors = [line for line in stack.server.log_lines()
                     if re.search(r'" 5\d\d ', line) and "GET /healthz " not in line]
    assert not server_errors, "server errors:\n" + "\n".join(server_errors[:10])
    for process in (stack.server, stack.worker):
        assert not any("Traceback" in line for line in process.log_lines()), process.log_tail()


ENOUGH = {("complete", "ok"): 10, ("open", "ok"): 5}  # what the load must have done for the checks to mean much
MORE_LOAD_SECONDS = (1.0, 90.0)  # after the last restart: at least, and at most while waiting for ENOUGH


def _until_enough_was_done(load: Load) -> None:
    """More load on the last restart: a second at least, until ENOUGH was done (or the time is up)."""
    time.sleep(MORE_LOAD_SECONDS[0])
    deadline = time.monotonic() + MORE_LOAD_SECONDS[1]
    while time.monotonic() < deadline:
        outcomes = Counter((c.kind, c.outcome) for c in list(load.calls))
        if all(outcomes[key] >= n for key, n in ENOUGH.items()):
            return
        time.sleep(0.5)


def _assert_the_load_did_something(calls: list[Call]) -> None:
    outcomes = Counter((c.kind, c.outcome) for c in calls)
    for key, n in ENOUGH.items():
        assert outcomes[key] >= n, outcomes
    assert sum(n for (_, outcome), n in outcomes.items() if outcome == "unknown") >= 1, \
        f"no kill ever cut a request short, so nothing was tested: {outcomes}"


# -- audit trail against the calls -------------------------------------------------------------------
def _audit_events(engine: Engine) -> list[tuple[str, str | None, str, int | None]]:
    """(action, task id, actor, case id) of every audit event."""
    with engine.ctx.db.read() as uow:
        rows = uow.session.execute(
            select(AuditEventRow.action, AuditEventRow.task_id, AuditEventRow.actor, AuditEventRow.case_id)
        ).all()
    return [(a, t, u, c) for a, t, u, c in rows]


def _counted(calls: list[Call], kind: str, outcome: str) -> Counter[tuple[str, str]]:
    return Counter((c.ref, c.user) for c in calls if c.kind == kind and c.outcome == outcome)


def _assert_completions_once(engine: Engine, calls: list[Call], events: list[tuple]) -> None:
    stored = Counter((task, actor) for action, task, actor, _ in events if action == "complete")
    per_task = Counter(task for task, _ in stored.elements())
    doubled = {task: n for task, n in per_task.items() if n > 1}
    assert not doubled, f"tasks completed more than once: {doubled}"
    confirmed = _counted(calls, "complete", "ok")
    lost = [key for key in confirmed if stored[key] != 1]
    assert not lost, f"completions confirmed over HTTP without exactly one audit event: {lost}"
    with engine.ctx.db.read() as uow:
        rows = dict(uow.session.execute(
            select(HumanTaskRow.id, HumanTaskRow.completed_by).where(HumanTaskRow.status == "completed")).all())
    not_done = [(task, user) for task, user in confirmed if rows.get(task) != user]
    assert not not_done, f"confirmed completions whose task row is not completed by that person: {not_done}"


def _assert_claims_accounted(calls: list[Call], events: list[tuple]) -> None:
    """Each confirmed claim left its event; an unanswered one at most one; refused ones none."""
    stored = Counter((task, actor) for action, task, actor, _ in events if action == "claim")
    confirmed, unanswered = _counted(calls, "claim", "ok"), _counted(calls, "claim", "unknown")
    wrong = {key: (stored[key], confirmed[key], unanswered[key]) for key in set(stored) | set(confirmed)
             if not confirmed[key] <= stored[key] <= confirmed[key] + unanswered[key]}
    assert not wrong, f"(task, user): (claim events, confirmed claims, unanswered claims) out of bounds: {wrong}"


def _assert_registrations_once(engine: Engine, calls: list[Call]) -> list[int]:
    """Every confirmed registration is one case; an unanswered one at most one. Returns all case ids."""
    with engine.ctx.db.read() as uow:
        cases = uow.session.execute(select(CaseRow.id, CaseRow.complaint)).all()
    by_token = Counter(str(complaint.get("facts", "")).split(" ")[0] for _, complaint in cases)
    confirmed = {c.ref for c in calls if c.kind == "open" and c.outcome == "ok"}
    unanswered = {c.ref for c in calls if c.kind == "open" and c.outcome == "unknown"}
    assert all(by_token[token] == 1 for token in confirmed), \
        f"confirmed registrations not stored exactly once: {[(t, by_token[t]) for t in confirmed]}"
    assert all(by_token[token] <= 1 for token in unanswered), "an unanswered registration stored twice"
    assert set(by_token) <= confirmed | unanswered, "cases nobody registered"
    return [case_id for case_id, _ in cases]


# -- timers and their effects ---------------------------------------------------------------------------
def _assert_no_timer_left_behind(engine: Engine, final_sweep: datetime) -> None:
    with engine.ctx.db.read() as uow:
        overdue = uow.session.execute(
            select(TimerRow.case_id, TimerRow.bpmn_id, TimerRow.fire_at, TimerRow.status)
            .where((TimerRow.status != "armed") | (TimerRow.fire_at < final_sweep))
        ).all()
    assert not overdue, f"timers failed or still due after a clean sweep at {final_sweep}: {overdue}"


def _assert_timer_effects_once(engine: Engine) -> None:
    """Automatic chases at most once per task and day, a supervise timer's effect at most once, and
    every system notice (timer or supervision rule) with its audit event and vice versa."""
    with engine.ctx.db.read() as uow:
        notices = uow.session.execute(
            select(NoticeRow.id, NoticeRow.kind, NoticeRow.case_id, NoticeRow.task_id).where(NoticeRow.sender == SYSTEM)
        ).all()
        events = uow.session.execute(
            select(AuditEventRow.action, AuditEventRow.case_id, AuditEventRow.task_id, AuditEventRow.at,
                   AuditEventRow.data).where(AuditEventRow.action.in_(("auto_chase", "supervision")))
        ).all()
        urgent_events = uow.session.scalars(
            select(AuditEventRow.data).where(AuditEventRow.action.like("urgent\\_%", escape="\\"))).all()
    chase_days = Counter((task, at.astimezone(CHINA_TZ).date()) for action, _, task, at, _ in events
                         if action == "auto_chase")
    assert max(chase_days.values(), default=0) <= 1, \
        f"automatic chases doubled: {[k for k, n in chase_days.items() if n > 1]}"
    timer_supervisions = Counter((task, data["timer"]) for action, _, task, _, data in events
                                 if action == "supervision" and "timer" in data)
    assert max(timer_supervisions.values(), default=0) <= 1, \
        f"supervise timers fired twice: {[k for k, n in timer_supervisions.items() if n > 1]}"
    assert timer_supervisions, "no supervise timer ever fired, so timers were not tested"
    # An urgent case's own notices (registration, first contact, task force, progress) are sent several to one
    # urgent_* event, which names them: each such notice is linked from exactly one event; the rest pair one to one.
    linked = Counter(notice for data in urgent_events for notice in data.get("notices", ()))
    assert max(linked.values(), default=0) <= 1, f"notices linked twice: {[k for k, n in linked.items() if n > 1]}"
    system_ids = {notice_id for notice_id, *_ in notices}
    assert set(linked) <= system_ids, f"urgent events name notices that do not exist: {set(linked) - system_ids}"
    noticed = Counter((kind, case, task) for notice_id, kind, case, task in notices if notice_id not in linked)
    audited = Counter(("chase" if action == "auto_chase" else "supervision", case, task)
                      for action, case, task, _, _ in events)
    assert noticed == audited, f"notices without audit events: {noticed - audited}; " \
                               f"audit events without notices: {audited - noticed}"
