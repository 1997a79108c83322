"""SpiffWorkflow's own parse: schema validation and building every executable process spec."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator  # type: ignore[import-untyped]
from SpiffWorkflow.bpmn.parser.ValidationException import (  # type: ignore[import-untyped]
    ValidationException,
)
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser  # type: ignore[import-untyped]

from engine.bpmn.validation.common import BUNDLE, file_kind, one_line
from engine.bpmn.xmlsafe import DEFAULT_MAX_BYTES, FILE_ELEMENT, XmlRejected, parse_xml
from engine.domain.errors import DeployProblem


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
    kind = file_kind(name)
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
    name = one_line(getattr(exc, "name", ""))
    if name:
        message += f' ({getattr(exc, "tag", "element")} "{name}")'
    return DeployProblem(getattr(exc, "file_name", "") or file, getattr(exc, "id", "") or FILE_ELEMENT, message)
