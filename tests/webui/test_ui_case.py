"""The case page: masking, revealing personal data, timeline, diagram data."""

from __future__ import annotations

from tests.webui.support import audit_actions, csrf_token, login, open_case


def test_case_page_masks_personal_data(client, engine):
    case = open_case(engine)
    login(client, "front1")
    page = client.get(f"/cases/{case.number}").text
    assert "138****5678" in page
    assert "13812345678" not in page
    assert "310101199001011234" not in page
    assert "显示完整信息" not in page  # staff may not reveal
    assert "登记投诉" in page  # timeline
    assert "2024-09-29 10:00" in page  # internal due (general: +1 working day, the swapped working Sunday)
    assert "剩余 1 个工作日" in page


def test_supervisor_reveals_and_it_is_logged(client, engine, app):
    case = open_case(engine)
    login(client, "super1")
    page = client.get(f"/cases/{case.number}").text
    assert "显示完整信息" in page
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post(f"/cases/{case.number}/reveal", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 200
    assert "13812345678" in response.text
    assert "310101199001011234" in response.text
    assert [e.actor for e in audit_actions(engine, "personal_data_viewed")] == ["super1"]


def test_staff_reveal_is_forbidden(client, engine):
    case = open_case(engine)
    login(client, "front1")
    assert client.post(f"/cases/{case.number}/reveal").status_code == 403
    assert not audit_actions(engine, "personal_data_viewed")


def test_diagram_placeholder_and_xml(client, engine):
    case = open_case(engine)
    login(client, "front1")
    page = client.get(f"/cases/{case.id}").text
    assert f'data-diagram-url="/cases/{case.number}/diagram.bpmn"' in page
    assert """data-current='["Task_OnSpot"]'""" in page
    assert """data-completed='["Start_Received"]'""" in page
    assert "js/case-diagram.js" in page
    response = client.get(f"/cases/{case.number}/diagram.bpmn")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert 'id="branch_complaint"' in response.text


def test_unknown_case_is_404(client):
    login(client, "front1")
    assert client.get("/cases/TS-20240101-999999").status_code == 404
