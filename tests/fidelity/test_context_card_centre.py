"""Approval context in the card centre: the tier a case is handed up to sees what the tier below proposed
and why it handed up, labelled as on that tier's form; the tier restudying a rejected answer sees the reply."""

from __future__ import annotations

from engine.bootstrap import Engine
from tests.support import scenarios_card_center as card
from tests.support.actors import worker_for


def _shown(engine: Engine, walk: card.CardWalk, bpmn_id: str) -> dict[str, tuple[str, str, str]]:
    task = walk.only_task(bpmn_id)
    form = engine.tasks.form(task.id, worker_for(task.department))
    return {e.field: (e.label, e.step, e.text) for e in form.context}


def test_the_next_tier_sees_the_proposal_and_the_reason_it_was_handed_up(engine: Engine) -> None:
    walk = card.CardWalk(engine, amount="100.00")
    walk.step("Task_Seat", card.handled("Task_Seat", "beyond", compensation_amount=800.0))
    walk.step("Task_Care", card.handled("Task_Care", "rejected", compensation_amount=1200.0))
    shown = _shown(engine, walk, "Task_Manager")
    assert shown["compensation_amount"] == ("减免或补偿金额（元）", "客户关怀组处理", "1200.0")
    assert shown["resolution"][:2] == ("客户关怀组处理意见（解释、更正、减免、补偿等）", "客户关怀组处理")
    assert shown["outcome"] == ("处理结果", "客户关怀组处理", "客户不接受处理意见，提交上一级")
    assert shown["hand_up_reason"][2] == "客户要求更高层级处理"


def test_the_tier_restudying_a_rejected_answer_sees_the_reply(engine: Engine) -> None:
    walk = card.CardWalk(engine, amount="100.00")
    walk.step("Task_Seat", card.SEAT_RESOLVED).step("Task_Reply", card.REPLIED_REJECTED)
    assert _shown(engine, walk, "Task_Care")["reply_summary"] == (
        "答复内容摘要", "答复客户", card.REPLIED_REJECTED["reply_summary"])
