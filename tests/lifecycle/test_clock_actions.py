"""Regulatory clock actions through the engine (SQLite and PostgreSQL): two extensions, the second approved at
the parent unit (a wrong-level approver refused) with the customer told each time; a 15-day clock paused
5 days for an appraisal ending on day 20, the internal clock and the timers following the pause; a restart
on new facts. Every change is audited.

An outlet case: received by SH01 (Shanghai Pudong outlet) on Monday 2024-11-04 10:00, regulatory deadline
2024-11-19 (15 days), internal deadline Thursday 2024-11-07 10:00 (a general complaint: 3 working days).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.bootstrap import Engine
from engine.domain.clock import to_china
from engine.domain.customer_notices import CustomerNoticeKind
from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import CaseSummary
from engine.domain.regulatory_clock import RequestStatus
from engine.persistence.tables import TimerRow
from tests.support.actors import AUDITOR
from tests.support.clock import (
    BRANCH_SUPERVISOR,
    HEAD_OFFICE_SENIOR,
    OTHER_BRANCH,
    OUTLET_FRONT,
    OUTLET_HEAD,
)
from tests.support.complaints import complaint
from tests.support.driver import assert_projection_matches_workflow, audit_actions, open_tasks
from tests.support.engines import at, clock_of


def _outlet_case(engine: Engine) -> CaseSummary:
    clock_of(engine).set(at(2024, 11, 4, 10))
    case = engine.cases.open_case(None, complaint(), OUTLET_FRONT, unit="SH01")
    # general: the reply is due 1 working day after receipt
    assert (case.regulatory_due_at, case.internal_due_at) == (at(2024, 11, 19), at(2024, 11, 5))
    return case


def _timers(engine: Engine, case: CaseSummary) -> list[tuple[str, datetime]]:
    with engine.ctx.db.read() as uow:
        rows = uow.session.execute(select(TimerRow.bpmn_id, TimerRow.fire_at).where(TimerRow.case_id == case.id))
        return sorted((bpmn_id, to_china(fire_at)) for bpmn_id, fire_at in rows)


def _notice_kinds(engine: Engine, case: CaseSummary) -> list[str]:
    with engine.ctx.db.read() as uow:
        return [n.kind.value for n in uow.read.notices(case_id=case.id)]


def _extension_notices(engine: Engine, case: CaseSummary):
    return [n for n in engine.customer_notices.for_case(case.number, OUTLET_HEAD)
            if n.kind == CustomerNoticeKind.EXTENSION]


def test_two_extensions_the_second_approved_at_the_parent_unit_customer_told_each_time(engine: Engine) -> None:
    case = _outlet_case(engine)
    clock_of(engine).set(at(2024, 11, 15, 9))
    assert engine.clock.extend(case.number, 30, "需调取第三方支付机构记录", OUTLET_FRONT) is None
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 12, 4)  # 30 days from receipt
    [first] = _extension_notices(engine, case)
    assert "需调取第三方支付机构记录" in first.content and "2024-12-04" in first.content

    clock_of(engine).set(at(2024, 12, 1, 9))
    request = engine.clock.extend(case.id, 60, "涉及司法鉴定，案情特别复杂", OUTLET_HEAD)
    assert request is not None and request.status == RequestStatus.PENDING and request.approver_unit == "SH"
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 12, 4)  # nothing moves before approval
    assert len(_extension_notices(engine, case)) == 1
    assert [r.id for r in engine.clock.pending_requests(BRANCH_SUPERVISOR)] == [request.id]
    assert [r.id for r in engine.clock.pending_requests(HEAD_OFFICE_SENIOR)] == [request.id]
    assert engine.clock.pending_requests(OTHER_BRANCH) == engine.clock.pending_requests(OUTLET_HEAD) == []

    for wrong in (OUTLET_HEAD, OTHER_BRANCH, OUTLET_FRONT):  # the asker at the case's own unit, another branch,
        with pytest.raises(Forbidden):                       # and staff who are no supervisor
            engine.clock.decide(request.id, True, "同意", wrong)
    assert [e.data["action"] for e in audit_actions(engine, case.id, "access_denied")] == [
        "clock_approve_own", "clock_approve"]
    with pytest.raises(ValidationFailed) as no_opinion:
        engine.clock.decide(request.id, True, "  ", BRANCH_SUPERVISOR)
    assert list(no_opinion.value.errors) == ["opinion"]
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 12, 4)

    clock_of(engine).set(at(2024, 12, 1, 15))
    decided = engine.clock.decide(request.id, True, "同意延长至60日", BRANCH_SUPERVISOR)
    assert (decided.status, decided.decided_by, decided.opinion) == (RequestStatus.APPROVED, "sup_sh", "同意延长至60日")
    summary = engine.cases.summary(case.id)
    assert summary.regulatory_due_at == at(2025, 1, 3)  # 60 days from 2024-11-04
    assert [(e["to_days"], e.get("approved_by")) for e in summary.regulatory_extensions] == [(30, None), (60, "sup_sh")]
    first, second = _extension_notices(engine, case)
    assert "再次延长至受理后 60 日" in second.content and "2025-01-03" in second.content
    assert second.created_at == at(2024, 12, 1, 15)
    assert [e.action for e in audit_actions(engine, case.id) if e.action.startswith(("clock_", "regulatory"))] == [
        "regulatory_extension", "clock_extension_requested", "regulatory_extension", "clock_extension_approved"]
    with pytest.raises(Conflict) as decided_twice:
        engine.clock.decide(request.id, False, "驳回", HEAD_OFFICE_SENIOR)
    assert decided_twice.value.code == "clock_request_decided"
    with pytest.raises(Conflict) as last:
        engine.clock.extend(case.id, 60, "再延", OUTLET_HEAD)
    assert last.value.code == "clock_already_extended"
    assert_projection_matches_workflow(engine, case.id)


def test_a_rejected_request_changes_nothing_but_the_record(engine: Engine) -> None:
    case = _outlet_case(engine)
    with pytest.raises(ValidationFailed) as skipped:
        engine.clock.extend(case.id, 60, "直接延长", OUTLET_FRONT)  # 15 -> 60 skips the 30-day step
    assert skipped.value.coded["to_days"] == [("clock_next_extension", {"days": "30"})]
    engine.clock.extend(case.id, 30, "案情复杂", OUTLET_FRONT)
    with pytest.raises(Conflict) as retried:  # a retry of the same extension extends nothing twice
        engine.clock.extend(case.id, 30, "案情复杂", OUTLET_FRONT)
    assert retried.value.code == "clock_already_extended"
    request = engine.clock.extend(case.id, 60, "仍需鉴定", OUTLET_FRONT)
    assert request is not None
    with pytest.raises(Conflict) as twice:
        engine.clock.extend(case.id, 60, "仍需鉴定", OUTLET_FRONT)
    assert twice.value.code == "clock_request_pending"
    rejected = engine.clock.decide(request.id, False, "材料不足，不同意", HEAD_OFFICE_SENIOR)
    assert rejected.status == RequestStatus.REJECTED
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 12, 4)
    assert len(_extension_notices(engine, case)) == 1
    [event] = audit_actions(engine, case.id, "clock_extension_rejected")
    assert (event.actor, event.data["opinion"]) == ("senior_ho", "材料不足，不同意")


def test_a_15_day_clock_paused_5_days_for_appraisal_ends_on_day_20(engine: Engine) -> None:
    case = _outlet_case(engine)
    [task] = open_tasks(engine, case.id)
    timers = _timers(engine, case)
    assert task.due_at == at(2024, 11, 5) and timers  # the first step's chase and supervision are armed
    clock_of(engine).set(at(2024, 11, 4, 14))
    paused = engine.clock.pause(case.number, "appraisal", "送司法鉴定机构鉴定签名真伪", "鉴定委托书 JD-2024-118",
                                OUTLET_FRONT)
    assert paused.regulatory_due_at == at(2024, 11, 19)
    with pytest.raises(Conflict):
        engine.clock.pause(case.number, "appraisal", "again", "again", OUTLET_FRONT)

    clock_of(engine).set(at(2024, 11, 8, 12))  # past the task's due time and its chase: the pause holds them
    assert engine.timers.sweep().fired_cases == 0
    assert _notice_kinds(engine, case) == []

    clock_of(engine).set(at(2024, 11, 9, 14))  # a Saturday: 5 calendar days, 5 working days (Mon-Fri) paused
    resumed = engine.clock.resume(case.number, "鉴定结论已收到", OUTLET_FRONT)
    assert resumed.regulatory_due_at == at(2024, 11, 24)  # day 20 from receipt
    assert resumed.internal_due_at == at(2024, 11, 12)  # Tuesday 11-05 + 5 working days
    [moved] = open_tasks(engine, case.id)
    assert (moved.id, moved.due_at) == (task.id, at(2024, 11, 12))  # Tuesday 11-05 + 5 working days
    calendar = engine.ctx.calendar
    assert _timers(engine, case) == [(bpmn_id, calendar.add_workdays(fire_at, 5)) for bpmn_id, fire_at in timers]
    assert_projection_matches_workflow(engine, case.id)
    [event] = audit_actions(engine, case.id, "clock_resumed")
    assert (event.data["days"], event.data["workdays"], event.data["kind"]) == (5, 5, "appraisal")
    assert audit_actions(engine, case.id, "clock_paused")[0].data["evidence"] == "鉴定委托书 JD-2024-118"

    first_fire = min(fire_at for _, fire_at in _timers(engine, case))
    clock_of(engine).set(first_fire - timedelta(minutes=1))
    assert engine.timers.sweep().fired_cases == 0
    clock_of(engine).set(first_fire + timedelta(minutes=1))
    assert engine.timers.sweep().fired_cases == 1  # the chase, at its moved time
    assert _notice_kinds(engine, case) == ["chase"]


def test_a_restart_on_new_facts_counts_15_days_again_from_their_date(engine: Engine) -> None:
    case = _outlet_case(engine)
    engine.clock.extend(case.id, 30, "案情复杂", OUTLET_FRONT)
    clock_of(engine).set(at(2024, 11, 12, 16))
    with pytest.raises(ValidationFailed) as future:
        engine.clock.restart(case.id, at(2024, 11, 13), "客户补充新事实", OUTLET_FRONT)
    assert list(future.value.errors) == ["facts_at"]
    restarted = engine.clock.restart(case.id, at(2024, 11, 12, 15), "客户提供新的转账凭证", OUTLET_FRONT)
    assert restarted.regulatory_due_at == at(2024, 11, 27, 15)  # 15 days from the new facts
    [event] = audit_actions(engine, case.id, "clock_restarted")
    assert (event.data["from"], event.data["to"]) == ("2024-12-04T10:00:00+08:00", "2024-11-27T15:00:00+08:00")
    assert event.data["reason"] == "客户提供新的转账凭证"
    assert engine.clock.extend(case.id, 30, "新事实需核实", OUTLET_FRONT) is None  # may extend again: 30 days
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 12, 12, 15)


def test_who_may_move_the_clock(engine: Engine) -> None:
    case = _outlet_case(engine)
    with pytest.raises(NotFound):  # another branch's supervisor does not see the case
        engine.clock.pause(case.id, "third_party", "第三方核实", "函件", OTHER_BRANCH)
    with pytest.raises(Forbidden):  # an auditor sees it and may not move it
        engine.clock.pause(case.id, "third_party", "第三方核实", "函件", AUDITOR)
    with pytest.raises(ValidationFailed) as bad_kind:
        engine.clock.pause(case.id, "holiday", "x", "y", OUTLET_FRONT)
    assert list(bad_kind.value.errors) == ["kind"]
    with pytest.raises(ValidationFailed) as empty:
        engine.clock.pause(case.id, "third_party", " ", "", OUTLET_FRONT)
    assert sorted(empty.value.errors) == ["evidence", "reason"]
    with pytest.raises(Conflict) as not_paused:
        engine.clock.resume(case.id, "", OUTLET_FRONT)
    assert not_paused.value.code == "clock_not_paused"
    assert [e.data["action"] for e in audit_actions(engine, case.id, "access_denied")] == ["clock_pause"] * 2
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 11, 19)


def test_no_supervision_rule_applies_while_the_clock_is_paused(engine: Engine) -> None:
    case = _outlet_case(engine)  # regulatory deadline 2024-11-19 10:00: supervised from day 10 (11-14)
    clock_of(engine).set(at(2024, 11, 6, 10))
    engine.clock.pause(case.id, "third_party", "等待银联核实", "协查函", OUTLET_FRONT)
    clock_of(engine).set(at(2024, 11, 16, 10))
    assert engine.supervision.apply_rules() == 0 and not engine.cases.summary(case.id).supervised
    resumed = engine.clock.resume(case.id, "", OUTLET_FRONT)  # 10 days paused: due 2024-11-29
    assert resumed.regulatory_due_at == at(2024, 11, 29)
    clock_of(engine).set(at(2024, 11, 25, 10))  # the tasks' moved due times and the regulatory warning apply again
    assert engine.supervision.apply_rules() == 1 and engine.cases.summary(case.id).supervised
