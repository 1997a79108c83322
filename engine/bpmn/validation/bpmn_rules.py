"""BPMN rules: executable processes, lanes and departments, user task forms, expressions, scripts,
decision and call references, gateways, reserved ids.

Accepted form field types (Camunda 7 generated forms plus two numeric extras): see FORM_FIELD_TYPES.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.expressions import (
    FORBIDDEN_BUILTINS,
    check_cardinality_expression,
    check_expression,
    check_timer_expression,
)
from engine.bpmn.validation.acts_on import acts_on_problems
from engine.bpmn.validation.common import (
    CAMUNDA,
    NS,
    PYTHON_LANGUAGES,
    Rules,
    describe,
    expression_problem,
    one_line,
    problem_at,
    shape_of,
)
from engine.bpmn.validation.creates_record import creates_record_problems
from engine.domain.departments import department_variable
from engine.domain.errors import DeployProblem
from engine.domain.organisation import UNIT_KINDS, split_level

FORM_FIELD_TYPES = ("string", "long", "boolean", "date", "enum", "double", "decimal")

# (xpath, what it is, checker); every text SpiffWorkflow hands to eval.
_EXPRESSIONS: tuple[tuple[str, str, str], ...] = (
    (".//bpmn:sequenceFlow/bpmn:conditionExpression", "condition", "eval"),
    (".//bpmn:timerEventDefinition/bpmn:timeDate", "timer date", "timer"),
    (".//bpmn:timerEventDefinition/bpmn:timeDuration", "timer duration", "timer"),
    (".//bpmn:timerEventDefinition/bpmn:timeCycle", "timer cycle", "timer"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "event condition", "eval"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "loop cardinality", "cardinality"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "completion", "eval"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "loop condition", "eval"),
    (".//bpmn:correlationPropertyRetrievalExpression/*", "correlation expression", "eval"),
)


def bpmn_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
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
        acts_on_problems(file, root),
        creates_record_problems(file, root, rules),
    ]
    return [problem for check in checks for problem in check]


# SpiffWorkflow names its own task specs "Start", "End" and "<process>.EndJoin"; an element with such
# an id silently replaces one of them and the process misbehaves at run time.
_RESERVED_IDS = {"Start", "End"}


def _reserved_id_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """Element ids the engine reserves for itself."""
    problems = []
    for element in root.iterfind(".//bpmn:process//*[@id]", NS):
        element_id = element.get("id", "")
        if element_id in _RESERVED_IDS or element_id.endswith(".EndJoin"):
            message = f'the id "{element_id}" is reserved by the engine: rename it (e.g. "{element_id}Event_1")'
            problems.append(problem_at(file, element, message))
    return problems


def _each(root: etree._Element, localname: str) -> list[etree._Element]:
    """Every BPMN element of one kind in the file."""
    return list(root.iterfind(f".//bpmn:{localname}", NS))


def _executable_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """A BPMN file must hold at least one executable process."""
    processes = _each(root, "process")
    if any(p.get("isExecutable") == "true" for p in processes):
        return []
    message = "no executable process: tick 'Executable' (isExecutable=\"true\") on the process"
    return [problem_at(file, processes[0] if processes else None, message)]


def _lane_of_each_node(root: etree._Element) -> dict[str, str]:
    """Flow node id -> name of the innermost lane that references it (as SpiffWorkflow reads it)."""
    lanes: dict[str, str] = {}
    for ref in root.iterfind(".//bpmn:flowNodeRef", NS):
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


def _lane_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Every lane that holds work (no child lanes) must be named after a known department, except a role
    lane whose user tasks all take their department at run time (`${var}` candidate groups)."""
    problems = []
    tasks = {t.get("id"): t for t in _each(root, "userTask")}
    for lane in _each(root, "lane"):
        if lane.find("bpmn:childLaneSet", NS) is not None:
            continue
        refs = [(ref.text or "").strip() for ref in lane.iterfind("bpmn:flowNodeRef", NS)]
        lane_tasks = [tasks[r] for r in refs if r in tasks]
        if lane_tasks and all(_runtime_department(t) for t in lane_tasks):
            continue
        name = (lane.get("name") or "").strip()
        if not name:
            problems.append(problem_at(file, lane, "lane has no name: name it after a department"))
        elif rules.departments.resolve(name) is None:
            message = f'lane "{one_line(name)}" is not a known department (see processes/departments.toml)'
            problems.append(problem_at(file, lane, message))
    return problems


def _user_task_problems(file: str, task: etree._Element, lanes: dict[str, str], rules: Rules) -> list[DeployProblem]:
    """A user task needs a department (candidate groups or lane) and a form."""
    problems = []
    groups = _candidate_groups(task)
    if not groups and not _lane_of(task, lanes):
        message = "no department: put it in a lane or set candidate groups"
        problems.append(problem_at(file, task, message))
    for group in (split_level(g)[1] for g in groups):
        if department_variable(group) is None and rules.departments.resolve(group) is None:
            message = f'candidate group "{group}" is not a known department (see processes/departments.toml)'
            problems.append(problem_at(file, task, message))
    problems += [problem_at(file, task, m) for m in _form_messages(task, rules)]
    return problems


def _runtime_department(task: etree._Element) -> bool:
    """True when the task's department is chosen at run time (`${var}`)."""
    groups = _candidate_groups(task)
    return bool(groups) and all(department_variable(g) for g in groups)


def _candidate_groups(task: etree._Element) -> list[str]:
    """The comma-separated `camunda:candidateGroups`, trimmed."""
    raw = task.get(f"{CAMUNDA}candidateGroups") or ""
    return [g.strip() for g in raw.split(",") if g.strip()]


def _form_messages(task: etree._Element, rules: Rules) -> list[str]:
    """Problems with a user task's generated form (camunda:formData)."""
    fields = task.findall("bpmn:extensionElements/camunda:formData/camunda:formField", NS)
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


def _form_field_messages(field: etree._Element, rules: Rules) -> list[str]:
    """Problems with one camunda:formField."""
    field_id = field.get("id") or ""
    label = f'form field "{field_id}"'
    messages = [f"{label}: {m}" for m in _field_id_messages(field_id, rules)]
    field_type = field.get("type")
    if not field_type:
        messages.append(f"{label} has no type; use one of {', '.join(FORM_FIELD_TYPES)}")
    elif field_type not in FORM_FIELD_TYPES:
        messages.append(f'{label}: type "{field_type}" is not supported; use one of {", ".join(FORM_FIELD_TYPES)}')
    elif field_type == "enum" and not field.findall("camunda:value", NS):
        messages.append(f"{label} is an enum without values: add at least one value")
    default = (field.get("defaultValue") or "").strip()
    if default.startswith(("${", "#{")):
        messages.append(f"{label}: the default value is JUEL; give a plain value instead")
    for prop in field.findall("camunda:properties/camunda:property", NS):
        if prop.get("id") == "unitKind" and prop.get("value") not in UNIT_KINDS:
            messages.append(f'{label}: unitKind "{prop.get("value")}" is not a unit kind; use one of '
                            f'{", ".join(UNIT_KINDS)}')
    return messages


def _field_id_messages(field_id: str, rules: Rules) -> list[str]:
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


def _expression_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Check every element whose text SpiffWorkflow evaluates (conditions, timers, loops...)."""
    problems = []
    for xpath, what, how in _EXPRESSIONS:
        for element in root.iterfind(xpath, NS):
            owner = shape_of(element)
            for message in _element_expression_messages(element, how, rules):
                problems.append(expression_problem(file, owner, what, message))
    return problems


def _element_expression_messages(element: etree._Element, how: str, rules: Rules) -> list[str]:
    """Problems with one expression element's text (and its language attribute)."""
    language = (element.get("language") or "").strip().lower()
    if language not in PYTHON_LANGUAGES:
        return [f'language "{language}" is not supported; write a Python expression and remove the language']
    text = element.text or ""
    known, limits = set(rules.known_functions), rules.expression_limits
    if how == "cardinality":
        return check_cardinality_expression(text, known, limits)
    if how == "timer":
        return check_timer_expression(text, known, limits)
    return check_expression(text, known, limits=limits)


def _attribute_expression_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Check camunda:dueDate and camunda:assignee (translated) on user tasks, camunda:expression on message
    events."""
    known = set(rules.known_functions)
    problems = []
    for task in _each(root, "userTask"):
        due = task.get(f"{CAMUNDA}dueDate")
        if due is not None:
            messages = check_timer_expression(due, known, rules.expression_limits)
            problems += [expression_problem(file, task, "due date", m) for m in messages]
        assignee = task.get(f"{CAMUNDA}assignee")
        if assignee is not None:
            messages = check_expression(assignee, known, limits=rules.expression_limits)
            problems += [expression_problem(file, task, "assignee", m) for m in messages]
    for event in _each(root, "messageEventDefinition"):
        payload = event.get(f"{CAMUNDA}expression")
        if payload is not None:
            messages = check_expression(payload, known, limits=rules.expression_limits)
            problems += [expression_problem(file, shape_of(event), "message payload", m) for m in messages]
    return problems


def _script_task_problems(file: str, task: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Script tasks are refused unless enabled; when enabled the script must pass the allow-list."""
    if not rules.allow_scripts:
        message = "script tasks are disabled; use a business rule task (DMN) or ask an admin to enable scripts"
        return [problem_at(file, task, message)]
    script_format = (task.get("scriptFormat") or "").strip().lower()
    if script_format not in PYTHON_LANGUAGES:
        return [problem_at(file, task, f'script format "{script_format}" is not supported; write Python')]
    script = task.find("bpmn:script", NS)
    if script is None or not (script.text or "").strip():
        return [problem_at(file, task, "the script task has no script (external resources are not supported)")]
    messages = check_expression(script.text, set(rules.known_functions), mode="exec", limits=rules.expression_limits)
    return [expression_problem(file, task, "script", m) for m in messages]


def _decision_ref_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Every business rule task names a decision that some DMN file of the bundle defines."""
    problems = []
    for task in _each(root, "businessRuleTask"):
        ref = task.get(f"{CAMUNDA}decisionRef") or ""
        if not ref.strip():
            problems.append(problem_at(file, task, "no decision: set camunda:decisionRef to a decision id"))
        elif ref not in rules.decision_ids:
            message = f'decision "{ref}" is not in any .dmn file of the bundle'
            problems.append(problem_at(file, task, message + choices(rules.decision_ids)))
    return problems


def _call_activity_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Every call activity calls an executable process of the bundle."""
    problems = []
    for call in _each(root, "callActivity"):
        called = call.get("calledElement") or ""
        if not called.strip():
            problems.append(problem_at(file, call, "no called process: set calledElement to a process id"))
        elif called not in rules.processes:
            message = f'called process "{called}" is not in any .bpmn file of the bundle'
            problems.append(problem_at(file, call, message + choices(rules.processes)))
        elif not rules.processes[called]:
            problems.append(problem_at(file, call, f'called process "{called}" is not executable'))
    return problems


def choices(ids: Iterable[str]) -> str:
    """A short 'available: ...' suffix."""
    names = sorted(i for i in ids if i)
    return f" (available: {', '.join(names)})" if names else ""


def _gateway_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """An exclusive gateway that splits needs a condition on every flow except the default."""
    problems = []
    for gateway in _each(root, "exclusiveGateway"):
        gateway_id = gateway.get("id", "")
        process = gateway.getparent()
        outgoing = [f for f in process.iterfind("bpmn:sequenceFlow", NS) if f.get("sourceRef") == gateway_id]
        default = gateway.get("default")
        if default and default not in {f.get("id") for f in outgoing}:
            message = f"the default flow {default} does not leave this gateway"
            problems.append(problem_at(file, gateway, message))
        if len(outgoing) < 2:
            continue
        for flow in outgoing:
            if flow.get("id") != default and not _has_condition(flow):
                message = f"flow out of gateway {describe(gateway)} has no condition and is not the default flow"
                problems.append(problem_at(file, flow, message))
    return problems


def _has_condition(flow: etree._Element) -> bool:
    """True if a sequence flow carries a non-empty condition expression."""
    condition = flow.find("bpmn:conditionExpression", NS)
    return condition is not None and bool((condition.text or "").strip())
