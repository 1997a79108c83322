"""The regulator's table exported from the reports area and the API (both databases): the CSV and the workbook
carry the hand-computed figures of tests/oversight/regulator_dataset.py; staff are refused; a bad quarter is
named."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.oversight.regulator_dataset import NOW, seed
from tests.support.actors import ADMIN
from tests.support.engines import clock_of
from webui import create_app

PASSWORD = "correct-horse-battery"
QUARTER = "/reports/regulator?year=2024&quarter=4"


@pytest.fixture
def client_for(engine):
    seed(engine)
    clock_of(engine).set(NOW)
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    def sign_in(username, members, roles):
        engine.users.add(username, PASSWORD, members, roles, ADMIN)
        client = app.test_client()
        assert client.post("/login", data={"username": username, "password": PASSWORD}).status_code == 302
        return client

    return sign_in


def test_csv_and_workbook_carry_the_hand_computed_figures(client_for):
    admin = client_for("admin1", [], ["admin"])
    page = admin.get(QUARTER)
    assert page.status_code == 200 and "A010302" in page.get_data(as_text=True)

    response = admin.get("/reports/regulator.csv?year=2024&quarter=4")
    assert response.headers["Content-Disposition"] == 'attachment; filename="regulator-statistics-2024Q4.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["维度", "单位代码", "单位", "监管编码", "层级", "名称", "投诉量", "已办结", "按时办结",
                       "按时办结率", "争议金额（元）", "补偿金额（元）"]
    by_key = {(r[0], r[1], r[3]): r[4:] for r in rows[1:]}
    assert by_key[("业务办理渠道", "HO", "A01")] == ["1", "前台业务渠道", "6", "4", "3", "75.00%", "3208.50", "250.00"]
    assert by_key[("业务办理渠道", "SH01", "A010302")] == ["3", "电话", "1", "1", "0", "0.00%", "3000.00", "50.00"]
    assert by_key[("投诉原因", "HO", "")] == ["1", "（未分类）", "1", "0", "0", "", "0.00", "0.00"]
    assert ("业务办理渠道", "CC", "A01") not in by_key  # no complaints at the card centre: only the top lists zeros

    book = load_workbook(io.BytesIO(admin.get("/reports/regulator.xlsx?year=2024&quarter=4").data))
    assert book.sheetnames == ["scope", "regulator_channel", "regulator_category", "regulator_cause"]
    sheet = book["regulator_category"]
    cells = {(row[0], row[2]): row[5:11] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert cells[("HO", "B01")] == (2, 1, 1, 1.0, 120.0, 0.0)
    assert cells[("SH", "B02")] == (1, 1, 0, 0.0, 3000.0, 50.0)
    assert sheet.cell(row=2, column=9).number_format == "0.00%"


def test_the_api_gives_the_same_table(client_for):
    admin = client_for("admin1", [], ["admin"])
    body = admin.get("/api/v1/reports/regulator?year=2024&quarter=4&unit=SH").get_json()
    assert (body["start"], body["end"], body["unit"]) == ("2024-10-01", "2024-12-31", "SH")
    sh = {r["code"]: r for r in body["rows"] if r["unit"] == "SH" and r["dimension"] == "channel"}
    assert (sh["A01"]["cases"], sh["A01"]["on_time_rate"], sh["A01"]["amount"]) == (
        4, {"numerator": 2, "denominator": 3, "rate": 0.6667}, "3120.00")
    assert admin.get("/api/v1/reports/regulator?year=2024&quarter=5").status_code == 422


def test_staff_are_refused_and_bad_quarters_named(client_for):
    teller = client_for("teller1", ["SH01:branch_front"], ["staff"])
    assert teller.get(QUARTER).status_code == 403
    assert teller.get("/reports/regulator.csv?year=2024&quarter=4").status_code == 403
    admin = client_for("admin1", [], ["admin"])
    bad = admin.get("/reports/regulator?year=2024&quarter=9")
    assert bad.status_code == 422 and "应为 1 至 4 之间的整数" in bad.get_data(as_text=True)
