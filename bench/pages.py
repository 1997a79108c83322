"""Server time of the web pages people open all day: the department queue, "my inbox", a case page and
the supervisor desk, with the demo data plus 10,000 extra cases, on SQLite and PostgreSQL.

    .venv/bin/python bench/pages.py            # demo data + 10,000 cases
    .venv/bin/python bench/pages.py --smoke    # demo data + 50 cases (CI)

Server time is measured around the WSGI call (Flask's test client: routing, services, queries,
templates; no network, no browser), with the process's CPU time and the SQL statements each request sends.
The lists ask for pages of 100 rows (`?size=100`, the largest page size). The extra cases are copies of
real cases bulk-inserted with fresh task ids: a third waiting at the front desk, a third claimed by the
complaint manager, a third closed, so queue, inbox and desk all have thousands of rows to choose from.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from bench.common import database, emit, machine  # noqa: E402
from bench.support import (  # noqa: E402
    ADMIN,
    BRANCH_PATH,
    CLERK,
    COMPLAINT,
    PROCESSES,
    clone_case,
    deploy,
    latency_ms,
    make_engine,
)
from engine.bootstrap import Engine  # noqa: E402
from engine.domain.clock import CHINA_TZ  # noqa: E402
from engine.domain.model import Actor, HumanTask, Role  # noqa: E402
from engine.services.demo import DEMO_PASSWORD, seed_demo  # noqa: E402
from webui import create_app  # noqa: E402

MANAGER = Actor("manager", frozenset({"branch_manager"}), frozenset({Role.STAFF}))
REPEATS = 30
LOOKED_AT = datetime(2024, 10, 9, 10, 0, tzinfo=CHINA_TZ)


def _case_waiting_at(engine: Engine, steps: int, claim_next: bool = False) -> int:
    """A branch case driven `steps` tasks along its path (all the way: closed)."""
    case = engine.cases.open_case("branch_complaint", dict(COMPLAINT), CLERK)
    for bpmn_id, data in BRANCH_PATH[:steps]:
        [task] = [t for t in _open_tasks(engine, case.id) if t.bpmn_id == bpmn_id]
        worker = Actor("bench-worker", frozenset({task.department}), frozenset({Role.STAFF}))
        engine.tasks.claim(task.id, worker)
        engine.tasks.complete(task.id, data, worker)
    if claim_next:
        [task] = _open_tasks(engine, case.id)
        engine.tasks.claim(task.id, MANAGER)
    return case.id


def _open_tasks(engine: Engine, case_id: int) -> list[HumanTask]:
    with engine.ctx.db.read() as uow:
        return [t for t in uow.read.case_tasks(case_id) if t.status.value in ("ready", "claimed")]


def seed(engine: Engine, extra: int) -> str:
    """Demo data plus `extra` cases; returns the number of a case to open."""
    deploy(engine, PROCESSES)
    seed_demo(engine, ADMIN)
    templates = [_case_waiting_at(engine, 0), _case_waiting_at(engine, 1, claim_next=True),
                 _case_waiting_at(engine, len(BRANCH_PATH))]
    for n, template in enumerate(templates):
        clone_case(engine, template, extra // 3 + (1 if n < extra % 3 else 0))
    return engine.cases.summary(templates[1]).number


def _signed_in(app: Any, username: str) -> Any:
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"sign-in of {username} failed: {response.status_code}"
    return client


def _time(engine: Engine, client: Any, path: str) -> dict[str, float]:
    first = client.get(path)
    assert first.status_code == 200, f"{path}: {first.status_code}"
    seconds, cpu = [], []
    with statements(engine) as sent:
        client.get(path)
    for _ in range(REPEATS):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200
    return latency_ms(seconds) | {"cpu_ms_median": round(statistics.median(cpu) * 1000, 2),
                                  "statements": len(sent), "bytes": len(first.data)}


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements sent inside the block (BEGIN included where the driver sends it)."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    sql = engine.ctx.db.sql_engine
    event.listen(sql, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(sql, "before_cursor_execute", record)


def run(kind: str, extra: int, workdir: Path) -> dict[str, Any]:
    with database(kind, workdir) as url:
        engine = make_engine(url, workdir)
        engine.init_db()
        started = time.perf_counter()
        number = seed(engine, extra)
        seeded = time.perf_counter() - started
        engine.ctx.clock.set(LOOKED_AT)  # type: ignore[attr-defined]  # the open work is overdue by now
        app = create_app(engine=engine)
        app.config.update(WTF_CSRF_ENABLED=False)
        teller, manager = _signed_in(app, "teller"), _signed_in(app, "manager")
        supervisor = _signed_in(app, "supervisor")
        pages = {
            "queue /queue/branch_front?size=100": _time(engine, teller, "/queue/branch_front?size=100"),
            "inbox /inbox?size=100": _time(engine, manager, "/inbox?size=100"),
            "case /cases/<number>": _time(engine, manager, f"/cases/{number}"),
            "supervisor desk /supervisor/?size=100": _time(engine, supervisor, "/supervisor/?size=100"),
        }
        engine.dispose()
    return {"database": kind, "extra_cases": extra, "seed_seconds": round(seeded, 1), "pages_ms": pages}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script works")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    extra = 50 if args.smoke else args.cases
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(kind, extra, Path(tmp)) for kind in args.databases.split(",")]
    emit({"benchmark": "web_pages", "smoke": args.smoke, "machine": machine(), "repeats": REPEATS,
          "measured": "server time per request (WSGI call), ms; CPU ms of this process; statements per request",
          "runs": runs})


if __name__ == "__main__":
    main()
