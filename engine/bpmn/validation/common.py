"""What the checks of a bundle share: namespaces, the deployment's rules, and how a problem names its element."""

from __future__ import annotations

from dataclasses import dataclass, replace

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.files import DIAGRAM_SUFFIXES as DIAGRAM_SUFFIXES  # re-exported for the checks
from engine.bpmn.files import file_kind as file_kind
from engine.bpmn.xmlsafe import FILE_ELEMENT
from engine.domain.departments import DepartmentDirectory
from engine.domain.errors import DeployProblem
from engine.domain.expression_limits import ExpressionLimits
from engine.domain.limits import TextLimits

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
DMN_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
        "http://www.omg.org/spec/DMN/20180521/MODEL/",
        "https://www.omg.org/spec/DMN/20191111/MODEL/",
    }
)
BUNDLE = "(bundle)"

NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
CAMUNDA = "{" + CAMUNDA_NS + "}"
PYTHON_LANGUAGES = ("", "python", "python3")
_DETAIL_ELEMENTS = frozenset(
    {"timeDate", "timeDuration", "timeCycle", "condition", "loopCardinality", "completionCondition"}
)


@dataclass(frozen=True)
class Rules:
    """What every check needs to know about the deployment and the bundle."""

    departments: DepartmentDirectory
    known_functions: frozenset[str]
    allow_scripts: bool
    decision_ids: frozenset[str]
    processes: dict[str, bool]  # process id -> isExecutable
    limits: TextLimits  # how long the database keeps each stored id and name
    expression_limits: ExpressionLimits = ExpressionLimits()


def dmn_tag(root: etree._Element, localname: str) -> str:
    """A DMN tag in the namespace this file uses."""
    return f"{{{etree.QName(root).namespace}}}{localname}"


def shape_of(element: etree._Element) -> etree._Element | None:
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


def one_line(text: str | None) -> str:
    """A name on one line: line breaks and runs of spaces become one space (modelers wrap long names)."""
    return " ".join((text or "").split())


def describe(element: etree._Element) -> str:
    """`Id "name"` for messages."""
    name = one_line(element.get("name"))
    return f'{element.get("id")} "{name}"' if name else str(element.get("id"))


def expression_problem(file: str, element: etree._Element | None, what: str, message: str) -> DeployProblem:
    """A problem with an expression (`what`: condition, due date...); a limit problem keeps its code and
    parameters so that the web UI can say it in the user's language."""
    problem = problem_at(file, element, f"{what}: {message}")
    code = getattr(message, "code", "")
    return replace(problem, code=code, params=getattr(message, "params", ())) if code else problem


def problem_at(file: str, element: etree._Element | None, message: str) -> DeployProblem:
    """A problem on an element: its id in `element`, its kind and name appended to the message."""
    owner = shape_of(element) if element is not None else None
    if owner is None:
        return DeployProblem(file, FILE_ELEMENT, message)
    name = one_line(owner.get("name"))
    suffix = f' ({etree.QName(owner).localname} "{name}")' if name else ""
    return DeployProblem(file, owner.get("id"), message + suffix)
