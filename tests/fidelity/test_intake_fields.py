"""Intake as the procedures ask (issue #16): when and where it happened, the social-media and walk-in channels,
and the first responder's read-back to the customer, declared once on the complaint schema, so the web form,
the API and the case carry them.

Sources: 000 「详细记录投诉人基本信息、投诉事由、涉及产品/服务、时间、地点、期望结果等关键要素，并向客户复述确认」,
「多渠道接入：…社交媒体等」; 003 「客户来函、来访、来电」; 004 「必须向客户核准你的记录」.

The read-back is required where the first responder talks with the customer (the channels of
processes/codes.toml `[read_back]`: counter, phone, hotlines, walk-in); a letter, an e-mail or a referral
cannot be read back, so there it stays optional.
"""

from __future__ import annotations

import lxml.html
import pytest

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed
from tests.support.actors import FRONT
from tests.support.complaints import complaint
from tests.support.hardening_web import api_key, signed_in, web_app

INCIDENT = {"incident_at": "2024-09-26T15:30:00+08:00", "incident_place": "浦东网点 3 号柜台", "read_back": True}


@pytest.mark.parametrize("channel", ["social_media", "walk_in"])
def test_the_new_channels_and_incident_fields_reach_the_case_and_its_workflow(engine: Engine, channel: str) -> None:
    case = engine.cases.open_case(None, complaint(channel=channel, **INCIDENT), FRONT)
    stored = engine.cases.detail(case.id, FRONT, reveal_personal_data=False).case.complaint
    assert (stored["channel"], stored["incident_place"], stored["read_back"]) == (
        channel, INCIDENT["incident_place"], True)
    assert stored["incident_at"] == INCIDENT["incident_at"]
    data = engine.cases.process_data(case.id)
    assert (data["incident_at"], data["incident_place"], data["read_back"]) == (
        INCIDENT["incident_at"], INCIDENT["incident_place"], True)


def test_an_incident_after_the_receipt_is_refused_naming_the_field(engine: Engine) -> None:
    late = complaint(received_at="2024-09-27T10:00:00+08:00", incident_at="2024-09-28T09:00:00+08:00")
    with pytest.raises(ValidationFailed) as refused:
        engine.cases.open_case(None, late, FRONT)
    assert list(refused.value.errors) == ["incident_at"]


def test_the_api_takes_them(engine: Engine) -> None:
    client = web_app(engine).test_client()
    headers = api_key(engine, "wechat", ["branch_front"], ["staff"])
    created = client.post("/api/v1/cases", json=complaint(channel="social_media", **INCIDENT), headers=headers)
    assert created.status_code == 201, created.json
    case = client.get(f"/api/v1/cases/{created.json['number']}", headers=headers).json
    stored = case["case"]["complaint"]
    assert (stored["incident_place"], stored["read_back"]) == (INCIDENT["incident_place"], True)


NO_READ_BACK = {"read_back": False}
NOTHING_STORED = "TS-20240927-000001"


def _nothing_stored(engine: Engine) -> None:
    with engine.ctx.db.read() as uow:
        assert uow.read.case_id_by_number(NOTHING_STORED) is None, "a refused complaint must store nothing"


@pytest.mark.parametrize("channel", ["counter", "phone", "hotline", "card_hotline", "walk_in"])
def test_a_complaint_taken_face_to_face_or_by_phone_needs_the_read_back(engine: Engine, channel: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        engine.cases.open_case(None, complaint(channel=channel, **NO_READ_BACK), FRONT)
    assert list(refused.value.errors) == ["read_back"]
    assert channel in refused.value.errors["read_back"][0]
    _nothing_stored(engine)


@pytest.mark.parametrize("channel", ["letter", "email", "app_web", "social_media", "regulator"])
def test_a_written_or_referred_complaint_needs_no_read_back(engine: Engine, channel: str) -> None:
    case = engine.cases.open_case(None, complaint(channel=channel, **NO_READ_BACK), FRONT)
    assert engine.cases.detail(case.id, FRONT, reveal_personal_data=False).case.complaint["read_back"] is False


def test_the_api_refuses_a_hotline_complaint_without_the_read_back(engine: Engine) -> None:
    client = web_app(engine).test_client()
    headers = api_key(engine, "hotline", ["branch_front"], ["staff"])
    refused = client.post("/api/v1/cases", json=complaint(channel="hotline", **NO_READ_BACK), headers=headers)
    assert refused.status_code == 422, refused.json
    assert set(refused.json["errors"]) == {"read_back"}
    _nothing_stored(engine)


def test_the_intake_form_says_where_the_read_back_is_required_and_refuses_it_missing(engine: Engine) -> None:
    client = signed_in(web_app(engine), engine, "front_qian", ["branch_front"], ["staff"])
    form = lxml.html.fromstring(client.get("/intake").text).xpath("//form[@action='/intake']")[0]
    hint = form.xpath(".//input[@name='read_back']/ancestor::div[1]//span[contains(@class, 'required-for')]")
    assert hint and all(label in hint[0].text_content() for label in ("柜面", "电话", "来访")), "the rule is shown"
    assert "信函" not in hint[0].text_content()
    fields = {"organisation": "branch", "channel": "walk_in", "complainant_name": "钱七",
              "contact_phone": "13812345678", "category": "deposits", "cause": "service_attitude",
              "facts": "来访投诉", "demand": "道歉"}
    page = lxml.html.fromstring(client.post("/intake", data=fields).text)
    error = page.xpath("//input[@name='read_back']/ancestor::div[contains(@class, 'has-error')]")
    assert error, "the read-back checkbox is marked with its error"
    _nothing_stored(engine)


def test_the_intake_form_asks_for_them(engine: Engine) -> None:
    page = signed_in(web_app(engine), engine, "front_zhu", ["branch_front"], ["staff"]).get("/intake").text
    form = lxml.html.fromstring(page).xpath("//form[@action='/intake']")[0]
    assert form.xpath(".//input[@name='incident_at']/@type") == ["datetime-local"]
    assert form.xpath(".//input[@name='incident_place']")
    assert form.xpath(".//input[@name='read_back']/@type") == ["checkbox"]
    channels = form.xpath(".//select[@name='channel']/option/@value")
    assert {"social_media", "walk_in"} <= set(channels)
