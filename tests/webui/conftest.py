"""Fixtures: a real engine on a temp SQLite database, the app, users and sign-in helpers."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine, build
from engine.config import Settings
from engine.domain.clock import CHINA_TZ, FixedClock
from engine.services.deploy import read_diagram_dir
from tests.webui.support import ADMIN, PASSWORD, PROCESSES, USERS
from webui import create_app


@pytest.fixture
def clock() -> FixedClock:
    """Friday 2024-09-27 10:00 China time (before the National Day week)."""
    return FixedClock(datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ))


def _settings(folder: Path) -> Settings:
    return Settings(instance_dir=folder, database_url=f"sqlite:///{folder}/t.db",
                    processes_dir=PROCESSES, secret_key="test")


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with processes/ deployed and users seeded, made once (password hashing is slow)."""
    folder = tmp_path_factory.mktemp("seed")
    eng = build(_settings(folder), clock=FixedClock(datetime(2024, 9, 27, 9, 0, tzinfo=CHINA_TZ)))
    eng.init_db()
    eng.deploy.deploy(read_diagram_dir(PROCESSES), ADMIN)
    for name, (departments, roles) in USERS.items():
        eng.users.add(name, PASSWORD, departments, roles, ADMIN)
    eng.dispose()
    return folder / "t.db"


@pytest.fixture
def engine(tmp_path: Path, clock: FixedClock, seeded_db: Path) -> Iterator[Engine]:
    """An engine on its own copy of the seeded SQLite database (migrated already)."""
    shutil.copyfile(seeded_db, tmp_path / "t.db")
    eng = build(_settings(tmp_path), clock=clock)
    yield eng
    eng.dispose()


@pytest.fixture
def app(engine: Engine) -> Flask:
    """The app with CSRF off (tests about CSRF turn it back on)."""
    application = create_app(engine=engine)
    application.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    return application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()
