"""Urgent and group complaints (紧急、群体性投诉): a first-contact deadline in hours, a task force (专项小组) the
same working day, a progress entry every working day (a missed one chased by the worker), the case on the
supervision list throughout. Both databases.

Received Friday 2024-09-27 10:00 with a 2-hour first contact (processes/sla.toml): due 12:00; the task force is
due by the end of Friday; Saturday 09-28 is off, Sunday 09-29 a swapped working day, Monday 09-30 a working day,
then the National Day week off (10-01..10-07), so Monday's missing entry is chased on Tuesday 10-08.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.domain.codes import SlaTable
from engine.domain.errors import ConfigurationError, Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.model import Membership, NoticeKind
from engine.domain.urgent import ContactMethod, NewTaskForce
from tests.oversight.urgent_support import (
    COMPLAINT_MGMT_HO,
    FRONT_SH01,
    HEAD_SH01,
    LEAD,
    MANAGER_SH01,
    OUTSIDER,
    RETAIL_HO,
    SERVICE_SH,
    THREE,
    sweep,
    system_notice_ids,
    urgent_notices,
)
from tests.support import complaints as forms
from tests.support.actors import AUDITOR
from tests.support.driver import audit_actions, claim_and_complete, open_case
from tests.support.engines import at, clock_of


def test_group_complaint_first_contact_in_hours_task_force_of_three_and_a_missed_day_chased(engine):
    case = open_case(engine, FRONT_SH01, is_group=True)
    urgent = engine.urgent.get(case.id, FRONT_SH01)
    assert (urgent.group, urgent.unit) == (True, "SH01")
    assert urgent.first_contact_due_at == at(2024, 9, 27, 12)  # 2 clock hours
    assert urgent.task_force_due_at == at(2024, 9, 28, 0)  # the end of the day of receipt
    assert engine.cases.summary(case.id).supervised  # on the supervision list from intake
    assert [c.id for c in engine.supervision.supervision_list(COMPLAINT_MGMT_HO)] == [case.id]
    with pytest.raises(NotFound):
        engine.urgent.get(case.id, RETAIL_HO)  # not a member yet: head office's retail department sees nothing

    assert sweep(engine, at(2024, 9, 27, 11, 59)) == (0, 0, 0)
    assert sweep(engine, at(2024, 9, 27, 12, 1)) == (1, 0, 0)  # first contact missed: chased and supervised
    assert sweep(engine, at(2024, 9, 27, 12, 30)) == (0, 0, 0)  # once
    assert (NoticeKind.SUPERVISION, "HO", "complaint_mgmt") in urgent_notices(engine, COMPLAINT_MGMT_HO, case.number)
    assert (NoticeKind.CHASE, "SH01", "branch_front") in urgent_notices(engine, FRONT_SH01, case.number)

    clock_of(engine).set(at(2024, 9, 27, 12, 40))
    contacted = engine.urgent.record_first_contact(case.id, ContactMethod.PHONE, "已电话联系客户代表，约定面谈",
                                                   FRONT_SH01)
    assert contacted.first_contact.by == "sh01_li" and contacted.first_contact_late()
    with pytest.raises(Conflict):
        engine.urgent.record_first_contact(case.id, ContactMethod.VISIT, "", FRONT_SH01)

    clock_of(engine).set(at(2024, 9, 27, 15))
    formed = engine.urgent.form_task_force(case.id, THREE, HEAD_SH01)
    assert formed.members == THREE.members and formed.lead == LEAD and formed.task_force_at == at(2024, 9, 27, 15)
    for member, unit, department in ((MANAGER_SH01, "SH01", "branch_manager"), (SERVICE_SH, "SH", "service_mgmt"),
                                     (RETAIL_HO, "HO", "retail_banking")):
        assert (NoticeKind.TASK_FORCE, unit, department) in urgent_notices(engine, member, case.number)
        assert engine.cases.detail(case.number, member).case.id == case.id  # each member department sees it
    with pytest.raises(NotFound):
        engine.cases.detail(case.number, OUTSIDER)
    assert [u.case_id for u in engine.urgent.find(RETAIL_HO)] == [case.id]
    assert engine.urgent.find(OUTSIDER) == []

    assert sweep(engine, at(2024, 9, 28, 10)) == (0, 0, 0)  # Saturday: off
    clock_of(engine).set(at(2024, 9, 29, 16))
    engine.urgent.record_progress(case.id, "与客户代表面谈，核对扣费明细", SERVICE_SH)  # Sunday, a working day
    assert sweep(engine, at(2024, 9, 30, 9)) == (0, 0, 0)  # Sunday had its entry
    assert sweep(engine, at(2024, 10, 1, 9)) == (0, 0, 0)  # a holiday: nothing checked
    assert sweep(engine, at(2024, 10, 8, 9)) == (0, 0, 1)  # Monday 09-30 had none: chased once
    assert sweep(engine, at(2024, 10, 8, 10)) == (0, 0, 0)  # idempotent for the day
    chased = [n for n in engine.notices.for_actor(MANAGER_SH01) if "2024-09-30" in n.reason]
    assert [(n.kind, n.unit, n.department) for n in chased] == [(NoticeKind.CHASE, "SH01", "branch_manager")]
    assert [n for n in engine.notices.for_actor(OUTSIDER) if n.case_number == case.number] == []

    clock_of(engine).set(at(2024, 10, 8, 11))
    engine.urgent.record_progress(case.id, "已退还手续费，客户代表认可", MANAGER_SH01)
    assert sweep(engine, at(2024, 10, 9, 9)) == (0, 0, 0)  # Tuesday had its entry
    assert [c.id for c in engine.supervision.supervision_list(COMPLAINT_MGMT_HO)] == [case.id]  # throughout
    events = [e for e in audit_actions(engine, case.id) if e.action.startswith("urgent")]
    assert [e.action for e in events] == ["urgent_registered", "urgent_first_contact_missed", "urgent_first_contact",
                                          "urgent_task_force", "urgent_progress", "urgent_progress_chase",
                                          "urgent_progress"]
    # each event names the system notices it sent (the crash tests pair every notice with its event): the
    # registration's supervision, the missed first contact's chase to the outlet and supervision, the missed day
    linked = [n for e in events for n in e.data.get("notices", ())]
    assert len(linked) == len(set(linked)) == 4 and set(linked) <= set(system_notice_ids(engine, case.id))


def test_task_force_not_formed_is_chased_on_working_days_once_a_day(engine):
    case = open_case(engine, FRONT_SH01, grade="urgent")
    engine.urgent.record_first_contact(case.id, ContactMethod.MEETING, "", FRONT_SH01)
    assert sweep(engine, at(2024, 9, 27, 23)) == (0, 0, 0)  # still Friday
    assert sweep(engine, at(2024, 9, 28, 9)) == (0, 0, 0)  # overdue, but Saturday is off
    assert sweep(engine, at(2024, 9, 29, 9)) == (0, 1, 0)  # Sunday, a working day: chased
    assert sweep(engine, at(2024, 9, 29, 15)) == (0, 0, 0)  # once a day
    assert sweep(engine, at(2024, 9, 30, 9)) == (0, 1, 0)
    assert urgent_notices(engine, HEAD_SH01, case.number) == [(NoticeKind.CHASE, "SH01", "branch_head")] * 2
    clock_of(engine).set(at(2024, 9, 30, 10))
    engine.urgent.form_task_force(case.id, THREE, HEAD_SH01)
    assert sweep(engine, at(2024, 10, 8, 9)) == (0, 0, 0)  # progress due only after the day it was formed


def test_ordinary_complaints_are_not_urgent(engine):
    case = open_case(engine, FRONT_SH01)
    assert engine.urgent.for_case(case.id, FRONT_SH01) is None
    with pytest.raises(NotFound):
        engine.urgent.get(case.id, FRONT_SH01)
    assert not engine.cases.summary(case.id).supervised


def test_who_may_form_the_task_force_and_report_progress(engine):
    case = open_case(engine, FRONT_SH01, is_group=True)
    with pytest.raises(Forbidden):
        engine.urgent.form_task_force(case.id, THREE, FRONT_SH01)  # front desk staff do not form it
    with pytest.raises(ValidationFailed) as err:
        engine.urgent.form_task_force(case.id, NewTaskForce((LEAD,), LEAD), HEAD_SH01)
    assert err.value.coded["members"][0][0] == "members_count"
    with pytest.raises(ValidationFailed) as err:
        engine.urgent.form_task_force(case.id, NewTaskForce(
            (LEAD, Membership("SH", "branch_front"), Membership("XX", "office")), Membership("HO", "office")),
            HEAD_SH01)
    assert {c for c, _ in err.value.coded["members"]} == {"no_such_department", "no_such_unit"}
    assert err.value.coded["lead"][0][0] == "lead_not_member"
    with pytest.raises(ValidationFailed) as err:
        engine.urgent.form_task_force(case.id, NewTaskForce(THREE.members, LEAD, "nobody"), HEAD_SH01)
    assert err.value.coded["lead_person"][0][0] == "lead_person"
    engine.urgent.form_task_force(case.id, THREE, HEAD_SH01)
    with pytest.raises(Forbidden):
        engine.urgent.record_progress(case.id, "进展", FRONT_SH01)  # not a member department
    with pytest.raises(ValidationFailed) as err:
        engine.urgent.record_progress(case.id, "客户电话 13812345678 已联系", SERVICE_SH)
    assert err.value.coded["text"][0][0] == "personal_data"
    with pytest.raises(Forbidden):
        engine.urgent.record_first_contact(case.id, ContactMethod.PHONE, "", AUDITOR)
    assert [e.data["action"] for e in audit_actions(engine, case.id, "access_denied")] == [
        "urgent_task_force", "urgent_progress", "urgent_first_contact"]


def test_the_first_contact_hours_are_checked_at_start_up(tmp_path: Path, repo_root: Path):
    text = (repo_root / "processes" / "sla.toml").read_text(encoding="utf-8")
    for wrong in ("0", "25", '"2"', "1.5"):
        path = tmp_path / "sla.toml"
        path.write_text(text.replace("first_contact_hours = 2", f"first_contact_hours = {wrong}"), encoding="utf-8")
        with pytest.raises(ConfigurationError) as err:
            SlaTable.from_toml(path)
        assert err.value.code == "sla_urgent_hours"
    path.write_text(text.replace("first_contact_hours = 2", "first_contact_hours = 4"), encoding="utf-8")
    assert SlaTable.from_toml(path).urgent_first_contact_hours == 4


def test_nothing_is_chased_or_recorded_once_the_case_is_closed(engine):
    case = open_case(engine, FRONT_SH01, grade="urgent")
    engine.urgent.form_task_force(case.id, THREE, HEAD_SH01)
    clock_of(engine).set(at(2024, 9, 27, 11))
    for bpmn_id, data in (("Task_OnSpot", forms.ON_SPOT), ("Task_Revisit", forms.REVISITED),
                          ("Task_Archive", forms.ARCHIVED)):
        claim_and_complete(engine, case.id, bpmn_id, data)
    assert engine.cases.summary(case.id).status.value == "closed"
    assert sweep(engine, at(2024, 10, 8, 9)) == (0, 0, 0)  # no first contact, no progress: the case is closed
    with pytest.raises(Conflict):
        engine.urgent.record_progress(case.id, "补充进展", MANAGER_SH01)
    assert engine.supervision.supervision_list(COMPLAINT_MGMT_HO) == []
