"""The REST API fixtures (app, client, API keys) for the network's API tests; the loopback SMTP server."""

from tests.api.conftest import app, client, keys  # noqa: F401
from tests.support.smtp import smtp  # noqa: F401
