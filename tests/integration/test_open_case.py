"""Opening a complaint: numbering, the first task in the inbox projection, audit; invalid input stores nothing."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engine.domain.errors import ValidationFailed
from engine.persistence.tables import AuditEventRow, CaseRow, HumanTaskRow, TimerRow
from tests.support.actors import FRONT
from tests.support.complaints import complaint
from tests.support.driver import (
    all_tasks,
    assert_projection_matches_workflow,
    audit_actions,
    open_case,
)
from tests.support.engines import at

NUMBER = re.compile(r"^TS-\d{8}-\d{6}$")


def test_open_case_numbers_it_and_puts_the_first_task_in_the_front_queue(engine):
    case = open_case(engine)

    assert NUMBER.match(case.number), case.number
    assert case.number == f"TS-20240927-{case.id:06d}"
    assert case.status.value == "open"
    assert case.definition_version == 1
    assert case.received_by == FRONT.username
    assert case.internal_due_at == at(2024, 9, 29)  # general: 1 working day after Friday 09-27, the swapped Sunday
    assert case.regulatory_due_at == at(2024, 10, 12)  # 15 calendar days

    [task] = all_tasks(engine, case.id)
    assert task.bpmn_id == "Task_OnSpot"
    assert task.status.value == "ready"
    assert task.department == "branch_front"
    assert task.lane == "网点首问人员"
    assert task.case_number == case.number
    assert task.due_at == at(2024, 9, 29)  # +1 working day: the swapped working Sunday
    assert task.assignee is None

    [opened] = audit_actions(engine, case.id, "case_opened")
    assert opened.actor == FRONT.username
    assert opened.data["number"] == case.number
    assert opened.data["definition_version"] == 1
    assert opened.data["complaint"]["contact_phone"] == "138****5678"  # masked in the audit trail

    assert engine.tasks.queue(FRONT)[0].id == task.id
    assert_projection_matches_workflow(engine, case.id)


def test_numbers_are_unique_and_follow_the_receipt_date(engine):
    first = open_case(engine)
    second = open_case(engine, received_at="2024-09-28T09:00:00+08:00")
    late_evening_utc = open_case(engine, received_at="2024-09-28T17:30:00+00:00")  # 09-29 01:30 China time

    assert first.number != second.number
    assert second.number == f"TS-20240928-{second.id:06d}"
    assert late_evening_utc.number.startswith("TS-20240929-")


def _count(engine, table) -> int:
    with engine.ctx.db.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(table)) or 0)


def test_invalid_complaint_names_each_bad_field_and_stores_nothing(engine):
    before = {t: _count(engine, t) for t in (CaseRow, HumanTaskRow, TimerRow, AuditEventRow)}
    bad = complaint(
        channel="carrier_pigeon",
        contact_phone="12345",
        category="lottery",
        amount="-5",
        id_number="123",
        grade="apocalyptic",
    )
    del bad["facts"]

    with pytest.raises(ValidationFailed) as caught:
        engine.cases.open_case(None, bad, FRONT)

    errors = caught.value.errors
    for field in ("channel", "contact_phone", "category", "amount", "grade", "facts"):
        assert field in errors, f"{field} not named in {errors}"
        assert all(message.strip() for message in errors[field])
    after = {t: _count(engine, t) for t in (CaseRow, HumanTaskRow, TimerRow, AuditEventRow)}
    assert after == before


def test_id_number_must_match_the_id_type(engine):
    with pytest.raises(ValidationFailed) as caught:
        engine.cases.open_case(None, complaint(id_number="123"), FRONT)
    assert "id_number" in caught.value.errors


def test_unknown_organisation_is_a_validation_error(engine):
    with pytest.raises(ValidationFailed) as caught:
        engine.cases.open_case(None, complaint(organisation="moon_branch"), FRONT)
    assert "organisation" in caught.value.errors
