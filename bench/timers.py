"""Timer sweep throughput: due timers fired per second, SQLite with one worker, PostgreSQL with one and two.

    .venv/bin/python bench/timers.py                      # 10,000 due timers per run
    .venv/bin/python bench/timers.py --timers 2000 --rounds 3 --runs postgresql:1,postgresql:2
    .venv/bin/python bench/timers.py --smoke              # a few dozen, to keep the script working (CI)

Each case of the timer-probe process (tests/timers/diagrams) has one task with a chase and a supervise
timer. One case is opened through the services; the rest are bulk-inserted copies of it (fresh task
ids in the stored state and projections), so seeding does not dominate the run. The sweep then runs
at 2024-10-08 11:00, when both timers of every case are due, through the real TimerService: each
case is restored, its timers fire, notices and audit events are written, the state is saved.

Each worker is a process of its own (as `complaintflow worker` is), so two workers are not serialised by one
interpreter's lock. `--runs` lists database:workers configurations; `--rounds` repeats the list, interleaved,
and the summary gives each configuration's median. Every run also counts the SQL statements per fired case.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, select  # noqa: E402

from bench.common import REPO_ROOT, database, emit, machine  # noqa: E402
from bench.support import CLERK, COMPLAINT, OPENED_AT, clone_case, deploy, make_engine  # noqa: E402
from engine.bootstrap import Engine  # noqa: E402
from engine.domain.clock import CHINA_TZ, FixedClock  # noqa: E402
from engine.persistence.tables import NoticeRow, TimerRow  # noqa: E402

SWEEP_AT = datetime(2024, 10, 8, 11, 0, tzinfo=CHINA_TZ)
PROBE_DIR = REPO_ROOT / "tests" / "timers" / "diagrams"


def _engine(url: str, workdir: Path, at: datetime, name: str) -> Engine:
    engine = make_engine(url, workdir, FixedClock(at), worker=name)
    engine.ctx.facts.add_directory(PROBE_DIR)  # the probe's report facts live beside it
    return engine


def seed(engine: Engine, cases: int) -> None:
    """One real case, then `cases - 1` copies with fresh ids."""
    deploy(engine, PROBE_DIR)
    first = engine.cases.open_case("timer_probe", dict(COMPLAINT), CLERK)
    clone_case(engine, first.id, cases - 1)


def _count(engine: Engine, table: Any, *where: Any) -> int:
    with engine.ctx.db.read() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(table).where(*where)) or 0)


def _backend_cpu(pids: list[int]) -> float:
    """CPU seconds the PostgreSQL server processes `pids` used so far (same host; 0 where /proc does not tell)."""
    total = 0.0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists():
            fields = stat.read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _worker(url: str, workdir: str, name: str, start: Any, results: Any) -> None:
    """One sweeping process: build the engine, wait for the others, sweep until nothing is due, report its
    statements and CPU seconds (its own and, on PostgreSQL, its server processes')."""
    engine = _engine(url, Path(workdir), SWEEP_AT, name)
    statements, backends = [0], []

    def count(*_: Any) -> None:
        statements[0] += 1

    def backend(dbapi_connection: Any, _: Any) -> None:
        if engine.ctx.db.dialect == "postgresql":
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.append(cursor.fetchone()[0])

    event.listen(engine.ctx.db.sql_engine, "before_cursor_execute", count)
    event.listen(engine.ctx.db.sql_engine, "connect", backend)
    with engine.ctx.db.read():  # the first connection, before the clock starts
        pass
    start.wait()
    began, cpu, db_cpu = time.time(), time.process_time(), _backend_cpu(backends)
    result = engine.timers.sweep()
    results.put({"began": began, "ended": time.time(), "cpu": time.process_time() - cpu,
                 "db_cpu": _backend_cpu(backends) - db_cpu, "fired": result.fired_cases,
                 "failed": len(result.failed), "statements": statements[0]})
    engine.dispose()


def sweep(url: str, workdir: Path, workers: int) -> dict[str, Any]:
    """Run `workers` sweeping processes side by side until nothing is due; time it (first start to last end)."""
    mp = multiprocessing.get_context("fork")  # the engine is imported already
    start, results = mp.Barrier(workers), mp.Queue()
    procs = [mp.Process(target=_worker, args=(url, str(workdir), f"bench-worker-{n}", start, results))
             for n in range(workers)]
    for p in procs:
        p.start()
    done = [results.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    seconds = max(d["ended"] for d in done) - min(d["began"] for d in done)
    counter = _engine(url, workdir, SWEEP_AT, "bench-counter")
    timers_fired = _count(counter, NoticeRow)
    left_due = _count(counter, TimerRow, TimerRow.status == "armed", TimerRow.fire_at < SWEEP_AT)
    counter.dispose()
    fired = sum(d["fired"] for d in done)
    return {"workers": workers, "seconds": round(seconds, 3), "timers_fired": timers_fired,
            "timers_per_second": round(timers_fired / seconds, 1), "cases_per_worker": [d["fired"] for d in done],
            "statements_per_case": round(sum(d["statements"] for d in done) / max(fired, 1), 1),
            "worker_cpu_seconds": [round(d["cpu"], 2) for d in done],
            "database_cpu_seconds": [round(d["db_cpu"], 2) for d in done],
            "cpu_ms_per_timer": round(1000 * sum(d["cpu"] + d["db_cpu"] for d in done) / max(timers_fired, 1), 2),
            "failed": sum(d["failed"] for d in done), "left_due": left_due}


def run(kind: str, workers: int, timers: int, workdir: Path) -> dict[str, Any]:
    with database(kind, workdir) as url:
        seeder = _engine(url, workdir, OPENED_AT, "bench-seeder")
        seeder.init_db()
        started = time.perf_counter()
        seed(seeder, timers // 2)
        seeded = time.perf_counter() - started
        due = _count(seeder, TimerRow, TimerRow.status == "armed", TimerRow.fire_at < SWEEP_AT)
        seeder.dispose()
        load = os.getloadavg()[0]
        result = sweep(url, workdir, workers)
    return {"database": kind, "due_timers": due, "seed_seconds": round(seeded, 1), "load_1min": round(load, 1),
            **result}


def _summary(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Median timers/s per database:workers configuration."""
    by: dict[str, list[float]] = {}
    for r in runs:
        by.setdefault(f"{r['database']}:{r['workers']}", []).append(r["timers_per_second"])
    return {key: round(statistics.median(values), 1) for key, values in by.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script works")
    parser.add_argument("--timers", type=int, default=10_000, help="due timers per run (two per case)")
    parser.add_argument("--runs", default="sqlite:1,postgresql:1,postgresql:2",
                        help="database:workers configurations, run in this order")
    parser.add_argument("--rounds", type=int, default=1, help="repeat the configurations, interleaved")
    args = parser.parse_args()
    timers = 40 if args.smoke else args.timers
    configs = [(kind, int(n)) for kind, n in (c.split(":") for c in args.runs.split(","))]
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(kind, n, timers, Path(tmp)) for _ in range(args.rounds) for kind, n in configs]
    for r in runs:
        if r["failed"] or r["left_due"] or r["timers_fired"] != r["due_timers"]:
            raise SystemExit(f"sweep incomplete: {r}")
    medians = _summary(runs)
    two_over_one = None
    if "postgresql:1" in medians and "postgresql:2" in medians:
        two_over_one = round(medians["postgresql:2"] / medians["postgresql:1"], 2)
    emit({"benchmark": "timer_sweep", "smoke": args.smoke, "machine": machine(), "runs": runs,
          "median_timers_per_second": medians, "postgresql_two_over_one_worker": two_over_one,
          "targets": {"sqlite_timers_per_second": 300, "postgresql_two_over_one": 1.6}})


if __name__ == "__main__":
    main()
