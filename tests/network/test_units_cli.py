"""`complaintflow units [--json]` prints the tree; `units import CSV` loads a bank's own list."""

from __future__ import annotations

import json
import tomllib

from engine.domain.departments import DepartmentDirectory
from engine.domain.organisation_files import load_organisation
from tests.network.support import processes_copy, run_cli


def test_units_json_is_the_nested_tree(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    assert run_cli(monkeypatch, tmp_path, processes, "units", "--json") == 0
    tree = json.loads(capsys.readouterr().out)
    assert tree["code"] == "HO" and tree["kind"] == "head_office"
    shanghai = next(c for c in tree["children"] if c["code"] == "SH")
    outlets = [(c["code"], c["name"]) for c in shanghai["children"]]
    assert outlets == [("SH01", "上海浦东网点"), ("SH02", "上海徐汇网点")]
    assert shanghai["children"][0]["departments"] == ["branch_front", "branch_manager", "branch_head"]


def test_units_text_indents_each_level(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    assert run_cli(monkeypatch, tmp_path, processes, "units") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("HO  总行  [head_office]")
    assert lines[1].startswith("  SH  上海分行  [branch]")
    assert lines[2].startswith("    SH01  上海浦东网点  [outlet]")


def _bank_csv(outlets: int) -> str:
    rows = ["code,name,name_en,parent,kind,departments", "000,总行,Head office,,head_office,",
            "100,华东分行,East China branch,000,branch,", "110,苏州支行,Suzhou sub-branch,100,sub_branch,",
            "900,信用卡中心,Card centre,000,card_centre,"]
    rows += [f"1{n:04d},网点{n},Outlet {n},110,outlet,{'operations' if n == 7 else ''}" for n in range(outlets)]
    return "\n".join(rows) + "\n"


def test_import_writes_three_hundred_outlets_and_keeps_the_kinds(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    (tmp_path / "bank.csv").write_text("\ufeff" + _bank_csv(300), encoding="utf-8")
    assert run_cli(monkeypatch, tmp_path, processes, "units", "import", str(tmp_path / "bank.csv")) == 0
    assert "304 unit(s) written" in capsys.readouterr().out
    text = (processes / "organisations.toml").read_text(encoding="utf-8")
    assert "# The bank's organisation tree" in text and "[kinds.outlet]" in text
    assert len(text.splitlines()) < 360  # one line per unit
    departments = DepartmentDirectory.from_toml(processes / "departments.toml").codes()
    tree = load_organisation(processes / "organisations.toml", departments)
    assert tree.root.code == "000" and len(tree.subtree("110")) == 301
    assert tree.get("10007").departments[-1] == "operations"
    assert tomllib.loads(text)["units"][1] == {"code": "100", "name": "华东分行", "name_en": "East China branch",
                                               "parent": "000", "kind": "branch"}
    assert run_cli(monkeypatch, tmp_path, processes, "units", "--json") == 0
    assert json.loads(capsys.readouterr().out)["code"] == "000"


def test_a_bad_csv_names_its_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    before = (processes / "organisations.toml").read_bytes()
    bad = _bank_csv(3).replace("10002,网点2,Outlet 2,110", "10002,网点2,Outlet 2,119")
    (tmp_path / "bank.csv").write_text(bad, encoding="utf-8")
    assert run_cli(monkeypatch, tmp_path, processes, "units", "import", str(tmp_path / "bank.csv")) == 1
    assert "bank.csv: line 8.parent: 上级机构 119 不存在" in capsys.readouterr().err
    assert (processes / "organisations.toml").read_bytes() == before


def test_a_csv_without_the_columns_is_refused(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    (tmp_path / "bank.csv").write_text("code,name\n000,总行\n", encoding="utf-8")
    assert run_cli(monkeypatch, tmp_path, processes, "units", "import", str(tmp_path / "bank.csv"),
                   lang="en_US.UTF-8") == 1
    assert "bank.csv: line 1: missing columns: name_en, parent, kind" in capsys.readouterr().err
