"""The timer sweep: fire due timers case by case, each in its own transaction; failures back off."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from engine.domain.errors import WorkflowError
from engine.domain.model import SYSTEM
from engine.domain.records import DueTimer
from engine.services.context import EngineContext
from engine.services.failures import failure_of, note_failure
from engine.services.projection import persist_workflow
from engine.services.unit_of_work import UnitOfWork

log = logging.getLogger("engine.timers")


@dataclass
class SweepResult:
    """What one sweep did."""

    fired_cases: int = 0
    failed: list[str] = field(default_factory=list)


class TimerService:
    """Fires due timers; one broken case never stops the sweep."""

    def __init__(self, ctx: EngineContext, worker_name: str = "worker"):
        self.ctx = ctx
        self.worker_name = worker_name

    def sweep(self, limit: int | None = None) -> SweepResult:
        """Fire every timer due now (up to `limit` cases)."""
        result = SweepResult()
        skip: list[int] = []
        while limit is None or result.fired_cases + len(result.failed) < limit:
            outcome = self._fire_next(skip)
            if outcome is None:
                break
            case_id, error, fired, still_due = outcome
            if still_due:
                skip.append(case_id)  # each case once per sweep: a timer that stays due waits for the next
            if error:
                result.failed.append(error)
            elif fired:
                result.fired_cases += 1
        return result

    def _fire_next(self, skip: list[int]) -> tuple[int, str | None, bool, bool] | None:
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            due = uow.timers.lock_next_due(now, skip)
            if due is None:
                return None
            try:
                fired = self._fire_case(uow, due, now)
                still_due = uow.timers.case_has_due(due.case_id, now)
                uow.commit()
                return due.case_id, None, fired, still_due
            except Exception as err:  # noqa: BLE001 - one broken case must not stop the sweep
                uow.rollback()
                error = f"{type(err).__name__}: {err}"
                log.error("timer of case %s failed: %s\n%s", due.case_id, error, traceback.format_exc())
                failed = err
        self._record_failure(due, error, now, failed)
        return due.case_id, f"case {due.case_id} timer {due.bpmn_id}: {error}", False, True

    def _fire_case(self, uow: UnitOfWork, due: DueTimer, now: datetime) -> bool:
        """Run the case's due timers; False when another worker got there first."""
        case = uow.cases.load_for_update(due.case_id)
        if not uow.timers.is_due(due.id, now):
            # Found through a snapshot taken before another worker committed this case
            # (PostgreSQL READ COMMITTED re-checks only the locked case row): nothing left to do.
            return False
        if case is None or case.status != "open":
            uow.timers.replace(due.case_id, [])
            return True
        stored_def = uow.definitions.get(case.definition_id)
        assert stored_def is not None
        defn = self.ctx.definitions.get(stored_def)
        workflow = self.ctx.runtime.restore(defn, case.state)
        fired = self.ctx.runtime.refresh_timers(defn, workflow)
        persist_workflow(self.ctx, uow, case, defn, workflow, fired)
        if not fired:
            uow.audit.add(self.ctx.now(), SYSTEM, "timer_checked", case.id, None,
                          {"timer": due.bpmn_id, "worker": self.worker_name})
        return True

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

