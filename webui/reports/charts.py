"""What the charts draw, as plain JSON for static/reports.js (the numbers also stand in the tables)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from engine.services.reports import CountRow, Report


def chart_data(report: Report) -> dict[str, Any]:
    """Chart specifications by chart key: a kind (`bar`, `line`, `pie`, `stacked`), labels and series."""
    v, t = report.volume, report.timeliness
    s = report.satisfaction
    return {
        "monthly": {"kind": "line", "labels": [m.month for m in v.monthly],
                    "series": [{"name": _("件数"), "data": [m.count for m in v.monthly]}]},
        "channel": _pie(v.by_channel),
        "category": _bar(v.by_category),
        "cause": _bar(v.by_cause),
        "grade": _pie(v.by_grade),
        "organisation": _pie(v.by_organisation),
        "product": _bar(v.by_product),
        "timeliness": {
            "kind": "bar", "percent": True, "labels": [_("内部时限"), _("监管时限")],
            "series": [{"name": _("按时率"), "data": [_percent(t.internal.on_time_rate.rate),
                                                     _percent(t.regulatory.on_time_rate.rate)]}],
        },
        "backlog": _bar(t.overdue_backlog),
        "satisfaction": {"kind": "pie", "items": [
            {"name": _("满意"), "value": s.satisfied}, {"name": _("基本满意"), "value": s.basically},
            {"name": _("不满意"), "value": s.dissatisfied},
        ] + ([{"name": _("其他"), "value": s.other}] if s.other else [])},
        "control": {
            "kind": "stacked", "labels": [c.label for c in report.control],
            "series": [
                {"name": _("自动催办"), "data": [c.auto_chases for c in report.control]},
                {"name": _("人工催办"), "data": [c.manual_chases for c in report.control]},
                {"name": _("督办"), "data": [c.supervisions for c in report.control]},
            ],
        },
        "root_causes": _bar(report.root_causes.top),
    }


def _bar(rows: list[CountRow]) -> dict[str, Any]:
    return {"kind": "bar", "labels": [r.label for r in rows],
            "series": [{"name": _("件数"), "data": [r.count for r in rows]}]}


def _pie(rows: list[CountRow]) -> dict[str, Any]:
    return {"kind": "pie", "items": [{"name": r.label, "value": r.count} for r in rows]}


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 2)
