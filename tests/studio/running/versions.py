"""Later versions of the docs_probe diagram, made by editing version 1 (imported as a helper module)."""

from __future__ import annotations

from pathlib import Path

from engine.bootstrap import Engine
from tests.support.actors import ADMIN

V1 = (Path(__file__).parent / "diagrams" / "docs_probe.bpmn").read_text(encoding="utf-8")
FILE = "docs_probe.bpmn"


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def with_follow_up(text: str = V1) -> str:
    """Version 2: Task_Review renamed with a later due date and chase, and a new user task Task_FollowUp between
    Task_Check and the end."""
    text = _replace(text, 'name="审核投诉"', 'name="审核投诉并确认材料清单"')
    text = _replace(text, "add_workdays(received_at, 2)", "add_workdays(received_at, 4)")  # due date
    text = _replace(text, "add_workdays(received_at, 1)", "add_workdays(received_at, 3)")  # chase timer
    text = _replace(text, '<bpmn:endEvent id="End_Probe"><bpmn:incoming>Flow_4</bpmn:incoming></bpmn:endEvent>', (
        '<bpmn:userTask id="Task_FollowUp" name="回访客户" camunda:candidateGroups="complaint_mgmt">'
        '<bpmn:extensionElements><camunda:formData><camunda:formField id="follow_up_note" label="回访记录" '
        'type="string" /></camunda:formData></bpmn:extensionElements>'
        '<bpmn:incoming>Flow_4</bpmn:incoming><bpmn:outgoing>Flow_5</bpmn:outgoing></bpmn:userTask>'
        '<bpmn:endEvent id="End_Probe"><bpmn:incoming>Flow_5</bpmn:incoming></bpmn:endEvent>'
        '<bpmn:sequenceFlow id="Flow_5" sourceRef="Task_FollowUp" targetRef="End_Probe" />'))
    return _replace(text, 'sourceRef="Task_Check" targetRef="End_Probe"',
                    'sourceRef="Task_Check" targetRef="Task_FollowUp"')


def review_renamed(text: str = V1) -> str:
    """Task_Review under a new id, Task_Assess (its boundary events keep theirs)."""
    for attribute in ("id", "attachedToRef", "sourceRef", "targetRef"):
        text = text.replace(f'{attribute}="Task_Review"', f'{attribute}="Task_Assess"')
    return text


def review_elsewhere(text: str = V1) -> str:
    """Task_Review worked by another department."""
    return _replace(text, 'name="审核投诉" camunda:candidateGroups="complaint_mgmt"',
                    'name="审核投诉" camunda:candidateGroups="retail_banking"')


def deploy(engine: Engine, text: str) -> int:
    """Deploy a version of docs_probe; its version number."""
    result = engine.deploy.deploy({FILE: text.encode("utf-8")}, ADMIN)
    [info] = result.deployed
    return info.version
