"""The regulatory clock: 15 calendar days from receipt, extended to 30 and then to 60 days, each time
approved (the second by a senior manager) and the customer told, all recorded on the case.

Received Friday 2024-09-27 10:00 +08:00: due 2024-10-12 (27 + 15), first extension to 2024-10-27
(27 + 30), second to 2024-11-26 (September has 30 days: 27 + 60 = 87 -> 87 - 30 - 31 = 26 November).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.errors import Conflict, Forbidden, ValidationFailed
from tests.support.actors import MANAGER, supervisor
from tests.support.driver import assert_projection_matches_workflow, audit_actions, open_case
from tests.support.engines import at, clock_of

CARE_SUPERVISOR = supervisor("sup_qian", "complaint_mgmt")


def test_extended_to_30_then_60_days_with_approver_and_customer_told(engine):
    case = open_case(engine)
    assert case.regulatory_due_at == at(2024, 9, 27) + timedelta(days=15) == at(2024, 10, 12)

    clock_of(engine).set(at(2024, 10, 9, 15))
    first = engine.cases.extend_regulatory(case.number, "部门负责人 周某", at(2024, 10, 9, 14),
                                           "需调取第三方支付机构记录", CARE_SUPERVISOR)
    assert first.regulatory_due_at == at(2024, 10, 27)

    clock_of(engine).set(at(2024, 10, 25, 9))
    second = engine.cases.extend_regulatory(case.id, "高级经理 吴某", at(2024, 10, 24, 16),
                                            "涉及司法鉴定，需延长", CARE_SUPERVISOR)
    assert second.regulatory_due_at == at(2024, 11, 26)
    assert [(e["to_days"], e["approved_by"], e["customer_told_at"]) for e in second.regulatory_extensions] == [
        (30, "部门负责人 周某", "2024-10-09T14:00:00+08:00"),
        (60, "高级经理 吴某", "2024-10-24T16:00:00+08:00"),
    ]
    events = audit_actions(engine, case.id, "regulatory_extension")
    assert [(e.actor, e.data["to_days"]) for e in events] == [("sup_qian", 30), ("sup_qian", 60)]
    assert engine.cases.summary(case.id).internal_due_at == case.internal_due_at  # the internal clock is apart
    assert_projection_matches_workflow(engine, case.id)

    with pytest.raises(Conflict, match="上限"):
        engine.cases.extend_regulatory(case.id, "行长", at(2024, 10, 25, 8), "再延", CARE_SUPERVISOR)
    assert len(audit_actions(engine, case.id, "regulatory_extension")) == 2


def test_staff_cannot_extend_and_bad_requests_change_nothing(engine):
    case = open_case(engine)
    clock_of(engine).set(at(2024, 10, 9, 15))
    with pytest.raises(Forbidden):
        engine.cases.extend_regulatory(case.id, "经理", at(2024, 10, 9, 14), "原因", MANAGER)
    with pytest.raises(ValidationFailed) as no_reason:
        engine.cases.extend_regulatory(case.id, "经理", at(2024, 10, 9, 14), "  ", CARE_SUPERVISOR)
    assert "reason" in no_reason.value.errors
    with pytest.raises(ValidationFailed) as told_later:
        engine.cases.extend_regulatory(case.id, "经理", at(2024, 10, 10, 9), "原因", CARE_SUPERVISOR)
    assert list(told_later.value.errors) == ["customer_told_at"]
    with pytest.raises(ValidationFailed):
        engine.cases.extend_regulatory(case.id, "经理", at(2024, 9, 26, 9), "原因", CARE_SUPERVISOR)
    summary = engine.cases.summary(case.id)
    assert summary.regulatory_due_at == at(2024, 10, 12)
    assert summary.regulatory_extensions == []
    assert audit_actions(engine, case.id, "regulatory_extension") == []
