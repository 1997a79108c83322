"""Supervision by rule, applied by the worker after each sweep (DOMAIN.md "Chase and supervision"):
the regulatory clock at day 10 of 15, a second chase unanswered, an important/urgent case with no
progress for a working day. Each case is supervised once, with a notice to each department holding
an open task, and stays on the supervision list until closed.

Received Friday 2024-09-27 10:00: regulatory due 2024-10-12 10:00, day 10 = 2024-10-07 10:00.
One working day after 2024-09-27 11:00 is Sunday 2024-09-29 11:00 (a swapped working day).
The complaints investigated here are complex: their reply is due 5 working days after receipt (2024-10-10 10:00),
so the investigation's own chase (from 10-09) and supervise timers stay quiet while the rules are at work; a
general complaint's 1-working-day limit would chase it at once and supervise it on 09-29 by its deadline.
"""

from __future__ import annotations

from datetime import timedelta

from engine.domain.supervision import SupervisionThresholds
from engine.scheduler import sweep_once
from engine.services.oversight.supervision import SupervisionService
from tests.support import complaints as forms
from tests.support.actors import HEAD_OFFICE, supervisor
from tests.support.driver import audit_actions, claim_and_complete, open_case, task_by_bpmn_id
from tests.support.engines import at, clock_of

SUPERVISOR = supervisor("sup_lin", "complaint_mgmt", "branch_manager")


def _sweep_at(engine, moment):
    clock_of(engine).set(moment)
    result = sweep_once(engine)
    assert result["failed"] == []
    return result["supervised_by_rule"]


def _rules(engine, case_id):
    return [(e.data["rule"], e.data["department"]) for e in audit_actions(engine, case_id, "supervision")]


def _investigating(engine, **fields):
    case = open_case(engine, **{"is_complex": True, **fields})
    clock_of(engine).advance(timedelta(hours=1))
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    return case


def test_regulatory_clock_at_day_10_of_15(engine):
    # Replied at once; the revisit (due 2024-10-08 10:00, after the holiday) is not overdue at day 10,
    # so no supervise timer of the task has put the case on the list before the rule.
    case = _investigating(engine)
    claim_and_complete(engine, case.id, "Task_Investigate", forms.INVESTIGATED_NO_FAULT)
    claim_and_complete(engine, case.id, "Task_Notify", forms.NOTIFIED)
    assert _sweep_at(engine, at(2024, 10, 7, 9, 59)) == 0
    assert not engine.cases.summary(case.id).supervised
    assert _sweep_at(engine, at(2024, 10, 7, 10, 0)) == 1
    assert _rules(engine, case.id) == [("regulatory_clock", "branch_manager")]
    assert engine.cases.summary(case.id).supervised
    assert [c.id for c in engine.supervision.supervision_list(HEAD_OFFICE)] == [case.id]
    assert _sweep_at(engine, at(2024, 10, 7, 11)) == 0  # once per case
    assert len(_rules(engine, case.id)) == 1


def test_second_chase_unanswered(engine):
    case = _investigating(engine)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    engine.notices.chase(task.id, "请尽快调查", SUPERVISOR)
    assert _sweep_at(engine, at(2024, 9, 27, 13)) == 0
    clock_of(engine).set(at(2024, 9, 27, 14, 30))
    engine.notices.chase(task.id, "仍未处理，再次催办", SUPERVISOR)
    assert _sweep_at(engine, at(2024, 9, 27, 14, 31)) == 1
    assert _rules(engine, case.id) == [("second_chase_unanswered", "branch_manager")]


def test_important_case_without_progress_for_a_working_day(engine):
    # progress: OnSpot completed 2024-09-27 11:00; the task itself is due five working days after
    # receipt (a complex complaint, 2024-10-10 10:00), so it is the rule, not the task's deadline, that supervises it.
    case = _investigating(engine, grade="important")
    assert _sweep_at(engine, at(2024, 9, 28, 12)) == 0  # Saturday is not a working day
    assert _sweep_at(engine, at(2024, 9, 29, 10, 59)) == 0
    assert _sweep_at(engine, at(2024, 9, 29, 11, 0)) == 1  # Sunday 09-29 is a swapped working day
    assert _rules(engine, case.id) == [("no_progress", "branch_manager")]


def test_general_case_without_progress_is_not_supervised_by_rule(engine):
    case = _investigating(engine, grade="general")
    assert _sweep_at(engine, at(2024, 9, 30, 9)) == 0
    assert _rules(engine, case.id) == []
    assert not engine.cases.summary(case.id).supervised


def test_closed_cases_are_left_alone(engine):
    case = open_case(engine)
    clock_of(engine).advance(timedelta(hours=1))
    for bpmn_id, data in (("Task_OnSpot", forms.ON_SPOT), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        claim_and_complete(engine, case.id, bpmn_id, data)
    assert _sweep_at(engine, at(2024, 10, 11, 10)) == 0
    assert _rules(engine, case.id) == []


def test_the_thresholds_reach_the_candidate_query_and_the_rules(engine):
    """Changing a threshold in engine/domain/supervision.py is the only edit: the query takes it too."""
    case = _investigating(engine)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    engine.notices.chase(task.id, "请尽快调查", SUPERVISOR)
    clock_of(engine).set(at(2024, 9, 27, 13))
    assert engine.supervision.apply_rules() == 0  # one chase: the default wants a second
    assert SupervisionService(engine.ctx, SupervisionThresholds(unanswered_chases=1)).apply_rules() == 1
    assert _rules(engine, case.id) == [("second_chase_unanswered", "branch_manager")]
