"""The card centre as the procedures say (issue #16): a tier's authority is what it may grant, regulator
referrals start at the senior manager, a rejected answer or a dissatisfied revisit is studied again one tier up
(counted; supervised on the third), and an unconfirmed archive is refused.

Sources: 003 「卡中心客户服务部处理信用卡业务投诉时，实行分级（座席员、客户关心组、客服经理及高经）、
分权限的投诉处理方法」,「客户若不接受处理意见，处理部门应做好客户工作或重新研究处理」;
DOMAIN.md variant 3 (regulator-sensitive cases go straight to the senior tier).
"""

from __future__ import annotations

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import ValidationFailed
from tests.support import scenarios_card_center as card
from tests.support.driver import audit_actions


@pytest.mark.parametrize(("grant", "department"), [
    (500.0, None),  # within the seat agent's authority: the reply
    (501.0, "card_care"),
    (5000.0, "card_care"),
    (5001.0, "card_cs_manager"),
    (20000.0, "card_cs_manager"),
    (50000.0, "card_senior_manager"),  # 50,000 yuan proposed on a 500-yuan dispute
])
def test_the_grant_a_seat_agent_proposes_decides_who_may_approve_it(
    engine: Engine, grant: float, department: str | None
) -> None:
    walk = card.CardWalk(engine, amount="500.00")
    walk.step("Task_Seat", card.handled("Task_Seat", "resolved", compensation_amount=grant))
    if department is None:
        assert [t.bpmn_id for t in walk.waiting()] == ["Task_Reply"]
    else:
        assert walk.queued_in() == [department]


def test_a_tier_may_grant_within_its_own_authority(engine: Engine) -> None:
    walk = card.CardWalk(engine, amount="500.00")
    walk.step("Task_Seat", card.handled("Task_Seat", "resolved", compensation_amount=3000.0))
    walk.step("Task_Care", card.handled("Task_Care", "resolved", compensation_amount=3000.0))
    assert [t.bpmn_id for t in walk.waiting()] == ["Task_Reply"]


@pytest.mark.parametrize("channel", ["regulator", "media", "consumer_association"])
def test_a_referral_starts_at_the_senior_manager(engine: Engine, channel: str) -> None:
    walk = card.CardWalk(engine, channel=channel, amount="100.00")
    assert [t.bpmn_id for t in walk.waiting()] == ["Task_Senior"]


@pytest.mark.parametrize(("resolved_by", "restudied_by"), [
    ("Task_Seat", "Task_Care"), ("Task_Care", "Task_Manager"), ("Task_Manager", "Task_Senior"),
])
def test_a_rejected_answer_is_studied_again_one_tier_up_not_revisited(
    engine: Engine, resolved_by: str, restudied_by: str
) -> None:
    walk = card.CardWalk(engine, amount="100.00")
    tiers = ("Task_Seat", "Task_Care", "Task_Manager")
    for task in tiers[:tiers.index(resolved_by)]:
        walk.step(task, card.handled(task, "rejected"))
    walk.step(resolved_by, card.handled(resolved_by, "resolved"))
    walk.step("Task_Reply", card.REPLIED_REJECTED)
    assert [t.bpmn_id for t in walk.waiting()] == [restudied_by]
    assert engine.cases.process_data(walk.case_id)["rework_count"] == 1


def test_a_dissatisfied_revisit_is_studied_again_not_archived(engine: Engine) -> None:
    walk = card.CardWalk(engine, amount="100.00")
    walk.step("Task_Seat", card.SEAT_RESOLVED).step("Task_Reply", card.REPLIED)
    walk.step("Task_Revisit", card.REVISITED_DISSATISFIED)
    assert [t.bpmn_id for t in walk.waiting()] == ["Task_Care"]


def test_restudies_are_counted_supervised_on_the_third_and_end_with_the_final_answer(engine: Engine) -> None:
    case_id = card.customer_rejects_the_answer_until_the_final_answer(engine)
    [supervision] = audit_actions(engine, case_id, "supervision")
    assert supervision.data["timer"] == "Event_RestudySupervision"
    data = engine.cases.process_data(case_id)
    assert (data["rework_count"], data["outcome"]) == (4, "senior_final")
    assert engine.cases.summary(case_id).status.value == "closed"


def test_archiving_without_the_materials_confirmed_cannot_be_submitted(engine: Engine) -> None:
    walk = card.CardWalk(engine, amount="100.00")
    walk.step("Task_Seat", card.SEAT_RESOLVED).step("Task_Reply", card.REPLIED).step("Task_Revisit", card.REVISITED)
    with pytest.raises(ValidationFailed) as refused:
        walk.step("Task_Archive", {"archive_confirmed": False})
    assert list(refused.value.errors) == ["archive_confirmed"]
    assert engine.cases.summary(walk.case_id).status.value == "open"
