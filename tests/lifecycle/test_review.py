"""Review (核查) and the second handling, through the engine on SQLite and PostgreSQL: a customer who disagrees
within the review days of the decision gets a review case at the parent unit of the unit that decided (an
outlet's decision at its branch, the card centre's at head office), with its own 30-day clock, audited, linked
and counted as reopened; refused outside the window, twice at once, for an open case and across units. A
customer dissatisfied at the revisit sends a branch case back for a second handling instead of to archive."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.customer_notices import CustomerNoticeKind
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import CaseStatus
from tests.support import complaints as forms
from tests.support import scenarios_branch as branch
from tests.support import scenarios_complaint_review as reviews
from tests.support.actors import ADMIN, AUDITOR
from tests.support.driver import audit_actions, open_tasks
from tests.support.engines import clock_of

FRONT_BJ01 = reviews.member("front_bj01", "BJ01", "branch_front")


def test_an_outlet_decision_is_reviewed_at_its_branch_with_its_own_clock(engine):
    decided = reviews.closed_branch_case(engine)
    clock_of(engine).advance(timedelta(days=29))  # inside the 30 days after the answer
    asked_at = engine.ctx.now()

    review = engine.reviews.request(decided.number, reviews.REASON, reviews.FRONT_SH01)

    assert (review.unit, review.process_key, review.review_of_id) == ("SH", "complaint_review", decided.id)
    assert review.regulatory_due_at == asked_at + timedelta(days=30)
    [task] = open_tasks(engine, review.id)
    assert (task.bpmn_id, task.unit, task.department) == ("Task_ReviewBranch", "SH", "service_mgmt")
    assert engine.cases.process_data(review.id)["review_request"] == reviews.REASON
    assert engine.cases.summary(decided.id).status == CaseStatus.CLOSED  # the decision stays on record
    [asked] = audit_actions(engine, decided.id, "review_requested")
    assert (asked.actor, asked.data["review"], asked.data["unit"]) == ("front_sh01", review.number, "SH")
    assert audit_actions(engine, review.id, "review_opened")[0].data["of"] == decided.number
    links = engine.repeats.links(decided.number, ADMIN)
    assert [r.number for r in links.reviews] == [review.number]
    with pytest.raises(Conflict) as twice:
        engine.reviews.request(decided.number, reviews.REASON, reviews.FRONT_SH01)
    assert twice.value.code == "review_open"

    reviews.review_done(engine, review, "Task_ReviewBranch", reviews.OVERTURNED, reviews.SERVICE_SH)
    kinds = [n.kind for n in engine.customer_notices.for_case(review.id, ADMIN)]
    assert kinds == [CustomerNoticeKind.ACKNOWLEDGEMENT, CustomerNoticeKind.RESULT]
    report = engine.reports.report(engine.reports.parse_request({"start": "2024-09-01", "end": "2024-10-31"}), ADMIN)
    assert report.volume.total == 1  # the review case is not another complaint
    assert (report.quality.reopened.numerator, report.quality.reopened.denominator) == (1, 1)


def test_a_card_centre_decision_is_reviewed_at_head_office(engine):
    review_id = reviews.card_centre_decision_reviewed_at_head_office(engine)
    review = engine.cases.summary(review_id)
    assert review.unit == "HO" and review.status == CaseStatus.CLOSED
    assert engine.cases.process_data(review_id)["review_conclusion"] == "overturned"


def test_review_is_refused_after_the_window_before_a_decision_and_outside_the_unit(engine):
    decided = reviews.closed_branch_case(engine)
    with pytest.raises(NotFound):
        engine.reviews.request(decided.number, reviews.REASON, FRONT_BJ01)  # another branch's case
    assert audit_actions(engine, decided.id, "access_denied")
    with pytest.raises(Forbidden):
        engine.reviews.request(decided.number, reviews.REASON, AUDITOR)
    with pytest.raises(ValidationFailed) as empty:
        engine.reviews.request(decided.number, "  ", reviews.FRONT_SH01)
    assert list(empty.value.errors) == ["reason"]
    still_open = engine.cases.open_case(None, forms.complaint(), reviews.FRONT_SH01, "SH01")
    with pytest.raises(Conflict) as undecided:
        engine.reviews.request(still_open.number, reviews.REASON, reviews.FRONT_SH01)
    assert undecided.value.code == "review_not_decided"
    clock_of(engine).advance(timedelta(days=30, hours=1))
    with pytest.raises(Conflict) as late:
        engine.reviews.request(decided.number, reviews.REASON, reviews.FRONT_SH01)
    assert late.value.code == "review_window_passed"
    assert engine.repeats.links(decided.number, ADMIN).reviews == ()


def test_a_dissatisfied_revisit_sends_a_branch_case_back_for_a_second_handling(engine):
    walk = branch.Walk(engine)
    for bpmn_id, data in (("Task_OnSpot", forms.NOT_ON_SPOT), ("Task_Investigate", forms.INVESTIGATED_NO_FAULT),
                          ("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED_DISSATISFIED)):
        walk.step(bpmn_id, data)
    assert walk.waiting() == ["Task_Investigate"]  # not to archive: handled again
    assert walk.summary().status == CaseStatus.OPEN
    for bpmn_id, data in (("Task_Investigate", forms.INVESTIGATED_BANK_FAULT), ("Task_Approve", forms.APPROVED),
                          ("Task_Notify", forms.NOTIFIED), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        walk.step(bpmn_id, data)
    assert engine.cases.process_data(walk.case.id)["rework_count"] == 1
    walk.assert_closed()
