"""Camunda 7 texts the engine cannot run, as deploy problems (the translation is `engine.bpmn.camunda7`)."""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

from engine.bpmn.camunda7.translate import Refusal, translate_bpmn
from engine.bpmn.validation.common import problem_at
from engine.domain.errors import DeployProblem


def camunda7_problems(file: str, root: etree._Element) -> list[DeployProblem]:
    """Translate one BPMN file's Camunda 7 texts in place; a problem (with code) for each it cannot run."""
    return [_problem(file, refusal) for refusal in translate_bpmn(root)]


def _problem(file: str, refusal: Refusal) -> DeployProblem:
    found = problem_at(file, refusal.element, f"{refusal.what}: {refusal.error}")
    params = tuple(sorted({**refusal.error.params, "what": refusal.what}.items()))
    return DeployProblem(found.file, found.element, found.message, code=refusal.error.code, params=params)
