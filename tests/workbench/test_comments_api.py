"""The REST API of notes, attachments and the contact reveal: API keys act with their holder's rights."""

from __future__ import annotations

import hashlib

import pytest

from tests.support import complaints as forms
from tests.support.driver import audit_actions, task_by_bpmn_id
from tests.workbench.evidence_support import PASSWORD, open_shanghai_case, png_bytes, who


@pytest.fixture
def api(people):
    from webui import create_app

    app = create_app(engine=people)
    app.config.update(TESTING=True)
    client = app.test_client()

    def key(name: str, departments: list[str], scopes: list[str], roles: list[str] | None = None) -> dict:
        from tests.support.actors import ADMIN

        token = people.api_keys.create(name, scopes, departments, roles or ["staff"], ADMIN).token
        return {"Authorization": f"Bearer {token}"}

    return client, key


def test_notes_through_the_api(people, api):
    client, key = api
    case_id = open_shanghai_case(people)
    number = people.cases.summary(case_id).number
    front = key("front-system", ["branch_front"], ["cases:read", "cases:comment"])
    posted = client.post(f"/api/v1/cases/{number}/comments", headers=front,
                         json={"body": "渠道系统补充材料", "mentions": ["branch_manager"]})
    assert posted.status_code == 201, posted.json
    assert posted.json["body"] == "渠道系统补充材料" and posted.json["mentions"] == ["branch_manager"]
    listed = client.get(f"/api/v1/cases/{number}/comments", headers=front).json["comments"]
    assert [c["id"] for c in listed] == [posted.json["id"]]
    refused = client.post(f"/api/v1/cases/{number}/comments", headers=front, json={"body": "x", "mentions": ["nope"]})
    assert refused.status_code == 422 and "mentions" in refused.json["errors"]
    reader = key("reader", ["branch_front"], ["cases:read"])
    assert client.post(f"/api/v1/cases/{number}/comments", headers=reader, json={"body": "x"}).status_code == 403
    card = key("card-system", ["card_seat"], ["all"])
    assert client.get(f"/api/v1/cases/{number}/comments", headers=card).status_code == 404


def test_attachments_through_the_api(people, api):
    client, key = api
    case_id = open_shanghai_case(people)
    number = people.cases.summary(case_id).number
    front = key("front-system", ["branch_front"], ["cases:read", "cases:attach"])
    uploaded = client.post(f"/api/v1/cases/{number}/attachments?name=截图.png", headers=front, data=png_bytes(),
                           content_type="application/octet-stream")
    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["sha256"] == hashlib.sha256(png_bytes()).hexdigest()
    assert uploaded.json["media_type"] == "image/png" and "storage_key" not in uploaded.json
    got = client.get(f"/api/v1/attachments/{uploaded.json['id']}", headers=front)
    assert got.status_code == 200 and got.data == png_bytes()
    assert got.headers["Digest"] == f"sha-256={uploaded.json['sha256']}"
    card = key("card-system", ["card_seat"], ["all"])
    assert client.get(f"/api/v1/attachments/{uploaded.json['id']}", headers=card).status_code == 404
    bad = client.post(f"/api/v1/cases/{number}/attachments?name=a.pdf", headers=front, data=b"not a pdf at all",
                      content_type="application/octet-stream")
    assert bad.status_code == 422
    assert [a["id"] for a in client.get(f"/api/v1/cases/{number}/attachments", headers=front).json[
        "attachments"]] == [uploaded.json["id"]]


def test_the_contact_reveal_through_the_api(people, api):
    client, key = api
    case_id = open_shanghai_case(people, contact_phone="13812345678")
    on_spot = task_by_bpmn_id(people, case_id, "Task_OnSpot")
    people.tasks.claim(on_spot.id, who(people, "front_sh"))
    people.tasks.complete(on_spot.id, forms.ON_SPOT, who(people, "front_sh"))
    revisit = task_by_bpmn_id(people, case_id, "Task_Revisit")
    manager_key = key("mgr-session", ["branch_manager"], ["all"])
    assert client.post(f"/api/v1/tasks/{revisit.id}/contact", headers=manager_key).status_code == 403
    people.tasks.claim(revisit.id, who(people, "mgr_sh"))
    from webui import create_app

    app = create_app(engine=people)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    session = app.test_client()  # the assignee signed in: the API acts with their session
    assert session.post("/login", data={"username": "mgr_sh", "password": PASSWORD}).status_code == 302
    shown = session.post(f"/api/v1/tasks/{revisit.id}/contact")
    assert shown.status_code == 200 and shown.json["phone"] == "13812345678"
    assert [e.actor for e in audit_actions(people, case_id, "personal_data_viewed")] == ["mgr_sh"]
