"""Registering a complaint through the 客户投诉处理单 form."""

from __future__ import annotations

import dataclasses

from tests.webui.support import COMPLAINT, login


def test_form_has_every_field_and_code_lists(client):
    login(client, "front1")
    page = client.get("/intake").text
    for name in ("channel", "organisation", "received_at", "resolved_on_spot", "complainant_name",
                 "contact_phone", "id_type", "id_number", "reply_channel", "is_agent", "category",
                 "product", "account_ref", "transaction_ref", "amount", "cause", "grade", "is_complex",
                 "is_group", "sensitive_source", "related_number", "facts", "demand",
                 "expected_resolution"):
        assert f'name="{name}"' in page, name
    assert 'name="repeat_count"' not in page  # computed from the customer's earlier complaints, not typed
    assert "95559客服热线" in page and "个人金融信息" in page and "信用卡中心" in page
    assert "投诉人信息" in page


def test_per_field_errors(client):
    login(client, "front1")
    data = COMPLAINT | {"contact_phone": "12345", "complainant_name": ""}
    response = client.post("/intake", data=data)
    assert response.status_code == 422
    page = response.text
    assert "电话号码格式不正确" in page
    assert "必填" in page
    assert 'value="12345"' in page  # the rest of the input is kept
    assert "柜员态度恶劣" in page


def test_cross_field_error_is_shown_at_its_field(client):
    login(client, "front1")
    response = client.post("/intake", data=COMPLAINT | {"id_number": "123"})
    assert response.status_code == 422
    assert "居民身份证号应为18位" in response.text


def test_success_redirects_to_the_case_page(client, engine):
    login(client, "front1")
    response = client.post("/intake", data=COMPLAINT | {"amount": "120.50", "is_group": "true",
                                                         "received_at": "2024-09-27T09:30"})
    assert response.status_code == 302
    assert response.location.startswith("/cases/TS-20240927-")
    page = client.get(response.location).text
    assert "投诉已登记" in page
    assert "2024-09-27 09:30" in page
    assert "120.50" in page
    case = engine.cases.summary(engine.cases.resolve_id(response.location.rsplit("/", 1)[1]))
    assert case.complaint["is_group"] is True
    assert case.process_key == "branch_complaint"


def test_organisation_without_a_deployed_process(client, engine):
    # The code list names a process for the card centre that this bank has not deployed (yet).
    orgs = engine.ctx.codes.organisations
    orgs["card_center"] = dataclasses.replace(orgs["card_center"], process="card_center_v2_not_deployed")
    login(client, "front1")
    response = client.post("/intake", data=COMPLAINT | {"organisation": "card_center"})
    assert response.status_code == 422
    assert "尚未部署" in response.text
