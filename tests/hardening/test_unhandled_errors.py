"""Finding 8: inputs that made the server answer 500. Each now gets a clear 4xx (or, for a valid UTF-16
diagram, a deploy), never a 500: UTF-16 diagrams, very deeply nested JSON, report dates at the ends of the
calendar, amounts beyond what the database holds, sign-in names longer than any account's.
(NUL in `product` through the web form: tests/hardening/test_control_characters.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN, FRONT, MANAGER
from tests.support.complaints import NOT_ON_SPOT, complaint
from tests.support.driver import claim_and_complete, open_case, task_by_bpmn_id
from tests.support.engines import PROCESSES
from tests.support.hardening_web import api_key, signed_in, web_app

PROBLEM = "application/problem+json"
BPMN = "branch_complaint.bpmn"


def _utf16(text: bytes) -> bytes:
    declared = text.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    return declared.encode("utf-16")  # with a byte-order mark, as Windows tools write it


def test_a_valid_utf16_diagram_deploys_and_runs(engine: Engine) -> None:
    files = read_diagram_dir(PROCESSES)
    renamed = files[BPMN].replace("首问受理与现场处理".encode(), "首问受理（UTF-16）".encode())
    files[BPMN] = _utf16(renamed)

    result = engine.deploy.deploy(files, ADMIN)

    assert [d.process_key for d in result.deployed] == ["branch_complaint"]
    assert result.deployed[0].version == 2
    case = open_case(engine)
    assert task_by_bpmn_id(engine, case.id, "Task_OnSpot").title == "首问受理（UTF-16）"


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [100_000, 900])
def test_deeply_nested_json_is_a_400_problem(engine: Engine, depth: int) -> None:
    client = web_app(engine).test_client()
    headers = api_key(engine, "deep", ["branch_front"], ["staff"]) | {"Content-Type": "application/json"}
    body = '{"channel": ' + _nested(depth) + "}"
    for path in ("/api/v1/cases", "/api/v1/tasks/00000000-0000-0000-0000-000000000000/complete"):
        answer = client.post(path, data=body, headers=headers)
        assert answer.status_code == 400, (path, answer.status_code, answer.text[:300])
        assert answer.mimetype == PROBLEM and "nested" in answer.json["detail"]


@pytest.mark.parametrize("start, end", [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31"),
                                        ("0001-01-01", "0001-01-01"), ("9999-12-31", "9999-12-31")])
def test_report_dates_at_the_ends_of_the_calendar_are_refused(engine: Engine, start: str, end: str) -> None:
    app = web_app(engine)
    browser = signed_in(app, engine, "sup_dates", ["complaint_mgmt"], ["staff", "supervisor"])
    query = f"start={start}&end={end}"
    for path in ("/reports/", "/reports/export/all.xlsx", "/reports/export/channel.csv"):
        answer = browser.get(f"{path}?{query}")
        assert answer.status_code == 422, (path, answer.status_code)
    headers = api_key(engine, "reports", ["complaint_mgmt"], ["staff", "supervisor"])
    answer = app.test_client().get(f"/api/v1/reports?{query}", headers=headers)
    assert answer.status_code == 422 and answer.mimetype == PROBLEM, answer.text[:300]
    assert set(answer.json["errors"]) & {"start", "end"}


@pytest.mark.parametrize("amount", ["92000000000000000", "1e17", "1000000000000"])
def test_amounts_beyond_the_maximum_are_a_field_error(engine: Engine, amount: str) -> None:
    app = web_app(engine)
    headers = api_key(engine, "amounts", ["branch_front"], ["staff"])
    answer = app.test_client().post("/api/v1/cases", json=complaint(amount=amount), headers=headers)
    assert answer.status_code == 422 and "amount" in answer.json["errors"], answer.text[:300]
    browser = signed_in(app, engine, "front_amount", ["branch_front"], ["staff"])
    page = browser.post("/intake", data={k: str(v) for k, v in complaint(amount=amount).items()})
    assert page.status_code == 422


def test_task_form_amounts_beyond_the_maximum_are_a_field_error(engine: Engine) -> None:
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", NOT_ON_SPOT, FRONT)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    engine.tasks.claim(task.id, MANAGER)
    data: dict[str, Any] = {"evidence": "e", "responsibility": "bank", "within_authority": True,
                            "resolution": "r", "compensation_amount": 1e17}
    with pytest.raises(ValidationFailed) as refused:
        engine.tasks.complete(task.id, data, MANAGER)
    assert "compensation_amount" in refused.value.errors


@pytest.mark.parametrize("username", ["x" * 81, "y" * 500, "bad\u0000name"])
def test_impossible_sign_in_names_are_a_plain_refusal(engine: Engine, username: str) -> None:
    client = web_app(engine).test_client()
    answer = client.post("/login", data={"username": username, "password": "whatever-password"})
    assert answer.status_code == 401, answer.status_code
    assert "用户名或密码错误" in answer.get_data(as_text=True)
