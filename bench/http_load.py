"""HTTP under load: the web app under gunicorn (2 workers) on loopback, simulated staff working their queues.

    .venv/bin/pip install -e ".[bench]"              # gunicorn and locust
    .venv/bin/python bench/http_load.py              # 50 users for 60 s, SQLite then PostgreSQL
    .venv/bin/python bench/http_load.py --smoke      # 5 users for 5 s, SQLite only (CI)

The database gets the demo users, bench/diagrams/linear5.bpmn deployed, and cases of the
linear process waiting at each of its five tasks (one case per step driven through the services, then
bulk-inserted copies with fresh task ids). gunicorn serves `webui:create_app()` with two sync workers
(no timer worker); locust (headless, bench/support/locustfile.py) runs the users: sign in once, then
repeatedly open the department queue, claim a task, open its form, complete it, and now and then open
the inbox, with 0.5-1.5 s of think time. Requests per second, p50/p95 per endpoint and every error
(status >= 400, or a form post that does not redirect) come from locust's statistics.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO_ROOT, database, emit, machine  # noqa: E402
from bench.support import (  # noqa: E402
    ADMIN,
    BENCH_DIAGRAMS,
    COMPLAINT,
    PROCESSES,
    clone_case,
    deploy,
    everywhere_worker,
    make_engine,
)
from engine.bootstrap import Engine  # noqa: E402
from engine.domain.clock import SystemClock  # noqa: E402
from engine.services.demo import seed_demo  # noqa: E402

BIN = Path(sys.executable).parent
LOCUSTFILE = REPO_ROOT / "bench" / "support" / "locustfile.py"
LINEAR_FORMS = [{f"step{n}_done": True, f"step{n}_note": "基准测试"} for n in range(1, 6)]
WORKER = everywhere_worker()


def _ready_task_id(engine: Engine, case_id: int) -> str:
    with engine.ctx.db.read() as uow:
        [task] = [t for t in uow.read.case_tasks(case_id) if t.status.value == "ready"]
    return task.id


def seed(engine: Engine, per_step: int) -> int:
    """Demo users, the diagrams, and `per_step` cases waiting at each of the five linear tasks."""
    engine.init_db()
    deploy(engine, BENCH_DIAGRAMS)
    seed_demo(engine, ADMIN)
    opened = 0
    for step in range(5):
        # received now: due dates near today, as in a bank's live queues (not years overdue)
        received = {**COMPLAINT, "received_at": engine.ctx.now().isoformat()}
        case = engine.cases.open_case("bench_linear5", received, WORKER)
        for form in LINEAR_FORMS[:step]:
            task_id = _ready_task_id(engine, case.id)
            engine.tasks.claim(task_id, WORKER)
            engine.tasks.complete(task_id, form, WORKER)
        opened += 1 + len(clone_case(engine, case.id, per_step - 1))
    return opened


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, server: subprocess.Popen[bytes], seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not come up")


def _stats(csv_prefix: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Per-endpoint figures and the aggregate row of locust's stats CSV."""
    endpoints, total = {}, {}
    with open(f"{csv_prefix}_stats.csv", newline="") as fh:
        for row in csv.DictReader(fh):
            figures = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                       "requests_per_second": round(float(row["Requests/s"]), 1),
                       "p50_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"]), "max_ms": _ms(row["Max Response Time"])}
            if row["Name"] == "Aggregated":
                total = figures
            else:
                endpoints[row["Name"]] = figures
    return endpoints, total


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else round(float(value), 1)


def _errors(csv_prefix: Path) -> list[dict[str, str]]:
    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="") as fh:
        return [{"endpoint": r["Name"], "error": r["Error"], "occurrences": r["Occurrences"]}
                for r in csv.DictReader(fh)]


def server_processes_dir(workdir: Path) -> Path:
    """processes/ plus the report-fact declarations of the bench diagrams: the server reads a process's
    `<process id>.toml` from its processes directory when it saves a case of that process."""
    target = workdir / "processes"
    shutil.copytree(PROCESSES, target, dirs_exist_ok=True)
    for declaration in BENCH_DIAGRAMS.glob("*.toml"):
        shutil.copy(declaration, target / declaration.name)
    return target


def load(url: str, workdir: Path, users: int, seconds: int) -> dict[str, Any]:
    """Run locust headless against the server; its figures."""
    port = _free_port()
    env = {**os.environ, "COMPLAINTFLOW_DATABASE_URL": url, "COMPLAINTFLOW_INSTANCE_DIR": str(workdir),
           "COMPLAINTFLOW_PROCESSES_DIR": str(server_processes_dir(workdir)),
           "COMPLAINTFLOW_SECRET_KEY": "bench-http-load", "BENCH_USERS": str(users)}
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
         "webui:create_app()"], cwd=REPO_ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    prefix = workdir / f"locust-{port}"
    try:
        _wait_until_up(base, server)
        locust = subprocess.run(
            [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--users", str(users),
             "--spawn-rate", str(max(1, users // 5)), "--run-time", f"{seconds}s", "--host", base,
             "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "5"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # a loaded machine: its graceful stop can take longer
            server.kill()
            server.wait(timeout=30)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust produced no statistics:\n{locust.stderr[-2000:]}")
    endpoints, total = _stats(prefix)
    worst = max(endpoints.items(), key=lambda kv: kv[1]["p95_ms"] or 0, default=("", {}))
    return {"users": users, "seconds": seconds, "endpoints": endpoints, "total": total,
            "worst_p95": {"endpoint": worst[0], "p95_ms": worst[1].get("p95_ms")},
            "errors": total.get("failures", 0), "error_details": _errors(prefix)}


def require_tools() -> None:
    """gunicorn and locust come with the `bench` extra; say so instead of failing somewhere deep."""
    missing = [tool for tool in ("gunicorn", "locust") if not (BIN / tool).exists()]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not installed: run  {BIN / 'pip'} install -e \".[bench]\"")


def run(kind: str, workdir: Path, users: int, seconds: int, per_step: int) -> dict[str, Any]:
    with database(kind, workdir) as url:
        engine = make_engine(url, workdir, clock=SystemClock())
        cases = seed(engine, per_step)
        engine.dispose()
        result = load(url, workdir, users, seconds)
    return {"database": kind, "seeded_cases": cases, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="5 users for 5 s, to check the script works")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    users, seconds, per_step = (5, 5, 10) if args.smoke else (args.users, args.seconds, 800)
    kinds = ["sqlite"] if args.smoke else args.databases.split(",")
    require_tools()
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run(kind, Path(tmp), users, seconds, per_step) for kind in kinds]
    emit({"benchmark": "http_load", "smoke": args.smoke, "machine": machine(), "server": "gunicorn, 2 sync workers",
          "runs": runs, "targets": {"p95_ms_every_endpoint": 100, "errors": 0}})
    if any(r["errors"] for r in runs):
        raise SystemExit("error responses under load: see error_details")


if __name__ == "__main__":
    main()
