"""The regulator's statistics table (JR/T 0169-2018) for a quarter: per unit (rolled up the organisation tree)
and per regulator code of each dimension, the complaints received, those replied, those replied within the
regulatory limit (and the rate), the amount in dispute and the compensation paid. From the report facts only.

A complaint counts under the code its project code maps to and under each ancestor of that code; complaints
without a value of a dimension (not yet classified) form one row of their own. The top unit(s) of the table list
every code of the list, zero or not (the regulator's form); the units below list the codes they have complaints of.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from engine.domain.errors import ValidationFailed
from engine.domain.model import Actor
from engine.domain.organisation import rolled_up
from engine.domain.records import ReportScope
from engine.domain.regulator_codes import UNCLASSIFIED, Dimension, RegulatorCode, RegulatorCodes
from engine.services.context import EngineContext
from engine.services.reports import Ratio, ReportRequest, ReportService

FIGURES = 5  # cases, replied, on time, amount (cents), compensation (cents)
Figures = list[int]


@dataclass(frozen=True)
class RegulatorRow:
    """One line of the table: a unit (depth in the tree), a code of a dimension and its figures."""

    unit: str
    depth: int
    dimension: str
    code: str
    level: int
    name: str
    cases: int
    replied: int
    on_time: int
    on_time_rate: Ratio  # replied within the regulatory limit / replied
    amount: Decimal
    compensation: Decimal


@dataclass(frozen=True)
class RegulatorTable:
    """The table of one quarter, for the units in scope."""

    standard: str
    year: int
    quarter: int
    start: date
    end: date
    unit: str | None
    generated_at: datetime
    rows: list[RegulatorRow]

    def of(self, dimension: str) -> list[RegulatorRow]:
        """The rows of one dimension, in unit then code order."""
        return [r for r in self.rows if r.dimension == dimension]


class RegulatorStatisticsService:
    """Builds the regulator's table for report readers (supervisors, auditors, admins) within their units."""

    def __init__(self, ctx: EngineContext, codes: RegulatorCodes, reports: ReportService):
        self.ctx = ctx
        self.codes = codes
        self.reports = reports

    def quarter(self, year: int, quarter: int, unit: str | None, actor: Actor) -> RegulatorTable:
        """The table of quarter `quarter` (1-4) of `year` (China dates), for `unit`'s subtree or every unit the
        reader may see."""
        if not 1 <= quarter <= 4:
            raise ValidationFailed({"quarter": ["a quarter is 1, 2, 3 or 4"]},
                                   coded={"quarter": [("quarter_range", {})]})
        start = date(year, 3 * quarter - 2, 1)
        end = (date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)) - timedelta(days=1)
        scope = self.reports.scope_for(ReportRequest(start, end, None, unit), actor)
        with self.ctx.db.read() as uow:
            figures = uow.reports.regulator_figures(scope)
        rows = [row for key, dimension in self.codes.dimensions.items()
                for row in self._rows(key, dimension, figures, scope)]
        return RegulatorTable(self.codes.standard, year, quarter, start, end, unit, scope.now, rows)

    def _rows(self, key: str, dimension: Dimension, figures: list[tuple[Any, ...]],
              scope: ReportScope) -> list[RegulatorRow]:
        index = 1 + list(self.codes.dimensions).index(key)  # the fact column of the dimension
        own: dict[tuple[str, str], Figures] = defaultdict(lambda: [0] * FIGURES)
        for row in figures:
            chain = dimension.chain(row[index]) if row[index] else []
            for counted in [c.code for c in chain] or [UNCLASSIFIED]:
                sums = own[(str(row[0]), counted)]
                for i in range(FIGURES):
                    sums[i] += int(row[4 + i])
        codes = [*dimension.codes.values(), RegulatorCode(UNCLASSIFIED, "（未分类）", 1, None)]
        tree = self.ctx.organisation
        result: list[RegulatorRow] = []
        for unit in rolled_up(tree, {}, scope.units):
            below = [u for u in tree.subtree(unit.code) if scope.units is None or u in scope.units]
            for code in codes:
                total = [sum(own[(u, code.code)][i] if (u, code.code) in own else 0 for u in below)
                         for i in range(FIGURES)]
                if total[0] or (unit.depth == 0 and code.code != UNCLASSIFIED):
                    result.append(_row(unit.code, unit.depth, key, code, total))
        return result


def _row(unit: str, depth: int, dimension: str, code: RegulatorCode, f: Figures) -> RegulatorRow:
    return RegulatorRow(unit, depth, dimension, code.code, code.level, code.name, f[0], f[1], f[2],
                        Ratio(f[2], f[1]), _yuan(f[3]), _yuan(f[4]))


def _yuan(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))
