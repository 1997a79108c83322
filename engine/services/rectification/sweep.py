"""Chasing and supervising rectification notices, run by the worker after the timer sweep.

An open notice is chased like a task (the chase policy of engine/services/oversight/automatic.py: working days
only, at most once a day) from one working day before its due time; once overdue it is supervised once (a
supervision notice to the responsible department and to the issuer's). Each notice in its own transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from engine.domain.model import SYSTEM, NoticeKind
from engine.domain.rectification import Rectification
from engine.services.context import EngineContext
from engine.services.oversight.automatic import chase_allowed_now
from engine.services.oversight.record import record_notice
from engine.services.oversight.texts import rectification_reason
from engine.services.unit_of_work import UnitOfWork

log = logging.getLogger("engine.rectification")


@dataclass(frozen=True)
class RectificationSweep:
    """What one sweep did."""

    chased: int = 0
    supervised: int = 0


def sweep_rectifications(ctx: EngineContext) -> RectificationSweep:
    """Chase the open notices due within a working day (or overdue) and supervise the overdue ones."""
    now = ctx.now()
    with ctx.db.read() as uow:
        candidates = uow.rectifications.to_chase(ctx.calendar.add_workdays(now, 1))
    chased = supervised = 0
    for candidate in candidates:
        with ctx.db.write() as uow:
            notice = uow.rectifications.get(candidate.id, for_update=True)
            if notice is None or notice.version != candidate.version:
                continue  # changed meanwhile (submitted, closed, chased by another worker): the next sweep sees it
            did_chase = chase_allowed_now(ctx, notice.last_chased_at)
            did_supervise = notice.overdue(now) and notice.supervised_at is None
            if not (did_chase or did_supervise):
                continue
            if did_chase:
                _notify(ctx, uow, notice, NoticeKind.CHASE)
            if did_supervise:
                _notify(ctx, uow, notice, NoticeKind.SUPERVISION)
            values = ({"chases": notice.chases + 1, "last_chased_at": now} if did_chase else {}) | (
                {"supervised_at": now} if did_supervise else {})
            if not uow.rectifications.change(notice.id, notice.version, **values):
                continue
            uow.commit()
        chased += did_chase
        supervised += did_supervise
    if chased or supervised:
        log.info("rectification notices: %d chased, %d supervised", chased, supervised)
    return RectificationSweep(chased, supervised)


def _notify(ctx: EngineContext, uow: UnitOfWork, notice: Rectification, kind: NoticeKind) -> None:
    """A notice to the responsible queue (and, for supervision, to the issuer's), and the audit event."""
    reason = rectification_reason(kind, notice.number, notice.due_at, ctx.now().tzinfo)
    case = (notice.case_id, notice.case_number, notice.unit)
    record_notice(ctx, uow, kind, case, None, notice.department, reason, unit=notice.unit)
    if kind == NoticeKind.SUPERVISION:
        record_notice(ctx, uow, kind, case, None, notice.issuer_department, reason, unit=notice.issuer_unit)
    action = "rectification_chase" if kind == NoticeKind.CHASE else "rectification_supervision"
    uow.audit.add(ctx.now(), SYSTEM, action, notice.case_id, None,
                  {"rectification": notice.id, "number": notice.number, "unit": notice.unit,
                   "department": notice.department, "reason": reason})
