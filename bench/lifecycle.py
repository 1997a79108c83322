"""Case lifecycle throughput: ours through the services on SQLite and PostgreSQL vs raw SpiffWorkflow in memory.

    .venv/bin/python bench/lifecycle.py            # 300 linear cases and 100 branch cases per database
    .venv/bin/python bench/lifecycle.py --smoke    # a handful, to keep the script working (CI)

Linear: bench/diagrams/linear5.bpmn (start, five user tasks in four departments, end; a form on each task).
Each case is opened with engine.cases.open_case and driven to closure with engine.tasks.claim/complete,
one case after another in one thread, as one person clicking through would. Statements per case are counted
twice: all of them (with the benchmark's own reads of the ready task before each step and of the summary at the
end) and those of the service calls alone (open, claim, complete). "ms per task completion" is
the time of engine.tasks.complete (validate the form, lock the case, restore the workflow, run it, save
the state and every projection and the audit event, commit, read the task back).

Raw: the same diagram with SpiffWorkflow 3.2's stock CamundaParser and BpmnWorkflow, in memory, with no
persistence; then the same with the state serialized after every step, once with SpiffWorkflow's own
BpmnWorkflowSerializer (spec included, as stock Spiff stores it) and once with our spec-less codec
(engine.bpmn.serialization.StateCodec). All variants run in this one process, one after the other.

Floor: bench/floor.py's minimal durable claim and completion (the project's runtime, codec and schema in
SQLAlchemy Core), interleaved with ours round by round in one run on the same database, so that both see the
same machine; `ours_over_floor` is the floor's median time over ours (1.0 = as lean as the floor; the target
is 0.8), for claim and completion, without and with the audit hash chain in the floor.

Branch: processes/branch_complaint.bpmn on its five-task path (not on the spot, investigated, no fault,
notified, revisited, archived): the triage decision table, the timers and the due dates all run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.camunda.parser import CamundaParser  # noqa: E402
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.common import database, emit, machine  # noqa: E402
from bench.floor import Floor, FloorTimings  # noqa: E402
from bench.floor import drive as drive_floor  # noqa: E402
from bench.support import (  # noqa: E402
    BENCH_DIAGRAMS,
    BRANCH_PATH,
    CLERK,
    COMPLAINT,
    PROCESSES,
    deploy,
    everywhere_worker,
    latency_ms,
    make_engine,
)
from engine.bootstrap import Engine  # noqa: E402
from engine.bpmn.serialization import StateCodec  # noqa: E402

LINEAR = BENCH_DIAGRAMS / "linear5.bpmn"
LINEAR_KEY = "bench_linear5"
LINEAR_FORMS = [{f"step{n}_done": True, f"step{n}_note": "基准测试"} for n in range(1, 6)]
START_DATA = {**COMPLAINT, "case_number": "TS-BENCH", "received_by": "bench-clerk",
              "internal_due": "2024-10-08T10:00:00+08:00", "regulatory_due": "2024-10-12T10:00:00+08:00"}
WORKER = everywhere_worker()


# -- ours ----------------------------------------------------------------------
def _ready_task(engine: Engine, case_id: int) -> tuple[str, str]:
    with engine.ctx.db.read() as uow:
        ready = [t for t in uow.read.case_tasks(case_id) if t.status.value == "ready"]
    if len(ready) != 1:
        raise SystemExit(f"case {case_id}: expected one ready task, got {[t.bpmn_id for t in ready]}")
    return ready[0].id, ready[0].bpmn_id


def _drive(engine: Engine, process_key: str, path: list[tuple[str | None, dict[str, Any]]],
           timings: dict[str, list[float]], sent: list[int] | None = None) -> None:
    """Open one case and work it to closure; append each service call's duration to `timings` (and, with
    `sent`, the statements counted into sent[0] during the service calls into sent[1])."""
    sent = sent if sent is not None else [0, 0]

    def timed(name: str, call: Callable[[], Any]) -> Any:
        before, started, cpu = sent[0], time.perf_counter(), time.process_time()
        result = call()
        timings[name].append(time.perf_counter() - started)
        timings[f"{name}_cpu"].append(time.process_time() - cpu)
        sent[1] += sent[0] - before
        return result

    case = timed("open_case", lambda: engine.cases.open_case(process_key, COMPLAINT, CLERK))
    for expected, form in path:
        task_id, bpmn_id = _ready_task(engine, case.id)
        if expected is not None and bpmn_id != expected:
            raise SystemExit(f"case {case.id}: waiting in {bpmn_id}, expected {expected}")
        timed("claim", lambda: engine.tasks.claim(task_id, WORKER))  # noqa: B023 - called at once
        timed("complete", lambda: engine.tasks.complete(task_id, form, WORKER))  # noqa: B023 - called at once
    if engine.cases.summary(case.id).status.value != "closed":
        raise SystemExit(f"case {case.id} did not close")


def ours(engine: Engine, process_key: str, path: list[tuple[str | None, dict[str, Any]]],
         cases: int, warmup: int) -> dict[str, Any]:
    """Cases per second and service-call latencies of `cases` lifecycles, after `warmup` untimed ones."""
    for _ in range(warmup):
        _drive(engine, process_key, path, defaultdict(list))
    timings: dict[str, list[float]] = defaultdict(list)
    statements = [0, 0]  # all statements; those of the service calls (open, claim, complete)

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(engine.ctx.db.sql_engine, "before_cursor_execute", count)
    started = time.perf_counter()
    try:
        for _ in range(cases):
            _drive(engine, process_key, path, timings, statements)
    finally:
        seconds = time.perf_counter() - started
        event.remove(engine.ctx.db.sql_engine, "before_cursor_execute", count)
    return {"cases": cases, "seconds": round(seconds, 3), "cases_per_second": round(cases / seconds, 1),
            "task_completion_ms": latency_ms(timings["complete"]), "claim_ms": latency_ms(timings["claim"]),
            "open_case_ms": latency_ms(timings["open_case"]),
            "sql_statements_per_case": round(statements[0] / cases, 1),
            "sql_statements_per_case_in_service_calls": round(statements[1] / cases, 1)}


LINEAR_PATH: list[tuple[str | None, dict[str, Any]]] = [(f"Task_{n + 1}", f) for n, f in enumerate(LINEAR_FORMS)]


def against_floor(engine: Engine, rounds: int, cases_per_round: int) -> dict[str, Any]:
    """Ours, the floor and the floor with the hash chain, a few linear cases each in turn, `rounds` times."""
    mine: dict[str, list[float]] = defaultdict(list)
    plain, chained = FloorTimings([], []), FloorTimings([], [])
    floors = ((Floor(engine), plain), (Floor(engine, chain=True), chained))
    for floor, _ in floors:  # warm-up
        drive_floor(engine, floor, FloorTimings([], []))
    for _ in range(rounds):
        for _ in range(cases_per_round):
            _drive(engine, LINEAR_KEY, LINEAR_PATH, mine)
        for floor, timings in floors:
            for _ in range(cases_per_round):
                drive_floor(engine, floor, timings)
    ours_ms = {"claim": latency_ms(mine["claim"]), "complete": latency_ms(mine["complete"])}
    floor_ms = {"claim": latency_ms(plain.claim), "complete": latency_ms(plain.complete)}
    chain_ms = {"claim": latency_ms(chained.claim), "complete": latency_ms(chained.complete)}

    ours_cpu = {"claim": latency_ms(mine["claim_cpu"]), "complete": latency_ms(mine["complete_cpu"])}
    floor_cpu = {"claim": latency_ms(plain.claim_cpu), "complete": latency_ms(plain.complete_cpu)}

    def ratio(floor: dict[str, dict[str, float]], op: str, ours: dict[str, dict[str, float]] = ours_ms) -> float:
        return round(floor[op]["median"] / ours[op]["median"], 3)

    return {"rounds": rounds, "cases_per_round": cases_per_round, "ours_ms": ours_ms, "floor_ms": floor_ms,
            "floor_with_chain_ms": chain_ms, "ours_cpu_ms": ours_cpu, "floor_cpu_ms": floor_cpu,
            "ours_over_floor": {"claim": ratio(floor_ms, "claim"), "complete": ratio(floor_ms, "complete")},
            "ours_over_floor_with_chain": {"claim": ratio(chain_ms, "claim"),
                                           "complete": ratio(chain_ms, "complete")},
            # the same ratio of this process's CPU time (the client's work; less swayed by the machine's load)
            "ours_over_floor_cpu": {"claim": ratio(floor_cpu, "claim", ours_cpu),
                                    "complete": ratio(floor_cpu, "complete", ours_cpu)}}


def run_database(kind: str, workdir: Path, linear_cases: int, branch_cases: int, warmup: int,
                 rounds: int) -> dict[str, Any]:
    """The linear and the branch lifecycle on one fresh database, and ours against the floor."""
    with database(kind, workdir) as url:
        engine = make_engine(url, workdir)
        engine.init_db()
        deploy(engine, PROCESSES, BENCH_DIAGRAMS)
        branch_path: list[tuple[str | None, dict[str, Any]]] = list(BRANCH_PATH)
        result = {"database": kind,
                  "linear5": ours(engine, LINEAR_KEY, LINEAR_PATH, linear_cases, warmup),
                  "branch": ours(engine, "branch_complaint", branch_path, branch_cases, warmup),
                  "against_floor": against_floor(engine, rounds, 4)}
        engine.dispose()
    return result


# -- raw SpiffWorkflow -----------------------------------------------------------
def _raw_spec() -> tuple[Any, dict[str, Any]]:
    parser = CamundaParser()
    parser.add_bpmn_file(str(LINEAR))
    return parser.get_spec(LINEAR_KEY), parser.get_subprocess_specs(LINEAR_KEY)


def _raw_case(spec: Any, subprocesses: dict[str, Any], save: Callable[[BpmnWorkflow], object] | None) -> None:
    workflow = BpmnWorkflow(spec, subprocesses)
    start = workflow.get_next_task(state=TaskState.READY)
    start.data.update(START_DATA)
    workflow.do_engine_steps()
    if save:
        save(workflow)
    for form in LINEAR_FORMS:
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        task.data.update(form)
        task.run()
        workflow.do_engine_steps()
        if save:
            save(workflow)
    if not workflow.is_completed():
        raise SystemExit("raw workflow did not complete")


def raw(cases: int, save: Callable[[BpmnWorkflow], object] | None) -> dict[str, Any]:
    """Raw SpiffWorkflow cases per second on the linear diagram, optionally saving after every step."""
    spec, subprocesses = _raw_spec()
    for _ in range(3):
        _raw_case(spec, subprocesses, save)
    started = time.perf_counter()
    for _ in range(cases):
        _raw_case(spec, subprocesses, save)
    seconds = time.perf_counter() - started
    return {"cases": cases, "seconds": round(seconds, 3), "cases_per_second": round(cases / seconds, 1)}


def raw_variants(cases: int) -> dict[str, Any]:
    """Raw in memory; + SpiffWorkflow's serializer after every step; + our spec-less codec after every step."""
    spiff = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))
    codec = StateCodec()
    sizes: dict[str, int] = {}

    def spiff_save(workflow: BpmnWorkflow) -> None:
        sizes["spiff_serializer"] = len(spiff.serialize_json(workflow))

    def codec_save(workflow: BpmnWorkflow) -> None:
        sizes["our_codec"] = len(codec.dumps(workflow))

    return {"in_memory": raw(cases, None), "spiff_serializer_each_step": raw(cases, spiff_save),
            "our_codec_each_step": raw(cases, codec_save), "state_bytes_at_closure": sizes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script works")
    parser.add_argument("--cases", type=int, default=300, help="linear cases per database")
    parser.add_argument("--branch-cases", type=int, default=100)
    parser.add_argument("--raw-cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=25, help="rounds of ours vs the floor (4 cases each)")
    parser.add_argument("--json", action="store_true", help="print the result as one line of JSON")
    args = parser.parse_args()
    linear, branch, raw_n, warmup, rounds = (3, 2, 20, 1, 1) if args.smoke else (
        args.cases, args.branch_cases, args.raw_cases, 5, args.rounds)
    with tempfile.TemporaryDirectory() as tmp:
        raw_result = raw_variants(raw_n)
        runs = [run_database(kind, Path(tmp), linear, branch, warmup, rounds) for kind in ("sqlite", "postgresql")]
    with_spiff = raw_result["spiff_serializer_each_step"]["cases_per_second"]
    with_codec = raw_result["our_codec_each_step"]["cases_per_second"]
    ratios = {r["database"]: {
        "ours_over_raw_in_memory": round(r["linear5"]["cases_per_second"] / raw_result["in_memory"]["cases_per_second"],
                                         3),
        "ours_over_raw_with_spiff_serializer": round(r["linear5"]["cases_per_second"] / with_spiff, 3),
        "ours_over_raw_with_our_codec": round(r["linear5"]["cases_per_second"] / with_codec, 3),
    } for r in runs}
    emit({"benchmark": "lifecycle", "smoke": args.smoke, "machine": machine(), "raw_spiffworkflow": raw_result,
          "runs": runs, "ratios": ratios,
          "targets": {"sqlite_linear5_cases_per_second": 250, "sqlite_ours_over_raw_with_serialization": 0.5,
                      "sqlite_task_completion_p95_ms": 5, "sqlite_branch_cases_per_second": 100,
                      "postgresql_branch_cases_per_second": 60, "ours_over_floor": 0.8}},
         compact=args.json)


if __name__ == "__main__":
    main()
