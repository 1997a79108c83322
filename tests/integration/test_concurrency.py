"""Two people (or two browser tabs) acting on one task at once: one wins, the other is told, nothing is lost.

PostgreSQL is where this matters (several web and worker processes); SQLite runs the same races and
must hold too.
"""

from __future__ import annotations

import pytest

from engine.domain.errors import ConcurrentUpdate, Conflict
from tests.support import complaints as forms
from tests.support.actors import MANAGER, staff
from tests.support.concurrency import race
from tests.support.driver import (
    all_tasks,
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    task_by_bpmn_id,
)
from tests.support.engines import at, clock_of, make_engine

ROUNDS = 3
COLLEAGUE = staff("manager_liu", "branch_manager")
LOSING = (Conflict, ConcurrentUpdate)


def _claimed_investigation(engine):
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    engine.tasks.claim(task.id, MANAGER)
    return task


def _completions(engine, task):
    return [e for e in audit_actions(engine, task.case_id, "complete") if e.task_id == task.id]


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_two_completions_of_one_task_one_wins(engine, round_no):
    task = _claimed_investigation(engine)
    data_a = dict(forms.INVESTIGATED_NO_FAULT, resolution="tab A")
    data_b = dict(forms.INVESTIGATED_NO_FAULT, resolution="tab B")

    outcomes = race({
        "a": lambda: engine.tasks.complete(task.id, data_a, MANAGER),
        "b": lambda: engine.tasks.complete(task.id, data_b, MANAGER),
    })

    winners = [o for o in outcomes.values() if o.ok]
    losers = [o for o in outcomes.values() if not o.ok]
    assert len(winners) == 1, outcomes
    assert isinstance(losers[0].error, LOSING), repr(losers[0].error)
    assert MANAGER.username in str(losers[0].error)  # "already completed by manager_wang"
    [done] = _completions(engine, task)
    assert done.data["data"]["resolution"] == ("tab A" if winners[0].name == "a" else "tab B")
    assert engine.cases.process_data(task.case_id)["resolution"] == done.data["data"]["resolution"]
    assert [t.bpmn_id for t in all_tasks(engine, task.case_id) if t.status.value == "ready"] == ["Task_Notify"]
    assert_projection_matches_workflow(engine, task.case_id)


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_completion_racing_an_unclaim_and_reclaim(engine, round_no):
    """The holder completes while (in another tab) giving the task back, and a colleague grabs it."""
    task = _claimed_investigation(engine)

    def give_back_and_reclaim():
        engine.tasks.unclaim(task.id, MANAGER)
        return engine.tasks.claim(task.id, COLLEAGUE)

    outcomes = race({
        "complete": lambda: engine.tasks.complete(task.id, forms.INVESTIGATED_NO_FAULT, MANAGER),
        "handover": give_back_and_reclaim,
    })

    row = next(t for t in all_tasks(engine, task.case_id) if t.id == task.id)
    completed = outcomes["complete"].ok
    handed_over = outcomes["handover"].ok
    assert completed != handed_over, (
        f"both succeeded: the colleague was told the task is theirs (claim returned "
        f"{outcomes['handover'].value}) but it was completed by {row.completed_by}; row now {row}"
        if completed else f"neither succeeded: {outcomes}"
    )
    if completed:
        assert isinstance(outcomes["handover"].error, LOSING)
        assert row.status.value == "completed" and row.completed_by == MANAGER.username
        assert len(_completions(engine, task)) == 1
    else:
        assert isinstance(outcomes["complete"].error, LOSING)
        assert row.status.value == "claimed" and row.assignee == COLLEAGUE.username
        assert _completions(engine, task) == []
    assert_projection_matches_workflow(engine, task.case_id)


@pytest.mark.parametrize("round_no", range(ROUNDS))
def test_two_claims_one_wins(engine, round_no):
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")

    outcomes = race({
        MANAGER.username: lambda: engine.tasks.claim(task.id, MANAGER),
        COLLEAGUE.username: lambda: engine.tasks.claim(task.id, COLLEAGUE),
    })

    winners = [name for name, o in outcomes.items() if o.ok]
    assert len(winners) == 1, outcomes
    loser = next(o for o in outcomes.values() if not o.ok)
    assert isinstance(loser.error, Conflict)
    assert winners[0] in str(loser.error)
    assert task_by_bpmn_id(engine, case.id, "Task_Investigate").assignee == winners[0]


HANDOVER_GRACE = 0.5  # seconds the completion waits for the handover (which must block, if locking works)


def _completion_lets_others_in(engine, monkeypatch):
    """Inside complete() (checks done, workflow about to run, nothing committed yet), announce it and
    give a racing call up to HANDOVER_GRACE seconds to finish before carrying on."""
    import threading

    inside, others_done = threading.Event(), threading.Event()
    real_complete = engine.ctx.runtime.complete

    def announcing_complete(*args, **kwargs):
        inside.set()
        others_done.wait(HANDOVER_GRACE)  # a correct engine blocks the other call: this times out
        return real_complete(*args, **kwargs)

    monkeypatch.setattr(engine.ctx.runtime, "complete", announcing_complete)
    return inside, others_done


def test_unclaim_while_the_holder_is_completing_is_refused(engine, monkeypatch):
    """Deterministic interleaving of the race above: the handover runs inside the completion."""
    task = _claimed_investigation(engine)
    inside, others_done = _completion_lets_others_in(engine, monkeypatch)

    def handover_during_completion():
        assert inside.wait(10)
        try:
            engine.tasks.unclaim(task.id, MANAGER)
            return engine.tasks.claim(task.id, COLLEAGUE)
        finally:
            others_done.set()

    outcomes = race({
        "complete": lambda: engine.tasks.complete(task.id, forms.INVESTIGATED_NO_FAULT, MANAGER),
        "handover": handover_during_completion,
    })

    row = next(t for t in all_tasks(engine, task.case_id) if t.id == task.id)
    assert outcomes["complete"].ok, outcomes["complete"].error
    assert isinstance(outcomes["handover"].error, LOSING), (
        f"the handover succeeded although the task was being completed; the colleague was told "
        f"it is theirs, but the row is now {row.status.value}, assignee={row.assignee}, "
        f"completed_by={row.completed_by}"
    )
    assert row.status.value == "completed" and row.completed_by == MANAGER.username


def test_two_workers_sweeping_at_once_fire_each_timer_once(engine, db_url, tmp_path):
    """Two worker processes (two engines, one database) sweep the same due timers at the same moment."""
    cases = []
    for _ in range(6):
        case = open_case(engine)
        claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
        cases.append(case)
    monday = at(2024, 9, 30, 10, 30)  # every Task_Investigate is chased at 10:00
    other = make_engine(db_url, tmp_path / "worker-2", monday, worker_name="worker-2")
    try:
        clock_of(engine).set(monday)
        outcomes = race({"worker-1": engine.timers.sweep, "worker-2": other.timers.sweep})
    finally:
        other.dispose()

    for outcome in outcomes.values():
        assert outcome.ok, outcome.error
        assert outcome.value.failed == []
    assert sum(o.value.fired_cases for o in outcomes.values()) == len(cases)
    for case in cases:
        assert len(audit_actions(engine, case.id, "auto_chase")) == 1
        assert task_by_bpmn_id(engine, case.id, "Task_Investigate").chase_count == 1
        assert_projection_matches_workflow(engine, case.id)
