"""Notices and the supervision list stay within the units an actor may see: a chase to outlet SH02's
front desk reaches SH02's front desk (and its email SH02's members), not the front desks of other outlets;
a branch supervisor lists the supervised cases of its subtree only."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.domain.errors import NotFound
from engine.domain.model import Actor, NoticeKind
from engine.persistence.tables import NoticeRow
from tests.network.support import add_people, migrate_down_and_up
from tests.support.actors import AUDITOR
from tests.support.complaints import complaint
from tests.support.driver import audit_actions, task_by_bpmn_id
from tests.support.engines import clock_of

UNITLESS_FRONT_DESK = Actor("crm-api", frozenset({"branch_front"}))  # an API key: every unit


@pytest.fixture
def cases(engine):
    add_people(engine)
    return {unit: engine.cases.open_case(None, complaint(), engine.users.actor(who)).id
            for unit, who in (("SH02", "front_sh02"), ("BJ01", "front_bj01"))}


def chase_sh02(engine, cases):
    task = task_by_bpmn_id(engine, cases["SH02"], "Task_OnSpot")
    return engine.notices.chase(task.id, "请尽快处理", engine.users.actor("sup_sh"))


def notices_of(engine, who):
    actor = who if isinstance(who, Actor) else engine.users.actor(who)
    return [n.case_number for n in engine.notices.for_actor(actor)]


def test_a_chase_to_an_outlets_front_desk_reaches_that_outlet_only(engine, cases):
    notice = chase_sh02(engine, cases)
    assert (notice.unit, notice.department) == ("SH02", "branch_front")
    assert notices_of(engine, "front_sh02") == [notice.case_number]
    assert notices_of(engine, "front_sh01") == []
    assert notices_of(engine, "front_bj01") == []
    assert notices_of(engine, UNITLESS_FRONT_DESK) == [notice.case_number]
    assert notices_of(engine, "sup_bj") == [] and notices_of(engine, "sup_ho") == []  # not their department


def test_another_outlet_cannot_mark_the_notice_read(engine, cases):
    notice = chase_sh02(engine, cases)
    with pytest.raises(NotFound):
        engine.notices.mark_read(notice.id, engine.users.actor("front_sh01"))
    assert [e.actor for e in audit_actions(engine, cases["SH02"], "access_denied")] == ["front_sh01"]
    assert len(engine.notices.for_actor(engine.users.actor("front_sh02"), unread_only=True)) == 1
    engine.notices.mark_read(notice.id, engine.users.actor("front_sh02"))
    assert engine.notices.for_actor(engine.users.actor("front_sh02"), unread_only=True) == []


def test_the_supervision_list_of_a_branch_holds_its_subtree_only(engine, cases):
    clock_of(engine).advance(timedelta(days=30))
    assert engine.supervision.apply_rules() == 2
    numbers = {unit: engine.cases.detail(case_id, AUDITOR).case.number for unit, case_id in cases.items()}

    def listed(who):
        actor = who if isinstance(who, Actor) else engine.users.actor(who)
        return sorted(c.number for c in engine.supervision.supervision_list(actor))

    assert listed("sup_sh") == [numbers["SH02"]]
    assert listed("sup_bj") == [numbers["BJ01"]]
    assert listed("sup_ho") == listed("mgmt_ho") == listed(AUDITOR) == sorted(numbers.values())
    assert notices_of(engine, "front_sh02") == [numbers["SH02"]]  # the supervision notice to the open task
    assert notices_of(engine, "front_sh01") == []


def test_a_notice_is_emailed_to_the_members_of_its_unit_and_department(engine, cases, smtp):
    inbox, port = smtp
    engine.ctx.settings.smtp = replace(engine.ctx.settings.smtp, host="127.0.0.1", port=port, timeout=5)
    chase_sh02(engine, cases)
    assert engine.mailer.deliver_pending() == 1
    assert [rcpt for rcpt, _ in inbox.messages] == [["front_sh02@bank.example"]]


def test_migration_gives_existing_notices_their_tasks_unit(engine, cases):
    notice = chase_sh02(engine, cases)
    with engine.ctx.db.write() as uow:  # a supervision notice without a task, as older versions stored it
        untasked = uow.notices.add(replace(notice, task_id=None, addressee=None, department="complaint_mgmt",
                                           kind=NoticeKind.SUPERVISION, unit="SH02"), email=False)
        uow.commit()
    sql = migrate_down_and_up(engine, "0011")
    with sql.connect() as conn:
        units = dict(conn.execute(select(NoticeRow.id, NoticeRow.unit)).all())
    assert (units[notice.id], units[untasked]) == ("SH02", "HO")
    assert notices_of(engine, "front_sh01") == []
    assert notices_of(engine, "mgmt_ho") == [notice.case_number]  # head office's complaint management
