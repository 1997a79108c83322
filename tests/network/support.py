"""Helpers of the organisation tests: a copy of processes/ to break, and the CLI run against it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine as SqlEngine

from engine.bootstrap import Engine
from engine.domain.organisation import home_units
from engine.persistence.db import alembic_config
from tests.support.actors import ADMIN
from tests.support.engines import PROCESSES, sql_engine_of
from webui.cli import main

DEMO_OUTLETS = ["SH01", "SH02", "BJ01", "BJ02"]
PASSWORD = "a-long-password-1"
# Front desks of three outlets and the supervisors of both branches and of head office.
PEOPLE = {
    "front_sh01": (["SH01:branch_front"], ["staff"]), "front_sh02": (["SH02:branch_front"], ["staff"]),
    "front_bj01": (["BJ01:branch_front"], ["staff"]),
    "sup_sh": (["SH:service_mgmt"], ["staff", "supervisor"]),
    "sup_bj": (["BJ:service_mgmt"], ["staff", "supervisor"]),
    "sup_ho": (["HO:complaint_mgmt"], ["staff", "supervisor"]),
    "mgmt_ho": (["HO:complaint_mgmt"], ["staff"]),
}


def processes_copy(tmp_path: Path) -> Path:
    """A private copy of processes/ (the tests edit its organisations.toml)."""
    target = tmp_path / "processes"
    shutil.copytree(PROCESSES, target)
    return target


def run_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, processes: Path, *argv: str,
            lang: str = "zh_CN.UTF-8") -> int:
    """`complaintflow ARGV` with a SQLite database in tmp_path and `processes` as the processes folder."""
    monkeypatch.setenv("COMPLAINTFLOW_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COMPLAINTFLOW_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("COMPLAINTFLOW_PROCESSES_DIR", str(processes))
    monkeypatch.setenv("COMPLAINTFLOW_SECRET_KEY", "test")
    monkeypatch.setenv("LANG", lang)
    monkeypatch.delenv("LC_ALL", raising=False)
    return main(list(argv))


def replace_in(path: Path, old: str, new: str) -> None:
    """Edit a configuration file in place (the text must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def add_people(engine: Engine) -> None:
    """Create the users of PEOPLE, each with the email address NAME@bank.example."""
    for name, (members, roles) in PEOPLE.items():
        engine.users.add(name, PASSWORD, members, roles, ADMIN, email=f"{name}@bank.example")


def migrate_down_and_up(engine: Engine, revision: str) -> SqlEngine:
    """Downgrade the engine's database to `revision` and upgrade it to the head again (the demo tree's
    home units); returns the SQL engine to read the migrated rows with."""
    sql = sql_engine_of(engine)
    cfg = alembic_config(sql, home_units(engine.ctx.organisation), "HO", sealer=engine.ctx.db.sealer)
    command.downgrade(cfg, revision)
    command.upgrade(cfg, "head")
    return sql
