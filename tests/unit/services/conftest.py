"""The fast service tier: the real services, wired by engine.bootstrap.build, on an in-memory unit of work."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.bootstrap import Engine, build
from engine.config import Settings, new_data_key
from engine.domain.clock import FixedClock
from engine.services.context import DefinitionCache
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.engines import CHINA_START, PROCESSES
from tests.unit.services.fakes import FakeDatabase, FakeStore

FAST_TIER_DATA_KEY = new_data_key()
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
    # Every secret given, so nothing is generated into an instance folder: the fast tier writes no file.
    settings = Settings(instance_dir=Path("no-instance"), database_url="fake://", processes_dir=PROCESSES,
                        secret_key="test", data_keys=(FAST_TIER_DATA_KEY,), match_key="test")
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
