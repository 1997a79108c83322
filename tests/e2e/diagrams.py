"""Reading deployed definitions back for the modeler round-trip checks."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from typing import Any

from engine.bootstrap import Engine
from engine.bpmn.definitions import LoadedDefinition, load_definition
from engine.domain.model import DefinitionInfo, UserTaskSpec
from tests.support.actors import ADMIN

CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


def latest(engine: Engine, process_key: str) -> DefinitionInfo:
    """The newest deployed version of a process."""
    versions = [d for d in engine.deploy.definitions(ADMIN) if d.process_key == process_key]
    assert versions, f"{process_key} is not deployed"
    return max(versions, key=lambda d: d.version)


def files_of(engine: Engine, info: DefinitionInfo) -> dict[str, bytes]:
    """The stored files of a deployed version."""
    return {name: text.encode("utf-8") for name, text in engine.deploy.definition_files(info.id, ADMIN).items()}


def loaded(engine: Engine, files: dict[str, bytes], process_key: str) -> LoadedDefinition:
    """The runnable definition the engine builds from `files`."""
    return load_definition(files, process_key, engine.ctx.departments)


def task_specs_without_names(definition: LoadedDefinition) -> dict[str, UserTaskSpec]:
    """Every user task's department, lane, form and due expression (names compared separately)."""
    return {key: dataclasses.replace(spec, name="") for key, spec in definition.user_tasks.items()}


def timer_expressions(definition: LoadedDefinition) -> dict[str, tuple[Any, ...]]:
    """Every watched boundary timer: kind, attached task, cycle or date, and its expression."""
    found: dict[str, tuple[Any, ...]] = {}
    for spec in [definition.spec, *definition.subprocess_specs.values()]:
        for task_spec in spec.task_specs.values():
            timer = definition.timers.get(getattr(task_spec, "bpmn_id", None) or "")
            if timer is not None:
                found[timer.bpmn_id] = (timer.kind, timer.attached_to, timer.cycle,
                                        task_spec.event_definition.expression)
    return found


def camunda_content(xml: bytes) -> dict[str, Any]:
    """Every camunda:* attribute per element id and every camunda:* element with its attributes, in order."""
    root = ET.fromstring(xml)
    attributes = {}
    elements = []
    for node in root.iter():
        camunda_attrs = {k: v for k, v in node.attrib.items() if k.startswith("{" + CAMUNDA_NS + "}")}
        if camunda_attrs and node.get("id"):
            attributes[node.get("id")] = camunda_attrs
        if isinstance(node.tag, str) and node.tag.startswith("{" + CAMUNDA_NS + "}"):
            elements.append((node.tag, tuple(sorted(node.attrib.items())), (node.text or "").strip()))
    return {"attributes": attributes, "elements": elements}
