"""The REST API fixtures (app, client, API keys) for the network's API tests."""

from tests.api.conftest import app, client, keys  # noqa: F401
