"""Timer sweep throughput: due timers fired per second, SQLite with one worker, PostgreSQL with one and two.

    .venv/bin/python bench/timers.py            # 10,000 due timers per configuration
    .venv/bin/python bench/timers.py --smoke    # a few dozen, to keep the script working (CI)

Each case of the timer-probe process (tests/timers/diagrams) has one task with a chase and a supervise
timer. One case is opened through the services; the rest are bulk-inserted copies of it (fresh task
ids in the stored state and projections), so seeding does not dominate the run. The sweep then runs
at 2024-10-08 11:00, when both timers of every case are due, through the real TimerService: each
case is restored, its timers fire, notices and audit events are written, the state is saved.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402

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


def sweep(url: str, workdir: Path, workers: int) -> dict[str, Any]:
    """Run `workers` sweeping engines side by side until nothing is due; time it."""
    engines = [_engine(url, workdir, SWEEP_AT, f"bench-worker-{n}") for n in range(workers)]
    fired = [0] * workers
    failed: list[str] = []

    def work(n: int) -> None:
        result = engines[n].timers.sweep()
        fired[n] = result.fired_cases
        failed.extend(result.failed)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    timers_fired = _count(engines[0], NoticeRow)
    left_due = _count(engines[0], TimerRow, TimerRow.status == "armed", TimerRow.fire_at < SWEEP_AT)
    for e in engines:
        e.dispose()
    return {"workers": workers, "seconds": round(seconds, 3), "timers_fired": timers_fired,
            "timers_per_second": round(timers_fired / seconds, 1), "cases_per_worker": fired,
            "failed": len(failed), "left_due": left_due}


def run(kind: str, workers: int, timers: int, workdir: Path) -> dict[str, Any]:
    with database(kind, workdir) as url:
        seeder = _engine(url, workdir, OPENED_AT, "bench-seeder")
        seeder.init_db()
        started = time.perf_counter()
        seed(seeder, timers // 2)
        seeded = time.perf_counter() - started
        due = _count(seeder, TimerRow, TimerRow.status == "armed", TimerRow.fire_at < SWEEP_AT)
        seeder.dispose()
        result = sweep(url, workdir, workers)
    return {"database": kind, "due_timers": due, "seed_seconds": round(seeded, 1), **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script works")
    parser.add_argument("--timers", type=int, default=10_000)
    args = parser.parse_args()
    timers = 40 if args.smoke else args.timers
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run("sqlite", 1, timers, Path(tmp)), run("postgresql", 1, timers, Path(tmp)),
                run("postgresql", 2, timers, Path(tmp))]
    for r in runs:
        if r["failed"] or r["left_due"] or r["timers_fired"] != r["due_timers"]:
            raise SystemExit(f"sweep incomplete: {r}")
    pg1, pg2 = runs[1]["timers_per_second"], runs[2]["timers_per_second"]
    emit({"benchmark": "timer_sweep", "smoke": args.smoke, "machine": machine(), "runs": runs,
          "postgresql_two_over_one_worker": round(pg2 / pg1, 2),
          "targets": {"sqlite_timers_per_second": 300, "postgresql_two_over_one": 1.6}})


if __name__ == "__main__":
    main()
