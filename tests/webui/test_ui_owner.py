"""Process owner: definitions, upload with validation problems per element, deploy."""

from __future__ import annotations

import io

from tests.webui.support import PROCESSES, audit_actions, login


def _upload(client, url, files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
    return client.post(url, data=data, content_type="multipart/form-data")


def _bundle(bpmn: bytes | None = None) -> dict[str, bytes]:
    return {
        "branch_complaint.bpmn": bpmn or (PROCESSES / "branch_complaint.bpmn").read_bytes(),
        "branch_triage.dmn": (PROCESSES / "branch_triage.dmn").read_bytes(),
        "head_office_rework.dmn": (PROCESSES / "head_office_rework.dmn").read_bytes(),  # shared restudy count
    }


def test_definitions_with_running_cases(client):
    login(client, "owner1")
    page = client.get("/owner/").text
    assert "branch_complaint" in page and "v1" in page
    assert "branch_complaint.bpmn" in page


def test_broken_diagram_shows_the_element_error(client):
    bpmn = (PROCESSES / "branch_complaint.bpmn").read_bytes().replace(
        b'camunda:candidateGroups="branch_head" camunda:dueDate="add_workdays(now(), 1)"',
        b'camunda:candidateGroups="no_such_dept" camunda:dueDate="add_workdays(now(), 1)"')
    login(client, "owner1")
    response = _upload(client, "/owner/validate", _bundle(bpmn))
    assert response.status_code == 422
    page = response.text
    assert "<code>Task_Approve</code>" in page
    assert "no_such_dept" in page
    assert "branch_complaint.bpmn" in page
    assert "/owner/deploy" not in page


def test_a_new_process_without_report_facts_is_refused_in_the_users_language(client):
    bpmn = (PROCESSES / "branch_complaint.bpmn").read_bytes().replace(b'"branch_complaint"', b'"branch_variant"')
    login(client, "owner1")
    page = _upload(client, "/owner/validate", _bundle(bpmn)).text
    assert "流程 branch_variant 未声明报表事实" in page and "branch_variant.toml" in page
    assert "/owner/deploy" not in page
    english = _upload(client, "/owner/validate?lang=en", _bundle(bpmn)).text
    assert "Process branch_variant declares no report facts: add a [facts] section to" in english


def test_not_xml_is_reported(client):
    login(client, "owner1")
    response = _upload(client, "/owner/validate", {"x.bpmn": b"<bpmn"})
    assert response.status_code == 422
    assert "not well-formed XML" in response.text


def test_validate_then_deploy_a_new_version(client, engine):
    bpmn = (PROCESSES / "branch_complaint.bpmn").read_bytes().replace("收到投诉".encode(), "收到客户投诉".encode())
    login(client, "owner1")
    response = _upload(client, "/owner/validate", _bundle(bpmn))
    assert response.status_code == 200
    assert "/owner/deploy" in response.text
    response = client.post("/owner/deploy")
    assert response.status_code == 302
    page = client.get("/owner/").text
    assert "已部署 branch_complaint 第 2 版" in page
    assert "v2" in page
    assert [e.actor for e in audit_actions(engine, "deploy")][0] == "owner1"
    assert client.post("/owner/deploy").status_code == 302  # nothing staged any more
    assert "请先上传并校验" in client.get("/owner/").text


def test_unchanged_bundle_makes_no_new_version(client):
    login(client, "owner1")
    _upload(client, "/owner/validate", _bundle())
    client.post("/owner/deploy")
    assert "内容未变化" in client.get("/owner/").text


def test_definition_file_is_served_as_text(client):
    login(client, "owner1")
    response = client.get("/owner/definitions/1/files/branch_triage.dmn")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_staff_cannot_reach_owner_pages(client):
    login(client, "front1")
    assert client.get("/owner/").status_code == 403
    assert client.post("/owner/deploy").status_code == 403


def test_definition_page_has_a_diagram_per_bpmn_file(client):
    login(client, "owner1")
    page = client.get("/owner/definitions/1").text
    assert 'data-diagram-url="/owner/definitions/1/files/branch_complaint.bpmn"' in page
    assert "branch_triage.dmn" in page
    assert client.get("/owner/definitions/999").status_code == 404
