"""A broken organisations.toml stops start-up and deploy, naming the file and key in the user's language."""

from __future__ import annotations

import pytest

from engine.domain.departments import DepartmentDirectory
from engine.domain.organisation import OrganisationInvalid
from engine.domain.organisation_files import load_organisation
from tests.network.support import processes_copy, replace_in, run_cli
from tests.support.engines import PROCESSES

DEPARTMENTS = DepartmentDirectory.from_toml(PROCESSES / "departments.toml").codes()
SH01 = '{ code = "SH01", name = "上海浦东网点", name_en = "Shanghai Pudong outlet", parent = "SH", kind = "outlet" }'

BROKEN = {
    "unknown_parent": (SH01, SH01.replace('parent = "SH"', 'parent = "XX"'), "units.SH01.parent"),
    "duplicate_code": (SH01, SH01 + ",\n  " + SH01.replace("浦东", "重复"), "units.SH01.code"),
    "parent_cycle": ('code = "SH", name = "上海分行", name_en = "Shanghai branch", parent = "HO"',
                     'code = "SH", name = "上海分行", name_en = "Shanghai branch", parent = "SH01"',
                     "units.SH.parent"),
    "unknown_unit_kind": (SH01, SH01.replace('kind = "outlet"', 'kind = "kiosk"'), "units.SH01.kind"),
    "unknown_kind": ("[kinds.branch]", "[kinds.region]\ndepartments = []\n\n[kinds.branch]", "kinds.region"),
    "unknown_department": ('departments = ["service_mgmt"]', 'departments = ["service_mgmt", "nosuch"]',
                           "kinds.branch.departments"),
    "unknown_numbering": ('style = "date"', 'style = "branch"', "numbering.style"),
}


@pytest.mark.parametrize("code", sorted(BROKEN))
def test_each_kind_of_mistake_is_named_with_its_key(tmp_path, code):
    processes = processes_copy(tmp_path)
    old, new, key = BROKEN[code]
    replace_in(processes / "organisations.toml", old, new)
    with pytest.raises(OrganisationInvalid) as err:
        load_organisation(processes / "organisations.toml", DEPARTMENTS)
    found = {(p.file, p.key, p.code) for p in err.value.problems}
    assert ("organisations.toml", key, code) in found


def test_a_cycle_names_every_unit_in_it(tmp_path):
    processes = processes_copy(tmp_path)
    old, new, _ = BROKEN["parent_cycle"]
    replace_in(processes / "organisations.toml", old, new)
    with pytest.raises(OrganisationInvalid) as err:
        load_organisation(processes / "organisations.toml", DEPARTMENTS)
    assert {p.key for p in err.value.problems if p.code == "parent_cycle"} == {"units.SH.parent", "units.SH01.parent"}


def test_toml_syntax_error_names_the_file(tmp_path):
    processes = processes_copy(tmp_path)
    replace_in(processes / "organisations.toml", "units = [", "units = [[")
    with pytest.raises(OrganisationInvalid) as err:
        load_organisation(processes / "organisations.toml", DEPARTMENTS)
    assert [(p.file, p.code) for p in err.value.problems] == [("organisations.toml", "toml_syntax")]


def test_start_up_refuses_a_broken_tree_in_chinese(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    old, new, _ = BROKEN["unknown_parent"]
    replace_in(processes / "organisations.toml", old, new)
    assert run_cli(monkeypatch, tmp_path, processes, "units") == 1
    assert "organisations.toml: units.SH01.parent: 上级机构 XX 不存在" in capsys.readouterr().err


def test_start_up_refuses_a_broken_tree_in_english(tmp_path, monkeypatch, capsys):
    processes = processes_copy(tmp_path)
    old, new, _ = BROKEN["duplicate_code"]
    replace_in(processes / "organisations.toml", old, new)
    assert run_cli(monkeypatch, tmp_path, processes, "units", lang="en_GB.UTF-8") == 1
    assert "organisations.toml: units.SH01.code: duplicate unit code SH01" in capsys.readouterr().err


def test_deploy_checks_the_directorys_tree_and_stores_nothing(tmp_path, monkeypatch, capsys):
    good, broken = processes_copy(tmp_path), tmp_path / "broken"
    good.rename(broken)
    processes = processes_copy(tmp_path)
    old, new, _ = BROKEN["unknown_department"]
    replace_in(broken / "organisations.toml", old, new)
    assert run_cli(monkeypatch, tmp_path, processes, "deploy", str(broken)) == 1
    assert "organisations.toml: kinds.branch.departments: 未知部门 nosuch" in capsys.readouterr().err
    assert run_cli(monkeypatch, tmp_path, processes, "deploy", str(processes), "--json") == 0
    assert '"version": 1' in capsys.readouterr().out  # the refused deploy stored no version
