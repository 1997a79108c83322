"""Paths through processes/card_center_complaint.bpmn, driven through the engine's services.

Each scenario takes an engine (processes/ deployed), walks one complaint to its end and returns the case
id; after every step the projections are checked against the workflow restored from storage.
SCENARIOS (name -> function) together visit every flow node of the diagram.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from engine.bootstrap import Engine
from engine.domain.model import HumanTask, Notice
from tests.support.actors import staff, worker_for
from tests.support.complaints import complaint
from tests.support.driver import assert_projection_matches_workflow, claim_and_complete, open_tasks
from tests.support.engines import at, clock_of

PROCESS_KEY = "card_center_complaint"
SEAT_AGENT = staff("seat_zhou", "card_seat")
TIER_DEPARTMENTS = ("card_seat", "card_care", "card_cs_manager", "card_senior_manager")
TIER_TASKS = {
    "card_seat": "Task_Seat",
    "card_care": "Task_Care",
    "card_cs_manager": "Task_Manager",
    "card_senior_manager": "Task_Senior",
}
TIER_PREFIX = {"Task_Seat": "seat", "Task_Care": "care", "Task_Manager": "cs_manager", "Task_Senior": "senior"}

# ---- form payloads (one per user task and outcome) ----------------------------------------------


def handled(task: str, result: str, **extra: Any) -> dict[str, Any]:
    """A tier task's form: `result` is resolved / rejected / beyond / forward (senior: final for rejected)."""
    data: dict[str, Any] = {
        "resolution": f"{task} 处理意见：核实账单并向客户解释",
        "compensation_amount": 0,
        "outcome": f"{TIER_PREFIX[task]}_{result}",
    }
    if result != "resolved":
        data["hand_up_reason"] = "客户要求更高层级处理" if result == "rejected" else "需要更高权限或总行协办"
    data.update(extra)
    return data


SEAT_RESOLVED = handled("Task_Seat", "resolved")
SEAT_REJECTED = handled("Task_Seat", "rejected")
SEAT_BEYOND = handled("Task_Seat", "beyond")
CARE_RESOLVED = handled("Task_Care", "resolved", compensation_amount=200.0)
MANAGER_RESOLVED = handled("Task_Manager", "resolved", compensation_amount=5000.0)
SENIOR_RESOLVED = handled("Task_Senior", "resolved", compensation_amount=20000.0)
SENIOR_FINAL = handled("Task_Senior", "final")
FORWARD_ANSWERED = {
    "forward_opinion": "经核查为系统重复扣款，建议全额退还",
    "forward_compensation": 0,
    "forward_reference": "OPS-2024-0091",
}
REPLIED = {"reply_method": "phone", "reply_summary": "已电话告知处理结果", "customer_accepted": True}
REPLIED_REJECTED = {"reply_method": "phone", "reply_summary": "已告知处理结果", "customer_accepted": False}
REVISITED = {"satisfaction": "satisfied", "revisit_note": "客户对处理结果满意"}
REVISITED_DISSATISFIED = {"satisfaction": "dissatisfied", "revisit_note": "客户仍要求全额赔偿"}
ARCHIVED = {"archive_confirmed": True, "archive_note": "材料齐全"}


_CUSTOMERS = itertools.count(1)


def card_complaint(**overrides: Any) -> dict[str, Any]:
    """A valid card-centre complaint (organisation card_center starts the card process), each of another
    customer unless phone and ID number are given: the card tiers count a customer's earlier complaints."""
    n = next(_CUSTOMERS)
    fields: dict[str, Any] = {
        "contact_phone": f"139{n:08d}", "id_number": f"3101011990{n:07d}X",
        "organisation": "card_center", "channel": "card_hotline", "category": "bank_card", "cause": "fees",
        "amount": "500.00", "facts": "信用卡年费被重复收取。", "demand": "要求退还多收的年费。",
        "expected_resolution": "refund",
    }
    fields.update(overrides)
    return complaint(**fields)


# ---- a walk through the process ---------------------------------------------------------------------


class CardWalk:
    """One complaint, completed task by task an hour apart, checked against the restored workflow."""

    def __init__(self, engine: Engine, **complaint_fields: Any):
        self.engine = engine
        self.case_id = engine.cases.open_case(None, card_complaint(**complaint_fields), SEAT_AGENT).id
        self.steps: list[str] = []
        assert_projection_matches_workflow(engine, self.case_id)

    def waiting(self) -> list[HumanTask]:
        """The open tasks of the case."""
        return open_tasks(self.engine, self.case_id)

    def only_task(self, bpmn_id: str) -> HumanTask:
        """The one open task, which must be `bpmn_id`."""
        waiting = self.waiting()
        assert [t.bpmn_id for t in waiting] == [bpmn_id], f"after {self.steps}: waiting {waiting}"
        return waiting[0]

    def step(self, bpmn_id: str, data: dict[str, Any], hours: int = 1) -> CardWalk:
        """Complete the waiting task `bpmn_id` with `data` as a worker of its department."""
        clock_of(self.engine).advance(timedelta(hours=hours))
        self.only_task(bpmn_id)
        claim_and_complete(self.engine, self.case_id, bpmn_id, data)
        self.steps.append(bpmn_id)
        assert_projection_matches_workflow(self.engine, self.case_id)
        return self

    def queued_in(self) -> list[str]:
        """The departments whose queue (as their staff see it) holds a task of this case."""
        found = []
        for dept in (*TIER_DEPARTMENTS, "retail_banking", "operations", "compliance_legal", "ebanking"):
            if any(t.case_id == self.case_id for t in self.engine.tasks.queue(worker_for(dept))):
                found.append(dept)
        return found

    def close(self) -> int:
        """Reply, revisit and archive; the case is closed."""
        self.step("Task_Reply", REPLIED).step("Task_Revisit", REVISITED).step("Task_Archive", ARCHIVED)
        assert self.waiting() == []
        assert self.engine.cases.summary(self.case_id).status.value == "closed"
        return self.case_id


def tier_task_of(department: str) -> str:
    """The tier task a card-centre department works."""
    return TIER_TASKS[department]


# ---- scenarios ------------------------------------------------------------------------------------


def resolved_by_seat_agent(engine: Engine) -> int:
    """A small fee dispute the seat agent settles within authority."""
    walk = CardWalk(engine, amount="300.00")
    walk.step("Task_Seat", SEAT_RESOLVED)
    assert walk.queued_in() == ["card_seat"]  # the reply
    return walk.close()


def handed_up_by_amount(amount: str, department: str) -> Callable[[Engine], int]:
    """The seat agent hands up; the amount decides which tier's queue receives the case."""

    def scenario(engine: Engine) -> int:
        walk = CardWalk(engine, amount=amount)
        walk.step("Task_Seat", SEAT_BEYOND)
        assert walk.queued_in() == [department]
        task = tier_task_of(department)
        walk.step(task, handled(task, "resolved"))
        return walk.close()

    scenario.__name__ = f"handed_up_to_{department}_at_{amount}"
    return scenario


def regulator_referral_goes_to_senior(engine: Engine) -> int:
    """A regulator referral starts at the senior manager (card_entry.dmn), not at the seat agent."""
    walk = CardWalk(engine, channel="regulator", amount="100.00")
    assert walk.queued_in() == ["card_senior_manager"]
    walk.step("Task_Senior", SENIOR_RESOLVED)
    return walk.close()


def customer_rejects_at_every_tier(engine: Engine) -> int:
    """Each tier's answer is rejected; the case climbs one tier at a time to the senior manager."""
    walk = CardWalk(engine, amount="100.00")
    for task, next_department in (
        ("Task_Seat", "card_care"),
        ("Task_Care", "card_cs_manager"),
        ("Task_Manager", "card_senior_manager"),
    ):
        walk.step(task, handled(task, "rejected"))
        assert walk.queued_in() == [next_department], task
    walk.step("Task_Senior", SENIOR_FINAL)
    return walk.close()


def forwarded_to_head_office_and_back(engine: Engine) -> int:
    """The seat agent needs Operations; its answer comes back to the seat agent, who then resolves."""
    walk = CardWalk(engine, amount="800.00")
    walk.step("Task_Seat", handled("Task_Seat", "forward", forward_department="operations"))
    assert walk.queued_in() == ["operations"]
    walk.step("Task_Forward", FORWARD_ANSWERED)
    assert walk.queued_in() == ["card_seat"]
    walk.step("Task_Seat", SEAT_RESOLVED)
    return walk.close()


def customer_rejects_the_answer_until_the_final_answer(engine: Engine) -> int:
    """Each answer the customer rejects is studied again one tier up (the third time under supervision); a
    dissatisfied revisit too; the senior manager's final answer ends the loop."""
    walk = CardWalk(engine, amount="100.00")
    walk.step("Task_Seat", SEAT_RESOLVED)
    for restudy, (task, resolved) in enumerate((("Task_Care", CARE_RESOLVED), ("Task_Manager", MANAGER_RESOLVED),
                                                 ("Task_Senior", SENIOR_RESOLVED)), start=1):
        walk.step("Task_Reply", REPLIED_REJECTED)
        assert walk.engine.cases.process_data(walk.case_id)["rework_count"] == restudy
        assert walk.engine.cases.summary(walk.case_id).supervised == (restudy == 3)
        walk.step(task, resolved)
    walk.step("Task_Reply", REPLIED).step("Task_Revisit", REVISITED_DISSATISFIED)
    walk.step("Task_Senior", SENIOR_FINAL)
    walk.step("Task_Reply", REPLIED_REJECTED)  # after the final answer: on to the revisit
    return walk.step("Task_Revisit", REVISITED_DISSATISFIED).step("Task_Archive", ARCHIVED).case_id


OUTLET_ANSWERED = {
    "outlet_finding": "调取网点监控：大堂经理未按规定解释分期手续费",
    "outlet_resolution": "网点负责人致歉，退还手续费",
    "outlet_compensation": 80.0,
}


def forwarded_to_an_outlet(engine: Engine) -> int:
    """A complaint about an outlet's service: the seat agent hands it to that outlet's complaint manager
    (`forward_unit`), whose answer comes back to the card centre, which tells the customer."""
    walk = CardWalk(engine, amount="80.00")
    walk.step("Task_Seat", handled("Task_Seat", "outlet", forward_unit="SH02"))
    outlet = walk.only_task("Task_Outlet")
    assert (outlet.unit, outlet.department) == ("SH02", "branch_manager")
    assert walk.queued_in() == []  # no card-centre tier holds it meanwhile
    let_run_overdue(walk, "Task_Outlet")
    walk.step("Task_Outlet", OUTLET_ANSWERED)
    assert walk.queued_in() == ["card_seat"]  # the reply
    return walk.close()


def overdue_at_every_handling_task(engine: Engine) -> int:
    """Every handling task runs past its due time: each is chased and supervised by the timer sweep."""
    clock_of(engine).set(at(2024, 11, 4, 9))  # a Monday with ordinary working days around it
    walk = CardWalk(engine, amount="600.00")
    path: list[tuple[str, dict[str, Any]]] = [
        ("Task_Seat", handled("Task_Seat", "forward", forward_department="compliance_legal")),
        ("Task_Forward", FORWARD_ANSWERED),
        ("Task_Seat", SEAT_REJECTED),
        ("Task_Care", handled("Task_Care", "beyond")),
        ("Task_Manager", handled("Task_Manager", "rejected")),
        ("Task_Senior", SENIOR_RESOLVED),
    ]
    for bpmn_id, data in path:
        let_run_overdue(walk, bpmn_id)
        walk.step(bpmn_id, data)
    return walk.close()


def let_run_overdue(walk: CardWalk, bpmn_id: str) -> None:
    """Move the clock an hour past the task's due time, sweep, and check the chase and the supervision."""
    task = walk.only_task(bpmn_id)
    assert task.due_at is not None
    clock_of(walk.engine).set(task.due_at + timedelta(hours=1))
    assert walk.engine.timers.sweep().failed == []
    assert_projection_matches_workflow(walk.engine, walk.case_id)
    kinds = sorted(n.kind.value for n in task_notices(walk.engine, task))
    # A task that opens after the case ceiling (7 working days) is due at once: chased as it opens, again here.
    assert set(kinds) == {"chase", "supervision"} and kinds.count("supervision") == 1, (bpmn_id, kinds)
    assert {n.department for n in task_notices(walk.engine, task)} == {task.department}
    assert walk.engine.cases.summary(walk.case_id).supervised


def task_notices(engine: Engine, task: HumanTask) -> list[Notice]:
    """The notices raised for one task."""
    with engine.ctx.db.read() as uow:
        return [n for n in uow.read.notices(case_id=task.case_id) if n.task_id == task.id]


AMOUNT_TIERS = [
    ("1500.00", "card_care"),  # within seat authority, but the seat agent handed it up: one tier up
    ("5000.00", "card_care"),
    ("50000.00", "card_cs_manager"),
    ("500000.00", "card_senior_manager"),
]

SCENARIOS: dict[str, Callable[[Engine], int]] = {
    "resolved_by_seat_agent": resolved_by_seat_agent,
    **{f"handed_up_{amount}": handed_up_by_amount(amount, dept) for amount, dept in AMOUNT_TIERS},
    "regulator_referral_goes_to_senior": regulator_referral_goes_to_senior,
    "customer_rejects_at_every_tier": customer_rejects_at_every_tier,
    "forwarded_to_head_office_and_back": forwarded_to_head_office_and_back,
    "customer_rejects_the_answer_until_the_final_answer": customer_rejects_the_answer_until_the_final_answer,
    "forwarded_to_an_outlet": forwarded_to_an_outlet,
    "overdue_at_every_handling_task": overdue_at_every_handling_task,
}
