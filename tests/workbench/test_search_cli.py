"""`complaintflow search` (both databases): the search page's filters from a shell, as a user (what they may open)
or the operator; personal values given as options are never printed back (results masked like the page); every
mistake is one `error:` line (or the refused fields), exit 1, no traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.bootstrap import Engine
from tests.workbench.search_support import ID_NUMBER, NAME, PHONE, open_bank
from tests.workbench.test_cli_errors import _one_error, shell  # noqa: F401  (the shell's environment)
from webui.cli import main


@pytest.fixture
def bank(engine: Engine, shell: Path):  # noqa: F811
    return open_bank(engine)


def _out(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    return captured.out


def test_finds_by_phone_within_the_users_visibility_masked(bank, capsys) -> None:
    everywhere = _out(["search", "--phone", PHONE, "--user", "sup_ho"], capsys)
    assert everywhere.splitlines()[0] == "2 case(s); page 1 (25 a page)"
    assert bank.shanghai in everywhere and bank.beijing in everywhere and bank.other not in everywhere
    assert "张* 138****5678" in everywhere and "+08:00" in everywhere
    assert PHONE not in everywhere and NAME not in everywhere
    beijing = _out(["search", "--phone", PHONE, "--user", "front_bj01"], capsys)
    assert bank.beijing in beijing and bank.shanghai not in beijing
    assert bank.shanghai not in _out(["search", "--number", bank.shanghai, "--user", "front_bj01"], capsys)

    found = json.loads(_out(["search", "--id-number", ID_NUMBER, "--unit", "SH02", "--json", "--user", "sup_sh"],
                            capsys))
    assert [r["number"] for r in found["items"]] == [bank.shanghai]
    assert (found["total"], found["has_more"], found["items"][0]["phone"]) == (1, False, "138****5678")
    assert found["items"][0]["received_at"].endswith("+08:00")
    by_code = json.loads(_out(["search", "--unit", "SH02", "--sort", "number", "--order", "asc", "--page-size", "1",
                               "--json"], capsys))  # the operator: everything
    assert (by_code["total"], by_code["has_more"]) == (2, True)
    assert [r["number"] for r in by_code["items"]] == [min(bank.shanghai, bank.other)]


def test_a_bad_date_or_page_is_one_error_line(bank, capsys) -> None:
    assert _one_error(["search", "--from", "2024-13-01"], capsys) == \
        "error: --from 不是有效的日期：2024-13-01（例如 2024-10-08）"
    assert _one_error(["search", "--page-size", "500"], capsys) == "error: --page-size 须为 1 到 100 之间的整数"
    assert _one_error(["search", "--phone", PHONE, "--user", "nobody"], capsys) == "error: 没有在岗用户 nobody"


def _wrong_command_line(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as wrong:
        main(argv)
    assert wrong.value.code == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("error: ")
    return line


def test_a_bad_option_never_echoes_a_personal_value(bank, capsys) -> None:
    line = _wrong_command_line(["search", "--phnoe", PHONE, "--user", "sup_ho", "--nmae", NAME], capsys)
    assert line == "error: unrecognized arguments: --phnoe *** --nmae *** (see complaintflow --help)"
    assert "invalid choice: 'lost'" in _wrong_command_line(["search", "--status", "lost"], capsys)
    assert main(["search", "--phone", "abc", "--from", "2024-10-08", "--to", "2024-10-01"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "abc" not in err
    assert sorted(line.split(":")[0] for line in err.strip().splitlines()) == ["phone", "received_to"]
