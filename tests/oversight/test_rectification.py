"""Rectification notices (整改通知单) as records: issued from a case with a responsible unit and department and a
due date in working days, chased and supervised by the worker's sweep like a task, closed with measures and
evidence once the issuer accepts them. Both databases.

Issued Friday 2024-09-27 10:00 with 3 working days: Sunday 09-29 (a swapped working day), Monday 09-30, then the
National Day week off, so it is due Tuesday 2024-10-08 10:00; one working day overdue is 2024-10-09 10:00.
"""

from __future__ import annotations

import pytest

from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import NoticeKind
from engine.domain.rectification import RectificationStatus, list_filter
from engine.scheduler import sweep_once
from tests.oversight.rectification_support import (
    BRANCH_SERVICE,
    ISSUER,
    OTHER_HEAD,
    OTHER_OUTLET,
    OUTLET_MANAGER,
    notice_for,
)
from tests.support.actors import AUDITOR, staff
from tests.support.driver import audit_actions, open_case
from tests.support.engines import at, clock_of


def _sweep(engine, moment):
    clock_of(engine).set(moment)
    result = sweep_once(engine)
    return result["rectifications_chased"], result["rectifications_supervised"]


def _rectification_notices(engine, actor, number):
    return [(n.kind, n.department, n.unit) for n in engine.notices.for_actor(actor) if number in n.reason]


def test_overdue_notice_is_chased_then_closed_with_evidence_and_checked(engine):
    case = open_case(engine)
    notice = engine.rectifications.issue(notice_for(case.id), ISSUER)
    assert notice.due_at == at(2024, 10, 8)
    assert (notice.status, notice.issuer_unit, notice.issuer_department) == (
        RectificationStatus.OPEN, "HO", "complaint_mgmt")
    assert notice.number == f"ZG-{notice.id:06d}"

    assert _sweep(engine, at(2024, 9, 29, 9)) == (0, 0)  # more than a working day ahead
    assert _sweep(engine, at(2024, 10, 7, 12)) == (0, 0)  # within a working day, but a holiday
    assert _sweep(engine, at(2024, 10, 8, 9)) == (1, 0)  # a working day before the due time: chased
    assert _sweep(engine, at(2024, 10, 8, 9, 30)) == (0, 0)  # once a day
    assert _sweep(engine, at(2024, 10, 9, 10, 30)) == (1, 1)  # overdue by one working day: chased, supervised
    assert _sweep(engine, at(2024, 10, 9, 11)) == (0, 0)  # supervised once
    assert _rectification_notices(engine, OUTLET_MANAGER, notice.number) == [
        (NoticeKind.SUPERVISION, "branch_manager", "SH01"), (NoticeKind.CHASE, "branch_manager", "SH01"),
        (NoticeKind.CHASE, "branch_manager", "SH01")]
    assert (NoticeKind.SUPERVISION, "complaint_mgmt", "HO") in _rectification_notices(engine, ISSUER, notice.number)
    assert _rectification_notices(engine, OTHER_OUTLET, notice.number) == []

    clock_of(engine).set(at(2024, 10, 9, 14))
    submitted = engine.rectifications.submit(notice.id, "已组织全员培训", "培训签到表、考试记录", OUTLET_MANAGER)
    assert submitted.status == RectificationStatus.SUBMITTED
    returned = engine.rectifications.check(notice.id, False, "缺少考试成绩", ISSUER)
    assert (returned.status, returned.returns, returned.check_note) == (RectificationStatus.OPEN, 1, "缺少考试成绩")
    engine.rectifications.submit(notice.id, "已组织全员培训并考试", "签到表；考试成绩单（全员合格）", OUTLET_MANAGER)
    clock_of(engine).set(at(2024, 10, 10, 9))
    closed = engine.rectifications.check(notice.id, True, "", ISSUER)
    assert (closed.status, closed.closed_at, closed.checked_by) == (RectificationStatus.CLOSED, at(2024, 10, 10, 9),
                                                                   "ho_gao")
    assert closed.evidence == "签到表；考试成绩单（全员合格）" and not closed.closed_on_time()
    assert _sweep(engine, at(2024, 10, 11, 10)) == (0, 0)  # closed notices are not chased
    assert [e.action for e in audit_actions(engine, case.id) if e.action.startswith("rectification")] == [
        "rectification_issue", "rectification_chase", "rectification_chase", "rectification_supervision",
        "rectification_submit", "rectification_return", "rectification_submit", "rectification_accept"]


def test_only_the_responsible_queue_submits_and_only_the_issuer_checks(engine):
    case = open_case(engine)
    notice = engine.rectifications.issue(notice_for(case.id), ISSUER)
    with pytest.raises(NotFound):
        engine.rectifications.submit(notice.id, "措施", "证据", OTHER_OUTLET)  # another outlet's notice
    with pytest.raises(Forbidden):
        engine.rectifications.submit(notice.id, "措施", "证据", ISSUER)
    with pytest.raises(Conflict) as not_submitted:
        engine.rectifications.check(notice.id, True, "", ISSUER)
    assert not_submitted.value.code == "rectification_not_submitted"
    engine.rectifications.submit(notice.id, "措施", "证据", OUTLET_MANAGER)
    with pytest.raises(Forbidden):
        engine.rectifications.check(notice.id, True, "", OUTLET_MANAGER)
    with pytest.raises(ValidationFailed) as no_reason:
        engine.rectifications.check(notice.id, False, " ", ISSUER)
    assert no_reason.value.coded == {"note": [("required", {})]}
    assert engine.rectifications.get(notice.id, ISSUER).status == RectificationStatus.SUBMITTED
    assert len(audit_actions(engine, case.id, "access_denied")) == 3
    assert [n.id for n in engine.rectifications.find(OUTLET_MANAGER)] == [notice.id]
    assert engine.rectifications.find(OTHER_OUTLET) == []


def test_bad_notices_are_refused_with_coded_problems_and_store_nothing(engine):
    case = open_case(engine)
    with pytest.raises(ValidationFailed) as bad:
        engine.rectifications.issue(notice_for(case.id, workdays=0, requirement=" ", department="card_seat"),
                                    ISSUER)
    assert bad.value.coded == {
        "workdays": [("workdays_range", {"min": "1", "max": "60"})],
        "requirement": [("required", {})],
        "department": [("no_such_department", {"unit": "SH01", "department": "card_seat"})],
    }
    with pytest.raises(ValidationFailed) as outside:
        engine.rectifications.issue(notice_for(case.id, unit="BJ01"), BRANCH_SERVICE)
    assert outside.value.coded == {"unit": [("outside_issuer_subtree", {"unit": "BJ01", "issuer_unit": "SH"})]}
    with pytest.raises(Forbidden):
        engine.rectifications.issue(notice_for(case.id), AUDITOR)
    with pytest.raises(NotFound):
        engine.rectifications.issue(notice_for(case.id, unit="BJ01"), OTHER_HEAD)  # a case they never saw
    with pytest.raises(Forbidden):
        engine.rectifications.issue(notice_for(case.id), OUTLET_MANAGER)  # not an issuing department
    assert engine.rectifications.find(ISSUER) == []


def test_lists_are_filtered_in_the_database_by_whose_notices_they_are(engine):
    case = open_case(engine)
    ours = engine.rectifications.issue(notice_for(case.id), ISSUER)
    theirs = engine.rectifications.issue(notice_for(case.id, unit="BJ01"), ISSUER)
    with engine.ctx.db.read() as uow:
        def ids(actor):
            return [n.id for n in uow.rectifications.find(list_filter(actor))]

        assert ids(OUTLET_MANAGER) == [ours.id]  # the responsible queue
        assert ids(OTHER_OUTLET) == [theirs.id]
        assert ids(ISSUER) == [ours.id, theirs.id]  # head office reads the bank
        assert ids(BRANCH_SERVICE) == []  # a staff member of the branch, neither issuer nor responsible
        assert ids(staff("api:outlet", "branch_manager")) == [ours.id, theirs.id]  # no units: by department
