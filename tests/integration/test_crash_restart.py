"""A worker process SIGKILLed mid-case: after restart, state and projections agree and the case carries on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest

from tests.support import complaints as forms
from tests.support.actors import MANAGER
from tests.support.driver import (
    all_tasks,
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    open_tasks,
    task_by_bpmn_id,
)
from tests.support.engines import REPO_ROOT, clock_of, make_engine


def _run_child_until(marker: str, args: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT),
                                                                     os.environ.get("PYTHONPATH")])))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.crash_child", *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=REPO_ROOT, env=env,
    )
    seen = []
    while True:
        line = child.stdout.readline()
        if not line:
            child.kill()
            _, err = child.communicate(timeout=30)
            pytest.fail(f"child ended before {marker!r}; output {seen}\n{err}")
        seen.append(line.strip())
        if line.strip() == marker:
            return child


def _kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    child.stdin.close()
    child.stdout.close()
    child.stderr.close()


@pytest.fixture
def case_in_investigation(engine):
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    engine.tasks.claim(task.id, MANAGER)
    clock_of(engine).advance(timedelta(hours=2))
    return case


@pytest.mark.parametrize("mode", ["between", "in_commit"])
def test_killed_worker_leaves_a_consistent_case(engine, case_in_investigation, db_url, tmp_path, mode):
    case = case_in_investigation
    now = clock_of(engine).now()
    child = _run_child_until(
        "WAITING" if mode == "between" else "COMMITTING",
        [db_url, str(tmp_path), str(case.id), "Task_Investigate", now.isoformat(), mode],
    )
    _kill(child)
    engine.dispose()

    restarted = make_engine(db_url, tmp_path, now + timedelta(minutes=5))
    try:
        restarted.init_db()  # what a restarting process does; must be a no-op
        assert_projection_matches_workflow(restarted, case.id)
        assert [t.bpmn_id for t in open_tasks(restarted, case.id)] == ["Task_Approve"]
        completions = [e.data["task"] for e in audit_actions(restarted, case.id, "complete")]
        assert completions == ["Task_OnSpot", "Task_Investigate"]  # the killed completion left nothing
        approve = task_by_bpmn_id(restarted, case.id, "Task_Approve")
        assert approve.status.value == ("claimed" if mode == "in_commit" else "ready")
        summary = restarted.cases.summary(case.id)
        assert summary.version == 3  # opened, OnSpot, Investigate

        # and the case carries on to the end on the restarted engine
        if approve.status.value == "claimed":
            restarted.tasks.unclaim(approve.id, _holder(approve))
        for bpmn_id, data in (("Task_Approve", forms.APPROVED), ("Task_Notify", forms.NOTIFIED),
                              ("Task_Revisit", forms.REVISITED), ("Task_Archive", forms.ARCHIVED)):
            claim_and_complete(restarted, case.id, bpmn_id, data)
            assert_projection_matches_workflow(restarted, case.id)
        assert restarted.cases.summary(case.id).status.value == "closed"
        assert len([t for t in all_tasks(restarted, case.id) if t.status.value == "completed"]) == 6
    finally:
        restarted.dispose()


def _holder(task):
    from tests.support.actors import worker_for

    actor = worker_for(task.department)
    assert actor.username == task.assignee
    return actor
