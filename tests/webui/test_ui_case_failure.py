"""A case whose diagram fails at run time (issue 19, finding 1): the clerk is told at intake, the case page
says where and why, and the supervisor desk lists it, in Chinese and in English."""

from __future__ import annotations

import io
from pathlib import Path

from engine.bootstrap import Engine
from engine.services.deploy import read_diagram_dir
from tests.support.diagrams import BPMN, copy_processes, edit
from tests.webui.support import ADMIN, COMPLAINT, PROCESSES, login

# A due date that computes a number of ten billion digits for complaints over 1,000 yuan.
HUGE_DUE = 'camunda:dueDate="add_workdays(received_at, 1) if amount &lt; 1000 or 10 ** int(amount) else now()"'


def _deploy_bad_due_date(engine: Engine, tmp_path: Path) -> None:
    folder = copy_processes(PROCESSES, tmp_path / "diagrams")
    edit(folder, BPMN, 'camunda:dueDate="add_workdays(received_at, 1)"', HUGE_DUE)
    engine.deploy.deploy(read_diagram_dir(folder), ADMIN)


def test_a_failed_intake_is_reported_on_the_case_page_and_the_supervisor_desk(client, engine, tmp_path):
    _deploy_bad_due_date(engine, tmp_path)
    login(client, "front1")
    response = client.post("/intake", data=COMPLAINT | {"amount": "10000000000"}, follow_redirects=True)
    assert response.status_code == 200
    assert "投诉已登记" in response.text and "流程未能启动，已通知督办人员" in response.text
    assert "受理时环节 Task_OnSpot 出错：表达式要计算的数字过大（上限 100000 位）" in response.text
    assert "流程出错" in response.text  # the case's status

    login(client, "super1")
    desk = client.get("/supervisor/").text
    assert "流程出错的工单" in desk and "Task_OnSpot" in desk
    english = client.get("/supervisor/?lang=en").text
    assert "Cases whose workflow failed" in english
    assert "At intake, element Task_OnSpot failed: the expression would compute too large a number" in english


def test_the_desk_lists_no_failed_cases_when_there_are_none(client, engine):
    login(client, "front1")
    client.post("/intake", data=COMPLAINT)
    login(client, "super1")
    assert "流程出错的工单" not in client.get("/supervisor/").text


def test_a_payload_seen_at_deploy_is_refused_in_the_users_language(client):
    bpmn = (PROCESSES / BPMN).read_bytes().replace(b"resolved_on_spot == True<", b"10**10**10 &gt; 0<")
    files = {BPMN: bpmn, "branch_triage.dmn": (PROCESSES / "branch_triage.dmn").read_bytes()}

    def upload(url: str) -> str:
        data = {"files": [(io.BytesIO(content), name) for name, content in files.items()]}
        response = client.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code == 422
        return response.text

    login(client, "owner1")
    page = upload("/owner/validate")
    assert "<code>Flow_OnSpot</code>" in page
    assert "表达式 10 ** 10 ** 10：表达式要计算的数字过大（上限 100000 位）" in page
    english = upload("/owner/validate?lang=en")
    assert "expression 10 ** 10 ** 10: the expression would compute too large a number (at most 100000 bits)" in english
