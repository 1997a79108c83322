"""Finding 5: one control character in a complaint broke every XLSX export that included it (500).

Intake (web form and API alike) now refuses control characters in text, and the exports write text that
was stored before that (or arrives any other way) without the characters a workbook cannot hold.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from engine.bootstrap import Engine
from engine.persistence.tables import CaseFactRow
from tests.support.complaints import complaint
from tests.support.driver import open_case
from tests.support.engines import sql_engine_of
from tests.support.hardening_web import api_key, signed_in, web_app

PRODUCT = "credit card\u001b"


def _form(**overrides: str) -> dict[str, str]:
    return {k: str(v) for k, v in complaint(**overrides).items()}


@pytest.mark.parametrize("value", ["credit card\u001b", "a\u0000b", "bell\u0007"])
def test_intake_refuses_control_characters_through_the_form_and_the_api(engine: Engine, value: str) -> None:
    app = web_app(engine)
    browser = signed_in(app, engine, "front_ctl", ["branch_front"], ["staff"])
    page = browser.post("/intake", data=_form(product=value))
    assert page.status_code == 422, page.status_code
    assert "不能包含控制字符" in page.get_data(as_text=True)

    headers = api_key(engine, "front-ctl", ["branch_front"], ["staff"])
    answer = app.test_client().post("/api/v1/cases", json=complaint(product=value), headers=headers)
    assert answer.status_code == 422 and "product" in answer.json["errors"], answer.text
    with engine.ctx.db.read() as uow:
        assert uow.read.case_id_by_number("TS-20240927-000001") is None  # nothing was stored


def test_line_breaks_and_tabs_in_long_text_are_still_accepted(engine: Engine) -> None:
    case = open_case(engine, facts="第一行\r\n第二行\t缩进")
    assert case.complaint["facts"] == "第一行\r\n第二行\t缩进"


def test_xlsx_exports_write_text_with_control_characters(engine: Engine) -> None:
    case = open_case(engine, product="credit card")
    with sql_engine_of(engine).begin() as conn:  # stored before intake refused control characters
        conn.execute(update(CaseFactRow).where(CaseFactRow.case_id == case.id).values(product=PRODUCT))
    app = web_app(engine)
    browser = signed_in(app, engine, "sup_ctl", ["complaint_mgmt"], ["staff", "supervisor"])
    for key in ("all", "product"):
        answer = browser.get(f"/reports/export/{key}.xlsx?start=2024-09-01&end=2024-09-30")
        assert answer.status_code == 200, (key, answer.status_code)
        book = load_workbook(io.BytesIO(answer.data))
        cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
        assert any(isinstance(v, str) and v.startswith("credit card") and "\u001b" not in v for v in cells)
