"""Paths through processes/head_office_complaint.bpmn, driven through the engine's services.

Each scenario takes an engine (processes/ deployed) and returns the case id. After every step the
projections are checked against the workflow restored from storage, and the diagram elements the case
has passed are recorded (see `visited_elements`), so a coverage test can union them over SCENARIOS.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from engine.bootstrap import Engine
from engine.domain.model import HumanTask
from tests.support.actors import staff, worker_for
from tests.support.driver import assert_projection_matches_workflow, audit_actions, open_case, open_tasks
from tests.support.engines import at, clock_of

# Monday 2024-11-04 09:00 China time: an ordinary working week, no holidays near.
START = at(2024, 11, 4, 9)
CS_AGENT = staff("cs_zhou", "cs_business_group")  # the customer-service centre submits the work order

COMPLAINT: dict[str, Any] = {
    "organisation": "head_office",
    "channel": "hotline",
    "received_at": "2024-11-04T09:00:00+08:00",
    "category": "payment",
    "cause": "business_error",
    "grade": "general",
    "amount": "860.00",
    "facts": "跨行转账被重复扣款，网点与客服均未处理。",
    "demand": "退还重复扣款并说明原因。",
}
REGULATOR_REFERRAL = {"channel": "regulator", "sensitive_source": True,
                      "facts": "监管转办：客户反映理财产品销售未充分揭示风险。"}

# Form submissions per user task.
ACCEPTED = {"acceptance_opinion": "属实，受理", "sensitive_source": False}
ACCEPTED_SENSITIVE = {"acceptance_opinion": "监管转办，受理并转办公室", "sensitive_source": True}
REFERRER_REPLIED = {"referrer_reply": "已核实，向客户致歉并补偿，特此函复", "referrer_reply_method": "letter",
                    "referrer_replied": True}


def assigned(responsible: str, *co_departments: str) -> dict[str, Any]:
    """Task_Assign: the first-responsible department and the chosen co-handling departments."""
    return {"responsible_department": responsible, "co_department_choices": list(co_departments),
            "assignment_note": "请按时限办理"}


INVESTIGATED = {
    "investigation": "核对清算流水，确认重复扣款一笔", "responsibility": "bank",
    "resolution": "退还重复扣款860元并致歉", "compensation_amount": 0.0, "root_cause": "清算批次重发",
}
CO_OPINION = {"co_opinion": "同意首责部门意见，系统日志已提供", "co_materials": "系统日志截图"}
APPROVED = {"proposal_approved": True, "review_opinion": "方案可行，同意"}
RETURNED = {"proposal_approved": False, "review_opinion": "证据不足，补充清算流水后重新提出"}
REWORKED = {
    "rework_note": "已补充清算流水", "responsibility": "bank",
    "resolution": "退还重复扣款860元并致歉", "compensation_amount": 0.0,
}
REPLIED = {"reply_method": "phone", "reply_content": "已退还重复扣款并致歉", "customer_accepted": True}
REPLIED_REJECTED = {"reply_method": "letter", "reply_content": "经核实，按规定处理", "customer_accepted": False}
REVIEWED_OVERTURNED = {
    "review_request": "客户认为应赔偿利息损失", "review_conclusion": "overturned",
    "review_resolution": "撤销原处理意见，另行补偿利息损失", "review_compensation": 35.5, "review_notified": True,
}
REVISITED = {"satisfaction": "satisfied", "revisit_note": "客户满意", "typical_case": False}
REVISITED_TYPICAL = {"satisfaction": "basically", "revisit_note": "基本满意", "typical_case": True}
TYPICAL_CASE = {
    "kb_title": "清算批次重发导致重复扣款", "kb_summary": "核对清算流水，及时退款并致歉",
    "leadership_report": "建议运营管理部排查批次重发机制",
}
ARCHIVED = {"archive_confirmed": True, "archive_note": "材料齐全"}

_VISITED: dict[tuple[int, int], set[str]] = {}


def visited_elements(engine: Engine, case_id: int) -> set[str]:
    """Every diagram element the case has passed while a scenario drove it (timer end events included)."""
    return set(_VISITED.get((id(engine), case_id), set()))


class HeadOfficeCase:
    """A head-office complaint worked step by step, an hour apart, checked against storage after each step."""

    def __init__(self, engine: Engine, **fields: Any):
        self.engine = engine
        self.clock = clock_of(engine)
        self.clock.set(START)
        self.id = open_case(engine, CS_AGENT, **{**COMPLAINT, **fields}).id
        self._checked()

    def step(self, bpmn_id: str, data: dict[str, Any], department: str | None = None) -> HumanTask:
        """Claim and complete the open task `bpmn_id` (of `department`, when several are open)."""
        self.clock.advance(timedelta(hours=1))
        task = self.task(bpmn_id, department)
        actor = worker_for(task.department)
        self.engine.tasks.claim(task.id, actor)
        done = self.engine.tasks.complete(task.id, data, actor)
        self._checked()
        return done

    def task(self, bpmn_id: str, department: str | None = None) -> HumanTask:
        """The one open task of this element (and department)."""
        found = [t for t in open_tasks(self.engine, self.id)
                 if t.bpmn_id == bpmn_id and department in (None, t.department)]
        assert len(found) == 1, f"expected one open {bpmn_id} ({department}), open: {self.waiting()}"
        return found[0]

    def waiting(self) -> list[tuple[str, str]]:
        """(element, department) of every open task, sorted."""
        return sorted((t.bpmn_id, t.department) for t in open_tasks(self.engine, self.id))

    def sweep_at(self, moment: datetime) -> None:
        """Run the timer sweep as of `moment`."""
        self.clock.set(moment)
        result = self.engine.timers.sweep()
        assert result.failed == [], result.failed
        self._checked()

    def data(self) -> dict[str, Any]:
        """The case's process data."""
        return self.engine.cases.process_data(self.id)

    def _checked(self) -> None:
        assert_projection_matches_workflow(self.engine, self.id)
        with self.engine.ctx.db.read() as uow:
            completed = uow.read.case_elements(self.id)[0]
        seen = _VISITED.setdefault((id(self.engine), self.id), set())
        seen.update(completed)
        for event in audit_actions(self.engine, self.id):
            timer = (event.data or {}).get("timer") if event.action in ("auto_chase", "supervision") else None
            if timer:
                seen.update({timer, f"End_{timer}"} if timer.startswith(("Chase_", "Supervise_")) else {timer})


def _close(case: HeadOfficeCase, revisit: dict[str, Any] = REVISITED) -> None:
    case.step("Task_Revisit", revisit)
    if revisit.get("typical_case"):
        case.step("Task_TypicalCase", TYPICAL_CASE)
    case.step("Task_Archive", ARCHIVED)
    assert case.waiting() == []


def _through_departments(case: HeadOfficeCase, responsible: str, *co: str) -> None:
    case.step("Task_Accept", ACCEPTED)
    case.step("Task_Assign", assigned(responsible, *co))


# ---- scenarios --------------------------------------------------------------------------------


def regulator_referral_investigated_then_answered_by_the_office(engine: Engine) -> int:
    """A regulator referral: complaint_mgmt names the department, which investigates; once the proposal is
    approved the Office answers the regulator and the department replies to the customer."""
    case = HeadOfficeCase(engine, **REGULATOR_REFERRAL)
    case.step("Task_Accept", ACCEPTED_SENSITIVE)
    assert (case.data()["ho_route"], case.data()["referrer_department"]) == ("referral", "office")
    case.step("Task_Assign", assigned("retail_banking"))
    case.step("Task_Investigate", INVESTIGATED)
    case.step("Task_ReviewProposal", APPROVED)
    office = case.task("Task_ReferrerReply")
    assert (office.department, office.lane) == ("office", "办公室、企业文化部（对口回复）")
    assert office.due_at == case.clock.now() + timedelta(days=1)  # 1 working day: Mon -> Tue
    case.step("Task_ReferrerReply", REFERRER_REPLIED)
    assert case.waiting() == [("Task_Reply", "retail_banking")]
    case.step("Task_Reply", REPLIED)
    _close(case)
    return case.id


def cross_department_with_two_co_handlers(engine: Engine) -> int:
    """Operations leads; e-banking and compliance/legal give opinions in parallel (a ticked operations is dropped)."""
    case = HeadOfficeCase(engine)
    _through_departments(case, "operations", "ebanking", "compliance_legal", "operations")
    assert case.data()["co_departments"] == ["compliance_legal", "ebanking"]
    assert case.waiting() == [("Task_CoOpinion", "compliance_legal"), ("Task_CoOpinion", "ebanking"),
                              ("Task_Investigate", "operations")]
    for dept, element in (("ebanking", "Task_CoOpinion"), ("compliance_legal", "Task_CoOpinion"),
                          ("operations", "Task_Investigate")):
        queue = engine.tasks.queue(worker_for(dept))
        assert [(t.case_id, t.bpmn_id, t.department) for t in queue] == [(case.id, element, dept)]
    assert engine.tasks.queue(worker_for("retail_banking")) == []
    assert {(t.bpmn_id, t.lane) for t in open_tasks(engine, case.id)} == {
        ("Task_Investigate", "首责部门"), ("Task_CoOpinion", "协办部门")}  # lanes name the roles
    case.step("Task_CoOpinion", CO_OPINION, "ebanking")
    case.step("Task_Investigate", INVESTIGATED)
    assert case.waiting() == [("Task_CoOpinion", "compliance_legal")]  # the join waits for the last opinion
    case.step("Task_CoOpinion", CO_OPINION, "compliance_legal")
    case.step("Task_ReviewProposal", APPROVED)
    case.step("Task_Reply", REPLIED)
    _close(case)
    return case.id


def proposal_returned_once_and_reworked(engine: Engine) -> int:
    """Retail banking alone (no co-handlers: the empty list passes at once); one return, reworked, approved."""
    case = HeadOfficeCase(engine)
    _through_departments(case, "retail_banking")
    assert case.waiting() == [("Task_Investigate", "retail_banking")]
    case.step("Task_Investigate", INVESTIGATED)
    case.step("Task_ReviewProposal", RETURNED)
    assert case.waiting() == [("Task_Rework", "retail_banking")]
    assert case.data()["rework_count"] == 1
    case.step("Task_Rework", REWORKED)
    case.step("Task_ReviewProposal", APPROVED)
    assert case.data()["rework_count"] == 1
    assert not engine.cases.summary(case.id).supervised
    case.step("Task_Reply", REPLIED)
    _close(case)
    return case.id


def third_return_raises_supervision(engine: Engine) -> int:
    """The third return of the proposal puts the case under supervision and notifies the responsible department."""
    case = HeadOfficeCase(engine)
    _through_departments(case, "ebanking")
    case.step("Task_Investigate", INVESTIGATED)
    for returns in (1, 2, 3):
        assert audit_actions(engine, case.id, "supervision") == [], f"supervised before return {returns}"
        case.step("Task_ReviewProposal", RETURNED)
        assert case.data()["rework_count"] == returns
        case.step("Task_Rework", REWORKED)
    [event] = audit_actions(engine, case.id, "supervision")
    assert event.data["timer"] == "Event_ReworkSupervision"
    assert event.data["department"] == "ebanking"
    assert engine.cases.summary(case.id).supervised
    notices = [(n.case_id, n.kind.value, n.department) for n in engine.notices.for_actor(worker_for("ebanking"))
               if n.case_id == case.id]  # other scenarios' cases on the same engine have ebanking notices too
    assert notices == [(case.id, "supervision", "ebanking")]
    supervision_list = engine.supervision.supervision_list(worker_for("complaint_mgmt"))
    assert case.id in [getattr(c, "id", None) for c in supervision_list]
    case.step("Task_ReviewProposal", APPROVED)
    case.step("Task_Reply", REPLIED)
    _close(case)
    return case.id


def customer_rejects_and_requests_review(engine: Engine) -> int:
    """The customer rejects the reply: complaint_mgmt handles the review (核查) within 30 days and overturns."""
    case = HeadOfficeCase(engine)
    _through_departments(case, "operations")
    case.step("Task_Investigate", INVESTIGATED)
    case.step("Task_ReviewProposal", APPROVED)
    replied = case.step("Task_Reply", REPLIED_REJECTED)
    review = case.task("Task_ReviewRequest")
    assert review.department == "complaint_mgmt"
    assert replied.completed_at is not None
    assert review.due_at == replied.completed_at + timedelta(days=30)
    case.step("Task_ReviewRequest", REVIEWED_OVERTURNED)
    assert case.data()["review_conclusion"] == "overturned"
    _close(case)
    return case.id


def typical_case_goes_to_the_knowledge_base(engine: Engine) -> int:
    """A typical case: knowledge-base entry and leadership report before archiving."""
    case = HeadOfficeCase(engine)
    _through_departments(case, "compliance_legal")
    case.step("Task_Investigate", INVESTIGATED)
    case.step("Task_ReviewProposal", APPROVED)
    case.step("Task_Reply", REPLIED)
    _close(case, REVISITED_TYPICAL)
    assert case.data()["kb_title"] == TYPICAL_CASE["kb_title"]
    return case.id


def _chase_then_supervise(case: HeadOfficeCase, bpmn_id: str) -> None:
    """Sweep one working day before the task is due (chase), then just after (supervision)."""
    task = case.task(bpmn_id)
    assert task.due_at is not None

    def fired(action: str, kind: str) -> list[Any]:
        return [e for e in audit_actions(case.engine, case.id, action) if e.data["timer"] == f"{kind}_{bpmn_id}"]

    case.sweep_at(task.due_at - timedelta(days=1) + timedelta(minutes=1))
    assert len(fired("auto_chase", "Chase")) == 1
    assert fired("supervision", "Supervise") == []
    case.sweep_at(task.due_at + timedelta(minutes=1))
    [supervision] = fired("supervision", "Supervise")
    assert supervision.data["department"] == task.department
    assert case.engine.cases.summary(case.id).supervised


def referrer_reply_chased_and_supervised(engine: Engine) -> int:
    """The Office lets its answer to the regulator run late: chased the working day before, supervised when due."""
    case = HeadOfficeCase(engine, **REGULATOR_REFERRAL)
    case.step("Task_Accept", ACCEPTED_SENSITIVE)
    case.step("Task_Assign", assigned("operations"))
    case.step("Task_Investigate", INVESTIGATED)
    case.step("Task_ReviewProposal", APPROVED)
    _chase_then_supervise(case, "Task_ReferrerReply")
    case.step("Task_ReferrerReply", REFERRER_REPLIED)
    case.step("Task_Reply", REPLIED)
    _close(case)
    return case.id


def investigation_and_review_chased_and_supervised(engine: Engine) -> int:
    """Both the responsible department's investigation and complaint_mgmt's review run late."""
    case = HeadOfficeCase(engine)
    _through_departments(case, "retail_banking")
    _chase_then_supervise(case, "Task_Investigate")
    case.step("Task_Investigate", INVESTIGATED)
    _chase_then_supervise(case, "Task_ReviewProposal")
    case.step("Task_ReviewProposal", APPROVED)
    case.step("Task_Reply", REPLIED)
    _close(case)
    return case.id


SCENARIOS: dict[str, Callable[[Engine], int]] = {
    "regulator_referral_investigated_then_answered_by_the_office":
        regulator_referral_investigated_then_answered_by_the_office,
    "cross_department_with_two_co_handlers": cross_department_with_two_co_handlers,
    "proposal_returned_once_and_reworked": proposal_returned_once_and_reworked,
    "third_return_raises_supervision": third_return_raises_supervision,
    "customer_rejects_and_requests_review": customer_rejects_and_requests_review,
    "typical_case_goes_to_the_knowledge_base": typical_case_goes_to_the_knowledge_base,
    "referrer_reply_chased_and_supervised": referrer_reply_chased_and_supervised,
    "investigation_and_review_chased_and_supervised": investigation_and_review_chased_and_supervised,
}
