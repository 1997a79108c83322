"""Translate the Camunda 7 texts of a parsed BPMN file, in place, into the engine's checked Python.

Run on a fresh parse of each diagram, at deploy (before the checks) and whenever a deployed version is
loaded, so the stored file stays exactly as the process owner wrote it. Conditions, loop and completion
conditions in `${...}`, timers (ISO-8601, cron, `${...}`), `camunda:dueDate` and `camunda:assignee`
become Python; a text the engine cannot run is reported (file, element, code, parameters) and blanked
so that the later checks do not report it a second time.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.camunda7.cron import CronError
from engine.bpmn.camunda7.juel import JuelError, is_juel, to_python
from engine.bpmn.camunda7.timers import TimerKind, TimerTextError, translate_timer
from engine.bpmn.validation.common import CAMUNDA, NS, problem_at
from engine.domain.errors import DeployProblem

Translator = Callable[[str], str]
_Refusal = (JuelError, CronError, TimerTextError)

ASSIGNEE = f"{CAMUNDA}assignee"
DUE_DATE = f"{CAMUNDA}dueDate"

_CONDITIONS = (
    (".//bpmn:sequenceFlow/bpmn:conditionExpression", "condition"),
    (".//bpmn:conditionalEventDefinition/bpmn:condition", "event condition"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:loopCardinality", "loop cardinality"),
    (".//bpmn:multiInstanceLoopCharacteristics/bpmn:completionCondition", "completion"),
    (".//bpmn:standardLoopCharacteristics/bpmn:loopCondition", "loop condition"),
)
_TIMERS: tuple[tuple[str, str, TimerKind], ...] = (
    (".//bpmn:timerEventDefinition/bpmn:timeDate", "timer date", "date"),
    (".//bpmn:timerEventDefinition/bpmn:timeDuration", "timer duration", "duration"),
    (".//bpmn:timerEventDefinition/bpmn:timeCycle", "timer cycle", "cycle"),
)
_BLANK = "None"


def translate_bpmn(file: str, root: etree._Element) -> list[DeployProblem]:
    """Translate every Camunda 7 text of one BPMN file in place; the problems of those it cannot."""
    problems: list[DeployProblem] = []
    for xpath, what in _CONDITIONS:
        for element in root.iterfind(xpath, NS):
            problems += _translate_text(file, element, what, _juel_only)
    for xpath, what, kind in _TIMERS:
        for element in root.iterfind(xpath, NS):
            problems += _translate_text(file, element, what, _timer(kind))
    for task in root.iterfind(".//bpmn:userTask", NS):
        problems += _translate_attribute(file, task, DUE_DATE, "due date", _timer("due"))
        problems += _translate_attribute(file, task, ASSIGNEE, "assignee", assignee_python)
    return problems


def assignee_python(text: str) -> str:
    """`camunda:assignee`: a user name (a literal) or one `${...}` (its value at run time)."""
    stripped = text.strip()
    return to_python(stripped) if is_juel(stripped) else repr(stripped)


def _juel_only(text: str) -> str:
    return to_python(text) if is_juel(text) else text


def _timer(kind: TimerKind) -> Translator:
    return lambda text: translate_timer(text, kind)


def _translate_text(file: str, element: etree._Element, what: str, translate: Translator) -> list[DeployProblem]:
    if element.text is None or not element.text.strip():
        return []
    try:
        element.text = translate(element.text)
    except _Refusal as exc:
        element.text = _BLANK
        return [_refused(file, element, what, exc)]
    return []


def _translate_attribute(
    file: str, task: etree._Element, name: str, what: str, translate: Translator
) -> list[DeployProblem]:
    text = task.get(name)
    if text is None or not text.strip():
        return []
    try:
        task.set(name, translate(text))
    except _Refusal as exc:
        del task.attrib[name]
        return [_refused(file, task, what, exc)]
    return []


def _refused(
    file: str, element: etree._Element, what: str, exc: JuelError | CronError | TimerTextError
) -> DeployProblem:
    found = problem_at(file, element, f"{what}: {exc}")
    params = tuple(sorted({**exc.params, "what": what}.items()))
    return DeployProblem(found.file, found.element, found.message, code=exc.code, params=params)
