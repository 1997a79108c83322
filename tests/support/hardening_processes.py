"""Real complaintflow processes for crash tests: the web server and the timer worker, started and SIGKILLed.

Both run `python -m webui.cli ...` (what the `complaintflow` console script runs) with COMPLAINTFLOW_*
variables pointing at the test database; their output goes to log files so a failing test can show it.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from tests.support.engines import PROCESSES, REPO_ROOT, TEST_DATA_KEY, TEST_MATCH_KEY

SECRET_KEY = "crash-test-secret-key-shared-by-every-server-run"


def free_port() -> int:
    """A TCP port on the loopback interface nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def complaintflow_env(db_url: str, instance_dir: Path) -> dict[str, str]:
    """The environment of a server or worker on `db_url` (one secret key, so sessions survive restarts; the
    data keys the test database was seeded with, so every process reads its personal data)."""
    path = os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))
    return dict(
        os.environ, PYTHONPATH=path, PYTHONUNBUFFERED="1",
        COMPLAINTFLOW_DATABASE_URL=db_url, COMPLAINTFLOW_INSTANCE_DIR=str(instance_dir),
        COMPLAINTFLOW_PROCESSES_DIR=str(PROCESSES), COMPLAINTFLOW_SECRET_KEY=SECRET_KEY,
        COMPLAINTFLOW_SMTP_HOST="", COMPLAINTFLOW_DATA_KEY=TEST_DATA_KEY, COMPLAINTFLOW_MATCH_KEY=TEST_MATCH_KEY,
        # Every simulated person signs in from 127.0.0.1, again after each kill; a sign-in the kill cut short
        # keeps its place in the name's attempt count (fail-closed). The locks are tested elsewhere, not here.
        COMPLAINTFLOW_LOGIN_MAX_FAILURES="1000", COMPLAINTFLOW_FAILURES_PER_SOURCE="100000",
    )


@dataclass
class Managed:
    """A child process started with a command line, logged to `log_dir/<name>-<n>.log`."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log_dir: Path
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    kills: int = 0
    logs: list[Path] = field(default_factory=list)

    def start(self, *extra: str) -> subprocess.Popen[bytes]:
        """Start (another run of) the process."""
        self.starts += 1
        log = self.log_dir / f"{self.name}-{self.starts:02d}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "webui.cli", *self.argv, *extra], cwd=REPO_ROOT, env=self.env,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            )
        return self.process

    def running(self) -> bool:
        """True while the current run is alive."""
        return self.process is not None and self.process.poll() is None

    def kill(self) -> bool:
        """SIGKILL the current run; True when it was still alive to be killed."""
        proc = self.process
        if proc is None or proc.poll() is not None:
            return False
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        self.kills += 1
        return proc.returncode == -signal.SIGKILL

    def stop(self) -> None:
        """End the current run (tests clean up with this)."""
        if self.running():
            assert self.process is not None
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def log_tail(self, lines: int = 40) -> str:
        """The end of every run's log, for failure messages."""
        parts = []
        for log in self.logs[-3:]:
            text = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {log.name}\n" + "\n".join(text))
        return "\n".join(parts)

    def log_lines(self) -> list[str]:
        """Every line every run logged."""
        return [line for log in self.logs for line in log.read_text(errors="replace").splitlines()]


class WebServer(Managed):
    """`complaintflow serve --no-worker` on a fixed loopback port."""

    def __init__(self, env: dict[str, str], log_dir: Path, port: int):
        super().__init__("server", ["serve", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
                         env, log_dir)
        self.base = f"http://127.0.0.1:{port}"

    def start_and_wait(self, timeout: float = 90.0) -> None:
        """Start and wait until /healthz answers (generous: on a loaded 2-core machine importing the app alone took
        10 s and a start 30 s or more; a quiet start takes about 2 s)."""
        self.start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.running(), f"the web server exited on start:\n{self.log_tail()}"
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as reply:
                    if reply.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.05)
        raise AssertionError(f"the web server did not answer within {timeout}s:\n{self.log_tail()}")


class SweepWorker(Managed):
    """`complaintflow worker --once --now <moment>`, run again and again."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        super().__init__("worker", ["worker", "--once", "--json"], env, log_dir)

    def sweep_at(self, moment: datetime) -> subprocess.Popen[bytes]:
        """Start one sweep as if it were `moment`."""
        return self.start("--now", moment.isoformat())

    def sweep_to_the_end(self, moment: datetime, timeout: float = 60.0) -> None:
        """One sweep nobody kills; fails the test unless it exits cleanly."""
        proc = self.sweep_at(moment)
        assert proc.wait(timeout=timeout) == 0, f"the worker failed:\n{self.log_tail()}"
