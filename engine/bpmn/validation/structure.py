"""The shape of each process: flows with ids, every element connected, a way to an end, work someone can do.

The same kinds of problem that bpmnlint marks in the browser modeler (no-disconnected, no-implicit-start,
no-implicit-end), checked again at deploy so an uploaded diagram gets them too; plus what only this engine
knows: a flow without an id makes SpiffWorkflow skip the steps behind it, and plain, manual, service,
send and receive tasks wait for no one (no inbox shows them).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.validation.common import BPMN_NS, NS, problem_at
from engine.domain.errors import DeployProblem

_EVENTS = {"startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent"}
_ACTIVITIES = {"userTask", "businessRuleTask", "scriptTask", "callActivity", "subProcess", "task", "manualTask",
               "serviceTask", "sendTask", "receiveTask"}
_GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
FLOW_NODES = _EVENTS | _ACTIVITIES | _GATEWAYS
NOBODY_WORKS = {"task", "manualTask"}
UNSUPPORTED_TASKS = {"serviceTask", "sendTask", "receiveTask"}

# codes of the problems (the web UI words each in the user's language; params in brackets)
FLOW_WITHOUT_ID = "flow_without_id"  # (source, target)
DISCONNECTED = "element_disconnected"
UNREACHABLE = "element_unreachable"
DEAD_END = "element_dead_end"
NO_PATH_TO_END = "no_path_to_end"
NOBODY_CAN_WORK = "task_nobody_works"
UNSUPPORTED_TASK = "task_type_unsupported"  # (kind)

_MESSAGES = {
    FLOW_WITHOUT_ID: "a sequence flow from {source} to {target} has no id",
    DISCONNECTED: "the element is not connected to any sequence flow",
    UNREACHABLE: "no sequence flow leads to this element, so no case ever reaches it",
    DEAD_END: "no sequence flow leaves this element; end the path with an end event",
    NO_PATH_TO_END: "no path from this element reaches an end event, so a case here can never finish",
    NOBODY_CAN_WORK: "no one can work this task: make it a user task with a department and a form",
    UNSUPPORTED_TASK: "this engine does not run {kind} elements: use a user task or a business rule task",
}


@dataclass
class _Scope:
    """The flow nodes and sequence flows directly inside one process or sub-process."""

    nodes: dict[str, etree._Element] = field(default_factory=dict)
    incoming: dict[str, list[str]] = field(default_factory=dict)
    outgoing: dict[str, list[str]] = field(default_factory=dict)


def structure_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """Every problem with the shape of the processes in one BPMN file."""
    problems = [_flow_without_id(file, flow) for flow in root.iterfind(".//bpmn:sequenceFlow", NS)
                if not flow.get("id")]
    for container in _containers(root):
        scope = _scope(container)
        problems += _connection_problems(file, scope)
        problems += _path_problems(file, scope)
        problems += _task_type_problems(file, scope)
    return problems


def _containers(root: etree._Element) -> Iterator[etree._Element]:
    yield from root.iterfind("bpmn:process", NS)
    yield from root.iterfind(".//bpmn:subProcess", NS)


def _local(element: etree._Element) -> str:
    qname = etree.QName(element)
    return qname.localname if qname.namespace == BPMN_NS else ""


def _scope(container: etree._Element) -> _Scope:
    scope = _Scope()
    for child in container:
        if _local(child) in FLOW_NODES and child.get("id"):
            scope.nodes[child.get("id")] = child
            scope.incoming.setdefault(child.get("id"), [])
            scope.outgoing.setdefault(child.get("id"), [])
    for flow in container.iterfind("bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef", ""), flow.get("targetRef", "")
        scope.outgoing.setdefault(source, []).append(target)
        scope.incoming.setdefault(target, []).append(source)
    return scope


def _problem(file: str, element: etree._Element, code: str, **params: str) -> DeployProblem:
    found = problem_at(file, element, _MESSAGES[code].format(**params))
    return DeployProblem(found.file, found.element, found.message, code=code, params=tuple(params.items()))


def _flow_without_id(file: str, flow: etree._Element) -> DeployProblem:
    source, target = flow.get("sourceRef", "?"), flow.get("targetRef", "?")
    container = flow.getparent()
    anchor = next((n for n in container if n.get("id") == source), container)
    return _problem(file, anchor, FLOW_WITHOUT_ID, source=source, target=target)


def _needs_incoming(node: etree._Element) -> bool:
    kind = _local(node)
    event_subprocess = kind == "subProcess" and node.get("triggeredByEvent") == "true"
    return kind not in ("startEvent", "boundaryEvent") and not event_subprocess


def _needs_outgoing(node: etree._Element) -> bool:
    kind = _local(node)
    return kind != "endEvent" and not (kind == "subProcess" and node.get("triggeredByEvent") == "true")


def _connection_problems(file: str, scope: _Scope) -> list[DeployProblem]:
    problems = []
    for node_id, node in scope.nodes.items():
        has_in, has_out = bool(scope.incoming[node_id]), bool(scope.outgoing[node_id])
        if not has_in and not has_out and _local(node) != "boundaryEvent":
            problems.append(_problem(file, node, DISCONNECTED))
        elif not has_in and _needs_incoming(node):
            problems.append(_problem(file, node, UNREACHABLE))
        elif not has_out and _needs_outgoing(node):
            problems.append(_problem(file, node, DEAD_END))
    return problems


def _reaching_an_end(scope: _Scope) -> set[str]:
    """Ids of the nodes from which some path of sequence flows (or an interrupting boundary event) ends."""
    reached = {node_id for node_id, node in scope.nodes.items() if _local(node) == "endEvent"}
    hosts: dict[str, list[str]] = {node.get("attachedToRef", ""): [] for node in scope.nodes.values()}
    for node_id, node in scope.nodes.items():
        if _local(node) == "boundaryEvent" and node.get("cancelActivity") != "false":
            hosts[node.get("attachedToRef", "")].append(node_id)
    frontier = list(reached)
    while frontier:
        current = frontier.pop()
        before = list(scope.incoming.get(current, []))
        before += [host for host, events in hosts.items() if current in events]
        for node_id in before:
            if node_id in scope.nodes and node_id not in reached:
                reached.add(node_id)
                frontier.append(node_id)
    return reached


def _path_problems(file: str, scope: _Scope) -> list[DeployProblem]:
    reached = _reaching_an_end(scope)
    return [_problem(file, node, NO_PATH_TO_END) for node_id, node in scope.nodes.items()
            if node_id not in reached and scope.outgoing[node_id]]


def _task_type_problems(file: str, scope: _Scope) -> list[DeployProblem]:
    problems = []
    for node in scope.nodes.values():
        kind = _local(node)
        if kind in NOBODY_WORKS:
            problems.append(_problem(file, node, NOBODY_CAN_WORK))
        elif kind in UNSUPPORTED_TASKS:
            problems.append(_problem(file, node, UNSUPPORTED_TASK, kind=kind))
    return problems
