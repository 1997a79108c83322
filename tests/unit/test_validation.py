"""Deploy-time validation: the good bundle passes (and runs); every bad file is refused precisely."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.util.task import TaskState

from engine.bpmn.expressions import SafeEnvironment
from engine.bpmn.validation import spiff_problems, validate_bundle
from engine.bpmn.xmlsafe import XmlRejected, parse_xml
from engine.domain.departments import DepartmentDirectory
from engine.domain.errors import DeployProblem
from engine.persistence.limits import TEXT_LIMITS

HERE = Path(__file__).parent
GOOD = HERE / "good_diagrams"
BAD = HERE / "bad_diagrams"
EXPECTED: dict[str, dict[str, Any]] = tomllib.loads((BAD / "expected.toml").read_text(encoding="utf-8"))
KNOWN = {"now", "add_workdays"}
DEPARTMENTS = DepartmentDirectory.from_mapping(
    {
        "branch_manager": {"name": "投诉管理人", "aliases": ["Complaint manager"]},
        "branch_head": {"name": "网点负责人"},
    }
)


def good_files() -> dict[str, bytes]:
    """The valid bundle, file name -> bytes."""
    return {p.name: p.read_bytes() for p in sorted(GOOD.iterdir()) if p.is_file()}


def bundle_with(bad_name: str) -> dict[str, bytes]:
    """A bad file plus the good files of the other kind (a bad .bpmn gets the good .dmn...)."""
    suffix = Path(bad_name).suffix
    files = {name: data for name, data in good_files().items() if Path(name).suffix != suffix}
    files[bad_name] = (BAD / bad_name).read_bytes()
    return files


def validate(files: dict[str, bytes], **options: Any) -> list[DeployProblem]:
    """validate_bundle with the test departments and functions."""
    return validate_bundle(files, DEPARTMENTS, KNOWN, TEXT_LIMITS, **options)


def test_good_bundle_is_valid() -> None:
    assert validate(good_files()) == []


def test_good_bundle_runs_under_the_allow_list() -> None:
    """Spiff's conditions, DMN cells and timers all evaluate through SafeEnvironment."""
    functions = {"now": lambda: "2024-05-06T09:00:00+08:00", "add_workdays": lambda m, n: m}
    assert _run_good_bundle(functions, amount=8000, category="card") == "Task_Approve"
    assert _run_good_bundle(functions, amount=100, category="fee") == "Task_Approve"
    assert _run_good_bundle(functions, amount=100, category="card") is None


def _run_good_bundle(functions: dict[str, Any], **form: Any) -> str | None:
    """Complete the register task with `form`; the user task that is then ready, if any."""
    parser = CamundaParser()
    for name, data in good_files().items():
        root = parse_xml(name, data)
        if name.endswith(".dmn"):
            parser.add_dmn_xml(root, filename=name)
        else:
            parser.add_bpmn_xml(root, filename=name)
    engine = PythonScriptEngine(environment=SafeEnvironment(functions))
    workflow = BpmnWorkflow(
        parser.get_spec("Process_Complaint"),
        parser.get_subprocess_specs("Process_Complaint"),
        script_engine=engine,
    )
    workflow.do_engine_steps()
    (register,) = workflow.get_tasks(state=TaskState.READY, manual=True)
    register.data.update(form, summary="卡被吞")
    register.run()
    workflow.do_engine_steps()
    ready = workflow.get_tasks(state=TaskState.READY, manual=True)
    return ready[0].task_spec.bpmn_id if ready else None


def test_corpus_is_large_enough_and_fully_described() -> None:
    files = {p.name for p in BAD.iterdir() if p.is_file() and p.name != "expected.toml"}
    assert len(files) >= 30
    assert files == set(EXPECTED)


@pytest.mark.parametrize("bad_name", sorted(EXPECTED))
def test_bad_file_is_refused(bad_name: str) -> None:
    expected = EXPECTED[bad_name]
    problems = validate(bundle_with(bad_name), allow_scripts=expected.get("allow_scripts", False))
    mine = [p for p in problems if p.file == bad_name]
    assert any(p.element == expected["element"] and expected["message_contains"] in p.message for p in mine), "\n".join(
        map(str, problems)
    )
    assert len(mine) == expected.get("count", 1), "\n".join(map(str, problems))
    if not expected.get("others", False):
        assert mine == problems, "\n".join(map(str, problems))


def test_all_problems_are_collected_not_just_the_first() -> None:
    names = ["unknown_lane.bpmn", "juel_due_date.bpmn", "feel_list_in_dmn_cell.dmn", "wrong_extension.txt"]
    files = {name: (BAD / name).read_bytes() for name in names}
    assert {p.file for p in validate(files)} == set(names)


def test_messages_name_the_element() -> None:
    problems = validate(bundle_with("unknown_candidate_group.bpmn"))
    assert [p.element for p in problems] == ["Task_Handle"]
    assert '(userTask "处理投诉")' in problems[0].message


def test_lane_may_use_a_department_alias() -> None:
    data = (BAD / "unknown_lane.bpmn").read_bytes().replace("客户经理".encode(), b"Complaint manager")
    assert validate(bundle_with("unknown_lane.bpmn") | {"unknown_lane.bpmn": data}) == []


def test_spiff_parser_problems_become_deploy_problems() -> None:
    """Problems SpiffWorkflow finds (here: no start event) come back as DeployProblems; the structure checks
    see this one first, naming the task nothing leads to."""
    data = (BAD / "missing_decision.bpmn").read_bytes()
    data = data.replace(b'decisionRef="Decision_Missing"', b'decisionRef="Decision_Grade"')
    start_event = b'<bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>'
    data = data.replace(start_event, b"")
    data = data.replace(b'<bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="Task_Handle" />', b"")
    data = data.replace(b"<bpmn:incoming>Flow_1</bpmn:incoming>", b"")
    files = bundle_with("missing_decision.bpmn") | {"missing_decision.bpmn": data}
    problems = spiff_problems(files)
    assert [(p.file, p.element) for p in problems] == [("missing_decision.bpmn", "Process_Bad")]
    assert "No start event found" in problems[0].message
    assert [(p.element, p.code) for p in validate(files)] == [("Task_Handle", "element_unreachable")]


def test_schema_errors_are_reported() -> None:
    data = (
        (GOOD / "complaint.bpmn").read_bytes().replace(b"<bpmn:laneSet", b'<bpmn:notAnElement id="Odd" /><bpmn:laneSet')
    )
    problems = validate({"complaint.bpmn": data, "grade.dmn": (GOOD / "grade.dmn").read_bytes()})
    assert len(problems) == 1
    assert problems[0].file == "complaint.bpmn"
    assert "notAnElement" in problems[0].message


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.bpmn"
    padding = b"<!-- " + b"x" * 2_100_000 + b" -->\n"
    big.write_bytes(
        (GOOD / "complaint.bpmn").read_bytes().replace(b"<bpmn:definitions", padding + b"<bpmn:definitions", 1)
    )
    problems = validate({"big.bpmn": big.read_bytes(), "grade.dmn": (GOOD / "grade.dmn").read_bytes()})
    assert problems == [DeployProblem("big.bpmn", "(file)", "file is 2.1 MB, over the 2 MB limit")]


def test_size_limit_is_configurable() -> None:
    problems = validate(good_files(), max_bytes=1_000)
    assert {p.file for p in problems} == set(good_files())
    assert all(p.message.endswith("over the 1 kB limit") for p in problems)


def test_parse_xml_rejects_with_a_deploy_problem() -> None:
    with pytest.raises(XmlRejected) as caught:
        parse_xml("a.bpmn", b"<a><b></a>")
    assert caught.value.problem.file == "a.bpmn"
    assert caught.value.problem.element == "(file)"
    assert caught.value.problem.message.startswith("not well-formed XML: line 1: ")


def test_parse_xml_size_message() -> None:
    with pytest.raises(XmlRejected, match=r"file is 3\.2 MB, over the 2 MB limit"):
        parse_xml("a.bpmn", b"<a>" + b" " * 3_200_000 + b"</a>")


def test_empty_bundle_is_a_problem() -> None:
    assert [p.message for p in validate({})] == ["nothing to deploy: the bundle is empty"]


def test_call_activity_may_call_a_process_of_the_bundle() -> None:
    caller = (BAD / "missing_called_process.bpmn").read_bytes().replace(b"Process_Nowhere", b"Process_Complaint")
    assert validate(good_files() | {"caller.bpmn": caller}) == []


def test_call_activity_must_call_an_executable_process() -> None:
    caller = (BAD / "missing_called_process.bpmn").read_bytes().replace(b"Process_Nowhere", b"Process_Complaint")
    callee = (GOOD / "complaint.bpmn").read_bytes().replace(b'isExecutable="true"', b'isExecutable="false"')
    problems = validate(good_files() | {"caller.bpmn": caller, "complaint.bpmn": callee})
    assert (
        DeployProblem(
            "caller.bpmn", "Task_Middle", 'called process "Process_Complaint" is not executable (callActivity "子流程")'
        )
        in problems
    )
