"""Validate and migrate from the API and the command line: the same services, reports for programs and people."""

from __future__ import annotations

import json

from tests.studio.running.versions import FILE, V1, deploy, review_renamed, with_follow_up
from tests.support.actors import HEAD_OFFICE
from tests.support.driver import audit_actions, open_case, task_by_bpmn_id


def _reviewing(engine):
    case = open_case(engine, process_key="docs_probe")
    engine.tasks.claim(task_by_bpmn_id(engine, case.id, "Task_Review").id, HEAD_OFFICE)
    return case


def test_the_api_validates_without_storing(probe_engine, client, keys):
    owner = keys.owner()
    broken = V1.replace('<bpmn:sequenceFlow id="Flow_3" sourceRef="Catch_Documents" targetRef="Task_Check" />', "")
    response = client.post("/api/v1/definitions/validate", json={"files": {FILE: broken}}, headers=owner)
    assert response.status_code == 200, response.text
    elements = {p["element"] for p in response.json["problems"]}
    assert {"Catch_Documents", "Task_Check"} & elements
    good = client.post("/api/v1/definitions/validate", json={"files": {FILE: with_follow_up()}}, headers=owner)
    assert good.json == {"problems": []}
    staff = keys.make("staff-only", ("complaint_mgmt",))
    assert client.post("/api/v1/definitions/validate", json={"files": {FILE: V1}}, headers=staff).status_code == 403


def test_the_api_dry_runs_then_migrates(probe_engine, client, keys):
    case = _reviewing(probe_engine)
    version = deploy(probe_engine, review_renamed())
    url = "/api/v1/definitions/docs_probe/migrations"

    dry = client.post(url, json={"to_version": version}, headers=keys.owner())

    assert dry.status_code == 200, dry.text
    [row] = dry.json["cases"]
    assert (row["number"], row["can_move"], row["moved"]) == (case.number, False, False)
    assert [(b["code"], b["element"]) for b in row["blockers"]] == [("waits_on_removed", "Task_Review")]

    done = client.post(url, json={"to_version": version, "map": {"Task_Review": "Task_Assess"}, "dry_run": False},
                       headers=keys.owner())

    assert done.status_code == 200 and done.json["cases"][0]["moved"] is True
    assert probe_engine.cases.summary(case.id).definition_version == version
    assert client.post(url, json={"to_version": version}, headers=keys.front()).status_code == 403
    assert client.post(url, json={"to_version": 99}, headers=keys.owner()).status_code == 404


def test_the_command_line_validates_and_migrates(probe_engine, shell, probe_processes, capsys):
    case = _reviewing(probe_engine)
    code, out, _ = shell("validate", str(probe_processes), capsys=capsys)
    assert (code, out.strip()) == (0, "no problems")
    version = deploy(probe_engine, review_renamed())

    code, out, err = shell("migrate", "docs_probe", "--to", str(version), "--dry-run", capsys=capsys)

    assert code == 0, err
    assert f"{case.number} v1: 不能迁移：案件正停在 Task_Review，新版本没有该元素" in out
    assert "（预演，未做任何改动）" in out
    assert probe_engine.cases.summary(case.id).definition_version == 1

    code, out, err = shell("migrate", "docs_probe", "--to", str(version), "--map", "Task_Review=Task_Assess",
                           "--json", capsys=capsys)

    assert code == 0, err
    assert json.loads(out)["cases"][0]["moved"] is True
    [event] = audit_actions(probe_engine, case.id, "case_migrated")
    assert event.actor.startswith("cli:") and event.data["map"] == {"Task_Review": "Task_Assess"}
    code, out, err = shell("migrate", "docs_probe", "--to", str(version), "--map", "Task_Review", capsys=capsys)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and "OLD=NEW" in err and "Traceback" not in err, err
