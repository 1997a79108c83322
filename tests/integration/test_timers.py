"""Chase and supervision timers over National Day 2024 (issue acceptance), driven by the sweep and a FixedClock.

Friday 2024-09-27 10:00: grade general -> 1 working day -> due Sunday 2024-09-29 10:00 (a swapped working day);
regulatory due 2024-10-12. Chase one working day before due (Friday 09-27 10:00, already past when the task opens
at 10:05, so at once), then daily on working days: not on Saturday 09-28 nor in the National Day week
(10-01..10-07 off), again on Saturday 2024-10-12 (a swapped working day); supervision when the due time passes.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.support import complaints as forms
from tests.support.actors import HEAD_OFFICE, MANAGER, supervisor
from tests.support.driver import (
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    restored,
    stored_timers,
    task_by_bpmn_id,
)
from tests.support.engines import at, clock_of

HOLIDAYS = [date(2024, 10, d) for d in range(1, 8)]
DUE = at(2024, 9, 29, 10)
EXPECTED_CHASE_DAYS = [date(2024, 9, 27), date(2024, 9, 29), date(2024, 9, 30), date(2024, 10, 8), date(2024, 10, 9),
                       date(2024, 10, 10), date(2024, 10, 11), date(2024, 10, 12)]


def _days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _notices(engine, case_id):
    with engine.ctx.db.read() as uow:
        return sorted(uow.read.notices(case_id=case_id), key=lambda n: n.id)


def _china_day(moment):
    return moment.astimezone(at(2024, 1, 1).tzinfo).date()


@pytest.fixture
def investigating(engine):
    """A general complaint received Friday 2024-09-27 10:00, waiting in Task_Investigate."""
    case = open_case(engine, received_at="2024-09-27T10:00:00+08:00", grade="general")
    clock_of(engine).set(at(2024, 9, 27, 10, 5))
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    return case, task_by_bpmn_id(engine, case.id, "Task_Investigate")


def _sweep_at(engine, moment):
    clock_of(engine).set(moment)
    result = engine.timers.sweep()
    assert result.failed == []
    return result


def test_deadlines_of_the_acceptance_example(engine, investigating):
    case, task = investigating
    summary = engine.cases.summary(case.id)
    assert summary.internal_due_at == DUE
    assert summary.regulatory_due_at == at(2024, 10, 12, 10)
    assert task.due_at == DUE
    armed = {(bpmn_id, kind, fire_at) for _, bpmn_id, kind, fire_at in stored_timers(engine, case.id)}
    assert armed == {  # the chase went off at once (09-27 10:00 had passed); next on the next day, a Saturday
        ("Chase_Task_Investigate", "chase", at(2024, 9, 28, 10)),
        ("Supervise_Task_Investigate", "supervise", DUE),
    }
    assert [_china_day(n.created_at) for n in _notices(engine, case.id)] == [date(2024, 9, 27)]


def test_chase_before_due_none_on_holidays_daily_after_and_supervision_at_due(engine, investigating):
    case, task = investigating
    chase_days = [_china_day(n.created_at) for n in _notices(engine, case.id)]  # the chase when the task opened
    for day in _days(date(2024, 9, 27), date(2024, 10, 13)):
        if day == date(2024, 9, 29):
            _sweep_at(engine, at(2024, 9, 29, 9, 59))  # due at 10:00: not yet overdue
            assert not engine.cases.summary(case.id).supervised
            assert [n for n in _notices(engine, case.id) if n.kind.value == "supervision"] == []
        if day == date(2024, 10, 9):
            engine.tasks.claim(task.id, MANAGER)  # later chases go to the holder as well
        before = len(_notices(engine, case.id))
        _sweep_at(engine, at(day.year, day.month, day.day, 10, 30))
        new = _notices(engine, case.id)[before:]
        chase_days += [day for n in new if n.kind.value == "chase"]
        supervised = engine.cases.summary(case.id).supervised
        assert supervised == (day >= date(2024, 9, 29)), day
        assert_projection_matches_workflow(engine, case.id)
        assert task_by_bpmn_id(engine, case.id, "Task_Investigate").chase_count == len(chase_days), day

    assert chase_days == EXPECTED_CHASE_DAYS
    assert not set(chase_days) & set(HOLIDAYS)

    notices = _notices(engine, case.id)
    [supervision] = [n for n in notices if n.kind.value == "supervision"]
    assert _china_day(supervision.created_at) == date(2024, 9, 29)
    assert supervision.created_at >= DUE
    assert supervision.department == "branch_manager" and supervision.task_id == task.id
    chases = [n for n in notices if n.kind.value == "chase"]
    assert all(n.department == "branch_manager" and n.sender == "system" for n in chases)
    assert [n.addressee for n in chases if _china_day(n.created_at) >= date(2024, 10, 9)] == \
        [MANAGER.username] * 4
    assert len(audit_actions(engine, case.id, "auto_chase")) == len(EXPECTED_CHASE_DAYS)
    assert len(audit_actions(engine, case.id, "supervision")) == 1
    assert [c.id for c in engine.supervision.supervision_list(HEAD_OFFICE)] == [case.id]


def test_a_sweep_that_misses_days_sends_one_chase_not_a_backlog(engine, investigating):
    case, task = investigating
    assert task.chase_count == 1  # the chase when the task opened (Friday 09-27)
    _sweep_at(engine, at(2024, 10, 9, 10, 30))  # worker was down since Friday
    _sweep_at(engine, at(2024, 10, 9, 10, 31))
    _sweep_at(engine, at(2024, 10, 9, 10, 32))
    chases = [n for n in _notices(engine, case.id) if n.kind.value == "chase"]
    assert [_china_day(n.created_at) for n in chases] == [date(2024, 9, 27), date(2024, 10, 9)]
    assert task_by_bpmn_id(engine, case.id, "Task_Investigate").chase_count == 2
    assert engine.cases.summary(case.id).supervised
    assert_projection_matches_workflow(engine, case.id)


def test_completing_the_task_disarms_its_timers(engine, investigating):
    case, task = investigating
    clock_of(engine).set(at(2024, 9, 28, 9))
    engine.tasks.claim(task.id, MANAGER)
    engine.tasks.complete(task.id, forms.INVESTIGATED_NO_FAULT, MANAGER)
    assert {bpmn for _, bpmn, _, _ in stored_timers(engine, case.id)} == {
        "Chase_Task_Notify", "Supervise_Task_Notify"}
    _sweep_at(engine, at(2024, 9, 29, 10, 30))  # Notify is due 09-29 as well: chased that (working) Sunday
    _sweep_at(engine, at(2024, 9, 30, 10, 30))
    chases = [n for n in _notices(engine, case.id) if n.kind.value == "chase"]
    notify = task_by_bpmn_id(engine, case.id, "Task_Notify").id
    assert [(n.task_id, _china_day(n.created_at)) for n in chases] == [
        (task.id, date(2024, 9, 27)), (notify, date(2024, 9, 29)), (notify, date(2024, 9, 30))]


def test_manual_chase_by_a_supervisor_counts_too(engine, investigating):
    case, task = investigating
    boss = supervisor("boss_qian", "branch_manager")
    assert task.chase_count == 1  # the automatic chase when the task opened
    engine.notices.chase(task.id, "请今日回复客户", boss)
    assert task_by_bpmn_id(engine, case.id, "Task_Investigate").chase_count == 2
    [event] = audit_actions(engine, case.id, "chase")
    assert event.actor == boss.username
    assert [n.sender for n in _notices(engine, case.id)] == ["system", boss.username]


def test_state_of_a_task_chased_30_times_stays_within_2_kb_of_once_chased(engine, investigating):
    case, task = investigating
    first = date(2024, 9, 30)
    sizes = []
    for day in _days(first, first + timedelta(days=29)):
        _sweep_at(engine, at(day.year, day.month, day.day, 10, 30))
        sizes.append(len(restored(engine, case.id).state))
    fires = len(audit_actions(engine, case.id, "auto_chase"))
    assert fires >= 15  # working days only get notices; the timer itself fires every day
    assert sizes[-1] - sizes[0] <= 2048, f"once chased: {sizes[0]} bytes, 30 times: {sizes[-1]} bytes"
    # and the case still works after all that
    engine.tasks.claim(task.id, MANAGER)
    engine.tasks.complete(task.id, forms.INVESTIGATED_NO_FAULT, MANAGER)
    assert_projection_matches_workflow(engine, case.id)
