"""Delivering a message from the API and the command line: the same service, its coded refusal rendered."""

from __future__ import annotations

import json

from tests.api.support import PROBLEM
from tests.support.actors import HEAD_OFFICE
from tests.support.driver import audit_actions, claim_and_complete, open_case, task_by_bpmn_id

DOCUMENTS = "customer supplied documents"


def _waiting_for_documents(engine):
    case = open_case(engine, process_key="docs_probe")
    claim_and_complete(engine, case.id, "Task_Review", {"review_note": "缺流水"}, HEAD_OFFICE)
    return case


def test_the_api_delivers_a_message_and_names_what_a_case_waits_for_otherwise(probe_engine, client, keys):
    case = _waiting_for_documents(probe_engine)
    headers = keys.make("channel", ("complaint_mgmt",))
    url = f"/api/v1/cases/{case.number}/messages"
    assert client.get(f"/api/v1/cases/{case.number}", headers=headers).json["waiting_messages"] == [DOCUMENTS]

    response = client.post(url, json={"message": DOCUMENTS, "data": {"documents": "流水"}}, headers=headers)

    assert response.status_code == 200, response.text
    body = response.json
    assert (body["message"], body["waiting_before"], body["waiting_after"]) == (DOCUMENTS, [DOCUMENTS], [])
    assert body["case"]["number"] == case.number
    assert "张三" not in response.text  # personal data stays masked
    task_by_bpmn_id(probe_engine, case.id, "Task_Check")

    again = client.post(url, json={"message": DOCUMENTS}, headers=headers)
    assert again.status_code == 409 and again.mimetype == PROBLEM
    assert (again.json["code"], again.json["params"]) == (
        "message_not_waiting", {"case": case.number, "message": DOCUMENTS, "waiting": ""})


def test_the_api_needs_the_message_scope_and_a_visible_case(probe_engine, client, keys):
    case = _waiting_for_documents(probe_engine)
    url = f"/api/v1/cases/{case.number}/messages"
    reader = keys.make("reader", ("complaint_mgmt",), scopes=("cases:read",))
    assert client.post(url, json={"message": DOCUMENTS}, headers=reader).status_code == 403
    stranger = keys.make("stranger", ("retail_banking",))
    assert client.post(url, json={"message": DOCUMENTS}, headers=stranger).status_code == 404
    bad = client.post(url, json={"message": DOCUMENTS, "data": {"case_number": "x"}},
                      headers=keys.make("channel", ("complaint_mgmt",)))
    assert bad.status_code == 422 and "data.case_number" in bad.json["errors"]
    assert audit_actions(probe_engine, case.id, "message_received") == []


def test_the_command_line_delivers_a_message_and_explains_a_refusal(probe_engine, shell, capsys):
    case = _waiting_for_documents(probe_engine)

    code, out, err = shell("message", "send", case.number, DOCUMENTS, "--data", '{"documents": "流水"}', "--json",
                           capsys=capsys)

    assert code == 0, err
    assert json.loads(out)["waiting_after"] == []
    [event] = audit_actions(probe_engine, case.id, "message_received")
    assert event.actor.startswith("cli:") and event.data["data"] == {"documents": "流水"}

    code, out, err = shell("message", "send", case.number, DOCUMENTS, capsys=capsys)
    assert code == 1
    assert err.strip() == f"error: 案件 {case.number} 没有在等待消息“{DOCUMENTS}”；它正在等待：（无）"
