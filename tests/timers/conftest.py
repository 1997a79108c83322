"""Fixtures for timer tests: the timer-probe process (one user task with chase + supervise timers)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.smtp import smtp  # noqa: F401 - the loopback SMTP server fixture

DIAGRAMS = Path(__file__).parent / "diagrams"


@pytest.fixture
def probe_engine(engine: Engine) -> Engine:
    """The test engine with the timer-probe process deployed too."""
    engine.deploy.deploy(read_diagram_dir(DIAGRAMS), ADMIN)
    return engine
