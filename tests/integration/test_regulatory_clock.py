"""The regulatory clock of a case received at head office: 15 calendar days from receipt, extended to 30 at
once and to 60 only with a head-office senior manager's approval (head office has no parent unit).

Received Friday 2024-09-27 10:00 +08:00: due 2024-10-12 (27 + 15), first extension to 2024-10-27
(27 + 30), second to 2024-11-26 (September has 30 days: 27 + 60 = 87 -> 87 - 30 - 31 = 26 November).
"""

from __future__ import annotations

import pytest

from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from tests.support.actors import MANAGER, supervisor
from tests.support.clock import BRANCH_SUPERVISOR, HEAD_OFFICE_SENIOR, member
from tests.support.driver import assert_projection_matches_workflow, audit_actions, open_case
from tests.support.engines import at, clock_of

CARE_SUPERVISOR = supervisor("sup_qian", "complaint_mgmt")


def test_a_head_office_case_is_extended_to_60_days_only_with_head_office_approval(engine):
    case = open_case(engine)
    assert case.unit == engine.ctx.organisation.root.code and case.regulatory_due_at == at(2024, 10, 12)
    clock_of(engine).set(at(2024, 10, 9, 15))
    engine.clock.extend(case.number, 30, "需调取第三方支付机构记录", CARE_SUPERVISOR)
    assert engine.cases.summary(case.id).regulatory_due_at == at(2024, 10, 27)

    clock_of(engine).set(at(2024, 10, 25, 9))
    request = engine.clock.extend(case.id, 60, "涉及司法鉴定，需延长", CARE_SUPERVISOR)
    assert request is not None and request.approver_unit == "HO"
    with pytest.raises(Forbidden):  # a branch supervisor is no higher level of a head-office case
        engine.clock.decide(request.id, True, "同意", BRANCH_SUPERVISOR)
    with pytest.raises(Forbidden):  # head-office staff without the supervisor role
        engine.clock.decide(request.id, True, "同意", member("ho_staff", "HO", "complaint_mgmt"))
    engine.clock.decide(request.id, True, "同意", HEAD_OFFICE_SENIOR)
    second = engine.cases.summary(case.id)
    assert second.regulatory_due_at == at(2024, 11, 26)
    assert [(e["to_days"], e.get("approved_by")) for e in second.regulatory_extensions] == [
        (30, None), (60, "senior_ho")]
    events = audit_actions(engine, case.id, "regulatory_extension")
    assert [(e.actor, e.data["to_days"]) for e in events] == [("sup_qian", 30), ("senior_ho", 60)]
    assert engine.cases.summary(case.id).internal_due_at == case.internal_due_at  # the internal clock is apart
    assert_projection_matches_workflow(engine, case.id)


def test_people_outside_the_case_cannot_extend_and_bad_requests_change_nothing(engine):
    case = open_case(engine)
    clock_of(engine).set(at(2024, 10, 9, 15))
    with pytest.raises(NotFound):
        engine.clock.extend(case.id, 30, "原因", MANAGER)  # no queue of this case, no supervisor: not seen
    with pytest.raises(ValidationFailed) as no_reason:
        engine.clock.extend(case.id, 30, "  ", CARE_SUPERVISOR)
    assert "reason" in no_reason.value.errors
    with pytest.raises(ValidationFailed) as too_long:
        engine.clock.extend(case.id, 30, "长" * 2001, CARE_SUPERVISOR)
    assert too_long.value.coded["reason"] == [("clock_too_long", {"limit": "2000"})]
    summary = engine.cases.summary(case.id)
    assert summary.regulatory_due_at == at(2024, 10, 12)
    assert summary.regulatory_extensions == []
    assert audit_actions(engine, case.id, "regulatory_extension") == []
