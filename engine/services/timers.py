"""The timer sweep: fire due timers case by case, each in its own transaction; failures back off.

A sweep reads the due timers a batch at a time (one query, no lock), then claims their cases one by one, each in
its own transaction: a case another transaction holds is skipped (PostgreSQL `SKIP LOCKED`), one that changed
since the batch was read is read again with the next batch. Two workers reading the same batch so take turns
over it, each case fired by one of them; a failing case rolls back only its own transaction.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.domain.errors import WorkflowError
from engine.domain.model import SYSTEM
from engine.domain.records import DueTimer, StoredCase
from engine.services.context import EngineContext
from engine.services.failures import failure_of, note_failure
from engine.services.projection import persist_workflow
from engine.services.unit_of_work import UnitOfWork

log = logging.getLogger("engine.timers")

BATCH = 64  # due timers read per query


@dataclass
class SweepResult:
    """What one sweep did."""

    fired_cases: int = 0
    failed: list[str] = field(default_factory=list)


@dataclass
class _Sweep:
    """The cases one sweep has met: each case is fired at most once per sweep (a timer that stays due waits for
    the next); `again`: those met that came back due, left out of the next reads; `changed`: those that changed
between being read and claimed."""

    limit: int | None
    result: SweepResult = field(default_factory=SweepResult)
    met: set[int] = field(default_factory=set)
    again: list[int] = field(default_factory=list)
    changed: set[int] = field(default_factory=set)

    def full(self) -> bool:
        return self.limit is not None and self.result.fired_cases + len(self.result.failed) >= self.limit


class TimerService:
    """Fires due timers; one broken case never stops the sweep."""

    def __init__(self, ctx: EngineContext, worker_name: str = "worker"):
        self.ctx = ctx
        self.worker_name = worker_name

    def sweep(self, limit: int | None = None) -> SweepResult:
        """Fire every timer due now (up to `limit` cases)."""
        run = _Sweep(limit)
        while not run.full():
            batch = self._next_batch(run)
            if not batch:
                break
            for due in batch:
                if run.full():
                    break
                self._fire_one(run, due)
        return run.result

    def _next_batch(self, run: _Sweep) -> list[DueTimer]:
        """The next due timers of cases this sweep has not met yet."""
        with self.ctx.db.read() as uow:
            while True:
                batch = uow.timers.due_batch(self.ctx.now(), BATCH, run.again)
                run.again.extend(d.case_id for d in batch if d.case_id in run.met)
                fresh = [d for d in batch if d.case_id not in run.met]
                if fresh or not batch:
                    return fresh

    def _fire_one(self, run: _Sweep, due: DueTimer) -> None:
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            claim, case = uow.timers.claim(due, now)
            if claim == "changed" and due.case_id not in run.changed:
                run.changed.add(due.case_id)
                return  # the next read finds it again if it is still due (once: a sweep always ends)
            run.met.add(due.case_id)
            if case is None:
                return  # another worker (or writer) has it
            try:
                self._fire_case(uow, due, case)
                uow.commit()
                run.result.fired_cases += 1
                return
            except Exception as err:  # noqa: BLE001 - one broken case must not stop the sweep
                uow.rollback()
                error = f"{type(err).__name__}: {err}"
                log.error("timer of case %s failed: %s\n%s", due.case_id, error, traceback.format_exc())
                failed = err
        self._record_failure(due, error, now, failed)
        run.result.failed.append(f"case {due.case_id} timer {due.bpmn_id}: {error}")

    def _fire_case(self, uow: UnitOfWork, due: DueTimer, case: StoredCase) -> None:
        """Run the claimed case's due timers and save it."""
        if case.status != "open":
            uow.timers.replace(due.case_id, [])
            return
        defn = self.ctx.definitions.version(uow, case.definition_id)  # cached per version
        assert defn is not None
        workflow = self.ctx.runtime.restore(defn, case.state)
        fired = self.ctx.runtime.refresh_timers(defn, workflow)
        persist_workflow(self.ctx, uow, case, defn, workflow, fired)
        if not fired:
            uow.audit.add(self.ctx.now(), SYSTEM, "timer_checked", case.id, None,
                          {"timer": due.bpmn_id, "worker": self.worker_name})

    def _record_failure(self, due: DueTimer, error: str, now: datetime, err: Exception) -> None:
        """Back off and retry, or give up at once when retrying cannot help (an expression over a limit)."""
        attempts = due.attempts + 1
        may_pass = not isinstance(err, WorkflowError) or err.may_pass
        retry_at = None
        if may_pass and attempts < self.ctx.settings.timer_max_attempts:
            retry_at = now + timedelta(seconds=self.ctx.settings.timer_retry_base_seconds * 2 ** (attempts - 1))
        with self.ctx.db.write() as uow:
            uow.timers.record_failure(due.id, error, retry_at)
            if not may_pass:  # every other timer of the case would fail the same way
                uow.timers.give_up_case(due.case_id, error)
            if isinstance(err, WorkflowError):
                note_failure(uow, due.case_id, failure_of(self.ctx, err, "timer"))
            uow.audit.add(now, SYSTEM, "timer_failed", due.case_id, None,
                          {"timer": due.bpmn_id, "error": error[:500], "attempt": attempts,
                           "gave_up": retry_at is None})
            uow.commit()

