"""The oversight commands from a shell, on the test's database: the environment a `complaintflow` process reads,
and a runner giving (exit status, stdout, stderr)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.engines import PROCESSES, TEST_DATA_KEY, TEST_MATCH_KEY
from webui.cli import main


def shell_runner(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                 capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[Any, str, str]]:
    """Set the environment (the test's database and keys, a Chinese shell) and return `run(*argv)`."""
    for name, value in (("DATABASE_URL", db_url), ("INSTANCE_DIR", str(tmp_path / "instance")),
                        ("PROCESSES_DIR", str(PROCESSES)), ("SECRET_KEY", "test"), ("DATA_KEY", TEST_DATA_KEY),
                        ("MATCH_KEY", TEST_MATCH_KEY), ("LANG", "zh_CN.UTF-8")):
        monkeypatch.setenv(f"COMPLAINTFLOW_{name}" if name != "LANG" else name, value)
    monkeypatch.delenv("LC_ALL", raising=False)

    def run(*argv: str) -> tuple[Any, str, str]:
        try:
            code: Any = main(list(argv))
        except SystemExit as exit_:  # commands that end the process with a status (audit verify, check-codes)
            code = exit_.code
        out, err = capsys.readouterr()
        return code, out, err

    return run
