"""Fixtures of the Camunda 7 corpus: an engine on SQLite and PostgreSQL with the corpus deployed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.engines import make_engine

CORPUS = Path(__file__).parent / "diagrams"
REJECTED = Path(__file__).parent / "rejected"


@pytest.fixture
def c7_engine(db_url: str, tmp_path: Path, clock_start: datetime) -> Iterator[Engine]:
    """An engine (both databases) with processes/ and the deployable corpus deployed unchanged."""
    engine = make_engine(db_url, tmp_path, clock_start)
    engine.ctx.facts.add_directory(CORPUS)
    engine.deploy.deploy(read_diagram_dir(CORPUS), ADMIN)
    yield engine
    engine.dispose()
