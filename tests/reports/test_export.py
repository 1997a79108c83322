"""CSV and XLSX writing of report tables: numbers stay numbers, typed text never becomes a formula."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from webui.reports.export import csv_text, xlsx_bytes
from webui.reports.tables import DAYS, INT, MONEY, RATE, Column, Table

TABLE = Table("root_causes", "根本原因", [Column("根本原因"), Column("件数", INT), Column("占比", RATE),
                                       Column("天", DAYS), Column("金额", MONEY)], [
    ["=HYPERLINK(\"http://x\")", 3, 0.375, 2.5, Decimal("12.30")],
    ["-1+2", 1, None, None, Decimal("0.00")],
])


def test_csv_formats_rates_and_defuses_formulas():
    rows = list(csv.reader(io.StringIO(csv_text(TABLE).lstrip("\ufeff"))))
    assert rows == [
        ["根本原因", "件数", "占比", "天", "金额"],
        ["'=HYPERLINK(\"http://x\")", "3", "37.50%", "2.50", "12.30"],
        ["'-1+2", "1", "", "", "0.00"],
    ]


def test_xlsx_keeps_text_as_text_and_numbers_formatted():
    sheet = load_workbook(io.BytesIO(xlsx_bytes([TABLE])))["root_causes"]
    assert sheet["A2"].value == "=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"
    assert sheet["A3"].value == "-1+2" and sheet["A3"].data_type == "s"
    assert (sheet["B2"].value, sheet["C2"].value, sheet["C2"].number_format) == (3, 0.375, "0.00%")
    assert (sheet["E2"].value, sheet["E2"].number_format) == (12.3, "#,##0.00")
