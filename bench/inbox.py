"""Inbox latency at scale: department queue, "my inbox" and the navigation counts, with 10k, 100k and 1M cases.

    .venv/bin/python bench/inbox.py                      # 10,000, 100,000 and 1,000,000 cases
    .venv/bin/python bench/inbox.py --sizes 10000,100000 # fewer
    .venv/bin/python bench/inbox.py --smoke              # a few hundred, to keep the script working (CI)

The projections are bulk-inserted (SQLite: executemany in batches of 50,000 on the raw connection;
PostgreSQL: COPY through psycopg; the secondary indexes are dropped meanwhile and re-created from their
own definitions afterwards), growing one database from the smallest size to the largest, with ANALYZE
after each step. The mix: 90 % of cases closed (three completed tasks each), 10 % open (one
completed task and one open task: 60 % waiting in a department queue, 40 % claimed by someone), over the
14 departments of processes/departments.toml with ten people each; a case's state is a small dummy
(inboxes never read it). Latency is measured through the services (engine.tasks.queue / inbox / counts:
session, SQL, mapping rows to HumanTask), for a random department member each time. The SQL and the
database's query plan of each are part of the output.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, select, text  # noqa: E402

from bench.common import database, emit, machine  # noqa: E402
from bench.support import BENCH_DIAGRAMS, department_codes, deploy, latency_ms, make_engine  # noqa: E402
from engine.bootstrap import Engine  # noqa: E402
from engine.domain.clock import CHINA_TZ, FixedClock  # noqa: E402
from engine.domain.model import Actor, Role  # noqa: E402
from engine.persistence.tables import CaseRow, HumanTaskRow, ProcessDefinitionRow  # noqa: E402

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=CHINA_TZ)
YEAR = timedelta(days=365)
PEOPLE_PER_DEPARTMENT = 10
CLOSED_SHARE = 0.9
CLAIMED_SHARE = 0.4
BATCH = 50_000
TASK_NAMES = [("Task_OnSpot", "现场处理"), ("Task_Investigate", "调查核实"), ("Task_Approve", "审批"),
              ("Task_Notify", "告知客户"), ("Task_Revisit", "回访"), ("Task_Archive", "归档")]
COMPLAINT_JSON = json.dumps({"channel": "counter", "organisation": "branch", "complainant_name": "张*",
                             "category": "deposits", "grade": "general"}, ensure_ascii=False)


CASE_COLUMNS = ["id", "number", "definition_id", "process_key", "status", "version", "state", "complaint",
                "process_data", "completed_elements", "current_elements", "channel", "organisation", "grade",
                "category", "cause", "received_at", "received_by", "internal_due_at", "regulatory_due_at",
                "regulatory_extensions", "supervised", "calendar_warning", "closed_at", "created_at", "updated_at",
                "unit", "failed_at", "failure"]
TASK_COLUMNS = ["id", "case_id", "case_number", "process_key", "bpmn_id", "title", "department", "lane", "grade",
                "status", "assignee", "created_at", "due_at", "completed_at", "completed_by", "chase_count",
                "last_chased_at", "unit"]
UNIT = "SH01"  # one outlet of processes/organisations.toml (the 300-outlet spread is issue 14's bench work)
POOL = 8192  # distinct timestamps to draw from (formatting one per row would dominate the seeding)


def person(department: str, n: int) -> str:
    return f"{department}_{n}"


class Generator:
    """Rows (tuples in CASE_COLUMNS / TASK_COLUMNS order) of complaint_case and human_task, deterministic."""

    def __init__(self, definition_id: int, sqlite: bool, seed: int):
        self.definition_id = definition_id
        self.sqlite = sqlite
        self.rng = random.Random(seed)
        self.departments = department_codes()
        self.people = {d: [person(d, n) for n in range(PEOPLE_PER_DEPARTMENT)] for d in self.departments}
        rng = random.Random(0)
        past = [NOW - YEAR * rng.random() for _ in range(POOL)]
        recent = [NOW - timedelta(days=10 * rng.random()) for _ in range(POOL)]
        self.closed_times = [self._closed_case_times(m) for m in past]
        self.open_times = [self._open_case_times(m, r, rng) for m, r in zip(past, recent, strict=True)]

    def moment(self, value: datetime | None) -> Any:
        """A naive UTC timestamp as the column type stores it (SQLite: the text SQLAlchemy writes)."""
        if value is None:
            return None
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else naive

    def _task_times(self, created: datetime, due_days: float | None, done: bool) -> tuple[Any, ...]:
        due = created + timedelta(days=due_days) if due_days is not None else None
        return (self.moment(created), self.moment(due), self.moment(created + timedelta(hours=6)) if done else None)

    def _closed_case_times(self, received: datetime) -> tuple[Any, ...]:
        case = (self.moment(received), self.moment(received + timedelta(days=5)),
                self.moment(received + timedelta(days=15)), self.moment(received + timedelta(days=4)))
        tasks = tuple(self._task_times(received + timedelta(hours=20 * n), 3.0, True) for n in range(3))
        return case, tasks

    def _open_case_times(self, received: datetime, recent: datetime, rng: random.Random) -> tuple[Any, ...]:
        case = (self.moment(received), self.moment(received + timedelta(days=5)),
                self.moment(received + timedelta(days=15)), None)
        due_days = rng.uniform(1, 8) if rng.random() < 0.95 else None
        tasks = (self._task_times(received, 3.0, True), self._task_times(recent, due_days, False))
        return case, tasks

    def case_and_tasks(self, case_id: int) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        rng = self.rng
        closed = rng.random() < CLOSED_SHARE
        (received, internal, regulatory, closed_at), task_times = rng.choice(
            self.closed_times if closed else self.open_times)
        number = f"TS-BENCH-{case_id:08d}"
        case = (case_id, number, self.definition_id, "branch_complaint", "closed" if closed else "open", 4,
                '{"bench":true}', COMPLAINT_JSON, "{}", "[]", "[]", "counter", "branch", "general", "deposits",
                "service_attitude", received, "branch_front_0", internal, regulatory, "[]",
                0 if self.sqlite else False, None, closed_at, received, received, UNIT, None, None)
        tasks = []
        for n, (created, due, completed) in enumerate(task_times):
            department = rng.choice(self.departments)
            someone = rng.choice(self.people[department])
            if completed is not None:
                status, assignee, done_by = "completed", someone, someone
            elif rng.random() < CLAIMED_SHARE:
                status, assignee, done_by = "claimed", someone, None
            else:
                status, assignee, done_by = "ready", None, None
            bpmn_id, title = TASK_NAMES[n]
            tasks.append((f"{case_id:08x}-{n:04x}-4000-8000-{rng.getrandbits(48):012x}", case_id, number,
                          "branch_complaint", bpmn_id, title, department, department, "general", status, assignee,
                          created, due, completed, done_by, 0, None, UNIT))
        return case, tasks


def _check_columns() -> None:
    for table, columns in ((CaseRow, CASE_COLUMNS), (HumanTaskRow, TASK_COLUMNS)):
        actual = [c.name for c in table.__table__.columns]
        if sorted(actual) != sorted(columns):
            raise SystemExit(f"{table.__tablename__} columns changed: {actual}; update bench/inbox.py")


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


def seed(engine: Engine, first: int, last: int, definition_id: int) -> dict[str, Any]:
    """Bulk-insert cases first..last with their tasks (secondary indexes dropped meanwhile and rebuilt from
    their own definitions); ANALYZE. Rows and seconds."""
    sqlite = engine.ctx.db.dialect == "sqlite"
    gen = Generator(definition_id, sqlite, seed=first)
    started = time.perf_counter()
    task_rows = 0
    raw = engine.ctx.db.sql_engine.raw_connection()
    try:
        driver: Any = raw.driver_connection
        if sqlite:
            driver.execute("PRAGMA synchronous=OFF")
            driver.execute("PRAGMA cache_size=-1000000")
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
        driver.execute("ANALYZE")
        driver.commit()
    finally:
        raw.close()
    return {"cases_added": last - first + 1, "tasks_added": task_rows,
            "seed_seconds": round(time.perf_counter() - started, 1)}


def _staff(department: str, n: int) -> Actor:
    return Actor(person(department, n), frozenset({department}), frozenset({Role.STAFF}))


def measure(engine: Engine, rounds: int, rng: random.Random) -> dict[str, Any]:
    """p50/p95 of queue, inbox and counts for random department members."""
    departments = department_codes()
    lists: dict[str, Callable[[Actor], Any]] = {
        "queue": lambda a: engine.tasks.queue(a, next(iter(a.departments))),
        "inbox": engine.tasks.inbox,
        "navigation_counts": engine.tasks.counts,
    }
    result: dict[str, Any] = {}
    for name, call in lists.items():
        for _ in range(5):  # warm the pool and the caches
            call(_staff(rng.choice(departments), rng.randrange(PEOPLE_PER_DEPARTMENT)))
        seconds, rows = [], 0
        for _ in range(rounds):
            who = _staff(rng.choice(departments), rng.randrange(PEOPLE_PER_DEPARTMENT))
            started = time.perf_counter()
            found = call(who)
            seconds.append(time.perf_counter() - started)
            rows += len(found) if isinstance(found, list) else 0
        result[name] = {**latency_ms(seconds), "avg_rows": round(rows / rounds, 1)}
    return result


def statements(engine: Engine) -> dict[str, Any]:
    """The SQL each service call runs and the database's plan for it."""
    sql_engine = engine.ctx.db.sql_engine
    calls = {"queue": lambda: engine.tasks.queue(_staff("branch_manager", 0), "branch_manager"),
             "inbox": lambda: engine.tasks.inbox(_staff("branch_manager", 0)),
             "navigation_counts": lambda: engine.tasks.counts(_staff("branch_manager", 0))}
    out: dict[str, Any] = {}
    for name, call in calls.items():
        seen: list[tuple[str, Any]] = []

        def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool,
                    sink: list[tuple[str, Any]] = seen) -> None:
            if "human_task" in statement:
                sink.append((statement, params))

        event.listen(sql_engine, "before_cursor_execute", capture)
        try:
            call()
        finally:
            event.remove(sql_engine, "before_cursor_execute", capture)
        out[name] = [{"sql": " ".join(s.split()), "plan": _plan(sql_engine, s, p)} for s, p in seen]
    return out


def _plan(sql_engine: Any, statement: str, params: Any) -> list[str]:
    prefix = "EXPLAIN QUERY PLAN " if sql_engine.dialect.name == "sqlite" else "EXPLAIN "
    with sql_engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, params).all()
    return [" ".join(str(c) for c in r[-1:]) for r in rows]


# Indexes whose leading columns match the lists' WHERE (one department or assignee, one status) and whose
# remaining columns are the lists' ORDER BY (due_at IS NULL, due_at, created_at) term for term, so that the
# database reads the first page in index order and stops, instead of sorting every matching row. Not part of
# the schema: the benchmark adds them at the largest size to show their effect (see PERFORMANCE.md).
PROPOSED_INDEXES = {
    "ix_bench_human_task_queue_order": "human_task (department, status, (due_at IS NULL), due_at, created_at)",
    "ix_bench_human_task_assignee_order": "human_task (assignee, status, (due_at IS NULL), due_at, created_at)",
}


def add_proposed_indexes(engine: Engine) -> list[str]:
    """Create PROPOSED_INDEXES and ANALYZE; their CREATE statements."""
    created = [f"CREATE INDEX {name} ON {spec}" for name, spec in PROPOSED_INDEXES.items()]
    with engine.ctx.db.sql_engine.begin() as conn:
        for statement in created:
            conn.exec_driver_sql(statement)
        conn.exec_driver_sql("ANALYZE")
    return created


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
    with database(kind, workdir) as url:
        engine = make_engine(url, workdir, clock=FixedClock(NOW))
        engine.init_db()
        _check_columns()
        deploy(engine, BENCH_DIAGRAMS)
        with engine.ctx.db.read() as uow:
            definition_id = int(uow.session.scalar(select(ProcessDefinitionRow.id)) or 0)
        done = 0
        for size in sizes:
            seeded = seed(engine, done + 1, size, definition_id)
            done = size
            steps.append({"cases": size, **seeded, "rows": counts(engine),
                          "latency_ms": measure(engine, rounds, random.Random(size))})
        plans = statements(engine)
        proposed = {"indexes": add_proposed_indexes(engine),
                    "latency_ms": measure(engine, rounds, random.Random(sizes[-1])),
                    "sql_and_plans": statements(engine)}
        engine.dispose()
    first, last = steps[0]["latency_ms"], steps[-1]["latency_ms"]
    growth = {name: round(last[name]["p95"] / first[name]["p95"], 2) for name in first}
    return {"database": kind, "steps": steps, f"p95_ratio_{sizes[-1]}_over_{sizes[0]}": growth,
            "sql_and_plans_at_largest": plans, "at_largest_with_proposed_indexes": proposed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script works")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated case counts, ascending")
    parser.add_argument("--rounds", type=int, default=300, help="timed calls per query and size")
    args = parser.parse_args()
    sizes = [200, 2000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    rounds = 20 if args.smoke else args.rounds
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(kind, sizes, rounds, Path(tmp)) for kind in ("sqlite", "postgresql")]
    emit({"benchmark": "inbox", "smoke": args.smoke, "machine": machine(), "sizes": sizes, "runs": runs,
          "targets": {"p95_ms_at_1m": 20, "p95_ratio_1m_over_10k": 2}})


if __name__ == "__main__":
    main()
