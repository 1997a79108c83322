"""The floor: the least durable work a claim and a task completion can do, as the reference ours is measured against.

    .venv/bin/python bench/floor.py            # 200 linear cases per database, the floor alone
    .venv/bin/python bench/floor.py --smoke    # a handful, to keep the script working (CI)

`bench/lifecycle.py --json` runs ours and this floor interleaved in one run and prints `ours_over_floor`.

The floor uses the project's own runtime (engine.bpmn.runtime.WorkflowRuntime), codec (StateCodec), sealing
(the state is personal data, encrypted at rest) and schema, with SQLAlchemy Core and one transaction each:

- claim: one guarded `UPDATE human_task … WHERE id AND status = 'ready' AND assignee IS NULL`, one audit INSERT;
- completion: read the case row `FOR UPDATE`, restore, complete and serialize, `UPDATE` the case (version
  checked), `UPDATE` the completed task row, `INSERT` the next task row, `INSERT` the audit row.

`--chain` adds what ours must do besides: the audit event takes its place in the hash chain (the head row
locked, seq and hash in the one INSERT). No form validation, projections, timers, facts or notices: those
are ours' extra work, and the ratio says what they cost. The cases are opened by the engine, so the floor
completes exactly the tasks ours would.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Connection, insert, select, update  # noqa: E402

from bench.common import database, emit, machine  # noqa: E402
from bench.support import BENCH_DIAGRAMS, CLERK, COMPLAINT, PROCESSES, deploy, latency_ms, make_engine  # noqa: E402
from engine.bootstrap import Engine  # noqa: E402
from engine.bpmn.definitions import LoadedDefinition  # noqa: E402
from engine.domain.records import StoredDefinition  # noqa: E402
from engine.persistence.audit_chain import GENESIS, HEAD_ID, event_hash  # noqa: E402
from engine.persistence.tables import AuditChainRow, AuditEventRow, CaseRow, HumanTaskRow, ProcessDefinitionRow  # noqa: E402

LINEAR_KEY = "bench_linear5"
LINEAR_FORMS = [{f"step{n}_done": True, f"step{n}_note": "基准测试"} for n in range(1, 6)]
WORKER_NAME = "bench-floor"
CASE = CaseRow.__table__
TASK = HumanTaskRow.__table__
AUDIT = AuditEventRow.__table__
CHAIN = AuditChainRow.__table__


@dataclass
class FloorTimings:
    claim: list[float]
    complete: list[float]
    # CPU seconds of this process per call (the client's own work; the load of other processes counts less)
    claim_cpu: list[float] = field(default_factory=list)
    complete_cpu: list[float] = field(default_factory=list)


class Floor:
    """Claims and completes the tasks of cases the engine opened, with the least durable work."""

    def __init__(self, engine: Engine, chain: bool = False):
        self.ctx = engine.ctx
        self.sql = engine.ctx.db.sql_engine
        self.sealer = engine.ctx.db.sealer
        self.chain = chain
        self._definitions: dict[int, LoadedDefinition] = {}

    def definition(self, conn: Connection, definition_id: int) -> LoadedDefinition:
        """The runnable definition of a version, read and parsed once (versions never change)."""
        hit = self._definitions.get(definition_id)
        if hit is None:
            row = conn.execute(select(ProcessDefinitionRow).where(ProcessDefinitionRow.id == definition_id)).one()
            stored = StoredDefinition(row.id, row.process_key, row.name, row.version, row.content_hash, row.files,
                                      row.deployed_at, row.deployed_by)
            hit = self._definitions[definition_id] = self.ctx.definitions.get(stored)
        return hit

    def claim(self, task_id: str, user: str) -> None:
        with self.sql.begin() as conn:
            claimed = conn.execute(update(TASK).where(TASK.c.id == task_id, TASK.c.status == "ready",
                                                      TASK.c.assignee.is_(None))
                                   .values(status="claimed", assignee=user))
            if claimed.rowcount != 1:
                raise SystemExit(f"floor: task {task_id} was not ready")
            case_id = conn.execute(select(TASK.c.case_id).where(TASK.c.id == task_id)).scalar_one()
            self._audit(conn, user, "claim", case_id, task_id, {})

    def complete(self, case_id: int, task_id: str, values: dict[str, Any], user: str) -> str | None:
        """Complete one task; returns the id of the next ready task (None when the case closed)."""
        now = self.ctx.now()
        with self.sql.begin() as conn:
            case = conn.execute(select(CASE.c.version, CASE.c.state, CASE.c.definition_id, CASE.c.number,
                                       CASE.c.process_key, CASE.c.unit)
                                .where(CASE.c.id == case_id).with_for_update()).one()
            defn = self.definition(conn, case.definition_id)
            workflow = self.ctx.runtime.restore(defn, self.sealer.open(case.state))
            self.ctx.runtime.complete(defn, workflow, task_id, values)
            snap = self.ctx.runtime.snapshot(defn, workflow)
            saved = conn.execute(update(CASE).where(CASE.c.id == case_id, CASE.c.version == case.version).values(
                state=self.sealer.seal(self.ctx.runtime.dumps(workflow)), version=case.version + 1,
                status="closed" if snap.finished else "open", updated_at=now))
            if saved.rowcount != 1:
                raise SystemExit(f"floor: case {case_id} changed under us")
            conn.execute(update(TASK).where(TASK.c.id == task_id)
                         .values(status="completed", completed_at=now, completed_by=user))
            nxt = snap.ready[0] if snap.ready else None
            if nxt is not None:
                spec = defn.user_tasks[nxt.bpmn_id]
                conn.execute(insert(TASK).values(
                    id=nxt.id, case_id=case_id, case_number=case.number, process_key=case.process_key,
                    bpmn_id=nxt.bpmn_id, title=spec.name, unit=case.unit, department=spec.department,
                    lane=spec.lane, status="ready", created_at=now, due_at=nxt.due_at, chase_count=0))
            self._audit(conn, user, "complete", case_id, task_id, {"task": task_id, "data": values})
        return nxt.id if nxt else None

    def _audit(self, conn: Connection, actor: str, action: str, case_id: int, task_id: str,
               data: dict[str, Any]) -> None:
        at = self.ctx.now()
        row: dict[str, Any] = {"at": at, "actor": actor, "action": action, "case_id": case_id, "task_id": task_id,
                               "data": data}
        if self.chain:
            head = conn.execute(select(CHAIN.c.last_seq, CHAIN.c.last_hash).where(CHAIN.c.id == HEAD_ID)
                                .with_for_update()).first()
            seq, prev = (head.last_seq + 1, head.last_hash) if head else (1, GENESIS)
            digest = event_hash(seq, prev, at, actor, action, case_id, task_id, data)
            row |= {"seq": seq, "prev_hash": prev, "hash": digest}
            if head is None:
                conn.execute(insert(CHAIN).values(id=HEAD_ID, last_seq=seq, last_hash=digest))
            else:
                conn.execute(update(CHAIN).where(CHAIN.c.id == HEAD_ID).values(last_seq=seq, last_hash=digest))
        conn.execute(insert(AUDIT).values(**row))


def first_task(engine: Engine, case_id: int) -> str:
    """The ready task of a case the engine just opened."""
    with engine.ctx.db.sql_engine.connect() as conn:
        return str(conn.execute(select(TASK.c.id).where(TASK.c.case_id == case_id, TASK.c.status == "ready"))
                   .scalar_one())


def drive(engine: Engine, floor: Floor, timings: FloorTimings) -> None:
    """Open one linear case with the engine, then claim and complete its five tasks with the floor."""
    case_id = engine.cases.open_case(LINEAR_KEY, COMPLAINT, CLERK).id
    task_id: str | None = first_task(engine, case_id)
    for form in LINEAR_FORMS:
        assert task_id is not None
        started, cpu = time.perf_counter(), time.process_time()
        floor.claim(task_id, WORKER_NAME)
        timings.claim.append(time.perf_counter() - started)
        timings.claim_cpu.append(time.process_time() - cpu)
        started, cpu = time.perf_counter(), time.process_time()
        task_id = floor.complete(case_id, task_id, form, WORKER_NAME)
        timings.complete.append(time.perf_counter() - started)
        timings.complete_cpu.append(time.process_time() - cpu)
    if task_id is not None:
        raise SystemExit(f"floor: case {case_id} did not close")


def measure(engine: Engine, floor: Floor, cases: int) -> dict[str, Any]:
    """Latencies of the floor's claims and completions over `cases` linear cases."""
    timings = FloorTimings([], [])
    for _ in range(cases):
        drive(engine, floor, timings)
    return {"cases": cases, "claim_ms": latency_ms(timings.claim), "task_completion_ms": latency_ms(timings.complete)}


def prepared_engine(url: str, workdir: Path) -> Engine:
    """An engine on a fresh database with the processes and the bench diagrams deployed."""
    engine = make_engine(url, workdir)
    engine.init_db()
    deploy(engine, PROCESSES, BENCH_DIAGRAMS)
    return engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script works")
    parser.add_argument("--cases", type=int, default=200, help="linear cases per database and variant")
    args = parser.parse_args()
    cases = 2 if args.smoke else args.cases
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("sqlite", "postgresql"):
            with database(kind, Path(tmp)) as url:
                engine = prepared_engine(url, Path(tmp))
                drive(engine, Floor(engine), FloorTimings([], []))  # warm-up: parse, caches, connections
                runs.append({"database": kind, "floor": measure(engine, Floor(engine), cases),
                             "floor_with_chain": measure(engine, Floor(engine, chain=True), cases)})
                engine.dispose()
    emit({"benchmark": "floor", "smoke": args.smoke, "machine": machine(), "runs": runs})


if __name__ == "__main__":
    main()
