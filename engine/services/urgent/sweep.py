"""Chasing the urgent handling of open urgent and group complaints, run by the worker after the timer sweep.

- a first contact not recorded by its due time: once, a chase to the departments holding the case's open tasks and
  a supervision notice to complaint management;
- a task force not formed by the end of the day: a chase to the case's managing queue (who forms it), on
  working days, at most once a day (the chase policy of engine/services/oversight/automatic.py);
- a working day without a progress entry: on the next working day, one chase per missed day to the task force's
  lead department; the days checked are remembered (`progress_checked_through`), so each day is chased once.

Each case in its own transaction, with a version check (a case changed meanwhile is left to the next sweep).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from engine.domain.clock import to_china
from engine.domain.model import SYSTEM, NoticeKind
from engine.domain.supervision import SUPERVISING_DEPARTMENT
from engine.domain.urgent import UrgentCase
from engine.services.context import EngineContext
from engine.services.oversight.automatic import chase_allowed_now
from engine.services.oversight.record import record_notice
from engine.services.unit_of_work import UnitOfWork
from engine.services.urgent.texts import first_contact_reason, progress_reason, task_force_reason

log = logging.getLogger("engine.urgent")


@dataclass(frozen=True)
class UrgentSweep:
    """What one sweep did."""

    first_contacts: int = 0  # missed first contacts chased and supervised
    task_forces: int = 0  # chases of a task force not formed
    progress_days: int = 0  # missed days of progress chased


def sweep_urgent(ctx: EngineContext) -> UrgentSweep:
    """Chase what the open urgent and group complaints have missed."""
    now = ctx.now()
    with ctx.db.read() as uow:
        candidates = [u for u in uow.urgent.open_cases() if _has_work(ctx, u, now)]
    totals = [0, 0, 0]
    for candidate in candidates:
        with ctx.db.write() as uow:
            urgent = uow.urgent.get(candidate.case_id, for_update=True)
            if urgent is None or urgent.version != candidate.version:
                continue
            values, counts = _chase(ctx, uow, urgent, now)
            if not values or not uow.urgent.change(urgent.case_id, urgent.version, **values):
                continue
            uow.commit()
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    if any(totals):
        log.info("urgent complaints: %d first contact(s), %d task force(s), %d day(s) of progress chased", *totals)
    return UrgentSweep(*totals)


def _has_work(ctx: EngineContext, urgent: UrgentCase, now: datetime) -> bool:
    return bool((urgent.first_contact_overdue(now) and urgent.first_contact_chased_at is None)
                or (urgent.task_force_overdue(now) and chase_allowed_now(ctx, urgent.task_force_chased_at))
                or _progress_days(ctx, urgent, now) is not None)


def _progress_days(ctx: EngineContext, urgent: UrgentCase, now: datetime) -> tuple[date, list[date]] | None:
    """On a working day not yet checked: (yesterday, the missed days up to it not chased before); else None."""
    today = to_china(now).date()
    yesterday = today - timedelta(days=1)
    checked = urgent.progress_checked_through
    if urgent.task_force_at is None or not ctx.calendar.is_workday(today) or (checked and checked >= yesterday):
        return None
    return yesterday, [d for d in urgent.missed_days(today, ctx.calendar) if checked is None or d > checked]


def _chase(ctx: EngineContext, uow: UnitOfWork, urgent: UrgentCase, now: datetime) -> tuple[dict[str, Any],
                                                                                            list[int]]:
    """The notices due for one case; the columns to set and the counts."""
    values: dict[str, Any] = {}
    counts = [0, 0, 0]
    case = (urgent.case_id, urgent.case_number, urgent.unit)
    tz = now.tzinfo
    if urgent.first_contact_overdue(now) and urgent.first_contact_chased_at is None:
        reason = first_contact_reason(urgent, tz)
        notices = _to_handlers(ctx, uow, urgent, reason)
        notices.append(record_notice(ctx, uow, NoticeKind.SUPERVISION, case, None, SUPERVISING_DEPARTMENT, reason))
        _audit(ctx, uow, urgent, "urgent_first_contact_missed", reason, notices)
        values["first_contact_chased_at"], counts[0] = now, 1
    if urgent.task_force_overdue(now) and chase_allowed_now(ctx, urgent.task_force_chased_at):
        reason = task_force_reason(urgent, tz)
        notice = record_notice(ctx, uow, NoticeKind.CHASE, case, None, urgent.manager.department, reason,
                               unit=urgent.manager.unit)
        _audit(ctx, uow, urgent, "urgent_task_force_chase", reason, [notice])
        values["task_force_chased_at"], counts[1] = now, 1
    progress = _progress_days(ctx, urgent, now)
    if progress is not None and urgent.lead is not None:
        through, missed = progress
        for day in missed:
            reason = progress_reason(urgent, day)
            notice = record_notice(ctx, uow, NoticeKind.CHASE, case, None, urgent.lead.department, reason,
                                   unit=urgent.lead.unit)
            _audit(ctx, uow, urgent, "urgent_progress_chase", reason, [notice], day=day.isoformat())
        values["progress_checked_through"], counts[2] = through, len(missed)
    return values, counts


def _to_handlers(ctx: EngineContext, uow: UnitOfWork, urgent: UrgentCase, reason: str) -> list[int]:
    """A chase to each open task of the case (its department and assignee); complaint management if none.
    Returns the notices' ids."""
    case = (urgent.case_id, urgent.case_number, urgent.unit)
    tasks = [t for t in uow.read.case_tasks(urgent.case_id) if t.status.value in ("ready", "claimed")]
    if not tasks:
        return [record_notice(ctx, uow, NoticeKind.CHASE, case, None, SUPERVISING_DEPARTMENT, reason)]
    return [record_notice(ctx, uow, NoticeKind.CHASE, case, task, task.department, reason) for task in tasks]


def _audit(ctx: EngineContext, uow: UnitOfWork, urgent: UrgentCase, action: str, reason: str, notices: list[int],
           **more: Any) -> None:
    """The step's audit event; `notices` names the notices it sent (one event, several notices: the link lets the
    crash tests pair every system notice with the event that sent it)."""
    uow.audit.add(ctx.now(), SYSTEM, action, urgent.case_id, None, {"reason": reason, "notices": notices, **more})
