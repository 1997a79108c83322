"""Deploy-time validation of a bundle of BPMN/DMN files: every problem, with file, element and plain words.

One module per kind of check: `bundle` (files, sizes, safe parse, duplicate ids), `bpmn_rules`,
`dmn_rules`, `lengths` (ids and names longer than the database keeps), `structure` (flows with ids,
connected elements, a path to an end, tasks someone can work) and `spiff` (SpiffWorkflow's own parse,
run only when everything else passed);
`common` holds the namespaces, the deployment's `Rules` and how a problem names its element.
"""

from __future__ import annotations

from engine.bpmn.validation.bpmn_rules import FORM_FIELD_TYPES, bpmn_problems
from engine.bpmn.validation.bundle import all_decisions, bundle_problems, executable_processes, parse_bundle
from engine.bpmn.validation.camunda7 import camunda7_problems
from engine.bpmn.validation.common import BUNDLE, Rules
from engine.bpmn.validation.dmn_rules import HIT_POLICIES, dmn_problems
from engine.bpmn.validation.lengths import length_problems
from engine.bpmn.validation.spiff import spiff_problems
from engine.bpmn.validation.structure import structure_problems
from engine.bpmn.xmlsafe import DEFAULT_MAX_BYTES
from engine.domain.departments import DepartmentDirectory
from engine.domain.errors import DeployProblem
from engine.domain.expression_limits import ExpressionLimits
from engine.domain.limits import TextLimits

__all__ = ["BUNDLE", "FORM_FIELD_TYPES", "HIT_POLICIES", "spiff_problems", "validate_bundle"]


def validate_bundle(
    files: dict[str, bytes],
    departments: DepartmentDirectory,
    known_functions: set[str],
    limits: TextLimits,
    allow_scripts: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    expression_limits: ExpressionLimits | None = None,
) -> list[DeployProblem]:
    """Every problem in a bundle of .bpmn/.dmn files (empty list: the bundle may be deployed)."""
    problems: list[DeployProblem] = []
    bpmn, dmn = parse_bundle(files, max_bytes, problems)
    rules = Rules(
        departments=departments,
        known_functions=frozenset(known_functions),
        allow_scripts=allow_scripts,
        decision_ids=frozenset(d.get("id", "") for _, d in all_decisions(dmn)),
        processes=executable_processes(bpmn),
        limits=limits,
        expression_limits=expression_limits or ExpressionLimits(),
    )
    problems += bundle_problems(files, bpmn, dmn)
    for name, root in bpmn.items():
        problems += camunda7_problems(name, root)
        problems += bpmn_problems(name, root, rules)
        problems += length_problems(name, root, rules.limits)
        problems += structure_problems(name, root)
    for name, root in dmn.items():
        problems += dmn_problems(name, root, rules)
    if not problems:
        problems += spiff_problems(files, max_bytes)
    return problems
