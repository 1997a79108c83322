"""Visibility by subtree: a branch supervisor reads and chases its outlets' work and nothing of another
branch; head-office complaint management reads the bank; the auditor reads everything."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.domain.errors import NotFound
from engine.domain.model import CaseFailure
from engine.services.failures import note_failure
from tests.support.actors import ADMIN, AUDITOR
from tests.support.complaints import complaint
from tests.support.driver import audit_actions, task_by_bpmn_id
from tests.support.engines import clock_of

PASSWORD = "a-long-password-1"
PEOPLE = {
    "front_xh": (["SH02:branch_front"], ["staff"]), "front_hd": (["BJ01:branch_front"], ["staff"]),
    "sup_sh": (["SH:service_mgmt"], ["staff", "supervisor"]),
    "sup_ho": (["HO:complaint_mgmt"], ["staff", "supervisor"]),
}


@pytest.fixture
def cases(engine):
    for name, (members, roles) in PEOPLE.items():
        engine.users.add(name, PASSWORD, members, roles, ADMIN)
    opened = {unit: engine.cases.open_case(None, complaint(), engine.users.actor(who)).id
              for unit, who in (("SH02", "front_xh"), ("BJ01", "front_hd"))}
    clock_of(engine).advance(timedelta(days=30))  # everything overdue: on every supervisor's desk
    return opened


def test_a_branch_supervisor_reads_its_outlets_and_not_another_branch(engine, cases):
    sup = engine.users.actor("sup_sh")
    assert sup.oversees == {"SH", "SH01", "SH02"}
    shanghai = task_by_bpmn_id(engine, cases["SH02"], "Task_OnSpot")
    beijing = task_by_bpmn_id(engine, cases["BJ01"], "Task_OnSpot")
    assert engine.tasks.get(shanghai.id, sup).unit == "SH02"
    assert engine.cases.detail(cases["SH02"], sup).case.id == cases["SH02"]
    with pytest.raises(NotFound):
        engine.tasks.get(beijing.id, sup)
    with pytest.raises(NotFound):
        engine.cases.detail(cases["BJ01"], sup)
    assert [t.id for t in engine.tasks.overdue(sup)] == [shanghai.id]
    assert [t.id for t in engine.tasks.queue(sup, "branch_front")] == [shanghai.id]


def test_a_branch_supervisor_chases_in_its_subtree_only(engine, cases):
    sup = engine.users.actor("sup_sh")
    shanghai = task_by_bpmn_id(engine, cases["SH02"], "Task_OnSpot")
    beijing = task_by_bpmn_id(engine, cases["BJ01"], "Task_OnSpot")
    assert engine.notices.chase(shanghai.id, "请尽快处理", sup).department == "branch_front"
    with pytest.raises(NotFound):
        engine.notices.chase(beijing.id, "越权催办", sup)
    assert [e.actor for e in audit_actions(engine, cases["BJ01"], "access_denied")] == ["sup_sh"]
    assert audit_actions(engine, cases["BJ01"], "chase") == []


def test_head_office_and_the_auditor_read_the_whole_bank(engine, cases):
    sup_ho = engine.users.actor("sup_ho")
    assert len(sup_ho.oversees) == len(engine.ctx.organisation.units)
    everywhere = {task_by_bpmn_id(engine, c, "Task_OnSpot").id for c in cases.values()}
    assert {t.id for t in engine.tasks.overdue(sup_ho)} == everywhere
    assert {t.id for t in engine.tasks.overdue(AUDITOR)} == everywhere
    for case_id in cases.values():
        assert engine.cases.detail(case_id, AUDITOR).case.id == case_id
        assert engine.cases.detail(case_id, sup_ho).case.id == case_id


def test_the_desk_lists_failed_cases_of_the_supervisors_subtree_only(engine, cases):
    for case_id in cases.values():
        failure = CaseFailure(element="Task_OnSpot", code="limit_power", params={}, message="too large",
                              during="task", at=engine.ctx.now())
        with engine.ctx.db.write() as uow:
            note_failure(uow, case_id, failure)
            uow.commit()
    assert [c.id for c in engine.cases.failed_cases(engine.users.actor("sup_sh"))] == [cases["SH02"]]
    assert {c.id for c in engine.cases.failed_cases(engine.users.actor("sup_ho"))} == set(cases.values())
    assert {c.id for c in engine.cases.failed_cases(AUDITOR)} == set(cases.values())
