"""Recording a case whose workflow failed: element, code and parameters on the case row, and an audit event."""

from __future__ import annotations

import logging

from engine.domain.errors import WorkflowError
from engine.domain.model import SYSTEM, CaseFailure
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

log = logging.getLogger("engine.failures")


def failure_of(ctx: EngineContext, err: WorkflowError, during: str) -> CaseFailure:
    """The failure to record for a WorkflowError raised while a case ran (`during`: intake, task or timer)."""
    return CaseFailure(element=err.element, code=err.code, params=err.params, message=str(err)[:1000],
                       during=during, at=ctx.now())


def note_failure(uow: UnitOfWork, case_id: int, failure: CaseFailure, status: str | None = None) -> None:
    """Mark the case failed in the caller's transaction (shown to supervisors) and audit it."""
    uow.cases.record_failure(case_id, failure, status)
    uow.audit.add(failure.at, SYSTEM, "case_failed", case_id, None, failure.as_record())
    log.warning("case %s failed at %s during %s: %s", case_id, failure.element, failure.during, failure.message)


def record_failure(ctx: EngineContext, case_id: int, err: WorkflowError, during: str) -> None:
    """Mark the case failed in a transaction of its own (after the failed one was rolled back)."""
    with ctx.db.write() as uow:
        note_failure(uow, case_id, failure_of(ctx, err, during))
        uow.commit()
