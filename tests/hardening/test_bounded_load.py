"""Issue 19, finding 1 under load: while cases of a diagram with a run-time denial-of-service payload are
being opened, other people still sign in and register complaints without waiting, and memory stays bounded.

Threads against a real database (SQLite file with its single writer, PostgreSQL); wall times are asserted
loosely (2 s, where a stuck evaluation would take minutes) but each stuck request would break them.
"""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from engine.bootstrap import Engine
from engine.domain.model import CaseStatus, Role
from engine.persistence.db import make_engine as make_sql_engine
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.databases import postgres_base_or_skip, with_search_path
from tests.support.diagrams import BPMN, copy_processes, edit
from tests.support.driver import open_case
from tests.support.engines import PROCESSES

ON_SPOT_DUE = 'camunda:dueDate="add_workdays(received_at, 1)"'
# About a minute of big-number arithmetic when unbounded, for complaints over 1,000 yuan only.
SLOW = "amount &lt; 1000 or len([10 ** 30000 % 7 for c in range(90000)]) &gt; 0"
PATIENCE = 2.0  # seconds anyone may wait while a bad case is evaluated
RUN_FOR = 4.0  # seconds the bad cases keep coming
THINK = 0.2  # seconds between one person's requests (back-to-back sign-ins would starve SQLite's writers)


def _deploy_due_date(engine: Engine, tmp_path: Path, expression: str) -> None:
    folder = copy_processes(PROCESSES, tmp_path / "diagrams")
    edit(folder, BPMN, ON_SPOT_DUE, f'camunda:dueDate="add_workdays(received_at, 1) if {expression} else now()"')
    engine.deploy.deploy(read_diagram_dir(folder), ADMIN)


def _timed(calls: list[float], action: Callable[[], Any]) -> Any:
    started = time.monotonic()
    try:
        return action()
    finally:
        calls.append(time.monotonic() - started)


@pytest.mark.slow  # wall times: run one at a time (CI's stress step), not beside other xdist workers
def test_bad_cases_neither_block_sign_in_nor_intake(engine: Engine, tmp_path: Path) -> None:
    _deploy_due_date(engine, tmp_path, SLOW)
    engine.users.add("clerk_wu", "a-long-password-1", ["branch_front"], [Role.STAFF.value], ADMIN)
    bad_times: list[float] = []
    good_times: list[float] = []
    sign_in_times: list[float] = []
    bad_cases: list[Any] = []
    good_cases: list[Any] = []
    errors: list[BaseException] = []
    until = time.monotonic() + RUN_FOR

    def keep(times: list[float], action: Callable[[], Any], into: list[Any] | None = None) -> None:
        try:
            while time.monotonic() < until:
                result = _timed(times, action)
                if into is not None:
                    into.append(result)
                time.sleep(THINK)
        except BaseException as exc:  # noqa: BLE001 - reported by the test thread below
            errors.append(exc)

    threads = [
        threading.Thread(target=keep, args=(bad_times, lambda: open_case(engine, amount="5000"), bad_cases),
                         daemon=True),  # daemons: a stuck evaluation must not keep the test run alive
        threading.Thread(target=keep, args=(good_times, lambda: open_case(engine), good_cases), daemon=True),
        threading.Thread(target=keep, args=(sign_in_times,
                                            lambda: engine.users.authenticate("clerk_wu", "a-long-password-1")),
                         daemon=True),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RUN_FOR + 60)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert errors == []
    assert bad_cases and good_cases and sign_in_times
    assert max(good_times) < PATIENCE, sorted(good_times)[-3:]
    assert max(sign_in_times) < PATIENCE, sorted(sign_in_times)[-3:]
    assert max(bad_times) < PATIENCE, sorted(bad_times)[-3:]
    assert all(c.status == CaseStatus.FAILED and c.failure.code == "limit_time" for c in bad_cases)
    assert all(c.status == CaseStatus.OPEN for c in good_cases)


def test_a_huge_text_is_refused_before_it_is_allocated(engine: Engine, tmp_path: Path) -> None:
    _deploy_due_date(engine, tmp_path, "len('a' * int(amount)) &gt; 0")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    case = open_case(engine, amount="600000000")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert case.status == CaseStatus.FAILED
    assert case.failure is not None and case.failure.code == "limit_size"
    assert case.failure.params["size"] == 600_000_000
    assert grown_mib < 100, f"peak memory grew by {grown_mib:.0f} MiB"


def test_connections_give_up_waiting_for_locks_and_statements(engine: Engine, db_kind: str) -> None:
    settings = engine.ctx.settings
    with engine.ctx.db.sql_engine.connect() as conn:
        if db_kind == "sqlite":
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == settings.db_lock_timeout_seconds * 1000
            return
        shown = {name: conn.exec_driver_sql(f"SELECT current_setting('{name}')").scalar()
                 for name in ("statement_timeout", "lock_timeout")}
    assert shown == {"statement_timeout": "1min", "lock_timeout": "15s"}
    # Options the URL already carries (a search_path) are kept next to the timeouts.
    other = make_sql_engine(with_search_path(postgres_base_or_skip(), "pg_catalog"), 2, 1)
    try:
        with other.connect() as conn:
            settings_shown = [conn.exec_driver_sql(f"SELECT current_setting('{name}')").scalar()
                              for name in ("search_path", "statement_timeout", "lock_timeout")]
    finally:
        other.dispose()
    assert settings_shown == ["pg_catalog", "2s", "1s"]
