"""DMN rules: one decision table per file, hit policies SpiffWorkflow implements, allow-listed cells."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.expressions import check_dmn_input_entry, check_expression
from engine.bpmn.validation.common import Rules, dmn_tag, expression_problem, problem_at
from engine.bpmn.validation.dmn_overlap import overlapping_rules
from engine.bpmn.xmlsafe import FILE_ELEMENT
from engine.domain.errors import DeployProblem
from engine.domain.expression_limits import ExpressionLimits

HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")


def dmn_problems(file: str, root: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Every problem in one DMN file."""
    decisions = list(root.iterfind(dmn_tag(root, "decision")))
    if not decisions:
        return [DeployProblem(file, FILE_ELEMENT, "the file has no decision")]
    problems = []
    if len(decisions) > 1:
        message = "SpiffWorkflow reads only one decision per .dmn file: move it to a file of its own"
        problems += [problem_at(file, d, message) for d in decisions[1:]]
    for decision in decisions:
        problems += _decision_problems(file, root, decision, rules)
    return problems


def _decision_problems(file: str, root: etree._Element, decision: etree._Element, rules: Rules) -> list[DeployProblem]:
    """Problems with one decision: it must be a decision table SpiffWorkflow can run."""
    table = decision.find(dmn_tag(root, "decisionTable"))
    if table is None:
        return [problem_at(file, decision, "only decision tables are supported (no literal expressions)")]
    problems = _table_header_problems(file, table)
    inputs = table.findall(dmn_tag(root, "input"))
    expressions = [_input_expression(root, i) for i in inputs]
    known = set(rules.known_functions)
    for element, text in zip(inputs, expressions, strict=True):
        if not text.strip():
            problems.append(problem_at(file, element, "the input has no expression: say which case data it reads"))
        else:
            messages = check_expression(text, known, limits=rules.expression_limits)
            problems += [expression_problem(file, element, "input expression", m) for m in messages]
    limits = rules.expression_limits
    usable = [t if t.strip() and not check_expression(t, known, limits=limits) else "v" for t in expressions]
    for row, rule in enumerate(table.iterfind(dmn_tag(root, "rule")), start=1):
        cells = list(zip(inputs, usable, strict=True))
        problems += _rule_problems(file, root, rule, row, cells, known, rules.expression_limits)
    return problems or _unique_problems(file, root, decision, table, len(inputs))


def _unique_problems(
    file: str, root: etree._Element, decision: etree._Element, table: etree._Element, n_inputs: int
) -> list[DeployProblem]:
    """A UNIQUE table whose rules can match the same input: one problem per overlapping pair of rules."""
    if (table.get("hitPolicy") or "UNIQUE").upper() != "UNIQUE":
        return []
    rows = list(table.iterfind(dmn_tag(root, "rule")))
    cells = [[_cell_text(root, e) for e in row.findall(dmn_tag(root, "inputEntry"))] for row in rows]
    if any(len(c) != n_inputs for c in cells):
        return []
    problems = []
    for first, second in overlapping_rules(cells):
        decision_id = decision.get("id", "")
        message = (
            f"decision {decision_id} has hit policy UNIQUE, but rules {first} and {second} can match the same "
            'input; make their conditions exclusive, or declare hitPolicy="FIRST" if the order decides'
        )
        params = (("file", file), ("decision", decision_id), ("first", str(first)), ("second", str(second)))
        problems.append(DeployProblem(file, rows[second - 1].get("id") or decision_id, message,
                                      "dmn_unique_overlap", params))
    return problems


def _table_header_problems(file: str, table: etree._Element) -> list[DeployProblem]:
    """Hit policies and aggregations SpiffWorkflow does not implement."""
    problems = []
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in HIT_POLICIES:
        message = f"hit policy {policy} is not supported by SpiffWorkflow; use {', '.join(HIT_POLICIES)}"
        problems.append(problem_at(file, table, message))
    if table.get("aggregation"):
        message = "COLLECT aggregations (SUM, COUNT, MIN, MAX) are not supported; collect a list instead"
        problems.append(problem_at(file, table, message))
    return problems


def _input_expression(root: etree._Element, dmn_input: etree._Element) -> str:
    """The text of an input's inputExpression exactly as SpiffWorkflow uses it ('' if missing)."""
    text = dmn_input.find(f"{dmn_tag(root, 'inputExpression')}/{dmn_tag(root, 'text')}")
    return (text.text or "") if text is not None else ""


def _rule_problems(
    file: str,
    root: etree._Element,
    rule: etree._Element,
    row: int,
    inputs: list[tuple[etree._Element, str]],
    known: set[str],
    limits: ExpressionLimits,
) -> list[DeployProblem]:
    """Problems with one rule's input and output cells."""
    entries = rule.findall(dmn_tag(root, "inputEntry"))
    if len(entries) != len(inputs):
        return [problem_at(file, rule, f"rule {row} has {len(entries)} input cells for {len(inputs)} inputs")]
    problems = []
    for entry, (dmn_input, expression) in zip(entries, inputs, strict=True):
        cell = _cell_text(root, entry)
        where = f'rule {row}, input "{dmn_input.get("label") or dmn_input.get("id")}"'
        for message in check_dmn_input_entry(expression, cell, known, limits):
            problems.append(expression_problem(file, _cell_owner(entry, rule), where, message))
    for entry in rule.findall(dmn_tag(root, "outputEntry")):
        cell = _cell_text(root, entry)
        for message in check_expression(cell, known, limits=limits) if cell and cell.strip() else []:
            problems.append(expression_problem(file, _cell_owner(entry, rule), f"rule {row}, output", message))
    return problems


def _cell_text(root: etree._Element, entry: etree._Element) -> str | None:
    """A cell's text exactly as SpiffWorkflow reads it (None when there is none)."""
    text = entry.find(dmn_tag(root, "text"))
    return text.text if text is not None else None


def _cell_owner(entry: etree._Element, rule: etree._Element) -> etree._Element:
    """The cell itself when it has an id, else its rule."""
    return entry if entry.get("id") else rule
