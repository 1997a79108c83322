"""Deploy checks the approval context a diagram declares: every field an `actsOn` property names must be a
form field of another user task of the process; otherwise the bundle is refused naming file and element."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import DeployRejected
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.engines import PROCESSES

HO_BPMN = "head_office_complaint.bpmn"
REWORK_CONTEXT = 'name="actsOn" value="review_opinion,satisfaction,revisit_note"'


def test_an_acts_on_field_no_step_produces_is_refused(engine: Engine, tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    shutil.copytree(PROCESSES, bundle)
    text = (bundle / HO_BPMN).read_text(encoding="utf-8")
    assert REWORK_CONTEXT in text
    (bundle / HO_BPMN).write_text(text.replace(REWORK_CONTEXT, REWORK_CONTEXT.replace("revisit_note", "revisit_nte")),
                                  encoding="utf-8")
    with pytest.raises(DeployRejected) as refused:
        engine.deploy.deploy(read_diagram_dir(bundle), ADMIN)
    [problem] = refused.value.problems
    assert (problem.file, problem.element) == (HO_BPMN, "Task_Rework")
    assert '"revisit_nte"' in problem.message
