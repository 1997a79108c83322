"""/api/v1/definitions: listing deployed versions and deploying diagrams (process owners only)."""

from __future__ import annotations

from tests.api.support import assert_problem
from tests.conftest import PROCESSES

BRANCH = (PROCESSES / "branch_complaint.bpmn").read_text(encoding="utf-8")


def _bundle() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(PROCESSES.iterdir())
            if p.suffix in (".bpmn", ".dmn")}


def test_owner_lists_definitions(client, keys):
    body = client.get("/api/v1/definitions", headers=keys.owner())
    assert body.status_code == 200
    assert "branch_complaint" in {d["process_key"] for d in body.json}
    assert all(d["version"] == 1 for d in body.json)


def test_staff_may_not_list_or_deploy(client, keys):
    assert_problem(client.get("/api/v1/definitions", headers=keys.front()), 403)
    assert_problem(client.post("/api/v1/definitions", json={"files": _bundle()}, headers=keys.front()), 403)


def test_deploy_stores_a_new_version_only_of_what_changed(client, keys):
    owner = keys.owner()
    unchanged = client.post("/api/v1/definitions", json={"files": _bundle()}, headers=owner)
    assert unchanged.status_code == 201 and unchanged.json["deployed"] == []
    assert "branch_complaint" in unchanged.json["unchanged"]
    renamed = BRANCH.replace('name="首问受理与现场处理"', 'name="首问受理"', 1)
    assert renamed != BRANCH
    bundle = _bundle() | {"branch_complaint.bpmn": renamed}
    changed = client.post("/api/v1/definitions", json={"files": bundle}, headers=owner)
    assert changed.status_code == 201
    assert [(d["process_key"], d["version"]) for d in changed.json["deployed"]] == [("branch_complaint", 2)]


def test_a_broken_diagram_is_rejected_with_each_problem(client, keys):
    broken = BRANCH.replace('camunda:candidateGroups="branch_front"', 'camunda:candidateGroups="nobody"', 1)
    response = client.post("/api/v1/definitions", json={"files": {"branch_complaint.bpmn": broken}},
                           headers=keys.owner())
    body = assert_problem(response, 422)
    assert body["problems"] and all(p["file"] == "branch_complaint.bpmn" for p in body["problems"])
    assert any("nobody" in p["message"] for p in body["problems"])
    versions = client.get("/api/v1/definitions", headers=keys.owner()).json
    assert {d["version"] for d in versions if d["process_key"] == "branch_complaint"} == {1}


def test_deploy_body_is_checked_per_field(client, keys):
    response = client.post("/api/v1/definitions", json={"files": {"evil.py": "print(1)"}}, headers=keys.owner())
    body = assert_problem(response, 422)
    assert [name for name in body["errors"] if name.startswith("files.evil.py")], body
    assert_problem(client.post("/api/v1/definitions", json={}, headers=keys.owner()), 422, field="files")
