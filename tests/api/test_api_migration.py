"""Migration 0002 (api_key, idempotency_key) goes down and up again on both databases, keeping 0001's data."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from engine.persistence.db import alembic_config
from tests.support.actors import FRONT
from tests.support.complaints import complaint
from tests.support.engines import sql_engine_of


def test_0002_downgrades_and_upgrades_without_touching_cases(engine):
    number = engine.cases.open_case(None, complaint(), FRONT).number
    sql = sql_engine_of(engine)
    cfg = alembic_config(sql, sealer=engine.ctx.db.sealer)
    command.downgrade(cfg, "0001")
    tables = set(inspect(sql).get_table_names())
    assert "api_key" not in tables and "idempotency_key" not in tables
    command.upgrade(cfg, "head")
    assert {"api_key", "idempotency_key"} <= set(inspect(sql).get_table_names())
    with engine.ctx.db.read() as uow:
        assert uow.read.case_id_by_number(number) is not None
