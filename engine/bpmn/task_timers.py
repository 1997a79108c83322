"""A clock on every user task: deploy adds the default chase and supervise timers a task lacks.

A user task watched by a non-interrupting boundary timer of kind `chase` (and one of kind `supervise`)
keeps it. Every other user task gets the missing one from `processes/sla.toml` (`[task_timers]`) when the
bundle is deployed: the timer, its end event and the flow between them are written into the stored
version of the diagram (without a shape: the diagram shows what its owner drew), so a version keeps the
timers it was deployed with, and a change of the defaults takes effect in new versions only.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.parser import timer_kind_of
from engine.bpmn.validation.common import file_kind
from engine.bpmn.xmlsafe import parse_xml

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
KINDS = ("chase", "supervise")
NAMES = {"chase": "催办", "supervise": "督办"}


@dataclass(frozen=True)
class TaskTimerDefaults:
    """The timers every user task gets unless its diagram draws its own: expressions over `task_due`."""

    chase: str = "chase_cycle(task_due)"
    supervise: str = "task_due"

    def expression(self, kind: str) -> str:
        """The timer expression of `kind` (chase: a cycle; supervise: a date)."""
        return self.chase if kind == "chase" else self.supervise


def _tag(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def with_task_timers(files: dict[str, bytes], defaults: TaskTimerDefaults) -> dict[str, bytes]:
    """The bundle with the default timers added to each user task that lacks them (other files unchanged)."""
    out = dict(files)
    for name, content in files.items():
        if file_kind(name) != "bpmn":
            continue
        root = parse_xml(name, content)
        if _add_timers(root, defaults):
            out[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return out


def _add_timers(root: etree._Element, defaults: TaskTimerDefaults) -> bool:
    """Add the missing timers in place; True when anything was added."""
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    added = False
    for task in list(root.iter(_tag("userTask"))):
        container = task.getparent()
        present = _watched_kinds(container, task.get("id"))
        for kind in KINDS:
            if kind not in present:
                _append_timer(container, task.get("id"), kind, defaults.expression(kind), ids)
                added = True
    return added


def _watched_kinds(container: etree._Element, task_id: str) -> set[str]:
    """The kinds of boundary timers (chase / supervise) already attached to a task."""
    kinds = set()
    for event in container.iterfind(_tag("boundaryEvent")):
        if event.get("attachedToRef") == task_id and event.find(_tag("timerEventDefinition")) is not None:
            kinds.add(timer_kind_of(event))
    return kinds


def _free_id(wanted: str, ids: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in ids:
        n += 1
        candidate = f"{wanted}_{n}"
    ids.add(candidate)
    return candidate


def _append_timer(container: etree._Element, task_id: str, kind: str, expression: str, ids: set[str]) -> None:
    prefix = "Chase" if kind == "chase" else "Supervise"
    event_id = _free_id(f"{prefix}_{task_id}", ids)
    end_id = _free_id(f"End_{event_id}", ids)
    flow_id = _free_id(f"Flow_{event_id}", ids)
    event = etree.SubElement(container, _tag("boundaryEvent"), id=event_id, name=NAMES[kind],
                             cancelActivity="false", attachedToRef=task_id)
    properties = etree.SubElement(etree.SubElement(event, _tag("extensionElements")), f"{{{CAMUNDA_NS}}}properties")
    etree.SubElement(properties, f"{{{CAMUNDA_NS}}}property", name="timerKind", value=kind)
    etree.SubElement(event, _tag("outgoing")).text = flow_id
    definition = etree.SubElement(event, _tag("timerEventDefinition"), id=_free_id(f"{event_id}_def", ids))
    etree.SubElement(definition, _tag("timeCycle" if kind == "chase" else "timeDate")).text = expression
    end = etree.SubElement(container, _tag("endEvent"), id=end_id, name="已催办" if kind == "chase" else "已督办")
    etree.SubElement(end, _tag("incoming")).text = flow_id
    etree.SubElement(container, _tag("sequenceFlow"), id=flow_id, sourceRef=event_id, targetRef=end_id)
