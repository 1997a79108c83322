"""The report over the hand-made data set (tests/reports/dataset.py) gives exactly the figures worked out here.

In range 2024-10-01..2024-12-31: C10, C1, C2 (October), C3, C4 (November), C5, C6, C7 (December) = 8 cases.
C0, C11 and C9 were received before the range (C9 at 23:30 China time on 30 September).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.domain.errors import Forbidden, ValidationFailed
from engine.services.reports import ReportRequest
from tests.reports.dataset import NOW, RANGE, seed
from tests.support.actors import ADMIN, AUDITOR, staff, supervisor
from tests.support.engines import clock_of

SUPERVISOR = supervisor("super1", "complaint_mgmt")


@pytest.fixture
def seeded(engine):
    seed(engine)
    clock_of(engine).set(NOW)
    return engine


def counts(rows):
    return [(r.code, r.count) for r in rows]


def test_volume(seeded):
    report = seeded.reports.report(ReportRequest(*RANGE), SUPERVISOR)
    volume = report.volume
    assert volume.total == 8
    # ties are listed by code
    assert counts(volume.by_channel) == [
        ("counter", 2),  # C1, C6
        ("app_web", 1), ("card_hotline", 1), ("email", 1), ("hotline", 1), ("letter", 1), ("phone", 1),
    ]
    assert counts(volume.by_category) == [
        ("bank_card", 2), ("deposits", 2),  # C3, C5 / C1, C6
        ("loans", 1), ("other", 1), ("payment", 1), ("wealth", 1),
    ]
    assert counts(volume.by_cause) == [
        ("fees", 2), ("service_attitude", 2),  # C3, C5 / C1, C6
        ("business_error", 1), ("other", 1), ("product_dispute", 1), ("system_failure", 1),
    ]
    assert counts(volume.by_grade) == [("general", 5), ("important", 2), ("urgent", 1)]  # C1 C3 C5 C6 C10 / C2 C7 / C4
    assert counts(volume.by_organisation) == [("branch", 5), ("head_office", 2), ("card_center", 1)]
    assert [r.label for r in volume.by_organisation] == ["网点", "总行", "信用卡中心"]
    assert counts(volume.by_product) == [("信用卡", 2), ("定期存款", 2), ("", 2), ("房贷", 1), ("理财", 1)]
    assert volume.by_product[2].label == "（未填写）"  # C4, C10 name no product
    assert [(m.month, m.count, m.change) for m in volume.monthly] == [
        ("2024-10", 3, None),  # C10, C1, C2
        ("2024-11", 2, 2 - 3),  # C3, C4
        ("2024-12", 3, 3 - 2),  # C5, C6, C7
    ]


def test_timeliness(seeded):
    t = seeded.reports.report(ReportRequest(*RANGE), SUPERVISOR).timeliness
    internal = t.internal
    # replied: C10 C1 C2 C3 C4 C5; late: C2 (21 Oct > 17 Oct), C4 (29 Nov > 12 Nov); C6 unanswered, due 25 Dec
    assert (internal.replied, internal.on_time, internal.late, internal.open_overdue) == (6, 4, 2, 1)
    assert (internal.on_time_rate.numerator, internal.on_time_rate.denominator) == (4, 6 + 1)
    assert internal.on_time_rate.rate == round(4 / 7, 4)
    workday_minutes = [540, 1440, 4 * 1440, 300, 14 * 1440, 1440]  # C10 C1 C2 C3 C4 C5
    assert internal.average_days == round(sum(workday_minutes) / 6 / 1440, 2) == 3.43
    # nearest rank: ceil(0.9 * 6) = 6th smallest = the largest (C4, 14 working days)
    assert internal.p90_days == 14.0

    regulatory = t.regulatory
    # every reply within its (extended) regulatory deadline; C6 and C7 are not due yet
    assert (regulatory.replied, regulatory.on_time, regulatory.late, regulatory.open_overdue) == (6, 6, 0, 0)
    assert regulatory.on_time_rate.rate == 1.0
    minutes = [7 * 1440 + 510, 1440, 6 * 1440, 300, 18 * 1440, 1440]
    assert regulatory.average_days == round(sum(minutes) / 6 / 1440, 2) == 5.59
    assert regulatory.p90_days == 18.0

    assert (t.extended_cases, t.extended_twice, t.extensions) == (2, 1, 1 + 2)  # C4 once, C6 twice
    # open and past due at 31 Dec 18:00: C6's two tasks; C7's is due 2 Jan; C0's is out of range
    assert [(r.code, r.count) for r in t.overdue_backlog] == [("branch_head", 1), ("branch_manager", 1)]


def test_quality_satisfaction_control_root_causes_money(seeded):
    report = seeded.reports.report(ReportRequest(*RANGE), SUPERVISOR)
    q = report.quality
    assert (q.rework_returns, q.reworked_cases) == (2 + 1, 2)  # C4, C5
    assert q.review_requested == 2  # C4, C5
    assert (q.review_overturned.numerator, q.review_overturned.denominator) == (1, 2)  # C4
    # C3 after C1 (27 days), C6 after C2 (66 days), C5 after C11 (exactly 90 days); C7 after C0 is 120 days
    assert (q.repeat_cases.numerator, q.repeat_cases.denominator) == (3, 8)
    assert (q.first_contact_resolution.numerator, q.first_contact_resolution.denominator) == (1, 8)  # C3

    s = report.satisfaction
    assert (s.revisit_coverage.numerator, s.revisit_coverage.denominator) == (4, 6)  # C1 C2 C3 C4 of 6 replied
    assert (s.satisfied, s.basically, s.dissatisfied, s.other) == (2, 1, 1, 0)
    assert (s.satisfaction_rate.numerator, s.satisfaction_rate.denominator) == (2 + 1, 4)
    assert s.satisfaction_rate.rate == 0.75

    # notices sent in the range; C0's chase (3 Sep) is not
    assert [(c.department, c.auto_chases, c.manual_chases, c.supervisions) for c in report.control] == [
        ("branch_manager", 1, 1, 1), ("complaint_mgmt", 0, 0, 1), ("retail_banking", 1, 0, 0),
    ]
    assert report.control[0].label == "投诉管理人"

    r = report.root_causes
    assert [(c.code, c.count) for c in r.top] == [("系统参数错误", 2), ("收费标准不透明", 1)]  # C2 C4 / C5
    assert r.rectification_issued == 2  # C2, C4
    assert (r.rectification_closed.numerator, r.rectification_closed.denominator) == (1, 2)  # C2

    m = report.money
    assert m.amount_in_dispute == Decimal("120.00") + Decimal("3000.00") + Decimal("88.50")  # C1 C2 C6
    assert m.cases_with_amount == 3
    assert m.compensation_paid == Decimal("50.00") + Decimal("200.00") == Decimal("250.00")  # C2 C4
    assert m.cases_compensated == 2


def test_organisation_scope(seeded):
    report = seeded.reports.report(ReportRequest(*RANGE, organisation="branch"), AUDITOR)
    assert report.volume.total == 5  # C10 C1 C2 C6 C7
    internal = report.timeliness.internal
    assert (internal.replied, internal.on_time, internal.open_overdue) == (3, 2, 1)  # C10 C1 C2; C2 late; C6
    assert report.quality.repeat_cases.numerator == 1  # C6 (C3 and C5 belong to other organisations)
    assert [(c.department, c.auto_chases, c.manual_chases, c.supervisions) for c in report.control] == [
        ("branch_manager", 1, 1, 1),
    ]
    assert report.money.amount_in_dispute == Decimal("3208.50")
    assert report.money.compensation_paid == Decimal("50.00")
    assert report.timeliness.extended_cases == 1  # C6


def test_one_day_range_follows_china_dates(seeded):
    report = seeded.reports.report(ReportRequest(RANGE[0], RANGE[0]), ADMIN)
    assert report.volume.total == 1  # C10 at 00:30 on 1 October; C9 at 23:30 on 30 September is not in
    assert [(m.month, m.count) for m in report.volume.monthly] == [("2024-10", 1)]


def test_to_dict_is_plain_json(seeded):
    import json

    data = seeded.reports.report(ReportRequest(*RANGE), SUPERVISOR).to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert data["request"] == {"start": "2024-10-01", "end": "2024-12-31", "organisation": None, "unit": None}
    assert data["money"]["amount_in_dispute"] == "3208.50"
    assert data["timeliness"]["internal"]["on_time_rate"] == {"numerator": 4, "denominator": 7, "rate": 0.5714}
    assert '"month": "2024-11"' in text


def test_only_supervisors_auditors_and_admins(seeded):
    with pytest.raises(Forbidden):
        seeded.reports.report(ReportRequest(*RANGE), staff("teller", "branch_front"))


@pytest.mark.parametrize("raw, field", [
    ({"start": "2024-12-31", "end": "2024-10-01"}, "end"),
    ({"start": "2024-13-01"}, "start"),
    ({"start": "2020-01-01", "end": "2024-12-31"}, "end"),
    ({"organisation": "moon_branch"}, "organisation"),
])
def test_bad_requests_are_refused_with_the_field(seeded, raw, field):
    with pytest.raises(ValidationFailed) as err:
        seeded.reports.parse_request(raw)
    assert list(err.value.errors) == [field]


def test_defaults_are_the_last_twelve_months(seeded):
    request = seeded.reports.parse_request({})
    assert (request.start.isoformat(), request.end.isoformat(), request.organisation) == (
        "2024-01-01", "2024-12-31", None)
