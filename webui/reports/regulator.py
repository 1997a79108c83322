"""The regulator's statistics table (JR/T 0169-2018) as report tables: one per dimension for the page and the
workbook, all of them in one for CSV (with the dimension as its first column)."""

from __future__ import annotations

from flask_babel import gettext as _

from engine.services.regulator import RegulatorRow, RegulatorTable
from webui.formatting import unit_name
from webui.labels import N_
from webui.reports.tables import INT, MONEY, RATE, Cell, Column, Table

DIMENSION_TITLES = {"channel": N_("业务办理渠道"), "category": N_("业务类别"), "cause": N_("投诉原因")}


def regulator_tables(table: RegulatorTable) -> list[Table]:
    """One table per dimension, units in the tree's order (indented by depth), codes in the list's order."""
    dimensions = list(dict.fromkeys(r.dimension for r in table.rows))
    return [Table(f"regulator_{d}", _(DIMENSION_TITLES.get(d, d)), _columns(),
                  [_cells(r) for r in table.of(d)]) for d in dimensions]


def regulator_csv_table(table: RegulatorTable) -> Table:
    """Every row in one table, the dimension first (for CSV)."""
    columns = [Column(_("维度")), *_columns()]
    return Table("regulator", _("监管统计"), columns,
                 [[_(DIMENSION_TITLES.get(r.dimension, r.dimension)), *_cells(r)] for r in table.rows])


def scope_lines(table: RegulatorTable) -> list[tuple[str, str]]:
    """What the export covers (the workbook's first sheet)."""
    return [
        (_("统计标准"), table.standard),
        (_("统计期间"), f"{table.year} Q{table.quarter}（{table.start.isoformat()} ~ {table.end.isoformat()}）"),
        (_("所属单位"), unit_name(table.unit) if table.unit else _("可查看的全部单位")),
        (_("生成时间"), table.generated_at.isoformat(timespec="seconds")),
    ]


def _columns() -> list[Column]:
    return [Column(_("单位代码")), Column(_("单位")), Column(_("监管编码")), Column(_("层级"), INT),
            Column(_("名称")), Column(_("投诉量"), INT), Column(_("已办结"), INT), Column(_("按时办结"), INT),
            Column(_("按时办结率"), RATE), Column(_("争议金额（元）"), MONEY), Column(_("补偿金额（元）"), MONEY)]


def _cells(r: RegulatorRow) -> list[Cell]:
    name = r.name if r.code else _("（未分类）")
    return [r.unit, "\u3000" * r.depth + unit_name(r.unit), r.code, r.level, name, r.cases, r.replied,
            r.on_time, r.on_time_rate.rate, r.amount, r.compensation]
