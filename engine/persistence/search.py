"""Finding cases: exact keys (number, keyed hashes), days, codes; only the cases the actor may see.

Every filter is an indexed column of complaint_case (number, phone_key, id_number_key, name_key, received_at,
status, unit) or a short EXISTS over the case's tasks (department), and the sorts are index orders (received_at,
number, regulatory_due_at) with the id as tie-break, so a page is read in index order and stops at its last row.
Visibility mirrors authz.may_see_case: a task of the case in the actor's queues or subtrees, or the actor's
own work on it (audit events by case). A staff member (queues only) sees a few thousand cases of a million:
their search starts from those case ids; a supervisor's subtree covers most cases, checked per case found.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from engine.domain.model import CaseSummary
from engine.domain.paging import PageRequest
from engine.domain.search import ANY_UNIT, CaseCriteria, CaseScope
from engine.persistence.queries import WORK_ACTIONS, case_summary, in_queues
from engine.persistence.sealing import Sealer
from engine.persistence.tables import AuditEventRow, CaseRow, HumanTaskRow

SORT_COLUMNS: dict[str, Any] = {
    "received": CaseRow.received_at, "number": CaseRow.number, "regulatory_due": CaseRow.regulatory_due_at,
}
# criteria field -> column compared by equality
EQUAL: dict[str, Any] = {
    "number": CaseRow.number, "phone_key": CaseRow.phone_key, "id_number_key": CaseRow.id_key,
    "name_key": CaseRow.name_key, "status": CaseRow.status, "unit": CaseRow.unit, "grade": CaseRow.grade,
    "process_key": CaseRow.process_key,
}


def _has_task(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists().where(HumanTaskRow.case_id == CaseRow.id, *conditions)


def _queue_cases(scope: CaseScope) -> ColumnElement[bool]:
    """The cases of a staff member's scope as `id IN (case ids of their queues' tasks, and of their work)`: a
    queue holds a few thousand of a million cases, so the search starts from those ids (an index-only range
    of ix_human_task_queue_case per queue) instead of checking each case of the range for a task there. Each
    id's status and receipt day are checked in ix_complaint_case_id_status_received alone (an index-only
    look-up: the wide case rows of ~2,000 cases spread over the table are not read; SQLite picks it once the
    database has statistics)."""
    t, a = HumanTaskRow, AuditEventRow
    ids: Any = select(t.case_id).where(in_queues(scope.queues or frozenset()))
    if scope.worked_by:
        ids = ids.union(select(a.case_id).where(
            a.actor == scope.worked_by, a.action.in_(WORK_ACTIONS), a.case_id.is_not(None)))
    return CaseRow.id.in_(ids)


def _from_queues(scope: CaseScope) -> bool:
    """The scope is a staff member's (their queues and work only): the search starts from those cases."""
    return bool(scope.queues) and scope.units is None and not scope.departments and not scope.everything


def visible(scope: CaseScope) -> ColumnElement[bool] | None:
    """SQL for the cases `scope` admits (None: every case)."""
    if scope.everything:
        return None
    if _from_queues(scope):
        return _queue_cases(scope)
    t = HumanTaskRow
    admits: list[ColumnElement[bool]] = []
    if scope.units == ANY_UNIT:
        admits.append(_has_task())
    elif scope.units is not None:
        admits.append(_has_task(t.unit.in_(sorted(scope.units))))
    if scope.queues:
        admits.append(_has_task(or_(*(and_(t.unit == q.unit, t.department == q.department)
                                       for q in sorted(scope.queues)))))
    if scope.departments:
        admits.append(_has_task(t.department.in_(sorted(scope.departments))))
    if scope.worked_by:
        a = AuditEventRow
        admits.append(CaseRow.id.in_(select(a.case_id).where(
            a.actor == scope.worked_by, a.action.in_(WORK_ACTIONS), a.case_id.is_not(None))))
    return or_(*admits) if admits else false()


def _where(criteria: CaseCriteria, scope: CaseScope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        column == getattr(criteria, name) for name, column in EQUAL.items() if getattr(criteria, name) is not None
    ]
    if criteria.received_from is not None:
        conditions.append(CaseRow.received_at >= criteria.received_from)
    if criteria.received_before is not None:
        conditions.append(CaseRow.received_at < criteria.received_before)
    if criteria.department is not None:
        conditions.append(_has_task(HumanTaskRow.department == criteria.department))
    admitted = visible(scope)
    return conditions if admitted is None else [*conditions, admitted]


class CaseSearch:
    """Search queries over complaint_case."""

    def __init__(self, session: Session, sealer: Sealer):
        self.session = session
        self.sealer = sealer

    def find(self, criteria: CaseCriteria, scope: CaseScope, page: PageRequest,
             cap: int) -> tuple[list[CaseSummary], int]:
        """One page of the cases found, in the page's order (ties: by id), and how many were found (at most
        `cap`: counting stops there)."""
        where = _where(criteria, scope)
        column = SORT_COLUMNS.get(page.sort, CaseRow.received_at)
        order = (column.desc(), CaseRow.id.desc()) if page.descending else (column, CaseRow.id)
        if _from_queues(scope) and page.offset + page.size <= cap:
            return self._counted_in_one_pass(where, order, page, cap)
        query: Select[Any] = select(CaseRow).where(*where).order_by(*order).limit(page.size).offset(page.offset)
        rows = [case_summary(row, self.sealer) for row in self.session.scalars(query)]
        first = select(CaseRow.id).where(*where).limit(cap).subquery()
        return rows, int(self.session.scalar(select(func.count()).select_from(first)) or 0)

    def _counted_in_one_pass(self, where: list[ColumnElement[bool]], order: tuple[Any, ...], page: PageRequest,
                             cap: int) -> tuple[list[CaseSummary], int]:
        """A staff member's page within the first `cap` cases found: the ids of those (from their queues' few
        thousand cases), in order, are the count and the page's ids at once (each case is checked once, not once
        for the page and again for the count); then only the page's rows are read. (Where the order is an index
        walk over many cases, 25 rows in order and a count in any order read less: the other searches.)"""
        ids = list(self.session.scalars(select(CaseRow.id).where(*where).order_by(*order).limit(cap)))
        chosen = ids[page.offset:page.offset + page.size]
        if not chosen:
            return [], len(ids)
        rows = {row.id: row for row in self.session.scalars(select(CaseRow).where(CaseRow.id.in_(chosen)))}
        return [case_summary(rows[i], self.sealer) for i in chosen], len(ids)
