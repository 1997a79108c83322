"""The report as tables (title, typed columns, rows): one builder for the page, CSV and XLSX."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask_babel import gettext as _

from engine.services.reports import ClockFigures, CountRow, Ratio, Report
from webui.formatting import unit_name
from webui.labels import CUSTOMER_NOTICE_KINDS
from webui.shown import config_text

# Column kinds: how a cell is shown and exported.
TEXT, INT, RATE, DAYS, MONEY = "text", "int", "rate", "days", "money"
Cell = str | int | float | Decimal | None


@dataclass(frozen=True)
class Column:
    """A column heading and the kind of its values."""

    title: str
    kind: str = TEXT


@dataclass(frozen=True)
class Table:
    """One table of the report; `key` names it in URLs and sheet names."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]


def figure_text(value: Cell, column: Column, empty: str) -> str | None:
    """`empty` for no value, a rate as a percentage, days with two decimals (as the page and CSV show
    them); None for any other cell."""
    if value is None:
        return empty
    if column.kind == RATE and isinstance(value, int | float):
        return f"{value * 100:.2f}%"
    if column.kind == DAYS and isinstance(value, int | float):
        return f"{value:.2f}"
    return None


def report_tables(report: Report) -> list[Table]:
    """Every table of the report, in page order."""
    v = report.volume
    return [
        _counts("channel", _("按受理渠道"), v.by_channel, v.total),
        _counts("category", _("按业务类别"), v.by_category, v.total),
        _counts("cause", _("按投诉原因"), v.by_cause, v.total),
        _counts("grade", _("按投诉等级"), v.by_grade, v.total),
        _counts("organisation", _("按受理机构"), v.by_organisation, v.total),
        _counts("product", _("按产品"), v.by_product, v.total),
        Table("monthly", _("月度趋势"), [Column(_("月份")), Column(_("件数"), INT), Column(_("环比增减"), INT)],
              [[m.month, m.count, m.change] for m in v.monthly]),
        Table("units", _("按单位（逐级汇总）"),
              [Column(_("单位")), Column(_("本单位受理"), INT), Column(_("含下级合计"), INT)],
              [["\u3000" * u.depth + unit_name(u.code), u.own, u.total] for u in v.by_unit]),
        _timeliness(report),
        Table("extensions", _("监管时限延期"), [Column(_("指标")), Column(_("数值"), INT)], [
            [_("延期件数"), report.timeliness.extended_cases],
            [_("二次延期件数"), report.timeliness.extended_twice],
            [_("延期次数合计"), report.timeliness.extensions],
        ]),
        _clock_actions(report),
        Table("backlog", _("逾期未办任务（按部门）"), [Column(_("部门")), Column(_("逾期任务数"), INT)],
              [[config_text(r.label), r.count] for r in report.timeliness.overdue_backlog]),
        _quality(report),
        _customer_notices(report),
        _satisfaction(report),
        Table("control", _("催办与督办（按部门）"),
              [Column(_("部门")), Column(_("自动催办"), INT), Column(_("人工催办"), INT), Column(_("督办"), INT)],
              [[config_text(c.label), c.auto_chases, c.manual_chases, c.supervisions] for c in report.control]),
        Table("root_causes", _("主要根本原因"), [Column(_("根本原因")), Column(_("件数"), INT)],
              [[r.label, r.count] for r in report.root_causes.top]),
        _rectification(report),
        _money(report),
    ]


def _clock_actions(report: Report) -> Table:
    """Extensions by kind and pauses with their length (an empty table for a report without them)."""
    c = report.clock_actions
    rows: list[list[Cell]] = [] if c is None else [
        [_("延长至 30 日（复杂）"), c.extensions_to_30], [_("延长至 60 日（特别复杂，经审批）"), c.extensions_to_60],
        [_("暂停件数"), c.paused_cases], [_("暂停次数"), c.pauses], [_("暂停天数合计（自然日）"), c.paused_days]]
    return Table("clock_actions", _("延期与暂停"), [Column(_("指标")), Column(_("数值"), INT)], rows)


def table_by_key(report: Report, key: str) -> Table | None:
    """One table by its key."""
    return next((t for t in report_tables(report) if t.key == key), None)


def _counts(key: str, title: str, rows: list[CountRow], total: int) -> Table:
    columns = [Column(_("代码")), Column(_("名称")), Column(_("件数"), INT), Column(_("占比"), RATE)]
    return Table(key, title, columns, [[r.code, config_text(r.label), r.count, Ratio(r.count, total).rate]
                                           for r in rows])


def _timeliness(report: Report) -> Table:
    columns = [
        Column(_("时钟")), Column(_("已答复"), INT), Column(_("按时答复"), INT), Column(_("超时答复"), INT),
        Column(_("未答复已超期"), INT), Column(_("按时率"), RATE), Column(_("平均处理时长"), DAYS),
        Column(_("90分位处理时长"), DAYS), Column(_("单位")),
    ]
    t = report.timeliness
    return Table("timeliness", _("时效"), columns, [
        _clock_row(_("内部时限"), t.internal, _("工作日")),
        _clock_row(_("监管时限"), t.regulatory, _("自然日")),
    ])


def _clock_row(name: str, c: ClockFigures, unit: str) -> list[Cell]:
    return [name, c.replied, c.on_time, c.late, c.open_overdue, c.on_time_rate.rate, c.average_days, c.p90_days,
            unit]


def _rectification(report: Report) -> Table:
    """Rectification notices issued in the range, by responsible unit (rolled up the tree)."""
    columns = [Column(_("整改单位")), Column(_("已下发"), INT), Column(_("已销号"), INT), Column(_("按期整改"), INT),
               Column(_("超期未整改"), INT)]
    return Table("rectification", _("整改通知单（按整改单位，逐级汇总）"), columns,
                 [["\u3000" * r.depth + unit_name(r.unit), r.issued, r.closed, r.on_time, r.overdue]
                  for r in report.rectifications])


def _money(report: Report) -> Table:
    m = report.money
    columns = [Column(_("指标")), Column(_("金额（元）"), MONEY), Column(_("件数"), INT)]
    return Table("money", _("争议金额与补偿"), columns, [
        [_("争议金额"), m.amount_in_dispute, m.cases_with_amount],
        [_("已付补偿"), m.compensation_paid, m.cases_compensated],
    ])


def _quality(report: Report) -> Table:
    q = report.quality
    return _ratio_table("quality", _("质量"), [
        (_("退回重办次数"), q.rework_returns, None),
        (_("被退回的投诉"), q.reworked_cases, None),
        (_("核查申请"), q.review_requested, None),
        (_("核查后改变原处理意见"), q.review_overturned.numerator, q.review_overturned),
        (_("90日内重复投诉"), q.repeat_cases.numerator, q.repeat_cases),
        (_("首问（现场）解决"), q.first_contact_resolution.numerator, q.first_contact_resolution),
        (_("其中并入首次投诉"), q.merged_repeats, None),  # rows after the first six: the page's cards read those
        (_("申请核查（重新处理）"), q.reopened.numerator, q.reopened),
    ])


def _customer_notices(report: Report) -> Table:
    columns = [Column(_("告知类型")), Column(_("应告知"), INT), Column(_("已送达"), INT), Column(_("按时送达"), INT),
               Column(_("按时率"), RATE)]
    return Table("customer_notices", _("客户告知及时性"), columns, [
        [_(CUSTOMER_NOTICE_KINDS.get(n.kind, n.kind)), n.queued, n.delivered, n.on_time.numerator, n.on_time.rate]
        for n in report.customer_notices])


def _satisfaction(report: Report) -> Table:
    s = report.satisfaction
    return _ratio_table("satisfaction", _("回访与满意度"), [
        (_("已回访"), s.revisit_coverage.numerator, s.revisit_coverage),
        (_("满意"), s.satisfied, None),
        (_("基本满意"), s.basically, None),
        (_("不满意"), s.dissatisfied, None),
        (_("其他"), s.other, None),
        (_("满意率（满意+基本满意）"), s.satisfaction_rate.numerator, s.satisfaction_rate),
    ])


def _ratio_table(key: str, title: str, lines: list[tuple[str, int, Ratio | None]]) -> Table:
    columns = [Column(_("指标")), Column(_("数值"), INT), Column(_("基数"), INT), Column(_("比率"), RATE)]
    rows: list[list[Cell]] = [
        [name, value, ratio.denominator if ratio else None, ratio.rate if ratio else None]
        for name, value, ratio in lines
    ]
    return Table(key, title, columns, rows)
