"""A case whose stored state is corrupt must not stop the sweep; it is retried with backoff, then kept failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.persistence.tables import CaseRow, TimerRow
from tests.support import complaints as forms
from tests.support.driver import (
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    task_by_bpmn_id,
)
from tests.support.engines import at, clock_of, sql_engine_of

GARBAGE = '{"this is": "not a workflow"'


def _in_investigation(engine):
    case = open_case(engine, is_complex=True)  # reply due 2024-10-10 10:00: chased from 10-09 10:00
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    return case


def _corrupt(engine, case_id):
    with sql_engine_of(engine).begin() as conn:
        conn.execute(update(CaseRow).where(CaseRow.id == case_id).values(state=GARBAGE))


def _timer_rows(engine, case_id):
    with sql_engine_of(engine).connect() as conn:
        rows = conn.execute(select(TimerRow).where(TimerRow.case_id == case_id)
                            .order_by(TimerRow.bpmn_id)).mappings().all()
        return [dict(r) for r in rows]


def _chases(engine, case_id):
    with engine.ctx.db.read() as uow:
        return [n for n in uow.read.notices(case_id=case_id) if n.kind.value == "chase"]


@pytest.fixture
def three_cases(engine):
    """Three complex cases in investigation, all chased on Wednesday 2024-10-09 10:00; the middle one is corrupt."""
    cases = [_in_investigation(engine) for _ in range(3)]
    _corrupt(engine, cases[1].id)
    return cases


def test_a_corrupt_case_does_not_stop_the_others(engine, three_cases):
    good_a, broken, good_b = three_cases
    clock_of(engine).set(at(2024, 10, 9, 10, 30))

    result = engine.timers.sweep()

    assert result.fired_cases == 2
    assert len(result.failed) == 1 and f"case {broken.id}" in result.failed[0]
    for good in (good_a, good_b):
        assert len(_chases(engine, good.id)) == 1
        assert task_by_bpmn_id(engine, good.id, "Task_Investigate").chase_count == 1
        assert_projection_matches_workflow(engine, good.id)
    assert _chases(engine, broken.id) == []
    [failed] = [t for t in _timer_rows(engine, broken.id) if t["bpmn_id"] == "Chase_Task_Investigate"]
    assert failed["attempts"] == 1
    assert failed["status"] == "armed"
    assert failed["last_error"]
    assert failed["fire_at"] == at(2024, 10, 9, 10, 31)  # retry after timer_retry_base_seconds (60 s)
    [event] = audit_actions(engine, broken.id, "timer_failed")
    assert event.data["attempt"] == 1 and event.data["gave_up"] is False


def test_retries_back_off_and_end_as_failed_with_the_last_error(engine, three_cases):
    _, broken, _ = three_cases
    max_attempts = engine.ctx.settings.timer_max_attempts
    base = engine.ctx.settings.timer_retry_base_seconds
    now = at(2024, 10, 9, 10, 30)
    clock_of(engine).set(now)
    engine.timers.sweep()

    for attempt in range(2, max_attempts + 1):
        [row] = [t for t in _timer_rows(engine, broken.id) if t["bpmn_id"] == "Chase_Task_Investigate"]
        wait = timedelta(seconds=base * 2 ** (attempt - 2))
        assert row["fire_at"] == now + wait, f"attempt {attempt}: backoff should be {wait}"
        clock_of(engine).set(now + wait - timedelta(seconds=1))
        assert engine.timers.sweep().failed == []  # not due yet: backing off
        now = now + wait + timedelta(seconds=1)
        clock_of(engine).set(now)
        result = engine.timers.sweep()
        assert len(result.failed) == 1, attempt

    [row] = [t for t in _timer_rows(engine, broken.id) if t["bpmn_id"] == "Chase_Task_Investigate"]
    assert row["status"] == "failed"
    assert row["attempts"] == max_attempts
    assert row["last_error"]
    with engine.ctx.db.read() as uow:
        failed = uow.read.failed_timers()
    assert [(f["case_id"], f["bpmn_id"], f["attempts"]) for f in failed] == [
        (broken.id, "Chase_Task_Investigate", max_attempts)]
    events = audit_actions(engine, broken.id, "timer_failed")
    assert [e.data["attempt"] for e in events] == list(range(1, max_attempts + 1))
    assert [e.data["gave_up"] for e in events] == [False] * (max_attempts - 1) + [True]

    # given up: later sweeps leave it alone and keep serving the others
    clock_of(engine).set(now + timedelta(hours=12))  # before the investigation is due (10-10 10:00)
    result = engine.timers.sweep()
    assert result.failed == []
    assert [t["status"] for t in _timer_rows(engine, broken.id)
            if t["bpmn_id"] == "Chase_Task_Investigate"] == ["failed"]
