"""A real HTTP server on loopback standing in for the bank's SMS platform (the `sms_gateway` fixture).

Each request takes the next scripted answer: a status code, or HANG (no answer until the test ends, so the
client's timeout fires). When the script runs out every request gets 200. Requests are kept for checks.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

HANG = -1


@dataclass
class Gateway:
    """The scripted answers, the requests received, and the URL to post to."""

    url: str = ""
    script: list[int] = field(default_factory=list)
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def answer(self) -> int:
        return self.script.pop(0) if self.script else 200


def _handler(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            gateway.requests.append((dict(self.headers), json.loads(body.decode("utf-8"))))
            status = gateway.answer()
            if status == HANG:
                gateway.release.wait(10)
                return
            payload = b'{"result": "ok"}' if status < 300 else b'{"result": "error"}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
            return

    return Handler


@pytest.fixture
def sms_gateway() -> Iterator[Gateway]:
    gateway = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        gateway.release.set()
        server.shutdown()
        server.server_close()
