"""Supervision by rule (not by a diagram timer), run by the worker after each timer sweep; the supervision list."""

from __future__ import annotations

import logging

from engine.domain import authz
from engine.domain.errors import Forbidden
from engine.domain.model import SYSTEM, Actor, CaseSummary, HumanTask, NoticeKind
from engine.domain.paging import COUNT_CAP, Page, PageRequest, counted
from engine.domain.supervision import (
    SUPERVISING_DEPARTMENT,
    THRESHOLDS,
    SupervisionRule,
    SupervisionThresholds,
    rule_that_applies,
)
from engine.services.context import EngineContext
from engine.services.oversight.record import record_notice
from engine.services.unit_of_work import UnitOfWork

log = logging.getLogger("engine.supervision")


class SupervisionService:
    """Puts cases under supervision when a rule of engine/domain/supervision.py applies."""

    def __init__(self, ctx: EngineContext, limits: SupervisionThresholds = THRESHOLDS):
        self.ctx = ctx
        self.limits = limits

    def apply_rules(self) -> int:
        """Supervise every open case a rule applies to now; returns how many were supervised."""
        now = self.ctx.now()
        with self.ctx.db.read() as uow:
            candidates = uow.read.supervision_candidates(now, self.limits)
        supervised = 0
        for candidate in candidates:
            rule = rule_that_applies(candidate, now, self.ctx.calendar, self.limits)
            if rule is not None and self._supervise(candidate.case_id, rule):
                supervised += 1
        return supervised

    def supervision_list(self, actor: Actor) -> list[CaseSummary]:
        """Open supervised cases in the units the actor oversees (the supervision list), oldest first."""
        return self.supervision_page(actor, PageRequest(size=200, sort="received")).items

    def supervision_page(self, actor: Actor, page: PageRequest) -> Page[CaseSummary]:
        """One page of the supervision list, with its (capped) count."""
        if not authz.reads_everything(actor) and SUPERVISING_DEPARTMENT not in actor.departments:
            raise Forbidden("the supervision list is for supervisors and the complaint management department")
        units = authz.supervised_units(actor, self.ctx.organisation)
        with self.ctx.db.read() as uow:
            items = uow.read.supervised_cases(units=units, page=page)
            total, capped = counted(uow.read.count_supervised(units, COUNT_CAP))
        return Page(items, max(total, page.offset + len(items)), page, capped)

    def _supervise(self, case_id: int, rule: SupervisionRule) -> bool:
        with self.ctx.db.write() as uow:
            case = uow.cases.load_for_update(case_id)
            if case is None or case.status != "open" or case.supervised:
                return False  # closed or supervised meanwhile
            uow.cases.update_fields(case_id, supervised=True)
            for task, department in self._addressees(uow, case_id):
                self._notify(uow, (case_id, case.number, case.unit), task, department, rule)
            uow.commit()
        log.info("case %s supervised: %s", case_id, rule.code)
        return True

    def _addressees(self, uow: UnitOfWork, case_id: int) -> list[tuple[HumanTask | None, str]]:
        """Each open task's department (and assignee); the complaint management department if none."""
        open_tasks = [t for t in uow.read.case_tasks(case_id) if t.status.value in ("ready", "claimed")]
        return [(t, t.department) for t in open_tasks] or [(None, SUPERVISING_DEPARTMENT)]

    def _notify(self, uow: UnitOfWork, case: tuple[int, str, str], task: HumanTask | None, department: str,
                rule: SupervisionRule) -> None:
        now = self.ctx.now()
        case_id = case[0]
        record_notice(self.ctx, uow, NoticeKind.SUPERVISION, case, task, department, rule.reason)
        uow.audit.add(now, SYSTEM, "supervision", case_id, task.id if task else None,
                      {"rule": rule.code, "department": department, "reason": rule.reason})
