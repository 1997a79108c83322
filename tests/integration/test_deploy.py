"""Deploying diagrams: versions by content, running cases stay on theirs, bad bundles store nothing."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys

import pytest
from sqlalchemy import select

from engine.domain.errors import DeployRejected, Forbidden
from engine.persistence.tables import ProcessDefinitionRow
from engine.services.deploy import read_diagram_dir
from tests.support import complaints as forms
from tests.support.actors import ADMIN, MANAGER, process_owner
from tests.support.diagrams import BPMN, copy_processes, edit
from tests.support.driver import (
    assert_projection_matches_workflow,
    claim_and_complete,
    open_case,
    task_by_bpmn_id,
)

KEY = "branch_complaint"


def _definition_rows(engine, key=KEY):
    """The stored versions of one process (processes/ holds others too)."""
    with engine.ctx.db.read() as uow:
        rows = uow.session.scalars(select(ProcessDefinitionRow).where(ProcessDefinitionRow.process_key == key)
                                   .order_by(ProcessDefinitionRow.id))
        return [(r.id, r.process_key, r.version, r.content_hash) for r in rows]


def _deploy_events(engine):
    with engine.ctx.db.read() as uow:
        return uow.read.audit_actions("deploy")


@pytest.fixture
def renamed_revisit(tmp_path, repo_root):
    """processes/ with one change: the revisit task has a new name."""
    directory = copy_processes(repo_root / "processes", tmp_path / "v2")
    edit(directory, BPMN, 'name="客户回访"', 'name="客户回访（第二版）"')
    return directory


def test_deploying_identical_content_adds_no_version(engine, repo_root):
    before = _definition_rows(engine)
    assert [(key, version) for _, key, version, _ in before] == [(KEY, 1)]
    events = len(_deploy_events(engine))

    result = engine.deploy.deploy(read_diagram_dir(repo_root / "processes"), ADMIN)

    assert result.deployed == []
    assert result.unchanged == ["branch_complaint", "card_center_complaint", "complaint_review",
                                "head_office_complaint"]
    assert _definition_rows(engine) == before
    assert len(_deploy_events(engine)) == events


def test_a_changed_file_is_version_2_while_running_cases_stay_on_1(engine, renamed_revisit):
    old = open_case(engine)
    claim_and_complete(engine, old.id, "Task_OnSpot", forms.NOT_ON_SPOT)

    result = engine.deploy.deploy(read_diagram_dir(renamed_revisit), process_owner())

    assert [(d.process_key, d.version) for d in result.deployed] == [(KEY, 2)]
    assert [v for _, _, v, _ in _definition_rows(engine)] == [1, 2]
    [event] = [e for e in _deploy_events(engine) if e.data["version"] == 2]
    assert event.actor == "owner"
    listed = {d.version: d.running_cases for d in engine.deploy.definitions(ADMIN) if d.process_key == KEY}
    assert listed == {1: 1, 2: 0}

    new = open_case(engine)
    assert engine.cases.summary(new.id).definition_version == 2
    assert engine.cases.summary(old.id).definition_version == 1

    # The old case carries on, on version 1, to the end.
    for bpmn_id, data in (("Task_Investigate", forms.INVESTIGATED_NO_FAULT), ("Task_Notify", forms.NOTIFIED)):
        claim_and_complete(engine, old.id, bpmn_id, data)
        assert_projection_matches_workflow(engine, old.id)
    assert task_by_bpmn_id(engine, old.id, "Task_Revisit").title == "客户回访"
    claim_and_complete(engine, old.id, "Task_Revisit", forms.REVISITED)
    claim_and_complete(engine, old.id, "Task_Archive", forms.ARCHIVED)
    assert engine.cases.summary(old.id).status.value == "closed"
    assert engine.cases.summary(old.id).definition_version == 1

    # The new case runs version 2.
    claim_and_complete(engine, new.id, "Task_OnSpot", forms.ON_SPOT)
    assert task_by_bpmn_id(engine, new.id, "Task_Revisit").title == "客户回访（第二版）"
    assert_projection_matches_workflow(engine, new.id)


@pytest.fixture
def broken_bundle(tmp_path, repo_root):
    """processes/ with an unknown lane, a condition that does not parse and a missing decision."""
    directory = copy_processes(repo_root / "processes", tmp_path / "broken")
    edit(directory, BPMN, 'name="网点负责人">', 'name="不存在的部门">')
    edit(directory, BPMN, ">approved == True<", ">approved == (True<")
    edit(directory, BPMN, 'camunda:decisionRef="branch_triage"', 'camunda:decisionRef="no_such_decision"')
    return directory


EXPECTED_PROBLEMS = {
    # element id -> a word the message must contain
    "Lane_Head": "不存在的部门",
    "Flow_ApprovedYes": "syntax",
    "Rule_Triage": "no_such_decision",
}


def _assert_lists_each_problem(problems) -> None:
    by_element = {}
    for p in problems:
        by_element.setdefault(p.element, []).append(p)
    for element, word in EXPECTED_PROBLEMS.items():
        assert element in by_element, f"no problem reported for {element}: {problems}"
        for problem in by_element[element]:
            assert problem.file == BPMN
            assert problem.message.strip()
        assert any(word in p.message for p in by_element[element]), by_element[element]


def test_a_broken_bundle_is_rejected_with_every_problem_and_stores_nothing(engine, broken_bundle):
    before = _definition_rows(engine)
    events = len(_deploy_events(engine))

    with pytest.raises(DeployRejected) as caught:
        engine.deploy.deploy(read_diagram_dir(broken_bundle), ADMIN)

    _assert_lists_each_problem(caught.value.problems)
    assert _definition_rows(engine) == before
    assert len(_deploy_events(engine)) == events


@pytest.fixture
def new_variant(tmp_path, repo_root):
    """processes/ with the branch diagram's process renamed: a new process variant, no facts declared yet."""
    directory = copy_processes(repo_root / "processes", tmp_path / "variant")
    path = directory / BPMN
    path.write_text(path.read_text(encoding="utf-8").replace('"branch_complaint"', '"branch_variant"'),
                    encoding="utf-8")
    return directory


def test_a_new_process_without_report_facts_is_refused_naming_the_file(engine, new_variant):
    before = _definition_rows(engine, "branch_variant")

    with pytest.raises(DeployRejected) as caught:
        engine.deploy.deploy(read_diagram_dir(new_variant), ADMIN)

    [problem] = caught.value.problems
    assert (problem.file, problem.element, problem.code) == (BPMN, "branch_variant", "process_facts_missing")
    assert dict(problem.params)["file"].endswith("branch_variant.toml")
    assert "[facts]" in problem.message and "branch_variant.toml" in problem.message
    assert _definition_rows(engine, "branch_variant") == before == []

    (new_variant / "branch_variant.toml").write_text('[facts]\nreplied = ["notify_method"]\n', encoding="utf-8")
    engine.ctx.facts.add_directory(new_variant)
    result = engine.deploy.deploy(read_diagram_dir(new_variant), ADMIN)
    assert [(d.process_key, d.version) for d in result.deployed] == [("branch_variant", 1)]


def test_only_process_owners_and_admins_deploy(engine, renamed_revisit):
    with pytest.raises(Forbidden):
        engine.deploy.deploy(read_diagram_dir(renamed_revisit), MANAGER)
    assert [v for _, _, v, _ in _definition_rows(engine)] == [1]
    with engine.ctx.db.read() as uow:
        denied = uow.read.audit_actions("access_denied")
    assert [(e.actor, e.data["action"]) for e in denied] == [(MANAGER.username, "deploy")]


@functools.cache
def _cli() -> list[str] | None:
    """How to run `complaintflow deploy`, or None when the command does not exist (yet)."""
    exe = shutil.which("complaintflow") or shutil.which("complaintflow", path=os.path.dirname(sys.executable))
    if exe is None:
        return None
    probe = subprocess.run([exe, "deploy", "--help"], capture_output=True, text=True, timeout=60)
    return [exe] if probe.returncode == 0 else None


def test_cli_deploy_of_a_broken_bundle_exits_1_and_prints_each_problem(engine, broken_bundle, db_url,
                                                                        tmp_path, repo_root):
    command = _cli()
    assert command is not None, "`complaintflow deploy DIR` must be installed with the package"
    before = _definition_rows(engine)
    env = dict(os.environ,
               COMPLAINTFLOW_DATABASE_URL=db_url,
               COMPLAINTFLOW_INSTANCE_DIR=str(tmp_path / "cli-instance"),
               COMPLAINTFLOW_PROCESSES_DIR=str(repo_root / "processes"),
               COMPLAINTFLOW_SECRET_KEY="test")

    done = subprocess.run([*command, "deploy", str(broken_bundle)], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)

    assert done.returncode == 1, (done.stdout, done.stderr)
    output = done.stdout + done.stderr
    for element, word in EXPECTED_PROBLEMS.items():
        lines = [line for line in output.splitlines() if element in line]
        assert lines, f"{element} not printed:\n{output}"
        assert all(BPMN in line for line in lines), lines
        assert any(word in line for line in lines), lines
    assert _definition_rows(engine) == before


def test_two_owners_deploying_the_same_change_at_once_make_one_version(engine, renamed_revisit):
    from tests.support.concurrency import race

    files = read_diagram_dir(renamed_revisit)
    outcomes = race({
        "owner_a": lambda: engine.deploy.deploy(files, process_owner("owner_a")),
        "owner_b": lambda: engine.deploy.deploy(files, process_owner("owner_b")),
    })

    for outcome in outcomes.values():
        assert outcome.ok, outcome.error
    results = [o.value for o in outcomes.values()]
    assert sorted(len(r.deployed) for r in results) == [0, 1]
    assert sorted(KEY in r.unchanged for r in results) == [False, True]
    assert [v for _, _, v, _ in _definition_rows(engine)] == [1, 2]
