"""Users belong to (unit, department) pairs: CLI, service checks, demo users, the data migration."""

from __future__ import annotations

import json

import pytest
from alembic import command
from sqlalchemy import JSON, Integer, String, column, insert, inspect, select, table

from engine.domain.errors import ValidationFailed
from engine.domain.model import Membership
from engine.domain.organisation import home_units
from engine.persistence.db import alembic_config
from engine.services.demo import DEMO_PASSWORD, seed_demo
from tests.network.support import processes_copy, run_cli
from tests.support.actors import ADMIN
from tests.support.engines import make_engine, sql_engine_of

PASSWORD = "a-long-password-1"


def test_cli_adds_a_user_with_several_memberships_and_lists_them(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    assert run_cli(monkeypatch, tmp_path, processes, "init-db") == 0
    assert run_cli(monkeypatch, tmp_path, processes, "user", "add", "qian", "--password", PASSWORD,
                   "--member", "SH02:branch_manager", "--member", "SH01:branch_head") == 0
    capsys.readouterr()
    assert run_cli(monkeypatch, tmp_path, processes, "user", "list", "--json") == 0
    users = json.loads(capsys.readouterr().out)
    assert users == [{"username": "qian", "display_name": "qian", "roles": ["staff"], "active": True,
                      "memberships": [{"unit": "SH01", "department": "branch_head"},
                                      {"unit": "SH02", "department": "branch_manager"}]}]
    assert run_cli(monkeypatch, tmp_path, processes, "user", "list") == 0
    assert capsys.readouterr().out.split()[-2:] == ["SH01:branch_head", "SH02:branch_manager"]


@pytest.mark.parametrize(("member", "message"), [
    ("XX:branch_manager", "memberships: XX:branch_manager：机构 XX 不存在"),
    ("HO:branch_front", "memberships: HO:branch_front：机构 HO 没有部门 branch_front"),
    ("SH01:nosuch", "memberships: SH01:nosuch：机构 SH01 没有部门 nosuch"),
])
def test_cli_refuses_a_membership_the_tree_does_not_have(tmp_path, monkeypatch, capsys, member, message):
    processes = processes_copy(tmp_path)
    assert run_cli(monkeypatch, tmp_path, processes, "init-db") == 0
    assert run_cli(monkeypatch, tmp_path, processes, "user", "add", "wrong", "--password", PASSWORD,
                   "--member", member) == 1
    assert message in capsys.readouterr().err
    assert run_cli(monkeypatch, tmp_path, processes, "user", "list", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_bare_department_means_its_home_unit(engine):
    engine.users.add("ho_ops", PASSWORD, ["operations", "BJ01:branch_front"], ["staff"], ADMIN)
    actor = engine.users.actor("ho_ops")
    assert actor.memberships == {Membership("HO", "operations"), Membership("BJ01", "branch_front")}
    assert actor.departments == {"operations", "branch_front"}
    with pytest.raises(ValidationFailed) as err:
        engine.users.add("nobody", PASSWORD, ["nosuch"], ["staff"], ADMIN)
    assert err.value.errors["memberships"] == ["nosuch: no unit has this department"]


def test_demo_users_sit_at_several_outlets(engine):
    seed_demo(engine, ADMIN)
    assert engine.users.authenticate("manager_hd", DEMO_PASSWORD).memberships == {Membership("BJ01", "branch_manager")}
    assert engine.users.actor("manager").memberships == {Membership("SH01", "branch_manager")}
    assert engine.users.actor("manager_xh").memberships == {Membership("SH02", "branch_manager")}
    assert engine.users.actor("sh_service").memberships == {Membership("SH", "service_mgmt")}


OLD_USER = table("app_user", column("id", Integer), column("username", String), column("display_name", String),
                 column("password_hash", String), column("departments", JSON), column("roles", JSON),
                 column("active"), column("created_at"))


def test_migration_moves_existing_users_into_their_departments_home_units_and_back(empty_db_url, tmp_path):
    eng = make_engine(empty_db_url, tmp_path)
    try:
        sql = sql_engine_of(eng)
        homes = home_units(eng.ctx.organisation)
        command.upgrade(alembic_config(sql, homes), "0005")
        with sql.begin() as conn:
            conn.execute(insert(OLD_USER), [
                {"username": "old_manager", "display_name": "x", "password_hash": "x", "roles": ["staff"],
                 "departments": ["branch_manager", "complaint_mgmt"], "active": True,
                 "created_at": eng.ctx.now()},
                {"username": "old_admin", "display_name": "y", "password_hash": "y", "roles": ["admin"],
                 "departments": [], "active": True, "created_at": eng.ctx.now()}])
        eng.init_db()
        assert "departments" not in {c["name"] for c in inspect(sql).get_columns("app_user")}
        assert engine_actor(eng, "old_manager").memberships == {
            Membership("SH01", "branch_manager"), Membership("HO", "complaint_mgmt")}
        assert engine_actor(eng, "old_admin").memberships == frozenset()
        command.downgrade(alembic_config(sql, homes), "0005")
        assert "user_membership" not in inspect(sql).get_table_names()
        with sql.connect() as conn:
            rows = dict(conn.execute(select(OLD_USER.c.username, OLD_USER.c.departments)).all())
        assert sorted(rows["old_manager"]) == ["branch_manager", "complaint_mgmt"]
        assert rows["old_admin"] == []
    finally:
        eng.dispose()


def engine_actor(eng, username):
    actor = eng.users.actor(username)
    assert actor is not None
    return actor
