"""The served app and the people using it in the browser (imported as tests.e2e.support)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from engine.bootstrap import Engine, build
from engine.config import Settings
from engine.domain.clock import CHINA_TZ, FixedClock
from engine.services.demo import DEMO_PASSWORD, seed_demo
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.engines import TEST_DATA_KEY, TEST_MATCH_KEY
from webui import create_app

REPO_ROOT = Path(__file__).resolve().parents[2]
PROCESSES = REPO_ROOT / "processes"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
# Friday 2024-09-27 10:00 China time: National Day week follows, so working days matter.
START = datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ)
VIEWPORT = {"width": 1366, "height": 768}
ACTION_TIMEOUT_MS = 10_000
NAVIGATION_TIMEOUT_MS = 15_000
# Chromium logs every 4xx/5xx response as a console error; the tests provoke 401/409/422 on purpose.
HTTP_STATUS_NOISE = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile);
});
"""


def settings_for(db_url: str, instance_dir: Path) -> Settings:
    """Settings of a test app: this database, processes/, a fixed secret and fixed data keys (the database is
    seeded by one engine and served by another, each with an instance directory of its own)."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    return Settings(instance_dir=instance_dir, database_url=db_url, processes_dir=PROCESSES, secret_key="e2e",
                    data_keys=(TEST_DATA_KEY,), match_key=TEST_MATCH_KEY)


def seed_database(db_url: str, instance_dir: Path) -> None:
    """Migrate, deploy processes/ and seed the demo users and complaints (what `quickstart` does)."""
    eng = build(settings_for(db_url, instance_dir), clock=FixedClock(START))
    try:
        eng.init_db()
        eng.deploy.deploy(read_diagram_dir(PROCESSES), ADMIN)
        seed_demo(eng, ADMIN)
    finally:
        eng.dispose()


@dataclass
class LiveServer:
    """The running app: its address, its engine (to check results) and its clock (to travel in time)."""

    url: str
    engine: Engine
    clock: FixedClock


@contextmanager
def serve(db_url: str, instance_dir: Path, start: datetime) -> Iterator[LiveServer]:
    """create_app on a real engine, served by werkzeug in a thread on 127.0.0.1 and a free port."""
    clock = FixedClock(start)
    eng = build(settings_for(db_url, instance_dir), clock=clock)
    eng.init_db()
    server = make_server("127.0.0.1", 0, create_app(engine=eng), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", eng, clock)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        eng.dispose()


@dataclass
class Person:
    """Someone at the bank in a browser context of their own, with what their pages said was wrong."""

    username: str
    live: LiveServer
    context: Any
    page: Any
    console_errors: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, browser: Any, live: LiveServer, username: str) -> Person:
        """A fresh context and page (no cookies shared with anyone else)."""
        context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", base_url=live.url)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        context.add_init_script(CSP_PROBE)
        who = cls(username, live, context, context.new_page())
        who.page.on("console", who._on_console)
        who.page.on("pageerror", lambda err: who.console_errors.append(f"page error: {err}"))
        return who

    def _on_console(self, message: Any) -> None:
        if message.type == "error" and not HTTP_STATUS_NOISE.match(message.text):
            self.console_errors.append(message.text)

    def login(self, password: str = DEMO_PASSWORD, lang: str | None = None) -> None:
        """Sign in through the login form."""
        self.page.goto("/login" + (f"?lang={lang}" if lang else ""))
        self.page.fill("#username", self.username)
        self.page.fill("#password", password)
        with self.page.expect_navigation():
            self.page.click("form.form button[type=submit]")
        assert "/login" not in self.page.url, self.page.inner_text("main")

    def goto(self, path: str) -> Any:
        """Open a page of the app; returns the response."""
        return self.page.goto(path)

    def submit(self, selector: str) -> Any:
        """Click a submit button and wait for the page it leads to; returns the response."""
        with self.page.expect_navigation() as nav:
            self.page.click(selector)
        return nav.value

    def csp_violations(self) -> list[str]:
        """CSP violations reported on the current page since it loaded."""
        return list(self.page.evaluate("window.__cspViolations || []"))

    def assert_clean(self) -> None:
        """No console errors, script errors or CSP violations so far."""
        assert self.console_errors == [], self.console_errors
        assert self.csp_violations() == []

    def screenshot(self, folder: Path) -> None:
        """Save the current page (best effort: called while a test is failing)."""
        folder.mkdir(parents=True, exist_ok=True)
        try:
            self.page.screenshot(path=str(folder / f"{self.username}.png"), full_page=True)
        except Exception as err:  # noqa: BLE001 - a screenshot must not hide the real failure
            (folder / f"{self.username}.txt").write_text(f"no screenshot: {err}\n", encoding="utf-8")

    def close(self) -> None:
        """Close the context."""
        self.context.close()
