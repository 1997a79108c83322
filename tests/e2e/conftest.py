"""Browser fixtures: Debian's Chromium through Playwright, and the real app served on a free local port.

Playwright's own browser download does not work here, so the tests drive /usr/bin/chromium (or the
binary named by COMPLAINTFLOW_CHROMIUM). Without it they skip, unless COMPLAINTFLOW_REQUIRE_BROWSER=1
(CI), in which case they fail. On a failure every open page is saved as a screenshot under
tests/e2e/artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.support import (
    ARTIFACTS,
    START,
    LiveServer,
    Person,
    seed_database,
    serve,
)
from tests.support.engines import DeployedTemplates

CHROMIUM = Path(os.environ.get("COMPLAINTFLOW_CHROMIUM", "/usr/bin/chromium"))
REQUIRE_ENV = "COMPLAINTFLOW_REQUIRE_BROWSER"
LAUNCH_TIMEOUT_MS = 30_000


def browser_required() -> bool:
    """True when CI demands the browser tests run (a missing browser is then a failure)."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _missing(reason: str) -> None:
    if browser_required():
        pytest.fail(f"{REQUIRE_ENV}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole run (each person gets a fresh context)."""
    if not CHROMIUM.exists():
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is missing (pip install -e '.[e2e]')")
    with sync_playwright() as pw:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=args, timeout=LAUNCH_TIMEOUT_MS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with processes/ deployed and the demo users and complaints seeded, made once."""
    folder = tmp_path_factory.mktemp("e2e-seed")
    url = f"sqlite:///{folder / 'seed.db'}"
    seed_database(url, folder)
    return folder / "seed.db"


def _seeded(db_url: str, instance_dir: Path, start: datetime) -> None:
    """The template of the browser tests' PostgreSQL copies (tests/support/engines.py, DeployedTemplates)."""
    assert start == START
    seed_database(db_url, instance_dir)


@pytest.fixture(params=["sqlite"])
def e2e_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database of the served app: a copy of the seeded SQLite file, or of a seeded PostgreSQL schema.

    Tests run on SQLite by default; `@pytest.mark.parametrize("e2e_db_url", ["sqlite", "postgresql"],
    indirect=True)` runs one on PostgreSQL too.
    """
    if request.param == "sqlite":
        seeded = request.getfixturevalue("seeded_sqlite")
        shutil.copyfile(seeded, tmp_path / "app.db")
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    templates: DeployedTemplates = request.getfixturevalue("deployed_templates")
    with templates.copy("postgresql", tmp_path, START, _seeded) as url:
        yield url


@pytest.fixture
def live(e2e_db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    """The real app (create_app on a real engine) served by werkzeug on 127.0.0.1 and a free port."""
    with serve(e2e_db_url, tmp_path / "instance", START) as server:
        yield server


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the test item (the people fixture screenshots failures)."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def person(browser: Any, live: LiveServer, request: pytest.FixtureRequest) -> Iterator[Callable[..., Person]]:
    """A factory: `person("teller")` is a signed-in user in a browser context of their own (1366x768)."""
    people: list[Person] = []

    def sign_in(username: str, lang: str | None = None, signed_in: bool = True) -> Person:
        who = Person.open(browser, live, username)
        people.append(who)
        if signed_in:
            who.login(lang=lang)
        return who

    yield sign_in
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
        for who in people:
            who.screenshot(folder)
    for who in people:
        who.close()
