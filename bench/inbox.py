"""Task lists of a bank's network at scale: an outlet's queue, "my inbox", the navigation counts and a branch
supervisor's subtree views, with 10k and 1M cases over 300 outlets.

    .venv/bin/python bench/inbox.py                              # 10,000 and 1,000,000 cases, both databases
    .venv/bin/python bench/inbox.py --sizes 10000,100000 --databases postgresql
    .venv/bin/python bench/inbox.py --smoke                      # a few thousand, to keep the script working (CI)

The bank (bench/support/bank.py): head office, 6 branches of 50 outlets each, 3 people per (unit,
department) queue. 90 % of cases closed (three completed tasks each), 10 % open (one completed task and one
open task: 60 % waiting in a queue, 40 % claimed); 80 % of tasks wait at the case's outlet, 12 % at its
branch, 8 % at head office. The projections are bulk-inserted (SQLite: executemany in batches on the raw
connection; PostgreSQL: COPY through psycopg, into a database of its own that the bench creates and drops;
the secondary indexes are dropped meanwhile and re-created from their own definitions), growing one database
from the smallest size to the largest, with (VACUUM) ANALYZE after each step.

Latency is measured through the services the web UI calls (session, SQL, mapping rows to HumanTask):
- outlet_queue: engine.tasks.queue for a member of one (outlet, department) queue (/queue/<department>);
- inbox and navigation_counts: engine.tasks.inbox / counts for an outlet's staff member;
- subtree_overdue: engine.tasks.overdue for a branch supervisor (the supervisor desk, /supervisor/: open tasks
  of the branch's 51 units due within a working day, most overdue first);
- subtree_queue: engine.tasks.queue of the outlets' complaint managers for a branch supervisor (every
  outlet of the branch).
The SQL and the database's plan of each are part of the output (PostgreSQL: EXPLAIN ANALYZE).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, select, text  # noqa: E402

from bench.common import database, emit, machine  # noqa: E402
from bench.support import BENCH_DIAGRAMS, deploy, latency_ms, make_engine, scale_args  # noqa: E402
from bench.support.bank import (  # noqa: E402
    CASE_COLUMNS,
    NOW,
    PEOPLE_PER_QUEUE,
    TASK_COLUMNS,
    Generator,
    bank_tree,
    staff,
    supervisor,
)
from engine.bootstrap import Engine  # noqa: E402
from engine.domain.clock import FixedClock  # noqa: E402
from engine.domain.model import Actor, Membership  # noqa: E402
from engine.domain.organisation import OrganisationTree  # noqa: E402
from engine.persistence.tables import CaseRow, HumanTaskRow, ProcessDefinitionRow  # noqa: E402

BATCH = 50_000
SUBTREE_DEPARTMENT = "branch_manager"  # the outlets' complaint managers (投诉管理人)
TARGETS = {"outlet_queue_p95_ratio_largest_over_smallest": 2, "subtree_p95_ms_at_largest": 50}


def _check_columns() -> None:
    for table, columns in ((CaseRow, CASE_COLUMNS), (HumanTaskRow, TASK_COLUMNS)):
        actual = [c.name for c in table.__table__.columns]
        if sorted(actual) != sorted(columns):
            raise SystemExit(f"{table.__tablename__} columns changed: {actual}; update bench/support/bank.py")


def _batches(gen: Generator, first: int, last: int) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    for start in range(first, last + 1, BATCH):
        cases, tasks = [], []
        for case_id in range(start, min(start + BATCH, last + 1)):
            case, case_tasks = gen.case_and_tasks(case_id)
            cases.append(case)
            tasks.extend(case_tasks)
        yield cases, tasks


def _sqlite_writer(raw: Any) -> Callable[[str, list[str], list[tuple[Any, ...]]], None]:
    def write(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ",".join("?" * len(columns))
        raw.executemany(f'INSERT INTO {table} ({",".join(columns)}) VALUES ({marks})', rows)
    return write


def _postgres_writer(raw: Any) -> Callable[[str, list[str], list[tuple[Any, ...]]], None]:
    def write(table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        with raw.cursor() as cur, cur.copy(f'COPY {table} ({",".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
    return write


def _secondary_indexes(raw: Any, sqlite: bool) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the non-unique indexes on the two tables, exactly as the migrations made them."""
    if sqlite:
        rows = raw.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           "AND tbl_name IN ('complaint_case', 'human_task')").fetchall()
    else:
        rows = raw.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                           "AND tablename IN ('complaint_case', 'human_task')").fetchall()
    return [(name, sql) for name, sql in rows if "UNIQUE" not in sql.upper()]


def _analyze(driver: Any, sqlite: bool) -> None:
    """Fresh statistics for the two tables (PostgreSQL: VACUUM too, so the visibility map allows index-only
    scans, as autovacuum would have made it on a live database)."""
    if not sqlite:
        driver.autocommit = True
    for table in ("complaint_case", "human_task"):
        driver.execute(f"ANALYZE {table}" if sqlite else f"VACUUM ANALYZE {table}")
    if sqlite:
        driver.commit()
    else:
        driver.autocommit = False


def seed(engine: Engine, tree: OrganisationTree, first: int, last: int, definition_id: int) -> dict[str, Any]:
    """Bulk-insert cases first..last with their tasks (secondary indexes dropped meanwhile and rebuilt from
    their own definitions); ANALYZE. Rows and seconds."""
    sqlite = engine.ctx.db.dialect == "sqlite"
    gen = Generator(tree, definition_id, sqlite, seed=first, match_key=engine.ctx.settings.match_key)
    started = time.perf_counter()
    task_rows = 0
    raw = engine.ctx.db.sql_engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        driver.execute("PRAGMA synchronous=OFF" if sqlite else "SET statement_timeout = 0")
        indexes = _secondary_indexes(driver, sqlite)
        for name, _ in indexes:
            driver.execute(f"DROP INDEX {name}")
        driver.commit()
        write = _sqlite_writer(driver) if sqlite else _postgres_writer(driver)
        for cases, tasks in _batches(gen, first, last):
            if sqlite:
                driver.execute("BEGIN")
            write(CaseRow.__tablename__, CASE_COLUMNS, cases)
            write(HumanTaskRow.__tablename__, TASK_COLUMNS, tasks)
            driver.commit()
            task_rows += len(tasks)
        for _, create in indexes:
            driver.execute(create)
        driver.commit()
        _analyze(driver, sqlite)
        if not sqlite:
            driver.execute("RESET statement_timeout")
            driver.commit()
    finally:
        raw.close()
    return {"cases_added": last - first + 1, "tasks_added": task_rows,
            "seed_seconds": round(time.perf_counter() - started, 1)}


class Lists:
    """The service calls measured, each for a random person of the bank."""

    def __init__(self, engine: Engine, tree: OrganisationTree):
        self.engine = engine
        self.outlet_queues = [Membership(u.code, d) for u in tree.units.values() if u.kind == "outlet"
                              for d in u.departments]
        self.supervisors = [supervisor(tree, u.code) for u in tree.units.values() if u.kind == "branch"]
        now = engine.ctx.now()
        # As the supervisor desk asks: due before the end of the next working day (due_before is strict).
        self.within = engine.ctx.calendar.add_workdays(now, 1) - now + timedelta(seconds=1)

    def calls(self) -> dict[str, tuple[Callable[[random.Random], Actor], Callable[[Actor], Any]]]:
        """name: (who, call)."""
        tasks = self.engine.tasks
        return {
            "outlet_queue": (self.outlet_staff, lambda a: tasks.queue(a, next(iter(a.departments)))),
            "inbox": (self.outlet_staff, tasks.inbox),
            "navigation_counts": (self.outlet_staff, tasks.counts),
            "subtree_overdue": (self.branch_supervisor,
                                lambda a: tasks.overdue(a, within=self.within, limit=100)),
            "subtree_queue": (self.branch_supervisor, lambda a: tasks.queue(a, SUBTREE_DEPARTMENT)),
        }

    def outlet_staff(self, rng: random.Random) -> Actor:
        return staff(rng.choice(self.outlet_queues), rng.randrange(PEOPLE_PER_QUEUE))

    def branch_supervisor(self, rng: random.Random) -> Actor:
        return rng.choice(self.supervisors)


def measure(lists: Lists, rounds: int, rng: random.Random) -> dict[str, Any]:
    """p50/p95 of each list for random people."""
    result: dict[str, Any] = {}
    for name, (who, call) in lists.calls().items():
        for _ in range(5):  # warm the pool and the caches
            call(who(rng))
        seconds, rows = [], 0
        for _ in range(rounds):
            actor = who(rng)
            started = time.perf_counter()
            found = call(actor)
            seconds.append(time.perf_counter() - started)
            rows += len(found) if isinstance(found, list) else 0
        result[name] = {**latency_ms(seconds), "avg_rows": round(rows / rounds, 1)}
    return result


def statements(lists: Lists) -> dict[str, Any]:
    """The SQL each service call runs and the database's plan for it (the first branch, outlet, queue)."""
    sql_engine = lists.engine.ctx.db.sql_engine
    rng = random.Random(0)
    out: dict[str, Any] = {}
    for name, (who, call) in lists.calls().items():
        seen: list[tuple[str, Any]] = []

        def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool,
                    sink: list[tuple[str, Any]] = seen) -> None:
            if "human_task" in statement:
                sink.append((statement, params))

        event.listen(sql_engine, "before_cursor_execute", capture)
        try:
            call(who(rng))
        finally:
            event.remove(sql_engine, "before_cursor_execute", capture)
        out[name] = [{"sql": " ".join(s.split()), "plan": _plan(sql_engine, s, p)} for s, p in seen[:2]]
    return out


def _plan(sql_engine: Any, statement: str, params: Any) -> list[str]:
    sqlite = sql_engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, COSTS OFF) "
    with sql_engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params).all()
    return [str(r[-1]) for r in rows]


def counts(engine: Engine) -> dict[str, int]:
    with engine.ctx.db.read() as uow:
        s = uow.session
        return {
            "cases": int(s.scalar(text("SELECT count(*) FROM complaint_case")) or 0),
            "tasks": int(s.scalar(text("SELECT count(*) FROM human_task")) or 0),
            "open_tasks": int(s.scalar(text("SELECT count(*) FROM human_task WHERE status IN ('ready','claimed')"))
                              or 0),
        }


def run(kind: str, sizes: list[int], rounds: int, workdir: Path) -> dict[str, Any]:
    """Grow one database through `sizes`, measuring at each."""
    steps = []
    tree = bank_tree()
    with database(kind, workdir, own_database="bench_net") as url:
        engine = make_engine(url, workdir, clock=FixedClock(NOW))
        engine.init_db()
        _check_columns()
        deploy(engine, BENCH_DIAGRAMS)
        with engine.ctx.db.read() as uow:
            definition_id = int(uow.session.scalar(select(ProcessDefinitionRow.id)) or 0)
        lists = Lists(engine, tree)
        done = 0
        for size in sizes:
            seeded = seed(engine, tree, done + 1, size, definition_id)
            done = size
            steps.append({"cases": size, **seeded, "rows": counts(engine), "load_average": os.getloadavg(),
                          "latency_ms": measure(lists, rounds, random.Random(size))})
        plans = statements(lists)
        engine.dispose()
    first, last = steps[0]["latency_ms"], steps[-1]["latency_ms"]
    growth = {name: round(last[name]["p95"] / first[name]["p95"], 2) for name in first}
    return {"database": kind, "steps": steps, "p95_ratio_largest_over_smallest": growth,
            "sql_and_plans_at_largest": plans}


def main() -> None:
    args = scale_args(__doc__.splitlines()[0], 300, "timed calls per list and size")
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(kind, args.sizes, args.rounds, Path(tmp)) for kind in args.databases]
    emit({"benchmark": "inbox", "smoke": args.smoke, "machine": machine(), "sizes": args.sizes, "runs": runs,
          "targets": TARGETS})


if __name__ == "__main__":
    main()
