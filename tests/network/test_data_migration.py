"""The organisation's data migrations, downgraded and upgraded again on SQLite and PostgreSQL: an installed bank
loses nothing. Down to 0005 (before memberships and units) the users keep their departments and the cases and
tasks are all there without units; up again, users, tasks and cases land in the default (home) units; the
complaint-number sequences (0016) continue where the numbers already given stop."""

from __future__ import annotations

import json

from alembic import command
from sqlalchemy import inspect, select, text

from engine.domain.organisation import home_units
from engine.persistence.db import alembic_config
from engine.persistence.tables import CaseRow, HumanTaskRow
from tests.support import complaints as forms
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.driver import task_by_bpmn_id
from tests.support.engines import sql_engine_of

PASSWORD = "a-long-password-1"


def _columns(sql, table: str) -> set[str]:
    return {c["name"] for c in inspect(sql).get_columns(table)}


def test_cases_tasks_and_users_survive_a_downgrade_and_go_to_default_units_on_upgrade(engine):
    engine.users.add("mgr_bj01", PASSWORD, ["BJ01:branch_manager"], ["staff"], ADMIN)
    engine.users.add("front_bj01", PASSWORD, ["BJ01:branch_front"], ["staff"], ADMIN)
    front = engine.users.actor("front_bj01")
    case = engine.cases.open_case(None, complaint(), front)
    on_spot = task_by_bpmn_id(engine, case.id, "Task_OnSpot")
    engine.tasks.claim(on_spot.id, front)
    engine.tasks.complete(on_spot.id, forms.NOT_ON_SPOT, front)
    investigate = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    sql = sql_engine_of(engine)
    with sql.connect() as conn:
        assert (investigate.unit, conn.scalar(select(CaseRow.unit).where(CaseRow.id == case.id))) == ("BJ01", "BJ01")
    cfg = alembic_config(sql, home_units(engine.ctx.organisation), "HO", sealer=engine.ctx.db.sealer)
    command.downgrade(cfg, "0005")
    assert "unit" not in _columns(sql, "complaint_case") and "unit" not in _columns(sql, "human_task")
    assert "user_membership" not in inspect(sql).get_table_names()
    assert "case_number_sequence" not in inspect(sql).get_table_names()
    with sql.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM complaint_case WHERE id = :id"), {"id": case.id}) == 1
        statuses = dict(conn.execute(text("SELECT bpmn_id, status FROM human_task WHERE case_id = :id"),
                                     {"id": case.id}).all())
        assert statuses == {"Task_OnSpot": "completed", "Task_Investigate": "ready"}
        departments = conn.scalar(text("SELECT departments FROM app_user WHERE username = 'mgr_bj01'"))
    assert (json.loads(departments) if isinstance(departments, str) else departments) == ["branch_manager"]

    command.upgrade(cfg, "head")
    with sql.connect() as conn:  # the default units: each department's home unit, the case with its first task
        assert conn.scalar(select(CaseRow.unit).where(CaseRow.id == case.id)) == "SH01"
        units = dict(conn.execute(select(HumanTaskRow.bpmn_id, HumanTaskRow.unit)
                                  .where(HumanTaskRow.case_id == case.id)).all())
    assert units == {"Task_OnSpot": "SH01", "Task_Investigate": "SH01"}
    manager = engine.users.actor("mgr_bj01")
    assert {(m.unit, m.department) for m in manager.memberships} == {("SH01", "branch_manager")}
    assert [t.id for t in engine.tasks.queue(manager)] == [investigate.id]  # work is not lost, only moved


def test_unit_numbers_continue_after_a_downgrade_and_upgrade(engine):
    engine.ctx.organisation.numbering = "unit"
    engine.users.add("front_sh01", PASSWORD, ["SH01:branch_front"], ["staff"], ADMIN)
    front = engine.users.actor("front_sh01")
    first = [engine.cases.open_case(None, complaint(), front).number for _ in range(2)]
    assert first == ["SH01-2024-000001", "SH01-2024-000002"]
    sql = sql_engine_of(engine)
    cfg = alembic_config(sql, home_units(engine.ctx.organisation), "HO", sealer=engine.ctx.db.sealer)
    command.downgrade(cfg, "0015")
    assert "case_number_sequence" not in inspect(sql).get_table_names()
    command.upgrade(cfg, "head")
    assert engine.cases.open_case(None, complaint(), front).number == "SH01-2024-000003"
