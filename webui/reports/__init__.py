"""Reports for head office: the page (charts beside tables) and CSV / XLSX exports of every table."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, abort, render_template, request
from flask_babel import gettext as _

from engine.domain import authz
from engine.domain.errors import Forbidden, ValidationFailed
from engine.services.reports import Report, ReportRequest
from webui.context import actor, current_actor, engine
from webui.formatting import unit_name
from webui.forms import field_errors
from webui.reports.charts import chart_data
from webui.reports.export import XLSX_MIME, csv_text, xlsx_bytes
from webui.reports.regulator_views import register as register_regulator_pages
from webui.reports.tables import MONEY, Cell, Column, figure_text, report_tables, table_by_key

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates",
               static_folder="static", static_url_path="/static")
register_regulator_pages(bp)


def init_app(app: Flask) -> None:
    """Register the blueprint and tell templates whether to show the reports link."""
    app.register_blueprint(bp)

    @app.context_processor
    def _may_see_reports() -> dict[str, Any]:
        who = current_actor()
        return {"may_see_reports": who is not None and authz.may_see_reports(who)}

    app.jinja_env.filters["report_cell"] = format_cell


@bp.before_request
def _only_report_readers() -> None:
    if not authz.may_see_reports(actor()):
        raise Forbidden("reports are for supervisors, auditors and admins", code="reports_only")


@bp.get("/")
def index() -> tuple[str, int]:
    """The report page for the range and organisation in the query string (defaults: the last 12 months)."""
    service = engine().reports
    try:
        wanted = service.parse_request(request.args)
    except ValidationFailed as err:
        return _page(None, service.default_request(), field_errors(err), 422)
    return _page(service.report(wanted, actor()), wanted, {}, 200)


@bp.get("/export/<key>.csv")
def export_csv(key: str) -> Response:
    """One table as CSV."""
    report = _report()
    table = table_by_key(report, key)
    if table is None:
        abort(404)
    return _download(csv_text(table).encode("utf-8"), "text/csv; charset=utf-8", key, "csv", report.request)


@bp.get("/export/<key>.xlsx")
def export_xlsx(key: str) -> Response:
    """One table (or `all` of them, one sheet each) as an Excel workbook."""
    report = _report()
    if key == "all":
        tables = report_tables(report)
    else:
        table = table_by_key(report, key)
        if table is None:
            abort(404)
        tables = [table]
    return _download(xlsx_bytes(tables, _scope_lines(report)), XLSX_MIME, key, "xlsx", report.request)


def _report() -> Report:
    service = engine().reports
    return service.report(service.parse_request(request.args), actor())


def _page(report: Report | None, wanted: ReportRequest, errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    organisations = [(code, org.label) for code, org in engine().ctx.codes.organisations.items()]
    units = [(code, unit_name(code)) for code in engine().reports.units_for(actor())]
    page = render_template(
        "reports/index.html", report=report, wanted=wanted, errors=errors, organisations=organisations,
        units=units,
        tables={t.key: t for t in report_tables(report)} if report else {},
        charts=chart_data(report) if report else {}, query=_query(wanted),
    )
    return page, status


def _query(wanted: ReportRequest) -> dict[str, str]:
    query = {"start": wanted.start.isoformat(), "end": wanted.end.isoformat()}
    if wanted.organisation:
        query["organisation"] = wanted.organisation
    if wanted.unit:
        query["unit"] = wanted.unit
    return query


def _scope_lines(report: Report) -> list[tuple[str, str]]:
    wanted = report.request
    return [
        (_("统计区间"), f"{wanted.start.isoformat()} ~ {wanted.end.isoformat()}"),
        (_("受理机构"), wanted.organisation or _("全部")),
        (_("所属单位"), unit_name(wanted.unit) if wanted.unit else _("可查看的全部单位")),
        (_("生成时间"), report.generated_at.isoformat(timespec="seconds")),
    ]


def _download(body: bytes, mimetype: str, key: str, ext: str, wanted: ReportRequest) -> Response:
    name = f"complaint-report-{key}-{wanted.start.isoformat()}-{wanted.end.isoformat()}.{ext}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def format_cell(value: Cell, column: Column) -> str:
    """A table cell as the page shows it."""
    figure = figure_text(value, column, "—")
    if figure is not None:
        return figure
    if column.kind == MONEY:
        return f"{value:,.2f}"
    return str(value)
