"""The corrected diagrams reach a bank by `complaintflow deploy processes/`: each changed process becomes a new
version, new complaints take it, and cases already running finish on the version they started on."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed
from engine.services.deploy import read_diagram_dir
from tests.support import scenarios_head_office as ho
from tests.support.actors import ADMIN
from tests.support.engines import PROCESSES

HO_BPMN = "head_office_complaint.bpmn"
UNCONFIRMED = {"archive_confirmed": False, "archive_note": "材料不全"}
CONFIRMED = ('<camunda:formField id="archive_confirmed" label="材料齐全，确认归档" type="boolean">\n'
             '            <camunda:validation><camunda:constraint name="required" />'
             '<camunda:constraint name="min" config="1" />')
UNCONFIRMED_ALLOWED = CONFIRMED.replace('<camunda:constraint name="min" config="1" />', "")


def _earlier_release(tmp_path: Path) -> Path:
    """processes/ as it was before the fix in one respect: an archive left unconfirmed closed the case."""
    target = tmp_path / "earlier"
    shutil.copytree(PROCESSES, target)
    text = (target / HO_BPMN).read_text(encoding="utf-8")
    assert CONFIRMED in text
    (target / HO_BPMN).write_text(text.replace(CONFIRMED, UNCONFIRMED_ALLOWED), encoding="utf-8")
    return target


def _at_archive(engine: Engine) -> ho.HeadOfficeCase:
    case = ho.HeadOfficeCase(engine)
    case.step("Task_Accept", ho.ACCEPTED)
    case.step("Task_Assign", ho.assigned("operations"))
    case.step("Task_Investigate", ho.INVESTIGATED)
    case.step("Task_ReviewProposal", ho.APPROVED)
    case.step("Task_Reply", ho.REPLIED)
    case.step("Task_Revisit", ho.REVISITED)
    return case


def test_deploying_processes_makes_new_versions_and_running_cases_keep_theirs(engine: Engine, tmp_path: Path) -> None:
    engine.deploy.deploy(read_diagram_dir(_earlier_release(tmp_path)), ADMIN)
    running = _at_archive(engine)
    earlier = engine.cases.summary(running.id).definition_version

    result = engine.deploy.deploy(read_diagram_dir(PROCESSES), ADMIN)

    assert [(d.process_key, d.version) for d in result.deployed] == [("head_office_complaint", earlier + 1)]
    assert sorted(result.unchanged) == ["branch_complaint", "card_center_complaint", "complaint_review"]
    fresh = _at_archive(engine)
    assert engine.cases.summary(fresh.id).definition_version == earlier + 1
    with pytest.raises(ValidationFailed):
        fresh.step("Task_Archive", UNCONFIRMED)
    running.step("Task_Archive", UNCONFIRMED)  # the running case finishes on the version it started on
    summary = engine.cases.summary(running.id)
    assert (summary.status.value, summary.definition_version) == ("closed", earlier)
