"""Building engines for tests: a FixedClock, test settings, processes/ deployed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from engine.bootstrap import Engine, build
from engine.config import Settings
from engine.domain.clock import CHINA_TZ, FixedClock

REPO_ROOT = Path(__file__).resolve().parents[2]
PROCESSES = REPO_ROOT / "processes"

# Friday 2024-09-27 10:00 China time: the acceptance example of DOMAIN.md (National Day follows).
CHINA_START = datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ)


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A China-time moment."""
    return datetime(y, m, d, hour, minute, tzinfo=CHINA_TZ)


def make_engine(
    db_url: str, instance_dir: Path, start: datetime = CHINA_START,
    processes_dir: Path = PROCESSES, worker_name: str = "worker", **settings: object,
) -> Engine:
    """An engine (not yet migrated) whose clock is a FixedClock at `start`."""
    cfg = Settings(instance_dir=instance_dir, database_url=db_url, processes_dir=processes_dir,
                   secret_key="test", **settings)  # type: ignore[arg-type]
    return build(cfg, clock=FixedClock(start), worker_name=worker_name)


def clock_of(engine: Engine) -> FixedClock:
    """The engine's FixedClock (tests travel in time through it)."""
    clock = engine.ctx.clock
    assert isinstance(clock, FixedClock), "test engines run on a FixedClock"
    return clock


def sql_engine_of(engine: Engine):  # -> sqlalchemy.engine.Engine
    """The engine's SQLAlchemy engine, for tests that poke at tables directly."""
    found = getattr(engine, "_sql_engine", None)
    if found is None:
        found = engine.ctx.db.sql_engine  # type: ignore[attr-defined]
    return found


@contextmanager
def deployed_engine(db_url: str, instance_dir: Path, start: datetime = CHINA_START,
                    processes_dir: Path = PROCESSES) -> Iterator[Engine]:
    """An engine with the schema migrated and `processes_dir` deployed by an admin; disposed afterwards."""
    from engine.services.deploy import read_diagram_dir
    from tests.support.actors import ADMIN

    eng = make_engine(db_url, instance_dir, start, processes_dir=processes_dir)
    try:
        eng.init_db()
        eng.deploy.deploy(read_diagram_dir(processes_dir), ADMIN)
        yield eng
    finally:
        eng.dispose()
