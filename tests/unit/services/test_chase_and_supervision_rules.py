"""Manual chase and supervision by rule on the in-memory unit of work (no database): who may chase, how
often, what a chase and a supervision leave behind, and which rule supervises which case when.
tests/integration/test_supervision_rules.py runs the rules through the worker on SQLite and PostgreSQL,
where the candidate query's SQL decides which cases the rules see.

Received Friday 2024-09-27 10:00: regulatory due 2024-10-12 10:00, day 10 of 15 = 2024-10-07 10:00; one
working day after 2024-09-27 11:00 is Sunday 2024-09-29 11:00 (a swapped working day).
The investigated complaints are complex (reply due 5 working days after receipt, 2024-10-10 10:00), so the task's
own chase (from 10-09) and supervise timers stay quiet: a general complaint, due in 1 working day, is chased at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import NoticeKind
from tests.support import complaints as forms
from tests.support.actors import MANAGER, staff, supervisor
from tests.support.driver import audit_actions, claim_and_complete, open_case, task_by_bpmn_id
from tests.support.engines import at, clock_of

SUPERVISOR = supervisor("sup_lin", "complaint_mgmt", "branch_manager")
BUSINESS_GROUP = staff("cs_zhang", "cs_business_group")  # chases, but only tasks it can see


def _investigating(engine, **fields):
    """A complex case whose investigation (Task_Investigate, branch_manager) waits, progress at 11:00."""
    case = open_case(engine, **{"is_complex": True, **fields})
    clock_of(engine).advance(timedelta(hours=1))
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    return case, task_by_bpmn_id(engine, case.id, "Task_Investigate")


def _rules_at(engine, moment):
    clock_of(engine).set(moment)
    return engine.supervision.apply_rules()


def _supervisions(engine, case_id):
    return [(e.data["rule"], e.data["department"]) for e in audit_actions(engine, case_id, "supervision")]


def test_a_chase_notifies_the_department_and_the_assignee(fake_engine, store):
    case, task = _investigating(fake_engine)
    fake_engine.tasks.claim(task.id, MANAGER)
    notice = fake_engine.notices.chase(task.id, " 请尽快调查 ", SUPERVISOR)
    assert (notice.kind, notice.department, notice.addressee) == (NoticeKind.CHASE, "branch_manager", "manager_wang")
    assert (notice.sender, notice.reason) == (SUPERVISOR.username, "请尽快调查")
    assert store.tasks[task.id].chase_count == 1
    [event] = audit_actions(fake_engine, case.id, "chase")
    assert event.data == {"reason": "请尽快调查", "department": "branch_manager", "addressee": "manager_wang"}


def test_one_manual_chase_per_interval(fake_engine, store):
    _, task = _investigating(fake_engine)
    fake_engine.notices.chase(task.id, "请尽快调查", SUPERVISOR)
    clock_of(fake_engine).advance(timedelta(minutes=59))
    with pytest.raises(Conflict):
        fake_engine.notices.chase(task.id, "再催", SUPERVISOR)
    clock_of(fake_engine).advance(timedelta(minutes=1))
    fake_engine.notices.chase(task.id, "再催", SUPERVISOR)
    assert store.tasks[task.id].chase_count == 2


def test_who_may_chase(fake_engine, store):
    case, task = _investigating(fake_engine)
    with pytest.raises(Forbidden) as caught:
        fake_engine.notices.chase(task.id, "请尽快调查", MANAGER)  # staff see the task but do not chase
    assert caught.value.audited
    with pytest.raises(NotFound):
        fake_engine.notices.chase(task.id, "请尽快调查", BUSINESS_GROUP)  # another department's task looks missing
    denied = [(e.actor, e.data["action"]) for e in audit_actions(fake_engine, case.id, "access_denied")]
    assert denied == [(MANAGER.username, "chase"), (BUSINESS_GROUP.username, "chase")]
    with pytest.raises(ValidationFailed):
        fake_engine.notices.chase(task.id, "  ", SUPERVISOR)
    assert store.notices == [] and store.tasks[task.id].chase_count == 0


def test_a_finished_task_is_not_chased(fake_engine):
    case = open_case(fake_engine)
    task = task_by_bpmn_id(fake_engine, case.id, "Task_OnSpot")
    claim_and_complete(fake_engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    with pytest.raises(Conflict, match="no longer open"):
        fake_engine.notices.chase(task.id, "请尽快", supervisor("sup_wu", "branch_front"))


def test_regulatory_clock_at_day_10_of_15_once_per_case(fake_engine, store):
    case = open_case(fake_engine)
    assert _rules_at(fake_engine, at(2024, 10, 7, 9, 59)) == 0
    assert _rules_at(fake_engine, at(2024, 10, 7, 10, 0)) == 1
    assert _supervisions(fake_engine, case.id) == [("regulatory_clock", "branch_front")]
    [(notice, _email)] = store.notices
    assert (notice.kind, notice.department, notice.sender) == (NoticeKind.SUPERVISION, "branch_front", "system")
    assert "2024-10-12" in notice.reason
    assert fake_engine.cases.summary(case.id).supervised
    assert _rules_at(fake_engine, at(2024, 10, 7, 11)) == 0


def test_second_chase_unanswered(fake_engine):
    case, task = _investigating(fake_engine)
    fake_engine.notices.chase(task.id, "请尽快调查", SUPERVISOR)
    assert _rules_at(fake_engine, at(2024, 9, 27, 13)) == 0
    clock_of(fake_engine).set(at(2024, 9, 27, 14, 30))
    fake_engine.notices.chase(task.id, "仍未处理，再次催办", SUPERVISOR)
    assert _rules_at(fake_engine, at(2024, 9, 27, 14, 31)) == 1
    assert _supervisions(fake_engine, case.id) == [("second_chase_unanswered", "branch_manager")]


@pytest.mark.parametrize(("grade", "supervised"), [("important", 1), ("urgent", 0), ("general", 0)])
def test_no_progress_for_a_working_day_supervises_important_cases(fake_engine, grade, supervised):
    """Urgent cases are on the supervision list from intake (tests/oversight/test_urgent.py): no rule adds them."""
    case, _ = _investigating(fake_engine, grade=grade)
    assert _rules_at(fake_engine, at(2024, 9, 28, 12)) == 0  # Saturday is not a working day
    assert _rules_at(fake_engine, at(2024, 9, 29, 10, 59)) == 0
    assert _rules_at(fake_engine, at(2024, 9, 29, 11, 0)) == supervised  # Sunday 09-29 is a working day
    assert _supervisions(fake_engine, case.id) == [("no_progress", "branch_manager")] * supervised


def test_closed_cases_are_left_alone(fake_engine):
    case = open_case(fake_engine)
    clock_of(fake_engine).advance(timedelta(hours=1))
    for bpmn_id, data in (("Task_OnSpot", forms.ON_SPOT), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        claim_and_complete(fake_engine, case.id, bpmn_id, data)
    assert _rules_at(fake_engine, at(2024, 10, 11, 10)) == 0
    assert _supervisions(fake_engine, case.id) == []
