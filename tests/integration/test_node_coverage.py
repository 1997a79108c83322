"""No part of a diagram is untested: the scenarios of each process together visit every flow node.

Every executable process in processes/ must have a scenarios module (tests/support/scenarios_<name>.py
with a SCENARIOS dict). All its scenarios run on one engine; a node counts as visited when it completed
in some case (the case's completed elements), or when it is a boundary timer that went off (its audit
event) or lies on the path such a timer starts (that branch is pruned from the stored state once it
finishes, to keep state small, so it is not among the completed elements).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from lxml import etree

from engine.bootstrap import Engine
from tests.support.driver import audit_actions
from tests.support.engines import CHINA_START, clock_of

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent",
    "task", "userTask", "serviceTask", "scriptTask", "businessRuleTask", "manualTask", "sendTask",
    "receiveTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway", "subProcess", "callActivity",
}
SCENARIO_MODULE = {
    "branch_complaint": "tests.support.scenarios_branch",
    "head_office_complaint": "tests.support.scenarios_head_office",
    "card_center_complaint": "tests.support.scenarios_card_center",
    "complaint_review": "tests.support.scenarios_complaint_review",
}
TIMER_ACTIONS = ("auto_chase", "supervision", "timer_fired")


def _processes() -> dict[str, etree._Element]:
    found = {}
    for path in sorted(PROCESSES.glob("*.bpmn")):
        for proc in etree.parse(str(path)).getroot().iter(f"{BPMN}process"):
            if proc.get("isExecutable") == "true":
                found[proc.get("id")] = proc
    return found


def _flow_nodes(proc: etree._Element) -> set[str]:
    return {el.get("id") for el in proc.iter() if isinstance(el.tag, str) and el.tag[len(BPMN):] in FLOW_NODES}


def _downstream_of(proc: etree._Element, node_id: str) -> set[str]:
    """The nodes on the path a boundary timer starts, up to and including its end event."""
    targets: dict[str, list[str]] = {}
    for flow in proc.iter(f"{BPMN}sequenceFlow"):
        targets.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    seen: set[str] = set()
    todo = list(targets.get(node_id, []))
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo.extend(targets.get(current, []))
    return seen


def _visited(engine: Engine, proc: etree._Element, case_id: int) -> set[str]:
    with engine.ctx.db.read() as uow:
        completed, _current, _data = uow.read.case_elements(case_id)
    visited = set(completed)
    for event in audit_actions(engine, case_id):
        if event.action in TIMER_ACTIONS and event.data.get("timer"):
            visited.add(event.data["timer"])
            visited |= _downstream_of(proc, event.data["timer"])
    return visited


def test_every_process_has_scenarios():
    missing = sorted(set(_processes()) - set(SCENARIO_MODULE))
    assert missing == [], f"processes without a scenarios module: {missing}"


@pytest.mark.parametrize("db_kind", ["sqlite"])  # which nodes run does not depend on the database
@pytest.mark.parametrize("process_key", sorted(SCENARIO_MODULE))
def test_scenarios_visit_every_flow_node(engine, process_key):
    processes = _processes()
    assert process_key in processes, f"{process_key} is not an executable process in processes/"
    proc = processes[process_key]
    scenarios = importlib.import_module(SCENARIO_MODULE[process_key]).SCENARIOS
    visited: set[str] = set()
    for scenario in scenarios.values():
        clock_of(engine).set(CHINA_START)  # each scenario starts where it would on an engine of its own
        visited |= _visited(engine, proc, scenario(engine))
    unvisited = sorted(_flow_nodes(proc) - visited)
    assert unvisited == [], f"{process_key}: flow nodes no scenario visits: {unvisited}"
