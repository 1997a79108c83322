"""The regulator's statistics page of the reports area: a quarter's table by JR/T 0169-2018 code, rolled up by
unit, on the page and as CSV and XLSX."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext

from engine.domain.clock import to_china
from engine.domain.errors import ValidationFailed
from engine.services.regulator import RegulatorTable
from webui.context import actor, engine
from webui.formatting import unit_name
from webui.organisation_text import validation_texts
from webui.reports.export import XLSX_MIME, csv_text, xlsx_bytes
from webui.reports.regulator import regulator_csv_table, regulator_tables, scope_lines


def register(bp: Blueprint) -> None:
    """The page and its two downloads on the reports blueprint (which admits report readers only)."""
    bp.add_url_rule("/regulator", "regulator", page)
    bp.add_url_rule("/regulator.csv", "regulator_csv", export_csv)
    bp.add_url_rule("/regulator.xlsx", "regulator_xlsx", export_xlsx)


def page() -> tuple[str, int]:
    """The quarter in the query string (default: the last full quarter) with its tables and download links."""
    wanted = _wanted(request.args)
    try:
        table = _table(wanted)
    except ValidationFailed as err:
        return _render(None, wanted, validation_texts(err, gettext), 422)
    return _render(table, wanted, {}, 200)


def export_csv() -> Response:
    """Every dimension in one CSV."""
    table = _table(_wanted(request.args))
    return _download(csv_text(regulator_csv_table(table)).encode("utf-8"), "text/csv; charset=utf-8", table, "csv")


def export_xlsx() -> Response:
    """A workbook: what it covers, then one sheet per dimension."""
    table = _table(_wanted(request.args))
    return _download(xlsx_bytes(regulator_tables(table), scope_lines(table)), XLSX_MIME, table, "xlsx")


def _wanted(args: Mapping[str, str]) -> dict[str, str]:
    today = to_china(engine().ctx.now()).date()
    last_quarter = (today.month - 1) // 3  # 0: the last full quarter is Q4 of last year
    year, quarter = (today.year, last_quarter) if last_quarter else (today.year - 1, 4)
    return {"year": args.get("year") or str(year), "quarter": args.get("quarter") or str(quarter),
            "unit": args.get("unit") or ""}


def _table(wanted: dict[str, str]) -> RegulatorTable:
    errors: dict[str, list[str]] = {}
    numbers = {}
    for name, low, high in (("year", 2000, 2099), ("quarter", 1, 4)):
        text = wanted[name]
        if not text.isdigit() or not low <= int(text) <= high:
            errors[name] = [gettext("应为 %(low)s 至 %(high)s 之间的整数", low=low, high=high)]
        else:
            numbers[name] = int(text)
    if errors:
        raise ValidationFailed(errors)
    return engine().regulator.quarter(numbers["year"], numbers["quarter"], wanted["unit"] or None, actor())


def _render(table: RegulatorTable | None, wanted: dict[str, str], errors: dict[str, list[str]],
            status: int) -> tuple[str, int]:
    units = [(code, unit_name(code)) for code in engine().reports.units_for(actor())]
    return render_template("reports/regulator.html", table=table, tables=regulator_tables(table) if table else [],
                           wanted=wanted, errors=errors, units=units,
                           query={k: v for k, v in wanted.items() if v}), status


def _download(body: bytes, mimetype: str, table: RegulatorTable, ext: str) -> Response:
    unit = f"-{table.unit}" if table.unit else ""
    name = f"regulator-statistics-{table.year}Q{table.quarter}{unit}.{ext}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
