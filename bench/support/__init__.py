"""Helpers the benchmarks share beyond bench/common.py: engines, actors, payloads, percentiles.

A package (not bench/*.py) so that CI's `for b in bench/*.py` loop does not run it as a benchmark.
"""

from __future__ import annotations

import argparse
import math
import re
import statistics
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.common import REPO_ROOT
from engine.bootstrap import Engine, build
from engine.config import Settings
from engine.domain.clock import CHINA_TZ, Clock, FixedClock
from engine.domain.departments import DepartmentDirectory
from engine.domain.model import Actor, Role
from engine.persistence.tables import CaseFactRow, CaseRow, HumanTaskRow, TimerRow
from engine.services.deploy import read_diagram_dir

PROCESSES = REPO_ROOT / "processes"
BENCH_DIAGRAMS = REPO_ROOT / "bench" / "diagrams"
OPENED_AT = datetime(2024, 9, 27, 10, 0, tzinfo=CHINA_TZ)
ADMIN = Actor("bench-admin", frozenset(), frozenset({Role.ADMIN}))
CLERK = Actor("bench-clerk", frozenset({"branch_front"}), frozenset({Role.STAFF}))

# A valid branch complaint (copied from tests/support/complaints.py: benchmarks do not import tests).
COMPLAINT: dict[str, Any] = {
    "channel": "counter", "organisation": "branch", "complainant_name": "张三", "contact_phone": "13812345678",
    "id_type": "resident_id", "id_number": "310101199001011234", "category": "deposits",
    "cause": "service_attitude", "grade": "general", "amount": "120.00",
    "facts": "柜员态度恶劣，办理存款时拒绝解释手续费。", "demand": "要求道歉并解释收费依据。",
    "received_at": OPENED_AT.isoformat(), "read_back": True,
}

# One path through processes/branch_complaint.bpmn (payloads copied from tests/support/complaints.py).
BRANCH_PATH: list[tuple[str, dict[str, Any]]] = [
    ("Task_OnSpot", {"resolved_on_spot": False, "on_spot_result": "需进一步调查"}),
    ("Task_Investigate", {"evidence": "调取录音，柜员解释到位", "responsibility": "not_at_fault",
                          "within_authority": True, "resolution": "向客户解释收费依据", "compensation_amount": 0}),
    ("Task_Notify", {"notify_method": "phone", "customer_accepted": True, "rectification_needed": False}),
    ("Task_Revisit", {"satisfaction": "satisfied", "revisit_note": "客户满意"}),
    ("Task_Archive", {"archive_confirmed": True, "archive_note": "材料齐全"}),
]


def department_codes() -> list[str]:
    """Every department code of processes/departments.toml."""
    return sorted(DepartmentDirectory.from_toml(PROCESSES / "departments.toml").codes())


def everywhere_worker(name: str = "bench-worker") -> Actor:
    """A staff member of every department, so one actor can work any task."""
    return Actor(name, frozenset(department_codes()), frozenset({Role.STAFF}))


def make_engine(url: str, workdir: Path, clock: Clock | None = None, worker: str = "bench") -> Engine:
    """An engine on `url` with the repository's processes/ configuration (clock fixed at OPENED_AT)."""
    settings = Settings(instance_dir=workdir, database_url=url, processes_dir=PROCESSES, secret_key="bench")
    return build(settings, clock=clock or FixedClock(OPENED_AT), worker_name=worker)


def deploy(engine: Engine, *directories: Path) -> None:
    """Deploy each directory's diagrams (one bundle per directory)."""
    for directory in directories:
        engine.ctx.facts.add_directory(directory)  # a bench diagram's report facts live beside it
        engine.deploy.deploy(read_diagram_dir(directory), ADMIN)


@dataclass(frozen=True)
class ScaleArgs:
    """What a benchmark over growing bank sizes is asked to run."""

    smoke: bool
    sizes: list[int]
    rounds: int
    databases: list[str]
    keep: Path | None = None
    options: dict[str, str | None] = field(default_factory=dict)  # a benchmark's own options (None: not given)


def scale_args(description: str, rounds: int, rounds_help: str, keep: bool = False,
               options: dict[str, str] | None = None) -> ScaleArgs:
    """The command line shared by the benchmarks that seed banks of growing size (inbox, search); `options`:
    a benchmark's own string options (name: help), given as --name VALUE."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, to check the script works")
    parser.add_argument("--sizes", default="10000,1000000", help="comma-separated case counts, ascending")
    parser.add_argument("--rounds", type=int, default=rounds, help=rounds_help)
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    if keep:
        parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                            help="keep the seeded databases (SQLite file and instance keys in DIR, PostgreSQL "
                                 "database of a fixed name) and reuse them on the next run")
    for name, text_ in (options or {}).items():
        parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None, help=text_)
    args = parser.parse_args()
    sizes = [300, 3000] if args.smoke else [int(s) for s in args.sizes.split(",")]
    return ScaleArgs(args.smoke, sizes, 10 if args.smoke else args.rounds, args.databases.split(","),
                     getattr(args, "keep", None), {name: getattr(args, name) for name in options or {}})


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of `values` (pct in 0..100)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))
    return ordered[rank]


def latency_ms(seconds: list[float]) -> dict[str, float]:
    """Median, p95 and max of durations given in seconds, in milliseconds."""
    if not seconds:
        return {"n": 0}
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "median": round(statistics.median(ms), 2), "p95": round(percentile(ms, 95), 2),
            "max": round(max(ms), 2)}


UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CLONED_TABLES = (HumanTaskRow, TimerRow, CaseFactRow)


def _rows(session: Any, table: Any, **where: Any) -> list[dict[str, Any]]:
    query = select(*table.__table__.columns).filter_by(**where)
    return [dict(r._mapping) for r in session.execute(query)]


def _clone(case: dict[str, Any], children: dict[Any, list[dict[str, Any]]], new_id: int
           ) -> tuple[dict[str, Any], dict[Any, list[dict[str, Any]]]]:
    """A copy of a case and its projection rows with a new id and fresh task ids (in state and rows alike)."""
    fresh: dict[str, str] = {}

    def renamed(match: re.Match[str]) -> str:
        return fresh.setdefault(match.group(0), str(uuid.uuid4()))

    number = f"BENCH-{new_id:08d}"
    new_case = {**case, "id": new_id, "number": number, "state": UUID_RE.sub(renamed, case["state"])}
    copies: dict[Any, list[dict[str, Any]]] = {}
    for table, rows in children.items():
        out = []
        for row in rows:
            row = {**row, "case_id": new_id}
            if table is HumanTaskRow:
                row |= {"id": fresh.get(row["id"], str(uuid.uuid4())), "case_number": number}
            elif table is TimerRow:
                row.pop("id")
                row |= {"task_id": fresh.get(row["task_id"], row["task_id"]),
                        "attached_task_id": fresh.get(row["attached_task_id"] or "", row["attached_task_id"])}
            out.append(row)
        copies[table] = out
    return new_case, copies


def clone_case(engine: Engine, case_id: int, copies: int) -> list[int]:
    """Bulk-insert `copies` copies of a case (state, tasks, timers, facts); their ids."""
    with engine.ctx.db.write() as uow:
        s = uow.session
        [case] = _rows(s, CaseRow, id=case_id)
        case["state"] = uow.sealer.open(case["state"])  # fresh task ids go into the clear state...
        children = {table: _rows(s, table, case_id=case_id) for table in CLONED_TABLES}
        first = int(s.scalar(select(func.max(CaseRow.id))) or 0) + 1
        ids = list(range(first, first + copies))
        for start in range(0, copies, 1000):
            batch = [_clone(case, children, new_id) for new_id in ids[start:start + 1000]]
            for clone, _ in batch:
                clone["state"] = uow.sealer.seal(clone["state"])  # ...which is stored encrypted, as always
            s.execute(insert(CaseRow), [c for c, _ in batch])
            for table in CLONED_TABLES:
                rows = [r for _, kids in batch for r in kids[table]]
                if rows:
                    s.execute(insert(table), rows)
        if engine.ctx.db.dialect == "postgresql":  # explicit ids do not move the sequence
            s.execute(text("SELECT setval(pg_get_serial_sequence('complaint_case', 'id'), "
                           "(SELECT max(id) FROM complaint_case))"))
        uow.commit()
    return ids
