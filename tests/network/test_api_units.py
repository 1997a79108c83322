"""The REST API opens a complaint at the receiving unit a channel system names (`?unit=`)."""

from __future__ import annotations

from tests.api.support import assert_problem
from tests.support.complaints import complaint
from tests.support.driver import task_by_bpmn_id


def test_open_complaint_at_a_named_unit(client, keys, engine):
    response = client.post("/api/v1/cases?unit=BJ02", json=complaint(), headers=keys.front())
    assert response.status_code == 201
    with engine.ctx.db.read() as uow:
        case_id = uow.read.case_id_by_number(response.json["number"])
    assert task_by_bpmn_id(engine, case_id, "Task_OnSpot").unit == "BJ02"


def test_an_unknown_unit_is_refused_and_nothing_stored(client, keys, engine):
    body = assert_problem(client.post("/api/v1/cases?unit=XX9", json=complaint(), headers=keys.front()), 422,
                          field="unit")
    assert body["errors"]["unit"] == ["unknown organisation unit 'XX9'"]
    with engine.ctx.db.read() as uow:
        assert uow.read.case_id_by_number("TS-20240927-000001") is None
