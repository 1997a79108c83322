"""Timer workers racing and dying: every due timer's effect happens exactly once.

The timer-probe process has one task with a chase and a supervise timer. Opened Friday 2024-09-27
10:00 (general grade: due Tuesday 2024-10-08 10:00); a sweep at 2024-10-08 11:00, a working day past
the due time, finds both timers of every case due: one chase and one supervision per case.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.bootstrap import Engine
from engine.persistence.tables import AuditEventRow, CaseRow, NoticeRow, TimerRow
from tests.support.concurrency import race
from tests.support.driver import open_case
from tests.support.engines import REPO_ROOT, at, make_engine, sql_engine_of

SWEEP_AT = at(2024, 10, 8, 11)


def _open_probe_cases(engine: Engine, count: int) -> list[int]:
    return [open_case(engine, process_key="timer_probe").id for _ in range(count)]


def _effects(engine: Engine) -> dict[str, Counter[int]]:
    """Per kind of effect, how many times each case got it (notices and audit events)."""
    with engine.ctx.db.read() as uow:
        notices = uow.session.execute(select(NoticeRow.kind, NoticeRow.case_id)).all()
        timer_actions = AuditEventRow.action.in_(("auto_chase", "supervision"))
        audit = uow.session.execute(select(AuditEventRow.action, AuditEventRow.case_id).where(timer_actions)).all()
    effects: dict[str, Counter[int]] = {}
    for kind, case_id in notices:
        effects.setdefault(f"notice:{kind}", Counter())[case_id] += 1
    for action, case_id in audit:
        effects.setdefault(f"audit:{action}", Counter())[case_id] += 1
    return effects


def _due_armed_timers(engine: Engine) -> int:
    with engine.ctx.db.read() as uow:
        query = select(func.count()).select_from(TimerRow).where(
            TimerRow.status == "armed", TimerRow.fire_at <= SWEEP_AT)
        return int(uow.session.scalar(query) or 0)


def _assert_each_case_once(engine: Engine, cases: list[int]) -> None:
    once = Counter(cases)
    effects = _effects(engine)
    assert sorted(effects) == ["audit:auto_chase", "audit:supervision", "notice:chase", "notice:supervision"]
    for kind, per_case in effects.items():
        assert per_case == once, f"{kind}: cases with other than one effect: {per_case - once} / {once - per_case}"
    assert _due_armed_timers(engine) == 0


@pytest.mark.slow
@pytest.mark.parametrize("db_kind", ["postgresql"])
def test_two_workers_fire_1000_due_timers_exactly_once(probe_engine, db_url, tmp_path):
    cases = _open_probe_cases(probe_engine, 500)  # two timers each
    assert _due_armed_timers(probe_engine) == 1000
    workers = [make_engine(db_url, tmp_path, SWEEP_AT, worker_name=f"worker-{n}") for n in (1, 2)]
    try:
        outcomes = race({f"worker-{n}": w.timers.sweep for n, w in enumerate(workers, 1)}, timeout=300)
    finally:
        for w in workers:
            w.dispose()
    results = {name: o.value for name, o in outcomes.items() if o.ok}
    assert len(results) == 2, {name: o.error for name, o in outcomes.items()}
    assert [r.failed for r in results.values()] == [[], []]
    fired = [r.fired_cases for r in results.values()]
    assert sum(fired) == 500
    assert min(fired) > 0, f"one worker did all the work: {fired}"  # they really ran side by side
    _assert_each_case_once(probe_engine, cases)


def test_cases_another_worker_fired_after_the_batch_was_read_are_not_fired_again(
        probe_engine, db_url, tmp_path, monkeypatch):
    """Two workers read the same batch of due timers: the cases one fired are not fired again by the other."""
    cases = _open_probe_cases(probe_engine, 3)
    late, early = (make_engine(db_url, tmp_path, SWEEP_AT, worker_name=name) for name in ("late", "early"))
    read_batch = late.timers._next_batch
    early_fired: list[int] = []

    def batch_then_the_other_sweeps(run):
        batch = read_batch(run)
        if batch and not early_fired:
            early_fired.append(early.timers.sweep().fired_cases)
        return batch

    monkeypatch.setattr(late.timers, "_next_batch", batch_then_the_other_sweeps)
    try:
        result = late.timers.sweep()
    finally:
        late.dispose()
        early.dispose()
    assert early_fired == [3]
    assert (result.fired_cases, result.failed) == (0, [])
    _assert_each_case_once(probe_engine, cases)


@pytest.mark.parametrize("db_kind", ["postgresql"])
def test_a_case_another_transaction_holds_is_skipped_not_waited_for(probe_engine, db_url, tmp_path):
    cases = _open_probe_cases(probe_engine, 3)
    worker = make_engine(db_url, tmp_path, SWEEP_AT, worker_name="worker")
    try:
        with sql_engine_of(probe_engine).connect() as holder:
            holder.execute(select(CaseRow.id).where(CaseRow.id == cases[1]).with_for_update())
            while_held = worker.timers.sweep()
            holder.rollback()
        after = worker.timers.sweep()
    finally:
        worker.dispose()
    assert (while_held.fired_cases, while_held.failed) == (2, [])
    assert (after.fired_cases, after.failed) == (1, [])
    _assert_each_case_once(probe_engine, cases)


def _start_doomed_worker(db_url: str, tmp_path: Path, commits: int) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT),
                                                                     os.environ.get("PYTHONPATH")])))
    return subprocess.Popen(
        [sys.executable, "-m", "tests.support.sweep_child", db_url, str(tmp_path),
         SWEEP_AT.isoformat(), str(commits)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT, env=env,
    )


def _wait_for(child: subprocess.Popen[str], marker: str) -> list[str]:
    seen: list[str] = []
    while True:
        line = child.stdout.readline() if child.stdout else ""
        if not line:
            child.kill()
            _, err = child.communicate(timeout=30)
            pytest.fail(f"worker ended before {marker!r}; output {seen}\n{err}")
        seen.append(line.strip())
        if line.strip() == marker:
            return seen


def test_worker_killed_mid_sweep_loses_and_doubles_nothing(probe_engine, db_url, tmp_path):
    cases = _open_probe_cases(probe_engine, 12)
    child = _start_doomed_worker(db_url, tmp_path, commits=5)
    seen = _wait_for(child, "COMMITTING")
    assert seen[-2] == "COMMITTED 5"  # five cases done, the sixth half written when the kill lands
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert sum(_effects(probe_engine)["notice:chase"].values()) == 5

    restarted = make_engine(db_url, tmp_path, SWEEP_AT, worker_name="restarted")
    try:
        result = restarted.timers.sweep()
    finally:
        restarted.dispose()
    assert result.failed == []
    assert result.fired_cases == 7
    _assert_each_case_once(probe_engine, cases)
