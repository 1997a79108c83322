"""Translate the Camunda 7 texts of a parsed BPMN file, in place, into the engine's checked Python.

Run on a fresh parse of each diagram, at deploy (before the checks, see `engine.bpmn.validation.camunda7`)
and whenever a deployed version is loaded, so the stored file stays exactly as the process owner wrote it.
Conditions, loop and completion conditions in `${...}`, timers (ISO-8601, cron, `${...}`),
`camunda:dueDate` and `camunda:assignee` become Python; a text the engine cannot run is returned as a
`Refusal` and blanked, so that the later checks do not report it a second time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.camunda7.cron import CronError
from engine.bpmn.camunda7.juel import JuelError, is_juel, to_python
from engine.bpmn.camunda7.timers import TimerKind, TimerTextError, translate_timer

Translator = Callable[[str], str]
RefusalError = JuelError | CronError | TimerTextError
_REFUSALS = (JuelError, CronError, TimerTextError)

_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
_CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
ASSIGNEE = f"{_CAMUNDA}assignee"
DUE_DATE = f"{_CAMUNDA}dueDate"

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


@dataclass(frozen=True)
class Refusal:
    """A Camunda text the engine cannot run: where it was (`what`: condition, timer cycle...) and why."""

    element: etree._Element
    what: str
    error: RefusalError


def translate_bpmn(root: etree._Element) -> list[Refusal]:
    """Translate every Camunda 7 text of one BPMN file in place; the refusals of those it cannot."""
    refusals: list[Refusal] = []
    for xpath, what in _CONDITIONS:
        for element in root.iterfind(xpath, _NS):
            refusals += _translate_text(element, what, _juel_only)
    for xpath, what, kind in _TIMERS:
        for element in root.iterfind(xpath, _NS):
            refusals += _translate_text(element, what, _timer(kind))
    for task in root.iterfind(".//bpmn:userTask", _NS):
        refusals += _translate_attribute(task, DUE_DATE, "due date", _timer("due"))
        refusals += _translate_attribute(task, ASSIGNEE, "assignee", assignee_python)
    return refusals


def assignee_python(text: str) -> str:
    """`camunda:assignee`: a user name (a literal) or one `${...}` (its value at run time)."""
    stripped = text.strip()
    return to_python(stripped) if is_juel(stripped) else repr(stripped)


def _juel_only(text: str) -> str:
    return to_python(text) if is_juel(text) else text


def _timer(kind: TimerKind) -> Translator:
    return lambda text: translate_timer(text, kind)


def _translate_text(element: etree._Element, what: str, translate: Translator) -> list[Refusal]:
    if element.text is None or not element.text.strip():
        return []
    try:
        element.text = translate(element.text)
    except _REFUSALS as exc:
        element.text = _BLANK
        return [Refusal(element, what, exc)]
    return []


def _translate_attribute(task: etree._Element, name: str, what: str, translate: Translator) -> list[Refusal]:
    text = task.get(name)
    if text is None or not text.strip():
        return []
    try:
        task.set(name, translate(text))
    except _REFUSALS as exc:
        del task.attrib[name]
        return [Refusal(task, what, exc)]
    return []
