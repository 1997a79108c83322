"""Running cases (messages, migration): engine tests on SQLite and PostgreSQL, with the probe diagrams deployed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from engine.services.deploy import read_diagram_dir
from tests.api.conftest import app, client, keys  # noqa: F401 - the API's fixtures (CSRF on)
from tests.conftest import engine  # noqa: F401 - the database-parametrised engine, not the web UI tests' one
from tests.support.actors import ADMIN
from tests.support.diagrams import copy_processes
from tests.support.engines import TEST_DATA_KEY, TEST_MATCH_KEY

DIAGRAMS = Path(__file__).parent / "diagrams"


@pytest.fixture
def probe_engine(engine: Engine) -> Engine:  # noqa: F811
    """The engine with docs_probe (version 1) deployed and its report facts known."""
    engine.ctx.facts.add_directory(DIAGRAMS)
    engine.deploy.deploy(read_diagram_dir(DIAGRAMS), ADMIN)
    return engine


@pytest.fixture
def probe_processes(tmp_path: Path, repo_root: Path) -> Path:
    """processes/ plus the probe diagrams and their report facts: what a shell's engine deploys from."""
    folder = copy_processes(repo_root / "processes", tmp_path / "processes")
    for item in DIAGRAMS.iterdir():
        shutil.copy(item, folder / item.name)
    return folder


@pytest.fixture
def shell(probe_engine: Engine, probe_processes: Path, db_url: str, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch):
    """Runs `complaintflow ...` on the test's database; returns (exit code, stdout, stderr)."""
    from webui.cli import main

    env = {"DATABASE_URL": db_url, "INSTANCE_DIR": str(tmp_path / "cli"), "PROCESSES_DIR": str(probe_processes),
           "DATA_KEY": TEST_DATA_KEY, "MATCH_KEY": TEST_MATCH_KEY}
    for name, value in env.items():
        monkeypatch.setenv(f"COMPLAINTFLOW_{name}", value)
    monkeypatch.setenv("LANG", "C")

    def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
