"""Fixtures of the process owner's studio tests: the web UI tests' engine, app and client."""

from tests.webui.conftest import app, client, clock, engine, seeded_db  # noqa: F401
