"""Building engines for tests: a FixedClock, test settings, processes/ deployed (once per run, then copied)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from engine.bootstrap import Engine, build
from engine.config import Settings
from engine.domain.clock import CHINA_TZ, FixedClock
from tests.support.databases import (
    PostgresSchemas,
    checkpoint_sqlite,
    cloned_postgres_schema,
    copy_sqlite,
    postgres_base_or_skip,
    sqlite_url,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
PROCESSES = REPO_ROOT / "processes"
# The tests' own probe diagrams keep their report facts (`<process>.toml`) beside them.
PROBE_DIAGRAMS = (REPO_ROOT / "tests" / "timers" / "diagrams", REPO_ROOT / "tests" / "integration" / "diagrams")

# Fixed keys for personal data at rest, so several engines (worker processes) on one test database agree.
TEST_DATA_KEY = "dGVzdC1kYXRhLWtleS1vZi1jb21wbGFpbnRmbG93LTE="
TEST_MATCH_KEY = "test-match-key"

# Friday 2024-09-27 10:00 China time: the acceptance example of DOMAIN.md (National Day follows).
CHINA_START = datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ)


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A China-time moment."""
    return datetime(y, m, d, hour, minute, tzinfo=CHINA_TZ)


def make_engine(
    db_url: str, instance_dir: Path, start: datetime = CHINA_START,
    processes_dir: Path = PROCESSES, worker_name: str = "worker", **settings: object,
) -> Engine:
    """An engine (not yet migrated) whose clock is a FixedClock at `start`; it knows the probes' facts."""
    keys: dict[str, object] = {"data_keys": (TEST_DATA_KEY,), "match_key": TEST_MATCH_KEY}
    cfg = Settings(instance_dir=instance_dir, database_url=db_url, processes_dir=processes_dir,
                   secret_key="test", **(keys | settings))  # type: ignore[arg-type]
    engine = build(cfg, clock=FixedClock(start), worker_name=worker_name)
    for directory in PROBE_DIAGRAMS:
        engine.ctx.facts.add_directory(directory)
    return engine


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


class DeployedTemplates:
    """processes/ migrated and deployed once per run (per xdist worker) and database kind; tests get copies.

    A copy is what `deployed_engine` would have built (same schema, versions, ids, audit events): a copy
    of the SQLite file, or on PostgreSQL a new schema rebuilt from a dump of the template schema.
    Templates are made on first use; `close()` drops the PostgreSQL ones.
    """

    def __init__(self, folder: Path):
        self._folder = folder
        self._sqlite: dict[datetime, str] = {}
        self._postgres: dict[datetime, str] = {}
        self._schemas: PostgresSchemas | None = None
        self._templates: list[str] = []

    def _postgres_schemas(self) -> PostgresSchemas:
        if self._schemas is None:
            self._schemas = PostgresSchemas(postgres_base_or_skip())
            self._schemas.drop_orphans()
        return self._schemas

    def _instance(self) -> Path:
        folder = self._folder / f"template-{len(self._sqlite) + len(self._postgres)}"
        folder.mkdir()
        return folder

    def _sqlite_template(self, start: datetime) -> str:
        if start not in self._sqlite:
            instance = self._instance()
            url = sqlite_url(instance / "template.db")
            with deployed_engine(url, instance, start):
                pass
            checkpoint_sqlite(url)
            self._sqlite[start] = url
        return self._sqlite[start]

    def _postgres_snapshot(self, start: datetime) -> str:
        if start not in self._postgres:
            schemas = self._postgres_schemas()
            name = schemas.create()
            self._templates.append(name)
            with deployed_engine(schemas.url(name), self._instance(), start):
                pass
            self._postgres[start] = schemas.snapshot(name)
        return self._postgres[start]

    @contextmanager
    def copy(self, kind: str, folder: Path, start: datetime = CHINA_START) -> Iterator[str]:
        """The URL of a fresh copy, in `folder` or on the server, of the deployed template of `kind`."""
        if kind == "sqlite":
            yield copy_sqlite(self._sqlite_template(start), folder / "complaintflow.db")
            return
        snapshot = self._postgres_snapshot(start)
        with cloned_postgres_schema(self._postgres_schemas(), snapshot) as url:
            yield url

    def close(self) -> None:
        """Drop the PostgreSQL templates (after the copies made of them)."""
        if self._schemas is None:
            return
        for name in self._templates:
            self._schemas.drop_later(name)
        self._schemas.close()
