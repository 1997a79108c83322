"""`complaintflow rectification …`, `complaintflow worker --once` and `complaintflow regulator …` from a shell, on the
test's database (both databases): issue, the worker chases and supervises the overdue notice, submit, accept;
problems in the shell's language; a bad code list named by file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.domain.rectification import RectificationStatus
from tests.oversight.shell_support import shell_runner
from tests.support.actors import ADMIN
from tests.support.driver import open_case
from tests.support.engines import PROCESSES


@pytest.fixture
def shell(engine, db_url, tmp_path, monkeypatch, capsys):
    run = shell_runner(db_url, tmp_path, monkeypatch, capsys)
    engine.users.add("ho_gao", "correct-horse-battery", ["HO:complaint_mgmt"], ["staff", "supervisor"], ADMIN)
    engine.users.add("sh01_wu", "correct-horse-battery", ["SH01:branch_manager"], ["staff"], ADMIN)
    return run


def test_issue_chase_submit_and_accept_from_a_shell(engine, shell):
    case = open_case(engine)
    code, out, _ = shell("rectification", "issue", case.number, "--unit", "SH01", "--department", "branch_manager",
                         "--requirement", "加强培训", "--workdays", "3", "--user", "ho_gao", "--json")
    assert code == 0
    issued = json.loads(out)
    overdue = engine.ctx.calendar.add_workdays(engine.ctx.calendar.add_workdays(
        engine.rectifications.get(issued["id"], ADMIN).due_at, 1), 0)
    code, out, _ = shell("worker", "--once", "--now", overdue.isoformat(), "--json")
    assert code == 0
    swept = json.loads(out)
    assert (swept["rectifications_chased"], swept["rectifications_supervised"]) == (1, 1)
    assert shell("rectification", "submit", str(issued["id"]), "--measures", "全员培训", "--evidence", "签到表",
                 "--user", "sh01_wu")[0] == 0
    code, out, _ = shell("rectification", "check", str(issued["id"]), "--accept", "--user", "ho_gao")
    assert code == 0 and "closed" in out
    assert engine.rectifications.get(issued["id"], ADMIN).status == RectificationStatus.CLOSED


def test_problems_are_worded_for_the_shell(engine, shell, tmp_path):
    case = open_case(engine)
    code, _, err = shell("rectification", "issue", case.number, "--unit", "SH01", "--department", "branch_manager",
                         "--requirement", "加强培训", "--workdays", "0", "--user", "ho_gao")
    assert code == 1 and "workdays: 整改期限应为 1 至 60 个工作日" in err
    bad = tmp_path / "bank.toml"
    bad.write_text((PROCESSES / "regulator_codes.toml").read_text(encoding="utf-8")
                   .replace('counter = "A0101"', 'counter = "A999"'), encoding="utf-8")
    code, _, err = shell("regulator", "check-codes", str(bad))
    line = next(n for n, text in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1)
                if text.startswith("counter ="))
    assert code == 1
    assert err.strip() == f"{bad}:{line}: channel.map.counter: 监管编码 A999 不在本维度的编码列表中"
    assert shell("regulator", "check-codes", str(PROCESSES / "regulator_codes.toml"))[0] == 0


def test_export_writes_the_quarter(engine, shell, tmp_path: Path):
    output = tmp_path / "q.csv"
    code, out, _ = shell("regulator", "export", "--year", "2024", "--quarter", "4", "--format", "csv",
                         "--output", str(output))
    assert code == 0 and str(output) in out
    lines = output.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("维度,单位代码,单位,监管编码")
    assert any(line.startswith("业务办理渠道,HO,") and ",A01,1,前台业务渠道," in line for line in lines)
