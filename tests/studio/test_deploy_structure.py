"""Deploy refuses diagrams whose shape is broken (the server side of the modeler's lint)."""

from __future__ import annotations

import io

import pytest

from tests.webui.support import PROCESSES, login

DIAGRAM = "branch_complaint.bpmn"
DECISIONS = ("branch_triage.dmn", "head_office_rework.dmn")  # the decision tables the diagram calls
# The one way out of the revisit: on to the satisfaction gateway (which archives or restudies).
REVISIT_FLOW = '<bpmn:sequenceFlow id="Flow_Revisited" sourceRef="Task_Revisit" targetRef="Gateway_Satisfied" />'


def _bundle(bpmn: str) -> dict[str, bytes]:
    tables = {name: (PROCESSES / name).read_bytes() for name in DECISIONS}
    return {DIAGRAM: bpmn.encode("utf-8"), **tables}


def _edited(old: str, new: str) -> str:
    text = (PROCESSES / DIAGRAM).read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def _problems(engine, bpmn: str) -> set[tuple[str, str]]:
    return {(p.element, p.code) for p in engine.deploy.validate(_bundle(bpmn))}


def test_the_deleted_flow_out_of_the_revisit_is_refused_in_the_owners_language(client, engine):
    versions = len(engine.deploy.definitions(engine.users.actor("owner1")))
    login(client, "owner1")
    data = {"files": [(io.BytesIO(content), name) for name, content in _bundle(_edited(REVISIT_FLOW, "")).items()]}
    response = client.post("/owner/validate", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "没有顺序流离开该元素" in response.text and "没有顺序流通向该元素" in response.text
    assert "/owner/deploy" not in response.text
    assert len(engine.deploy.definitions(engine.users.actor("owner1"))) == versions


@pytest.mark.parametrize(("old", "new", "expected"), [
    (REVISIT_FLOW, "", {("Task_Revisit", "element_dead_end"), ("Gateway_Satisfied", "element_unreachable")}),
    ('<bpmn:sequenceFlow id="Flow_Revisited" ', '<bpmn:sequenceFlow ',
     {("Task_Revisit", "flow_without_id")}),
    ('<bpmn:userTask id="Task_Archive" ',
     '<bpmn:userTask id="Task_Lonely" name="孤立" /><bpmn:userTask id="Task_Archive" ',
     {("Task_Lonely", "element_disconnected")}),
])
def test_each_broken_shape_is_named_on_its_element(engine, old, new, expected):
    assert expected <= _problems(engine, _edited(old, new))


@pytest.mark.parametrize(("kind", "code"), [("task", "task_nobody_works"), ("manualTask", "task_nobody_works"),
                                            ("serviceTask", "task_type_unsupported")])
def test_a_task_no_inbox_shows_is_refused(engine, kind, code):
    bpmn = _edited('<bpmn:userTask id="Task_Revisit" ', f'<bpmn:{kind} id="Task_Revisit" ')
    start = bpmn.index('id="Task_Revisit"')
    end = bpmn.index("</bpmn:userTask>", start)
    bpmn = bpmn[:end] + f"</bpmn:{kind}>" + bpmn[end + len("</bpmn:userTask>"):]
    assert ("Task_Revisit", code) in _problems(engine, bpmn)


def test_a_loop_with_no_way_out_has_no_path_to_an_end(engine):
    loop = REVISIT_FLOW.replace('targetRef="Gateway_Satisfied"', 'targetRef="Task_Revisit"')
    bpmn = _edited(REVISIT_FLOW, loop)
    assert ("Task_Revisit", "no_path_to_end") in _problems(engine, bpmn)


def test_the_shipped_processes_have_no_structure_problem(engine):
    for path in PROCESSES.glob("*.bpmn"):
        codes = {p.code for p in engine.deploy.validate({path.name: path.read_bytes()})}
        assert not codes & {"flow_without_id", "element_disconnected", "element_unreachable", "element_dead_end",
                            "no_path_to_end", "task_nobody_works", "task_type_unsupported"}, path.name
