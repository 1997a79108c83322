"""The supervisor desk's two clocks in SQL: open tasks due before a time, or whose case's internal or
regulatory deadline passes before it.

One query with `due_at < t OR EXISTS (late case)` checks the case of every open task in scope (100,000 for head
office at 1M cases) and sorts them all. In the desk's order (soonest due first) the list is three runs: the
tasks due before `t`, then those due later and then those without a due time whose case is late. Each is read in
index order, and a page (and the count, capped) goes on to the next run only when one runs out
(ReadQueries.tasks / count_tasks): the late cases' tasks are checked one by one in due order until the page is
full, so their cost grows with the open tasks passed over, not with the cases.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, or_

from engine.domain.filters import TaskFilter
from engine.persistence.tables import CaseRow, HumanTaskRow

# Sorts that are not the desk's default order (soonest due first); see queries._task_order.
OTHER_SORTS = frozenset({"completed", "created", "case"})


class Part(Enum):
    """Which of a desk's tasks a query reads."""

    ALL = "all"  # due before the time, or of a late case
    DUE = "due"  # due before the time
    LATER = "later"  # due at or after the time, of a late case
    UNDATED = "undated"  # without a due time, of a late case


# The desk's list in its default order is these parts one after another, each read in index order.
PARTS = (Part.DUE, Part.LATER, Part.UNDATED)


def splits(flt: TaskFilter) -> bool:
    """The filter is a desk page in its default order, read as its due prefix and then the rest."""
    return (flt.case_clocks and flt.due_before is not None and not flt.completed_by and not flt.descending
            and flt.sort not in OTHER_SORTS)


def counts_in_parts(flt: TaskFilter) -> bool:
    """The filter's count is that of its due tasks plus (when under the cap) that of the rest."""
    return flt.case_clocks and flt.due_before is not None


def statuses(flt: TaskFilter) -> ColumnElement[bool]:
    """The status condition; for the desk written into the SQL (not a parameter), so that the partial index of
    open tasks (ix_human_task_open_order) is usable on both databases."""
    if flt.case_clocks:
        return HumanTaskRow.status.in_(bindparam("desk_statuses", list(flt.statuses), expanding=True,
                                                 literal_execute=True))
    return HumanTaskRow.status.in_(flt.statuses)


def _late_case(before: Any) -> ColumnElement[bool]:
    return exists().where(CaseRow.id == HumanTaskRow.case_id, or_(
        CaseRow.internal_due_at < before, CaseRow.regulatory_due_at < before))


def due_condition(flt: TaskFilter, part: Part) -> ColumnElement[bool]:
    """The part's condition on the due times (flt.due_before is set)."""
    t, before = HumanTaskRow, flt.due_before
    if not flt.case_clocks or part is Part.DUE:
        return t.due_at < before
    if part is Part.LATER:
        return and_(t.due_at >= before, _late_case(before))
    if part is Part.UNDATED:
        return and_(t.due_at.is_(None), _late_case(before))
    return or_(t.due_at < before, _late_case(before))


def order(keys: tuple[Any, ...], part: Part) -> tuple[Any, ...]:
    """The list order (due_at IS NULL, due_at, created_at) within a part: without its first key, which the
    part's rows share, so that it is the order of ix_human_task_open_order."""
    return keys if part is Part.ALL else keys[1:]
