"""Fixtures of the lifecycle tests: the loopback SMS gateway and SMTP server, engines wired to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from tests.support.engines import make_engine
from tests.support.sms_gateway import sms_gateway  # noqa: F401 - the loopback SMS platform fixture
from tests.support.smtp import smtp  # noqa: F401 - the loopback SMTP server fixture


@pytest.fixture
def engine_with(db_url: str, tmp_path: Path, clock_start: datetime) -> Iterator[Callable[..., Engine]]:
    """Build an engine on the test's database with extra settings (e.g. sms=SmsSettings(url=...))."""
    made: list[Engine] = []

    def build(**settings: object) -> Engine:
        engine = make_engine(db_url, tmp_path, clock_start, **settings)
        made.append(engine)
        return engine

    yield build
    for engine in made:
        engine.dispose()
