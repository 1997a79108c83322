"""The paths of processes/complaint_review.bpmn (核查): a decided case's customer asks for review and the
parent unit of the unit that decided handles it. Each function returns the review case's id; the node coverage
test runs them all."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from engine.bootstrap import Engine
from engine.domain.model import Actor, CaseSummary, Membership, Role
from tests.support import complaints as forms
from tests.support import scenarios_card_center as card
from tests.support.driver import assert_projection_matches_workflow, audit_actions, claim_and_complete, open_tasks
from tests.support.engines import clock_of

REASON = "客户认为手续费退还金额不足，不接受处理结果"
UPHELD = {"review_conclusion": "upheld", "review_resolution": "经核查原处理意见适当，维持", "review_compensation": 0,
          "reply_method": "phone"}
OVERTURNED = {"review_conclusion": "overturned", "review_resolution": "经核查撤销原处理意见，全额退还手续费",
              "review_compensation": 120.0, "reply_method": "letter"}


def member(username: str, unit: str, department: str, *roles: Role) -> Actor:
    """A person of one (unit, department)."""
    return Actor(username, frozenset({department}), frozenset({Role.STAFF, *roles}),
                 frozenset({Membership(unit, department)}))


FRONT_SH01 = member("front_sh01", "SH01", "branch_front")
SERVICE_SH = member("service_sh", "SH", "service_mgmt")
MGMT_HO = member("mgmt_ho", "HO", "complaint_mgmt")


def closed_branch_case(engine: Engine, unit: str = "SH01", **fields: Any) -> CaseSummary:
    """A complaint received at an outlet, answered on the spot, revisited and archived there."""
    case = engine.cases.open_case(None, forms.complaint(**fields), FRONT_SH01, unit)
    for bpmn_id, data in (("Task_OnSpot", forms.ON_SPOT), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        clock_of(engine).advance(timedelta(hours=1))
        claim_and_complete(engine, case.id, bpmn_id, data)
    closed = engine.cases.summary(case.id)
    assert closed.status.value == "closed"
    return closed


def review_done(engine: Engine, review: CaseSummary, bpmn_id: str, data: dict[str, Any], actor: Actor,
                late: bool = False) -> int:
    """Complete the review case's one task as `actor` (a member of its queue); the case closes. Late: only
    after its 30 days, chased the working day before and supervised when they are over."""
    [task] = open_tasks(engine, review.id)
    assert task.bpmn_id == bpmn_id and task.due_at is not None
    assert task.due_at == review.regulatory_due_at, (task.due_at, review.regulatory_due_at, review.internal_due_at)
    if late:
        past_due = task.due_at + timedelta(hours=1)
        for moment in (past_due, engine.ctx.calendar.add_workdays(past_due, 1)):
            clock_of(engine).set(moment)  # past due (supervised), then on a working day (chased: daily)
            assert engine.timers.sweep().failed == []
        fired = {(e.action, e.data.get("timer")) for e in audit_actions(engine, review.id)}
        assert {("auto_chase", f"Chase_{bpmn_id}"), ("supervision", f"Supervise_{bpmn_id}")} <= fired, fired
    else:
        clock_of(engine).advance(timedelta(days=3))
    claim_and_complete(engine, review.id, bpmn_id, data, actor)
    assert_projection_matches_workflow(engine, review.id)
    assert engine.cases.summary(review.id).status.value == "closed"
    return review.id


def outlet_decision_reviewed_at_its_branch(engine: Engine) -> int:
    decided = closed_branch_case(engine)
    clock_of(engine).advance(timedelta(days=10))
    review = engine.reviews.request(decided.number, REASON, FRONT_SH01)
    assert review.unit == "SH"
    return review_done(engine, review, "Task_ReviewBranch", UPHELD, SERVICE_SH, late=True)


def card_centre_decision_reviewed_at_head_office(engine: Engine) -> int:
    walk = card.CardWalk(engine, amount="100.00")
    walk.step("Task_Seat", card.SEAT_RESOLVED).step("Task_Reply", card.REPLIED)
    walk.step("Task_Revisit", card.REVISITED).step("Task_Archive", card.ARCHIVED)
    review = engine.reviews.request(walk.case_id, REASON, card.SEAT_AGENT)
    assert review.unit == "HO"
    return review_done(engine, review, "Task_ReviewHeadOffice", OVERTURNED, MGMT_HO, late=True)


SCENARIOS: dict[str, Callable[[Engine], int]] = {
    f.__name__: f for f in (outlet_decision_reviewed_at_its_branch, card_centre_decision_reviewed_at_head_office)
}
