"""Report tables as CSV (UTF-8 with BOM, so Excel reads the Chinese) and XLSX (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from webui.reports.tables import DAYS, INT, MONEY, RATE, Cell, Column, Table, figure_text

# A text cell starting with one of these would be read as a formula by a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_FORMATS = {RATE: "0.00%", MONEY: "#,##0.00", DAYS: "0.00", INT: "0"}
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_text(table: Table) -> str:
    """One table as CSV text with a header row (rates as percentages)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.title for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(cell, col) for cell, col in zip(row, table.columns, strict=True)])
    return "\ufeff" + out.getvalue()


def xlsx_bytes(tables: Sequence[Table], scope: Sequence[tuple[str, str]] = ()) -> bytes:
    """A workbook with one sheet per table (named by its key), after an optional scope sheet."""
    book = Workbook()
    first = book.active
    assert first is not None
    if scope:
        first.title = "scope"
        for name, value in scope:
            first.append([xlsx_value(name), xlsx_value(value)])
    else:
        book.remove(first)
    for table in tables:
        _write_sheet(book.create_sheet(table.key[:31]), table)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_value(value: Cell) -> Cell:
    """A value as a cell holds it: decimals as numbers; in text, the control characters a workbook cannot
    hold (ESC, BEL, NUL...: openpyxl refuses them) become U+FFFD. Every cell is written through here."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def _write_sheet(sheet: Worksheet, table: Table) -> None:
    sheet.append([xlsx_value(c.title) for c in table.columns])
    for r, row in enumerate(table.rows, start=2):
        for c, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = sheet.cell(row=r, column=c)
            cell.value = xlsx_value(value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif column.kind in NUMBER_FORMATS:
                cell.number_format = NUMBER_FORMATS[column.kind]
    sheet.freeze_panes = "A2"
    for c, column in enumerate(table.columns, start=1):
        width = max([len(column.title) * 2] + [len(str(row[c - 1] or "")) * 2 for row in table.rows] + [8])
        sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(width, 60)


def _csv_cell(value: Cell, column: Column) -> str:
    figure = figure_text(value, column, "")
    if figure is not None:
        return figure
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text
