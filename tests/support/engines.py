"""Building engines for tests: a FixedClock, test settings, processes/ deployed (once per run, then copied)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from engine.bootstrap import Engine, build
from engine.config import Settings
from engine.domain.clock import CHINA_TZ, FixedClock
from tests.support.databases import (
    PostgresSchemas,
    checkpoint_sqlite,
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


# What fills a template database: (url, instance folder, clock start) -> None.
Builder = Callable[[str, Path, datetime], None]


def deploy_processes(db_url: str, instance_dir: Path, start: datetime) -> None:
    """The default template: the schema migrated and processes/ deployed by an admin."""
    with deployed_engine(db_url, instance_dir, start):
        pass


@dataclass
class _PostgresTemplate:
    """A deployed template schema: the SQL that clones it, the SQL that refills a clone with its rows, and its
    clones free for the next test, each with the digest of its definitions when it was made."""

    name: str
    snapshot: str
    refill: str | None  # None: clones are never reset (the database user is no superuser)
    free: list[tuple[str, str]] = field(default_factory=list)


class DeployedTemplates:
    """processes/ migrated and deployed once per run (per xdist worker) and database kind; tests get copies.

    A copy is what `deployed_engine` would have built (same schema, versions, ids, audit events): a copy
    of the SQLite file, or on PostgreSQL a schema rebuilt from a dump of the template schema -- or one an
    earlier test of this worker used, reset to the template's rows (PostgresSchemas.reset) when its
    definitions are unchanged and nobody works in it any more.
    Templates are made on first use, by a `Builder` (by default `deploy_processes`; the browser tests seed
    the demo data too); `close()` drops the PostgreSQL ones and their clones.
    """

    def __init__(self, folder: Path):
        self._folder = folder
        self._sqlite: dict[tuple[datetime, Builder], str] = {}
        self._postgres: dict[tuple[datetime, Builder], _PostgresTemplate] = {}
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

    def _sqlite_template(self, key: tuple[datetime, Builder]) -> str:
        if key not in self._sqlite:
            instance = self._instance()
            url = sqlite_url(instance / "template.db")
            start, build_template = key
            build_template(url, instance, start)
            checkpoint_sqlite(url)
            self._sqlite[key] = url
        return self._sqlite[key]

    def _postgres_template(self, key: tuple[datetime, Builder]) -> _PostgresTemplate:
        if key not in self._postgres:
            schemas = self._postgres_schemas()
            name = schemas.create()
            self._templates.append(name)
            start, build_template = key
            build_template(schemas.url(name), self._instance(), start)
            refill = schemas.refill_sql(name) if schemas.can_reset() else None
            self._postgres[key] = _PostgresTemplate(name, schemas.snapshot(name), refill)
        return self._postgres[key]

    @contextmanager
    def copy(self, kind: str, folder: Path, start: datetime = CHINA_START,
             build_template: Builder = deploy_processes) -> Iterator[str]:
        """The URL of a fresh copy, in `folder` or on the server, of the template of `kind` that
        `build_template` made (with a clock at `start`)."""
        if kind == "sqlite":
            yield copy_sqlite(self._sqlite_template((start, build_template)), folder / "complaintflow.db")
            return
        template, schemas = self._postgres_template((start, build_template)), self._postgres_schemas()
        if template.free:
            name, structure = template.free.pop()
        else:
            name = schemas.clone(template.snapshot)
            structure = schemas.structure(name) if template.refill is not None else ""
        try:
            yield schemas.url(name)
        finally:
            if template.refill is not None and schemas.reset(name, template.refill, structure):
                template.free.append((name, structure))
            else:
                schemas.drop_later(name)

    def close(self) -> None:
        """Drop the PostgreSQL templates and their clones."""
        if self._schemas is None:
            return
        for template in self._postgres.values():
            for name, _ in template.free:
                self._schemas.drop_later(name)
        for name in self._templates:
            self._schemas.drop_later(name)
        self._schemas.close()
