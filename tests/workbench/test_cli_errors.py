"""Issue #17, CLI: every mistake of the person at the shell (a missing file, bad JSON, a bad date, an unknown case,
task or user, a wrong command line, a bad setting) is one `error:` line in the shell's language and exit 1,
never a traceback; nothing is stored."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.engines import TEST_DATA_KEY, TEST_MATCH_KEY
from webui.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shell(engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment of `complaintflow` on the test's database, in a Chinese shell; returns a folder to write in."""
    for name, value in (("DATABASE_URL", db_url), ("INSTANCE_DIR", str(tmp_path)),
                        ("PROCESSES_DIR", str(REPO / "processes")), ("SECRET_KEY", "test"),
                        ("DATA_KEY", TEST_DATA_KEY), ("MATCH_KEY", TEST_MATCH_KEY)):
        monkeypatch.setenv(f"COMPLAINTFLOW_{name}", value)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    engine.users.add("front_li", "correct-horse-battery", ["SH01:branch_front"], ["staff"], ADMIN)
    return tmp_path


def _one_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the command; it must fail with exit 1 and exactly one `error:` line on stderr."""
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "Traceback" not in err[0]
    return err[0]


def test_files_and_json_the_person_points_to(shell: Path, engine: Engine, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    missing = shell / "no-such.json"
    assert _one_error(["open-case", "branch_complaint", "--data", str(missing)], capsys) == \
        f"error: 找不到文件 {missing}"
    (shell / "bad.json").write_text('{"channel": "counter",}', encoding="utf-8")
    line = _one_error(["open-case", "branch_complaint", "--data", str(shell / "bad.json")], capsys)
    assert line.startswith(f"error: {shell / 'bad.json'} 不是有效的 JSON：第 1 行第 23 列")
    (shell / "list.json").write_text("[1, 2]", encoding="utf-8")
    assert _one_error(["open-case", "branch_complaint", "--data", str(shell / "list.json")], capsys) == \
        f"error: {shell / 'list.json'} 须为 JSON 对象（{{...}}）"
    (shell / "latin1.json").write_bytes('{"facts": "caf\xe9"}'.encode("latin-1"))
    assert "不是 UTF-8 文本" in _one_error(["open-case", "branch_complaint", "--data", str(shell / "latin1.json")],
                                          capsys)
    monkeypatch.setattr(sys, "stdin", io.StringIO("not json"))
    assert "stdin 不是有效的 JSON" in _one_error(["complete", "some-task", "--user", "front_li", "--data", "-"], capsys)
    assert "--data 不是有效的 JSON" in _one_error(["message", "send", "TS-1", "docs", "--data", "{oops"], capsys)
    assert _one_error(["units", "import", str(shell / "no-such.csv")], capsys).startswith("error: ")
    assert engine.cases.failed_cases(ADMIN) == [] and _opened(engine) == 0


def _opened(engine: Engine) -> int:
    with engine.ctx.db.read() as uow:
        return len(uow.read.audit_actions("case_opened"))


def test_dates_cases_tasks_and_users_that_do_not_exist(shell: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _one_error(["calendar", "add-workdays", "2024-13-45", "5"], capsys) == \
        "error: date 不是有效的日期或时间：2024-13-45（例如 2024-10-08 或 2024-10-08T10:00:00+08:00）"
    assert "--now 不是有效的日期或时间：tomorrow" in _one_error(["worker", "--once", "--now", "tomorrow"], capsys)
    assert _one_error(["case", "TS-20990101-000001"], capsys) == "error: 未找到工单 TS-20990101-000001（或您无权查看）"
    assert _one_error(["claim", "no-such-task", "--user", "front_li"], capsys) == \
        "error: 未找到任务 no-such-task（或您无权查看）"
    assert _one_error(["claim", "no-such-task", "--user", "nobody"], capsys) == "error: 没有在岗用户 nobody"
    assert _one_error(["migrate", "branch_complaint", "--to", "2", "--map", "no-equals-sign"], capsys) \
        .startswith("error: --map ")


def test_a_wrong_command_line_and_a_wrong_setting(shell: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as wrong:
        main(["claim", "some-task"])  # --user is required
    assert wrong.value.code == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        "error: the following arguments are required: --user (see complaintflow claim --help)"]
    with pytest.raises(SystemExit) as nonsense:
        main(["calendar", "add-workdays", "2024-10-08", "five"])
    assert nonsense.value.code == 1 and len(capsys.readouterr().err.strip().splitlines()) == 1
    broken = shell / "processes"
    shutil.copytree(REPO / "processes", broken)
    (broken / "customer_notices.toml").write_text("[[", encoding="utf-8")
    monkeypatch.setenv("COMPLAINTFLOW_PROCESSES_DIR", str(broken))
    assert _one_error(["case", "TS-1"], capsys).startswith(f"error: 告知配置有误：{broken / 'customer_notices.toml'}：")
    monkeypatch.setenv("COMPLAINTFLOW_TIMEZONE", "Mars/Olympus_Mons")
    assert "COMPLAINTFLOW_TIMEZONE" in _one_error(["case", "TS-1"], capsys)


def test_input_refused_by_the_engine_reads_in_the_shell_language(shell: Path, capsys: pytest.CaptureFixture[str],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (shell / "c.json").write_text(json.dumps(complaint(contact_phone="12345")), encoding="utf-8")
    assert main(["open-case", "branch_complaint", "--data", str(shell / "c.json"), "--user", "front_li"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == ["contact_phone: 电话号码格式不正确"]
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert main(["open-case", "branch_complaint", "--data", str(shell / "c.json"), "--user", "front_li"]) == 1
    assert capsys.readouterr().err.strip().splitlines() == ["contact_phone: Invalid phone number"]
    assert _one_error(["case", "TS-20990101-000001"], capsys) == \
        "error: Complaint TS-20990101-000001 not found (or not visible to you)"


def test_the_console_script_prints_no_traceback(shell: Path) -> None:
    bad = shell / "bad.json"
    bad.write_text("{", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "webui.cli", "open-case", "branch_complaint", "--data", str(bad)],
                         capture_output=True, text=True, env=dict(os.environ), cwd=REPO, timeout=120)
    assert run.returncode == 1
    assert run.stderr.strip().splitlines() == [f"error: {bad} 不是有效的 JSON：第 1 行第 2 列：Expecting property name "
                                               "enclosed in double quotes"]
