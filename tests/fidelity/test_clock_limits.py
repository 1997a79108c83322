"""Time limits as the procedures set them (processes/sla.toml): a general complaint is answered within 1
working day, a complex one within 5, and never any after 7: the case ceiling, which no task before the reply
is due after (004 「一般投诉在1个工作日内回复，复杂投诉在5个工作日内回复」「处理时间最长不得超过7个工作日」).

Before, a complex head-office case had its reply due 8.99 working days after receipt, a card-centre
case climbing all four tiers had its reply due after 9, and a general complaint had 3 working days.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.codes import SlaTable
from engine.domain.errors import ConfigurationError
from tests.support import scenarios_card_center as card
from tests.support import scenarios_head_office as ho
from tests.support.actors import FRONT
from tests.support.complaints import INVESTIGATED_NO_FAULT, NOT_ON_SPOT, NOTIFIED, complaint
from tests.support.driver import claim_and_complete, open_case, open_tasks, task_by_bpmn_id
from tests.support.engines import PROCESSES, at, clock_of


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


@pytest.mark.parametrize(("is_complex", "target"), [(False, 1), (True, 5)])
def test_reply_target_and_the_seven_day_ceiling(engine, is_complex, target):
    clock_of(engine).set(ho.START)
    case_id = open_case(engine, ho.CS_AGENT, **ho.COMPLAINT, is_complex=is_complex).id
    data = _case_data(engine, case_id)
    received = engine.cases.summary(case_id).received_at
    assert data["internal_due"] == engine.ctx.calendar.add_workdays(received, target).isoformat()
    assert data["internal_ceiling"] == engine.ctx.calendar.add_workdays(received, 7).isoformat()


# Received Monday 2024-09-30 10:00, the eve of National Day (1-7 October off; Saturday 12 October worked):
# the reply of a general complaint is due the next working day, Tuesday 8 October; a complex one 5 working days
# later, on the working Saturday 12 October; the ceiling 7, Tuesday 15 October.
EVE_OF_NATIONAL_DAY = "2024-09-30T10:00:00+08:00"
REPLY_DUE = {(False, "general"): at(2024, 10, 8), (False, "important"): at(2024, 10, 8),
             (False, "urgent"): at(2024, 10, 8), (True, "general"): at(2024, 10, 12)}


@pytest.mark.parametrize(("is_complex", "grade"), list(REPLY_DUE))
@pytest.mark.parametrize("organisation", ["branch", "head_office", "card_center"])
def test_a_reply_is_due_one_working_day_after_receipt_five_when_complex_never_over_seven(
        engine, organisation, is_complex, grade):
    clock_of(engine).set(at(2024, 9, 30, 10, 30))
    receiver = {"branch": FRONT, "head_office": ho.CS_AGENT, "card_center": card.SEAT_AGENT}[organisation]
    received = complaint(organisation=organisation, received_at=EVE_OF_NATIONAL_DAY, is_complex=is_complex,
                         grade=grade)
    case = engine.cases.open_case(None, received, receiver)
    assert engine.cases.summary(case.id).internal_due_at == REPLY_DUE[(is_complex, grade)]
    assert _case_data(engine, case.id)["internal_ceiling"] == at(2024, 10, 15).isoformat()


def test_a_grade_looser_than_general_is_refused_at_start_up(tmp_path):
    text = (PROCESSES / "sla.toml").read_text(encoding="utf-8").replace("important = 1", "important = 2")
    (tmp_path / "sla.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as refused:
        SlaTable.from_toml(tmp_path / "sla.toml")
    assert (refused.value.code, refused.value.params["item"], refused.value.params["bound"]) == (
        "sla_limit_order", "important", "general")


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
