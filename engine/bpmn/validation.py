"""Deploy-time validation of a bundle of BPMN/DMN files: every problem, with file, element and plain words.

Accepted form field types (Camunda 7 generated forms plus two numeric extras): see FORM_FIELD_TYPES.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.parser.ValidationException import (  # type: ignore[import-untyped]
    ValidationException,
)
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # type: ignore[import-untyped]

from engine.bpmn.expressions import (
    FORBIDDEN_BUILTINS,
    check_dmn_input_entry,
    check_expression,
    check_timer_expression,
)
from engine.bpmn.xmlsafe import DEFAULT_MAX_BYTES, FILE_ELEMENT, XmlRejected, parse_xml
from engine.domain.departments import DepartmentDirectory, department_variable
from engine.domain.errors import DeployProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
DMN_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
        "http://www.omg.org/spec/DMN/20180521/MODEL/",
        "https://www.omg.org/spec/DMN/20191111/MODEL/",
    }
)
FORM_FIELD_TYPES = ("string", "long", "boolean", "date", "enum", "double", "decimal")
HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
BUNDLE = "(bundle)"

_NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
_CAMUNDA = "{" + CAMUNDA_NS + "}"
_PYTHON_LANGUAGES = ("", "python", "python3")
_DETAIL_ELEMENTS = frozenset(
    {"timeDate", "timeDuration", "timeCycle", "condition", "loopCardinality", "completionCondition"}
)

# (xpath, what it is, checker); every text SpiffWorkflow hands to eval.
_EXPRESSIONS: tuple[tuple[str, str, str], ...] = (
    (".//bpmn:sequenceFlow/bpmn:conditionExpression", "condition", "eval"),
    (".//bpmn:timerEventDefinition/bpmn:timeDate", "timer date", "timer"),
    (".//bpmn:timerEventDefinition/bpmn:timeDuration", "timer duration", "timer"),
    (".//bpmn:timerEventDefinition/bpmn:timeCycle", "timer cycle", "timer"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "event condition", "eval"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "loop cardinality", "eval"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "completion", "eval"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "loop condition", "eval"),
    (".//bpmn:correlationPropertyRetrievalExpression/*", "correlation expression", "eval"),
)


@dataclass(frozen=True)
class _Rules:
    """What every check needs to know about the deployment and the bundle."""

    departments: DepartmentDirectory
    known_functions: frozenset[str]
    allow_scripts: bool
    decision_ids: frozenset[str]
    processes: dict[str, bool]  # process id -> isExecutable


def validate_bundle(
    files: dict[str, bytes],
    departments: DepartmentDirectory,
    known_functions: set[str],
    allow_scripts: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[DeployProblem]:
    """Every problem in a bundle of .bpmn/.dmn files (empty list: the bundle may be deployed)."""
    problems: list[DeployProblem] = []
    bpmn, dmn = _parse_bundle(files, max_bytes, problems)
    rules = _Rules(
        departments=departments,
        known_functions=frozenset(known_functions),
        allow_scripts=allow_scripts,
        decision_ids=frozenset(d.get("id", "") for _, d in _decisions(dmn)),
        processes=_processes(bpmn),
    )
    problems += _bundle_problems(files, bpmn, dmn)
    for name, root in bpmn.items():
        problems += _bpmn_problems(name, root, rules)
    for name, root in dmn.items():
        problems += _dmn_problems(name, root, rules)
    if not problems:
        problems += spiff_problems(files, max_bytes)
    return problems


# ---- parsing and bundle-level checks -------------------------------------------------------


def _parse_bundle(
    files: dict[str, bytes], max_bytes: int, problems: list[DeployProblem]
) -> tuple[dict[str, etree._Element], dict[str, etree._Element]]:
    """Parse every file safely, sorting them into BPMN and DMN roots; record refusals."""
    bpmn: dict[str, etree._Element] = {}
    dmn: dict[str, etree._Element] = {}
    for name, content in files.items():
        kind = _kind(name)
        if kind is None:
            problems.append(DeployProblem(name, FILE_ELEMENT, "only .bpmn and .dmn files can be deployed"))
            continue
        try:
            root = parse_xml(name, content, max_bytes)
        except XmlRejected as exc:
            problems.append(exc.problem)
            continue
        wrong = _wrong_root(kind, root)
        if wrong:
            problems.append(DeployProblem(name, FILE_ELEMENT, wrong))
        else:
            (bpmn if kind == "bpmn" else dmn)[name] = root
    return bpmn, dmn


def _kind(filename: str) -> str | None:
    """'bpmn' or 'dmn' by file extension, else None."""
    lowered = filename.lower()
    for ext in ("bpmn", "dmn"):
        if lowered.endswith("." + ext):
            return ext
    return None


def _wrong_root(kind: str, root: etree._Element) -> str | None:
    """Why the root element does not fit the file type, or None if it does."""
    qname = etree.QName(root)
    if kind == "bpmn" and (qname.namespace, qname.localname) != (BPMN_NS, "definitions"):
        return f"not a BPMN 2.0 file: the root element is {_pretty(root.tag)}, expected bpmn:definitions"
    if kind == "dmn" and (qname.namespace not in DMN_NAMESPACES or qname.localname != "definitions"):
        return f"not a DMN file (DMN 1.1-1.3): the root element is {_pretty(root.tag)}"
    return None


def _pretty(tag: str) -> str:
    """A tag as `{ns}name` shortened to something readable."""
    qname = etree.QName(tag)
    return f"{qname.localname} in namespace {qname.namespace}" if qname.namespace else qname.localname


def _bundle_problems(
    files: dict[str, bytes], bpmn: dict[str, etree._Element], dmn: dict[str, etree._Element]
) -> list[DeployProblem]:
    """Problems of the bundle as a whole: nothing to run, duplicate process or decision ids."""
    problems = []
    if not files:
        problems.append(DeployProblem(BUNDLE, BUNDLE, "nothing to deploy: the bundle is empty"))
    elif not bpmn and not any(_kind(n) == "bpmn" for n in files):
        problems.append(DeployProblem(BUNDLE, BUNDLE, "the bundle has no .bpmn file"))
    problems += _duplicates(_all_processes(bpmn), "process")
    problems += _duplicates(_decisions(dmn), "decision")
    return problems


def _duplicates(items: Iterable[tuple[str, etree._Element]], what: str) -> list[DeployProblem]:
    """One problem for each element whose id an earlier element (maybe in another file) has."""
    seen: dict[str, str] = {}
    problems = []
    for name, element in items:
        element_id = element.get("id", "")
        if element_id in seen:
            message = f"{what} id {element_id} is already used in {seen[element_id]}"
            problems.append(_problem(name, element, message))
        seen.setdefault(element_id, name)
    return problems


def _all_processes(bpmn: dict[str, etree._Element]) -> Iterator[tuple[str, etree._Element]]:
    """(file, process element) for every process in the bundle."""
    for name, root in bpmn.items():
        for process in root.iterfind("bpmn:process", _NS):
            yield name, process


def _processes(bpmn: dict[str, etree._Element]) -> dict[str, bool]:
    """Process id -> whether it is executable."""
    return {p.get("id", ""): p.get("isExecutable") == "true" for _, p in _all_processes(bpmn)}


def _decisions(dmn: dict[str, etree._Element]) -> Iterator[tuple[str, etree._Element]]:
    """(file, decision element) for every decision in the bundle."""
    for name, root in dmn.items():
        for decision in root.iterfind(_dmn_tag(root, "decision")):
            yield name, decision


# ---- BPMN ----------------------------------------------------------------------------------


def _bpmn_problems(file: str, root: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Every problem in one BPMN file."""
    lanes = _lane_of_each_node(root)
    checks: list[Iterable[DeployProblem]] = [
        _executable_problems(file, root),
        _lane_problems(file, root, rules),
        (p for t in _each(root, "userTask") for p in _user_task_problems(file, t, lanes, rules)),
        _expression_problems(file, root, rules),
        _attribute_expression_problems(file, root, rules),
        (p for t in _each(root, "scriptTask") for p in _script_task_problems(file, t, rules)),
        _decision_ref_problems(file, root, rules),
        _call_activity_problems(file, root, rules),
        _gateway_problems(file, root),
        _reserved_id_problems(file, root),
    ]
    return [problem for check in checks for problem in check]


# SpiffWorkflow names its own task specs "Start", "End" and "<process>.EndJoin"; an element with such
# an id silently replaces one of them and the process misbehaves at run time.
_RESERVED_IDS = {"Start", "End"}


def _reserved_id_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """Element ids the engine reserves for itself."""
    problems = []
    for element in root.iterfind(".//bpmn:process//*[@id]", _NS):
        element_id = element.get("id", "")
        if element_id in _RESERVED_IDS or element_id.endswith(".EndJoin"):
            message = f'the id "{element_id}" is reserved by the engine: rename it (e.g. "{element_id}Event_1")'
            problems.append(_problem(file, element, message))
    return problems


def _each(root: etree._Element, localname: str) -> list[etree._Element]:
    """Every BPMN element of one kind in the file."""
    return list(root.iterfind(f".//bpmn:{localname}", _NS))


def _executable_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """A BPMN file must hold at least one executable process."""
    processes = _each(root, "process")
    if any(p.get("isExecutable") == "true" for p in processes):
        return []
    message = "no executable process: tick 'Executable' (isExecutable=\"true\") on the process"
    return [_problem(file, processes[0] if processes else None, message)]


def _lane_of_each_node(root: etree._Element) -> dict[str, str]:
    """Flow node id -> name of the innermost lane that references it (as SpiffWorkflow reads it)."""
    lanes: dict[str, str] = {}
    for ref in root.iterfind(".//bpmn:flowNodeRef", _NS):
        if ref.text:
            lanes[ref.text.strip()] = ref.getparent().get("name") or ""
    return lanes


def _lane_of(node: etree._Element | None, lanes: dict[str, str]) -> str:
    """The lane name of a node, or of the sub-process around it (SpiffWorkflow passes lanes down)."""
    while node is not None:
        if node.get("id") in lanes:
            return lanes[node.get("id")]
        node = node.getparent()
    return ""


def _lane_problems(file: str, root: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Every lane that holds work (no child lanes) must be named after a known department, except a role
    lane whose user tasks all take their department at run time (`${var}` candidate groups)."""
    problems = []
    tasks = {t.get("id"): t for t in _each(root, "userTask")}
    for lane in _each(root, "lane"):
        if lane.find("bpmn:childLaneSet", _NS) is not None:
            continue
        refs = [(ref.text or "").strip() for ref in lane.iterfind("bpmn:flowNodeRef", _NS)]
        lane_tasks = [tasks[r] for r in refs if r in tasks]
        if lane_tasks and all(_runtime_department(t) for t in lane_tasks):
            continue
        name = (lane.get("name") or "").strip()
        if not name:
            problems.append(_problem(file, lane, "lane has no name: name it after a department"))
        elif rules.departments.resolve(name) is None:
            message = f'lane "{name}" is not a known department (see processes/departments.toml)'
            problems.append(_problem(file, lane, message))
    return problems


def _user_task_problems(file: str, task: etree._Element, lanes: dict[str, str], rules: _Rules) -> list[DeployProblem]:
    """A user task needs a department (candidate groups or lane) and a form."""
    problems = []
    groups = _candidate_groups(task)
    if not groups and not _lane_of(task, lanes):
        message = "no department: put it in a lane or set candidate groups"
        problems.append(_problem(file, task, message))
    for group in groups:
        if department_variable(group) is None and rules.departments.resolve(group) is None:
            message = f'candidate group "{group}" is not a known department (see processes/departments.toml)'
            problems.append(_problem(file, task, message))
    problems += [_problem(file, task, m) for m in _form_messages(task, rules)]
    return problems


def _runtime_department(task: etree._Element) -> bool:
    """True when the task's department is chosen at run time (`${var}`)."""
    groups = _candidate_groups(task)
    return bool(groups) and all(department_variable(g) for g in groups)


def _candidate_groups(task: etree._Element) -> list[str]:
    """The comma-separated `camunda:candidateGroups`, trimmed."""
    raw = task.get(f"{_CAMUNDA}candidateGroups") or ""
    return [g.strip() for g in raw.split(",") if g.strip()]


def _form_messages(task: etree._Element, rules: _Rules) -> list[str]:
    """Problems with a user task's generated form (camunda:formData)."""
    fields = task.findall("bpmn:extensionElements/camunda:formData/camunda:formField", _NS)
    if not fields:
        return [
            (
                "no form: add form fields (camunda:formData with at least one camunda:formField); "
                "a camunda:formKey alone is not enough"
            )
        ]
    messages = [m for f in fields for m in _form_field_messages(f, rules)]
    ids = [f.get("id") for f in fields if f.get("id")]
    messages += [f'form field "{i}" appears more than once' for i in sorted({i for i in ids if ids.count(i) > 1})]
    return messages


def _form_field_messages(field: etree._Element, rules: _Rules) -> list[str]:
    """Problems with one camunda:formField."""
    field_id = field.get("id") or ""
    label = f'form field "{field_id}"'
    messages = [f"{label}: {m}" for m in _field_id_messages(field_id, rules)]
    field_type = field.get("type")
    if not field_type:
        messages.append(f"{label} has no type; use one of {', '.join(FORM_FIELD_TYPES)}")
    elif field_type not in FORM_FIELD_TYPES:
        messages.append(f'{label}: type "{field_type}" is not supported; use one of {", ".join(FORM_FIELD_TYPES)}')
    elif field_type == "enum" and not field.findall("camunda:value", _NS):
        messages.append(f"{label} is an enum without values: add at least one value")
    default = (field.get("defaultValue") or "").strip()
    if default.startswith(("${", "#{")):
        messages.append(f"{label}: the default value is JUEL; give a plain value instead")
    return messages


def _field_id_messages(field_id: str, rules: _Rules) -> list[str]:
    """Problems with a form field id, which becomes a case variable used by expressions."""
    if not field_id:
        return ["has no id"]
    if not field_id.isidentifier() or keyword.iskeyword(field_id):
        return ["the id is not a valid Python name (letters, digits and _, not starting with a digit)"]
    if field_id.startswith("__"):
        return ["ids starting with __ are not allowed"]
    if field_id in rules.known_functions:
        return [f"the id hides the engine function `{field_id}`; rename the field"]
    if field_id in FORBIDDEN_BUILTINS:
        return [f"the id `{field_id}` is a Python builtin name that expressions may not use; rename the field"]
    return []


def _expression_problems(file: str, root: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Check every element whose text SpiffWorkflow evaluates (conditions, timers, loops...)."""
    problems = []
    for xpath, what, how in _EXPRESSIONS:
        for element in root.iterfind(xpath, _NS):
            owner = _owner(element)
            for message in _element_expression_messages(element, how, rules):
                problems.append(_problem(file, owner, f"{what}: {message}"))
    return problems


def _element_expression_messages(element: etree._Element, how: str, rules: _Rules) -> list[str]:
    """Problems with one expression element's text (and its language attribute)."""
    language = (element.get("language") or "").strip().lower()
    if language not in _PYTHON_LANGUAGES:
        return [f'language "{language}" is not supported; write a Python expression and remove the language']
    text = element.text or ""
    known = set(rules.known_functions)
    return check_timer_expression(text, known) if how == "timer" else check_expression(text, known)


def _attribute_expression_problems(file: str, root: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Check camunda:dueDate on user tasks and camunda:expression on message events."""
    known = set(rules.known_functions)
    problems = []
    for task in _each(root, "userTask"):
        due = task.get(f"{_CAMUNDA}dueDate")
        if due is not None:
            problems += [_problem(file, task, f"due date: {m}") for m in check_timer_expression(due, known)]
    for event in _each(root, "messageEventDefinition"):
        payload = event.get(f"{_CAMUNDA}expression")
        if payload is not None:
            messages = check_expression(payload, known)
            problems += [_problem(file, _owner(event), f"message payload: {m}") for m in messages]
    return problems


def _script_task_problems(file: str, task: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Script tasks are refused unless enabled; when enabled the script must pass the allow-list."""
    if not rules.allow_scripts:
        message = "script tasks are disabled; use a business rule task (DMN) or ask an admin to enable scripts"
        return [_problem(file, task, message)]
    script_format = (task.get("scriptFormat") or "").strip().lower()
    if script_format not in _PYTHON_LANGUAGES:
        return [_problem(file, task, f'script format "{script_format}" is not supported; write Python')]
    script = task.find("bpmn:script", _NS)
    if script is None or not (script.text or "").strip():
        return [_problem(file, task, "the script task has no script (external resources are not supported)")]
    messages = check_expression(script.text, set(rules.known_functions), mode="exec")
    return [_problem(file, task, f"script: {m}") for m in messages]


def _decision_ref_problems(file: str, root: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Every business rule task names a decision that some DMN file of the bundle defines."""
    problems = []
    for task in _each(root, "businessRuleTask"):
        ref = task.get(f"{_CAMUNDA}decisionRef") or ""
        if not ref.strip():
            problems.append(_problem(file, task, "no decision: set camunda:decisionRef to a decision id"))
        elif ref not in rules.decision_ids:
            message = f'decision "{ref}" is not in any .dmn file of the bundle'
            problems.append(_problem(file, task, message + _choices(rules.decision_ids)))
    return problems


def _call_activity_problems(file: str, root: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Every call activity calls an executable process of the bundle."""
    problems = []
    for call in _each(root, "callActivity"):
        called = call.get("calledElement") or ""
        if not called.strip():
            problems.append(_problem(file, call, "no called process: set calledElement to a process id"))
        elif called not in rules.processes:
            message = f'called process "{called}" is not in any .bpmn file of the bundle'
            problems.append(_problem(file, call, message + _choices(rules.processes)))
        elif not rules.processes[called]:
            problems.append(_problem(file, call, f'called process "{called}" is not executable'))
    return problems


def _choices(ids: Iterable[str]) -> str:
    """A short 'available: ...' suffix."""
    names = sorted(i for i in ids if i)
    return f" (available: {', '.join(names)})" if names else ""


def _gateway_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """An exclusive gateway that splits needs a condition on every flow except the default."""
    problems = []
    for gateway in _each(root, "exclusiveGateway"):
        gateway_id = gateway.get("id", "")
        process = gateway.getparent()
        outgoing = [f for f in process.iterfind("bpmn:sequenceFlow", _NS) if f.get("sourceRef") == gateway_id]
        default = gateway.get("default")
        if default and default not in {f.get("id") for f in outgoing}:
            message = f"the default flow {default} does not leave this gateway"
            problems.append(_problem(file, gateway, message))
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            if flow.get("id") != default and not _has_condition(flow):
                message = f"flow out of gateway {_describe(gateway)} has no condition and is not the default flow"
                problems.append(_problem(file, flow, message))
    return problems


def _has_condition(flow: etree._Element) -> bool:
    """True if a sequence flow carries a non-empty condition expression."""
    condition = flow.find("bpmn:conditionExpression", _NS)
    return condition is not None and bool((condition.text or "").strip())


# ---- DMN -----------------------------------------------------------------------------------


def _dmn_tag(root: etree._Element, localname: str) -> str:
    """A DMN tag in the namespace this file uses."""
    return f"{{{etree.QName(root).namespace}}}{localname}"


def _dmn_problems(file: str, root: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Every problem in one DMN file."""
    decisions = list(root.iterfind(_dmn_tag(root, "decision")))
    if not decisions:
        return [DeployProblem(file, FILE_ELEMENT, "the file has no decision")]
    problems = []
    if len(decisions) > 1:
        message = "SpiffWorkflow reads only one decision per .dmn file: move it to a file of its own"
        problems += [_problem(file, d, message) for d in decisions[1:]]
    for decision in decisions:
        problems += _decision_problems(file, root, decision, rules)
    return problems


def _decision_problems(file: str, root: etree._Element, decision: etree._Element, rules: _Rules) -> list[DeployProblem]:
    """Problems with one decision: it must be a decision table SpiffWorkflow can run."""
    table = decision.find(_dmn_tag(root, "decisionTable"))
    if table is None:
        return [_problem(file, decision, "only decision tables are supported (no literal expressions)")]
    problems = _table_header_problems(file, table)
    inputs = table.findall(_dmn_tag(root, "input"))
    expressions = [_input_expression(root, i) for i in inputs]
    known = set(rules.known_functions)
    for element, text in zip(inputs, expressions, strict=True):
        if not text.strip():
            problems.append(_problem(file, element, "the input has no expression: say which case data it reads"))
        else:
            problems += [_problem(file, element, f"input expression: {m}") for m in check_expression(text, known)]
    usable = [t if t.strip() and not check_expression(t, known) else "v" for t in expressions]
    for row, rule in enumerate(table.iterfind(_dmn_tag(root, "rule")), start=1):
        problems += _rule_problems(file, root, rule, row, list(zip(inputs, usable, strict=True)), known)
    return problems


def _table_header_problems(file: str, table: etree._Element) -> list[DeployProblem]:
    """Hit policies and aggregations SpiffWorkflow does not implement."""
    problems = []
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in HIT_POLICIES:
        message = f"hit policy {policy} is not supported by SpiffWorkflow; use {', '.join(HIT_POLICIES)}"
        problems.append(_problem(file, table, message))
    if table.get("aggregation"):
        message = "COLLECT aggregations (SUM, COUNT, MIN, MAX) are not supported; collect a list instead"
        problems.append(_problem(file, table, message))
    return problems


def _input_expression(root: etree._Element, dmn_input: etree._Element) -> str:
    """The text of an input's inputExpression exactly as SpiffWorkflow uses it ('' if missing)."""
    text = dmn_input.find(f"{_dmn_tag(root, 'inputExpression')}/{_dmn_tag(root, 'text')}")
    return (text.text or "") if text is not None else ""


def _rule_problems(
    file: str,
    root: etree._Element,
    rule: etree._Element,
    row: int,
    inputs: list[tuple[etree._Element, str]],
    known: set[str],
) -> list[DeployProblem]:
    """Problems with one rule's input and output cells."""
    entries = rule.findall(_dmn_tag(root, "inputEntry"))
    if len(entries) != len(inputs):
        return [_problem(file, rule, f"rule {row} has {len(entries)} input cells for {len(inputs)} inputs")]
    problems = []
    for entry, (dmn_input, expression) in zip(entries, inputs, strict=True):
        cell = _cell_text(root, entry)
        where = f'rule {row}, input "{dmn_input.get("label") or dmn_input.get("id")}"'
        for message in check_dmn_input_entry(expression, cell, known):
            problems.append(_problem(file, _cell_owner(entry, rule), f"{where}: {message}"))
    for entry in rule.findall(_dmn_tag(root, "outputEntry")):
        cell = _cell_text(root, entry)
        for message in check_expression(cell, known) if cell and cell.strip() else []:
            problems.append(_problem(file, _cell_owner(entry, rule), f"rule {row}, output: {message}"))
    return problems


def _cell_text(root: etree._Element, entry: etree._Element) -> str | None:
    """A cell's text exactly as SpiffWorkflow reads it (None when there is none)."""
    text = entry.find(_dmn_tag(root, "text"))
    return text.text if text is not None else None


def _cell_owner(entry: etree._Element, rule: etree._Element) -> etree._Element:
    """The cell itself when it has an id, else its rule."""
    return entry if entry.get("id") else rule


# ---- SpiffWorkflow's own parse -------------------------------------------------------------


def spiff_problems(
    files: dict[str, bytes],
    max_bytes: int = DEFAULT_MAX_BYTES,
    parser_factory: Callable[..., Any] = CamundaParser,
) -> list[DeployProblem]:
    """Parse the bundle with SpiffWorkflow (schema-validated) and build every executable process."""
    parser = parser_factory(validator=BpmnValidator())
    problems = []
    for name, content in files.items():
        problems += _spiff_add(parser, name, content, max_bytes)
    for process_id in parser.get_process_ids():
        file = parser.get_process_parser(process_id).filename or BUNDLE
        built = _spiff_call(file, partial(parser.get_spec, process_id))
        problems += built or _spiff_call(file, partial(parser.get_subprocess_specs, process_id))
    return list(dict.fromkeys(problems))


def _spiff_add(parser: Any, name: str, content: bytes, max_bytes: int) -> list[DeployProblem]:
    """Hand one freshly (safely) parsed file to SpiffWorkflow's parser."""
    kind = _kind(name)
    if kind is None:
        return []
    try:
        root = parse_xml(name, content, max_bytes)
    except XmlRejected as exc:
        return [exc.problem]
    add = parser.add_bpmn_xml if kind == "bpmn" else parser.add_dmn_xml
    return _spiff_call(name, lambda: add(root, filename=name))


def _spiff_call(file: str, action: Callable[[], object]) -> list[DeployProblem]:
    """Run one parser step, turning SpiffWorkflow's exceptions into problems."""
    try:
        action()
    except ValidationException as exc:
        return [_from_validation_exception(file, exc)]
    except Exception as exc:  # noqa: BLE001 - a Spiff parser bug or odd diagram is still a problem
        return [DeployProblem(file, FILE_ELEMENT, f"SpiffWorkflow cannot parse this: {type(exc).__name__}: {exc}")]
    return []


def _from_validation_exception(file: str, exc: ValidationException) -> DeployProblem:
    """A DeployProblem from SpiffWorkflow's ValidationException."""
    message = str(exc.args[0]) if exc.args else str(exc)
    if getattr(exc, "line_number", ""):
        message += f" (line {exc.line_number})"
    name = getattr(exc, "name", "")
    if name:
        message += f' ({getattr(exc, "tag", "element")} "{name}")'
    return DeployProblem(getattr(exc, "file_name", "") or file, getattr(exc, "id", "") or FILE_ELEMENT, message)


# ---- helpers -------------------------------------------------------------------------------


def _owner(element: etree._Element) -> etree._Element | None:
    """The nearest element (itself or an ancestor) with an id that a modeler shows as a shape."""
    node: etree._Element | None = element
    while node is not None and (not node.get("id") or _is_detail(node)):
        node = node.getparent()
    return node


def _is_detail(element: etree._Element) -> bool:
    """True for BPMN sub-elements (event definitions, loops, expressions) that are not shapes."""
    qname = etree.QName(element)
    return qname.namespace == BPMN_NS and (
        qname.localname.endswith(("EventDefinition", "LoopCharacteristics", "Expression"))
        or qname.localname in _DETAIL_ELEMENTS
    )


def _describe(element: etree._Element) -> str:
    """`Id "name"` for messages."""
    name = element.get("name")
    return f'{element.get("id")} "{name}"' if name else str(element.get("id"))


def _problem(file: str, element: etree._Element | None, message: str) -> DeployProblem:
    """A problem on an element: its id in `element`, its kind and name appended to the message."""
    owner = _owner(element) if element is not None else None
    if owner is None:
        return DeployProblem(file, FILE_ELEMENT, message)
    name = owner.get("name")
    suffix = f' ({etree.QName(owner).localname} "{name}")' if name else ""
    return DeployProblem(file, owner.get("id"), message + suffix)
