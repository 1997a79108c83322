"""The fast service tier: the real services, wired by engine.bootstrap.build, on an in-memory unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.bootstrap import Engine, build
from engine.config import Settings
from engine.domain.clock import FixedClock
from engine.services.context import DefinitionCache
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.engines import CHINA_START, PROCESSES
from tests.unit.services.fakes import FakeDatabase, FakeStore

_DEPLOYED: dict[str, tuple[FakeStore, DefinitionCache]] = {}


def _deployed() -> tuple[FakeStore, DefinitionCache]:
    """processes/ deployed once per run through the real DeployService (diagrams parsed once, too)."""
    if not _DEPLOYED:
        engine = _engine(FakeDatabase())
        engine.deploy.deploy(read_diagram_dir(PROCESSES), ADMIN)
        db = engine.ctx.db
        assert isinstance(db, FakeDatabase)
        _DEPLOYED["processes"] = (db.store, engine.ctx.definitions)
    return _DEPLOYED["processes"]


def _engine(database: FakeDatabase) -> Engine:
    settings = Settings(instance_dir=Path("unused"), database_url="fake://", processes_dir=PROCESSES,
                        secret_key="test")
    return build(settings, clock=FixedClock(CHINA_START), database=database)


@pytest.fixture
def fake_engine() -> Iterator[Engine]:
    """An engine whose unit of work is FakeUnitOfWork, with processes/ deployed; no database at all."""
    store, definitions = _deployed()
    database = FakeDatabase()
    database.store.definitions = dict(store.definitions)
    engine = _engine(database)
    engine.ctx.definitions = definitions
    yield engine


@pytest.fixture
def store(fake_engine: Engine) -> FakeStore:
    """What the fake unit of work holds (tests look at it as integration tests look at tables)."""
    db = fake_engine.ctx.db
    assert isinstance(db, FakeDatabase)
    return db.store
