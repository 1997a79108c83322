"""Head-office cases driven through processes/head_office_complaint.bpmn give the report its quality figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from engine.services.reports import ReportRequest
from tests.support.actors import ADMIN
from tests.support.scenarios_head_office import SCENARIOS


def test_rework_review_and_supervision_from_the_head_office_diagram(engine):
    SCENARIOS["proposal_returned_once_and_reworked"](engine)
    SCENARIOS["third_return_raises_supervision"](engine)
    SCENARIOS["customer_rejects_and_requests_review"](engine)
    report = engine.reports.report(ReportRequest(date(2024, 9, 1), date(2024, 12, 31), "head_office"), ADMIN)

    assert report.volume.total == 3
    q = report.quality
    assert (q.rework_returns, q.reworked_cases) == (1 + 3, 2)
    assert q.review_requested == 1
    assert (q.review_overturned.numerator, q.review_overturned.denominator) == (1, 1)
    # the review's compensation (35.50) replaces the first decision's (0)
    assert report.money.compensation_paid == Decimal("35.50")
    assert report.timeliness.internal.replied == 3
    assert report.satisfaction.revisit_coverage.numerator == 3
    # the third return raised supervision for the responsible department
    assert [(c.department, c.supervisions) for c in report.control] == [("ebanking", 1)]
