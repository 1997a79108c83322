"""Rectification notices in the head-office report: per responsible unit, rolled up the organisation tree, the
notices issued in the report's range, those closed, closed on time (the accepted measures submitted by the due
time) and those still open past their due time at the moment of the report."""

from __future__ import annotations

from dataclasses import dataclass

from engine.domain.organisation import OrganisationTree, rolled_up
from engine.domain.records import ReportScope
from engine.services.unit_of_work import Rectifications


@dataclass(frozen=True)
class RectificationUnitRow:
    """One unit's notices, its own and those of the units below it (`total_*`: rolled up)."""

    unit: str
    depth: int
    issued: int
    closed: int
    on_time: int
    overdue: int


def rectifications_by_unit(repo: Rectifications, tree: OrganisationTree,
                           scope: ReportScope) -> list[RectificationUnitRow]:
    """The rolled-up figures of every unit in scope (the tree's order), units without notices included."""
    own = {unit: figures for unit, *figures in repo.figures_by_unit(
        scope.received_from, scope.received_before, scope.now, scope.units)}
    rows = []
    for unit in rolled_up(tree, {}, scope.units):
        below = [u for u in tree.subtree(unit.code) if scope.units is None or u in scope.units]
        sums = [sum(own[u][i] for u in below if u in own) for i in range(4)]
        rows.append(RectificationUnitRow(unit.code, unit.depth, *sums))
    return rows
