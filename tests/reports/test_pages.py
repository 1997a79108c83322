"""The reports page and its exports: who may see them, what they show, CSV and XLSX content."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

QUERY = "start=2024-10-01&end=2024-12-31"


@pytest.mark.parametrize("username", ["super1", "auditor1", "admin1"])
def test_report_readers_see_the_page_and_the_nav_link(signed_in, username):
    client = signed_in(username)
    page = client.get(f"/reports/?{QUERY}")
    assert page.status_code == 200
    html = page.text
    assert 'href="/reports/"' in html  # navigation link
    assert '<span class="figure">8</span>' in html  # complaints in range
    assert "57.14%" in html  # internal on-time rate 4 / 7
    assert "3,208.50" in html and "250.00" in html
    assert "系统参数错误" in html
    assert "vendor/echarts/echarts.min.js" in html and "reports/static/reports.js" in html
    assert "<script>" not in html  # no inline scripts: chart data is a JSON block
    data = re.search(r'<script type="application/json" id="report-chart-data">(.*?)</script>', html, re.S)
    assert data is not None
    charts = json.loads(data.group(1))
    assert charts["monthly"]["labels"] == ["2024-10", "2024-11", "2024-12"]
    assert charts["monthly"]["series"][0]["data"] == [3, 2, 3]
    assert charts["timeliness"]["series"][0]["data"] == [57.14, 100.0]
    assert [c["value"] for c in charts["satisfaction"]["items"]] == [2, 1, 1]
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("username", ["teller1", "csgroup1"])
def test_other_staff_are_refused_everything(signed_in, username):
    client = signed_in(username)
    assert 'href="/reports/"' not in client.get("/").text
    for url in (f"/reports/?{QUERY}", f"/reports/export/channel.csv?{QUERY}", f"/reports/export/all.xlsx?{QUERY}"):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "统计报表仅供" in response.text


def test_signed_out_visitors_go_to_the_login(app):
    response = app.test_client().get(f"/reports/?{QUERY}")
    assert response.status_code == 302 and "/login" in response.location


def test_organisation_scope_and_bad_input(signed_in):
    client = signed_in("super1")
    html = client.get(f"/reports/?{QUERY}&organisation=branch").text
    assert '<span class="figure">5</span>' in html
    bad = client.get("/reports/?start=2024-12-31&end=2024-10-01")
    assert bad.status_code == 422
    assert "结束日期早于开始日期" in bad.text
    assert "report-chart-data" not in bad.text
    assert client.get("/reports/?organisation=moon").status_code == 422


def test_csv_export(signed_in):
    client = signed_in("auditor1")
    response = client.get(f"/reports/export/channel.csv?{QUERY}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert 'filename="complaint-report-channel-2024-10-01-2024-12-31.csv"' in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")  # BOM: Excel opens UTF-8 Chinese correctly
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == ["代码", "名称", "件数", "占比"]
    assert rows[1] == ["counter", "柜面", "2", "25.00%"]  # 2 of 8
    assert len(rows) == 1 + 7

    timeliness = list(csv.reader(io.StringIO(client.get(f"/reports/export/timeliness.csv?{QUERY}").data.decode()[1:])))
    assert timeliness[1] == ["内部时限", "6", "4", "2", "1", "57.14%", "3.43", "14.00", "工作日"]
    assert timeliness[2] == ["监管时限", "6", "6", "0", "0", "100.00%", "5.59", "18.00", "自然日"]
    assert client.get(f"/reports/export/nonsense.csv?{QUERY}").status_code == 404


def test_every_table_exports_as_csv_and_xlsx(signed_in):
    client = signed_in("admin1")
    html = client.get(f"/reports/?{QUERY}").text
    keys = re.findall(r'/reports/export/([a-z_]+)\.csv', html)
    assert len(keys) == len(set(keys)) == 19
    for key in keys:
        assert client.get(f"/reports/export/{key}.csv?{QUERY}").status_code == 200, key
        assert client.get(f"/reports/export/{key}.xlsx?{QUERY}").status_code == 200, key

    response = client.get(f"/reports/export/all.xlsx?{QUERY}")
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == "scope" and sorted(book.sheetnames[1:]) == sorted(keys)
    assert [c.value for c in book["scope"]["A1":"B1"][0]] == ["统计区间", "2024-10-01 ~ 2024-12-31"]
    money = [[c.value for c in row] for row in book["money"].iter_rows()]
    assert money == [["指标", "金额（元）", "件数"], ["争议金额", 3208.5, 3], ["已付补偿", 250.0, 2]]
    timeliness = book["timeliness"]
    assert timeliness["F2"].value == 0.5714 and timeliness["F2"].number_format == "0.00%"
    monthly = [[c.value for c in row] for row in book["monthly"].iter_rows()]
    assert monthly[1:] == [["2024-10", 3, None], ["2024-11", 2, -1], ["2024-12", 3, 1]]
    units = [[c.value for c in row] for row in book["units"].iter_rows()][1:]  # every case is at SH01
    assert [row[1:] for row in units[:4]] == [[0, 8], [0, 8], [8, 8], [0, 0]]
    assert units[2][0].startswith("\u3000\u3000SH01 ") and sum(row[1] for row in units) == 8
