"""Issue 19, finding 1: a diagram's expressions cannot hang the server or exhaust its memory.

Each denial-of-service payload of the outside test is put where a process owner can write an expression
(sequence-flow condition, due date, timer, DMN input, DMN cell, DMN output, loop cardinality). What can
be seen in the text is refused at deploy with the file and element; what depends on case data stops
the case cleanly at run time: the case is marked failed with the element and a coded reason, shown to
supervisors, and a limit violation is not retried.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import DeployProblem, DeployRejected, WorkflowError
from engine.domain.model import CaseStatus
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN, FRONT, supervisor
from tests.support.complaints import NOT_ON_SPOT
from tests.support.diagrams import BPMN, copy_processes, edit
from tests.support.driver import audit_actions, claim_and_complete, open_case, open_tasks
from tests.support.engines import PROCESSES, clock_of

DMN = "branch_triage.dmn"
STATIC_PAYLOADS = (
    "sum(1 for a in range(10**9) for b in range(10**9))",
    "10**10**10",
    "'a'*10**10",
    "'a'*(3*10**9)",
)
# Where each kind of expression lives in processes/: (file, text to replace, template, element named).
ON_SPOT_FLOW = 'sourceRef="Gateway_OnSpot" targetRef="Gateway_MergeRectify">\n      <bpmn:conditionExpression'
CONDITION = (BPMN, ON_SPOT_FLOW + ' xsi:type="bpmn:tFormalExpression">resolved_on_spot == True<',
             ON_SPOT_FLOW + ' xsi:type="bpmn:tFormalExpression">{}<', "Flow_OnSpot")
DUE_DATE = (BPMN, 'camunda:dueDate="add_workdays(received_at, 1)"', 'camunda:dueDate="{}"', "Task_OnSpot")
TIMER = (BPMN, 'id="Supervise_Task_Investigate_def"><bpmn:timeDate xsi:type="bpmn:tFormalExpression">task_due<',
         'id="Supervise_Task_Investigate_def"><bpmn:timeDate xsi:type="bpmn:tFormalExpression">{}<',
         "Supervise_Task_Investigate")
DMN_INPUT = (DMN, "<text>amount</text>", "<text>{}</text>", "Input_amount")
DMN_CELL = (DMN, '<inputEntry id="Rule_sensitive_in1"><text>True</text>',
            '<inputEntry id="Rule_sensitive_in1"><text>{}</text>', "Rule_sensitive_in1")
DMN_OUTPUT = (DMN, '<outputEntry id="Rule_sensitive_out"><text>"head_office"</text>',
              '<outputEntry id="Rule_sensitive_out"><text>{}</text>', "Rule_sensitive_out")
PLACES = {"condition": CONDITION, "due date": DUE_DATE, "timer": TIMER, "DMN input": DMN_INPUT,
          "DMN cell": DMN_CELL, "DMN output": DMN_OUTPUT}
ON_SPOT_END = "<bpmn:outgoing>Flow_ToOnSpotGw</bpmn:outgoing>\n    </bpmn:userTask>"


def _loop_on_spot(cardinality: str) -> str:
    """Task_OnSpot as a sequential multi-instance activity with this loop cardinality."""
    return ("<bpmn:outgoing>Flow_ToOnSpotGw</bpmn:outgoing>\n      <bpmn:multiInstanceLoopCharacteristics "
            f'isSequential="true"><bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality>'
            "</bpmn:multiInstanceLoopCharacteristics>\n    </bpmn:userTask>")


def _bundle(tmp_path: Path, name: str, changes: list[tuple[str, str, str]]) -> dict[str, bytes]:
    folder = copy_processes(PROCESSES, tmp_path / name)
    for filename, old, new in changes:
        edit(folder, filename, old, new)
    return read_diagram_dir(folder)


def _placed(place: tuple[str, str, str, str], payload: str) -> tuple[str, str, str]:
    filename, old, template, _element = place
    return filename, old, template.format(payload)


def _rejected(engine: Engine, files: dict[str, bytes]) -> list[DeployProblem]:
    with pytest.raises(DeployRejected) as refused:
        engine.deploy.deploy(files, ADMIN)
    return refused.value.problems


# ---- refused at deploy ------------------------------------------------------------------------


@pytest.mark.parametrize("place", PLACES)
def test_each_static_payload_is_refused_at_deploy_naming_file_and_element(
    engine: Engine, tmp_path: Path, place: str
) -> None:
    filename, _old, _template, element = PLACES[place]
    versions = len(engine.deploy.definitions(ADMIN))
    for n, payload in enumerate(STATIC_PAYLOADS):
        problems = _rejected(engine, _bundle(tmp_path, f"{n}", [_placed(PLACES[place], payload)]))
        mine = [p for p in problems if p.file == filename and p.element == element]
        assert mine, (payload, problems)
        assert any(word in mine[0].message for word in ("steps", "bits", "items")), mine[0].message
    assert len(engine.deploy.definitions(ADMIN)) == versions  # nothing was stored


def test_a_constant_cardinality_over_the_cap_is_refused_at_deploy(engine: Engine, tmp_path: Path) -> None:
    problems = _rejected(engine, _bundle(tmp_path, "loop", [(BPMN, ON_SPOT_END, _loop_on_spot("50000"))]))
    assert [(p.file, p.element) for p in problems] == [(BPMN, "Task_OnSpot")]
    assert "50000 instances (at most 100)" in problems[0].message


def test_an_expression_nested_past_the_limit_is_refused_at_deploy(engine: Engine, tmp_path: Path) -> None:
    nested = "-" * 150 + "amount"  # Python parses it; evaluating deeper trees is where recursion starts
    problems = _rejected(engine, _bundle(tmp_path, "deep", [_placed(CONDITION, nested)]))
    assert [(p.file, p.element) for p in problems] == [(BPMN, "Flow_OnSpot")], problems
    assert "nested 153 levels deep; at most 100 are allowed" in problems[0].message


# ---- stopped at run time ----------------------------------------------------------------------

# Each needs case data (the complaint's amount), so the deploy check cannot see it.
RUNTIME_PAYLOADS = {
    "number": "10 ** int(amount)",
    "size": "len('a' * int(amount)) > 0",
    "iterations": "sum(range(int(amount))) > 0",
    "allocation": "len([facts[:1] * 90000 for c in facts + facts]) > 0",
}
HUGE = "10000000000"  # 10**10 yuan: a valid amount


def _deploy(engine: Engine, tmp_path: Path, name: str, changes: list[tuple[str, str, str]]) -> None:
    engine.deploy.deploy(_bundle(tmp_path, name, changes), ADMIN)


def _fails_on_completing_on_spot(engine: Engine, element: str, code: str) -> None:
    case = open_case(engine, amount=HUGE)
    assert case.status == CaseStatus.OPEN and case.failure is None
    with pytest.raises(WorkflowError) as failed:
        claim_and_complete(engine, case.id, "Task_OnSpot", NOT_ON_SPOT)
    assert (failed.value.element, failed.value.code) == (element, code)
    assert failed.value.may_pass is False
    after = engine.cases.summary(case.id)
    assert after.failure is not None and (after.failure.element, after.failure.code) == (element, code)
    assert after.failure.during == "task"
    assert [t.bpmn_id for t in open_tasks(engine, case.id)] == ["Task_OnSpot"]  # the completion was undone
    assert audit_actions(engine, case.id, "case_failed")


@pytest.mark.parametrize("code", RUNTIME_PAYLOADS)
def test_a_data_dependent_payload_fails_the_case_cleanly(engine: Engine, tmp_path: Path, code: str) -> None:
    payload = RUNTIME_PAYLOADS[code]
    expression = payload if payload.endswith("> 0") else f"{payload} > 0"
    places: dict[str, tuple[tuple[str, str, str, str], str, Callable[[str], str]]] = {
        "condition": (CONDITION, "Gateway_OnSpot", lambda p: p),  # the gateway evaluates its flows
        "DMN input": (DMN_INPUT, "Rule_Triage", lambda p: p),
        "DMN cell": (DMN_CELL, "Rule_Triage", lambda p: f"? == ({p})"),
        "DMN output": (DMN_OUTPUT, "Rule_Triage", lambda p: p),
        "timer": (TIMER, "Supervise_Task_Investigate", lambda p: f"task_due if {p} else task_due"),
    }
    for n, (place, element, shape) in enumerate(places.values()):
        changes = [_placed(place, shape(expression))]
        if place is DMN_OUTPUT:  # make the sensitive rule fire: its output is evaluated only then
            changes.append((DMN, "<text>sensitive_source</text>", "<text>True</text>"))
        _deploy(engine, tmp_path, f"{code}{n}", changes)
        _fails_on_completing_on_spot(engine, element, f"limit_{code}")
    _deploy(engine, tmp_path, f"{code}-due", [_placed(DUE_DATE, f"received_at if {expression} else received_at")])
    case = open_case(engine, amount=HUGE)
    assert case.status == CaseStatus.FAILED
    assert case.failure is not None and (case.failure.element, case.failure.code) == ("Task_OnSpot", f"limit_{code}")
    assert case.failure.during == "intake"


def test_a_cardinality_from_case_data_over_the_cap_fails_the_case_at_intake(engine: Engine, tmp_path: Path) -> None:
    _deploy(engine, tmp_path, "loop", [(BPMN, ON_SPOT_END, _loop_on_spot("int(amount)"))])
    case = open_case(engine, amount="50000")
    assert case.status == CaseStatus.FAILED
    assert case.failure is not None
    assert (case.failure.element, case.failure.code) == ("Task_OnSpot", "limit_cardinality")
    assert case.failure.params == {"limit": 100, "size": 50000}
    assert open_tasks(engine, case.id) == []
    few = open_case(engine, amount="3")
    assert few.status == CaseStatus.OPEN and len(open_tasks(engine, few.id)) == 1  # sequential: one at a time


def test_failed_cases_are_listed_for_supervisors_newest_first(engine: Engine, tmp_path: Path) -> None:
    _deploy(engine, tmp_path, "due", [_placed(DUE_DATE, "received_at if 10 ** int(amount) else received_at")])
    fine = open_case(engine)
    failed = open_case(engine, amount=HUGE)
    listed = engine.cases.failed_cases(supervisor("sup", "branch_front"))
    assert [c.id for c in listed] == [failed.id]
    assert fine.id not in [c.id for c in listed]
    assert engine.cases.failed_cases(FRONT) == []  # a front-desk clerk is no supervisor


def test_a_limit_violation_in_the_timer_sweep_gives_up_at_once(engine: Engine, tmp_path: Path) -> None:
    # The supervision timer of Task_Investigate leads back to Gateway_OnSpot, whose condition reaches
    # the payload only after 20 October: the case opens and runs, then fails in the sweep a month later.
    late = 'resolved_on_spot == True or (now() &gt; "2024-10-20" and 10 ** int(amount) &gt; 0)'
    _deploy(engine, tmp_path, "sweep", [
        _placed(CONDITION, late),
        (BPMN, 'sourceRef="Supervise_Task_Investigate" targetRef="End_Supervise_Task_Investigate"',
         'sourceRef="Supervise_Task_Investigate" targetRef="Gateway_OnSpot"'),
        (BPMN, '    <bpmn:endEvent id="End_Supervise_Task_Investigate" name="已督办">\n'
               "      <bpmn:incoming>Flow_Supervise_Task_Investigate</bpmn:incoming>\n    </bpmn:endEvent>\n", ""),
        (BPMN, "<bpmn:flowNodeRef>End_Supervise_Task_Investigate</bpmn:flowNodeRef>", ""),
        (BPMN, '<bpmndi:BPMNShape id="End_Supervise_Task_Investigate_di" bpmnElement="End_Supervise_Task_Investigate">',
         '<bpmndi:BPMNShape id="End_Supervise_Task_Investigate_di" bpmnElement="Gateway_OnSpot">'),
    ])
    case = open_case(engine, amount=HUGE)
    claim_and_complete(engine, case.id, "Task_OnSpot", NOT_ON_SPOT)
    clock_of(engine).advance(timedelta(days=30))
    first = engine.timers.sweep()
    assert len(first.failed) == 1 and "Gateway_OnSpot" in first.failed[0]
    summary = engine.cases.summary(case.id)
    assert summary.failure is not None and summary.failure.code == "limit_number"
    assert summary.failure.during == "timer"
    clock_of(engine).advance(timedelta(days=30))
    assert engine.timers.sweep().failed == []  # not retried: it would fail the same way forever
    [gave_up] = [e.data for e in audit_actions(engine, case.id, "timer_failed")]
    assert gave_up["gave_up"] is True and gave_up["attempt"] == 1
