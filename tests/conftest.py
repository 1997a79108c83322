"""Shared fixtures: a database per test (SQLite file or a fresh PostgreSQL database) and a deployed engine.

Migrating the schema and deploying processes/ happen once per run (per xdist worker) and database kind,
into a template; each test gets its own copy (`db_url`), so tests stay isolated and start in milliseconds.
`empty_db_url` is a database without schema, for tests that migrate or deploy on their own.

PostgreSQL comes from COMPLAINTFLOW_TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test).
Without it the PostgreSQL parameters are skipped, unless COMPLAINTFLOW_REQUIRE_POSTGRES=1 (CI), in
which case they fail: a CI run that silently tested SQLite only would be a lie.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.services import users
from tests.support.databases import postgres_base_or_skip, temporary_postgres_schema
from tests.support.engines import CHINA_START, DeployedTemplates, make_engine

REPO_ROOT = Path(__file__).resolve().parents[1]
PROCESSES = REPO_ROOT / "processes"
FAST_TIER = REPO_ROOT / "tests" / "unit"

# Password hashes made by tests cost 1,000 PBKDF2 rounds, not production's 240,000 (a quarter to half a second
# each on the CI machine; the suite signs in thousands of times). tests/unit/test_password_hashing.py checks the
# production cost itself.
TEST_HASH_ITERATIONS = 1_000
users.HASH_ITERATIONS = TEST_HASH_ITERATIONS

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=DATABASES)
def db_kind(request: pytest.FixtureRequest) -> str:
    """Which database this test runs on: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def empty_db_url(db_kind: str, tmp_path: Path) -> Iterator[str]:
    """A database URL of an empty database: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    if db_kind == "sqlite":
        # A file, not :memory: -- WAL and several connections need one.
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with temporary_postgres_schema(postgres_base_or_skip()) as url:
        yield url


@pytest.fixture
def clock_start() -> datetime:
    """When the engine's FixedClock starts (override in a module to start elsewhere)."""
    return CHINA_START


@pytest.fixture(scope="session")
def deployed_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DeployedTemplates]:
    """The migrated and deployed template databases of this run (this xdist worker), made on first use."""
    templates = DeployedTemplates(tmp_path_factory.mktemp("templates"))
    yield templates
    templates.close()


@pytest.fixture
def db_url(db_kind: str, tmp_path: Path, clock_start: datetime,
           deployed_templates: DeployedTemplates) -> Iterator[str]:
    """This test's own database, with the schema migrated and processes/ deployed by an admin."""
    with deployed_templates.copy(db_kind, tmp_path, clock_start) as url:
        yield url


@pytest.fixture
def engine(db_url: str, tmp_path: Path, clock_start: datetime) -> Iterator[Engine]:
    """An engine on the test's database (`db_url`: schema migrated, processes/ deployed by an admin)."""
    eng = make_engine(db_url, tmp_path, clock_start)
    yield eng
    eng.dispose()


@pytest.fixture
def repo_root() -> Path:
    """The repository root (where processes/ lives)."""
    return REPO_ROOT


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (the default, see pyproject.toml) runs the fast tier alone in this process:
    starting workers would take longer than its tests."""
    paths = [Path(str(arg).split("::", 1)[0]).resolve() for arg in config.args]
    if paths and all(path.is_relative_to(FAST_TIER) for path in paths):
        return 0
    return None


def pytest_report_header(config: pytest.Config) -> str:
    """Say which databases the run covers."""
    pg = "COMPLAINTFLOW_TEST_DATABASE_URL set" if os.environ.get("COMPLAINTFLOW_TEST_DATABASE_URL") \
        else "PostgreSQL tests skipped (COMPLAINTFLOW_TEST_DATABASE_URL not set)"
    return f"complaintflow databases: sqlite + {pg}"
