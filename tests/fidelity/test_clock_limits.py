"""Time limits as the procedures set them (processes/sla.toml): a complex complaint is answered within 5
working days, and never any after 7: the case ceiling, which no task before the reply is due after.

Before, a complex head-office case had its reply due 8.99 working days after receipt, and a card-centre
case climbing all four tiers had its reply due after 9.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support import scenarios_card_center as card
from tests.support import scenarios_head_office as ho
from tests.support.complaints import INVESTIGATED_NO_FAULT, NOT_ON_SPOT, NOTIFIED
from tests.support.driver import claim_and_complete, open_case, open_tasks, task_by_bpmn_id
from tests.support.engines import clock_of


def _workdays_after_receipt(engine, case_id, moment):
    return engine.ctx.calendar.workdays_between(engine.cases.summary(case_id).received_at, moment)


def _case_data(engine, case_id):
    with engine.ctx.db.read() as uow:
        return uow.read.case_elements(case_id)[2]


def _complete_at_the_last_moment(engine, case_id, bpmn_id, data):
    """Work the task an hour before it is due (as late as allowed), so the next step starts late too."""
    task = task_by_bpmn_id(engine, case_id, bpmn_id)
    clock_of(engine).set(task.due_at - timedelta(hours=1))
    claim_and_complete(engine, case_id, bpmn_id, data)


@pytest.mark.parametrize(("is_complex", "target"), [(False, 3), (True, 5)])
def test_reply_target_and_the_seven_day_ceiling(engine, is_complex, target):
    clock_of(engine).set(ho.START)
    case_id = open_case(engine, ho.CS_AGENT, **ho.COMPLAINT, is_complex=is_complex).id
    data = _case_data(engine, case_id)
    received = engine.cases.summary(case_id).received_at
    assert data["internal_due"] == engine.ctx.calendar.add_workdays(received, target).isoformat()
    assert data["internal_ceiling"] == engine.ctx.calendar.add_workdays(received, 7).isoformat()


def _head_office_to_reply(engine, is_complex):
    clock_of(engine).set(ho.START)
    case_id = open_case(engine, ho.CS_AGENT, **ho.COMPLAINT, is_complex=is_complex).id
    steps = [("Task_Accept", ho.ACCEPTED), ("Task_Assign", ho.assigned("operations")),
             ("Task_Investigate", ho.INVESTIGATED), ("Task_ReviewProposal", ho.APPROVED)]
    dues = []
    for bpmn_id, form in steps:
        dues += [t.due_at for t in open_tasks(engine, case_id)]
        _complete_at_the_last_moment(engine, case_id, bpmn_id, form)
    reply = task_by_bpmn_id(engine, case_id, "Task_Reply")
    return case_id, dues, reply


@pytest.mark.parametrize("is_complex", [True, False])
def test_no_head_office_task_before_the_reply_is_due_after_the_ceiling(engine, is_complex):
    case_id, dues, reply = _head_office_to_reply(engine, is_complex)
    ceiling = 7

    assert _workdays_after_receipt(engine, case_id, reply.due_at) <= ceiling
    assert max(_workdays_after_receipt(engine, case_id, due) for due in dues) <= ceiling


def test_a_full_card_centre_climb_stays_within_seven_working_days(engine):
    clock_of(engine).set(ho.START)
    case_id = open_case(engine, card.SEAT_AGENT, card.PROCESS_KEY, **card.card_complaint(is_complex=True)).id
    climb = [("Task_Seat", card.SEAT_REJECTED), ("Task_Care", card.handled("Task_Care", "rejected")),
             ("Task_Manager", card.handled("Task_Manager", "rejected"))]
    dues = []
    for bpmn_id, form in climb:
        dues.append(task_by_bpmn_id(engine, case_id, bpmn_id).due_at)
        _complete_at_the_last_moment(engine, case_id, bpmn_id, form)
    dues.append(task_by_bpmn_id(engine, case_id, "Task_Senior").due_at)
    _complete_at_the_last_moment(engine, case_id, "Task_Senior", card.SENIOR_FINAL)
    reply = task_by_bpmn_id(engine, case_id, "Task_Reply")

    assert max(_workdays_after_receipt(engine, case_id, d) for d in [*dues, reply.due_at]) <= 7
    assert reply.due_at <= engine.ctx.calendar.add_workdays(engine.cases.summary(case_id).received_at, 7)


def test_steps_after_the_reply_keep_their_own_limits(engine):
    """The reply comes late, after the ceiling: the revisit that follows is due 3 working days after it
    opens (its own limit), not at the ceiling that has passed."""
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", NOT_ON_SPOT)
    _complete_at_the_last_moment(engine, case.id, "Task_Investigate", INVESTIGATED_NO_FAULT)
    ceiling = engine.ctx.calendar.add_workdays(engine.cases.summary(case.id).received_at, 7)
    clock_of(engine).set(ceiling + timedelta(days=1))
    claim_and_complete(engine, case.id, "Task_Notify", NOTIFIED)

    revisit = task_by_bpmn_id(engine, case.id, "Task_Revisit")
    assert revisit.due_at == engine.ctx.calendar.add_workdays(clock_of(engine).now(), 3)
    assert revisit.due_at > ceiling
