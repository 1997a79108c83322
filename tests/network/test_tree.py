"""The organisation tree of processes/organisations.toml: shape, inherited departments, navigation."""

from __future__ import annotations

from engine.domain.departments import DepartmentDirectory
from engine.domain.organisation_files import DEFAULT_UNIT, load_organisation, single_unit_tree
from tests.network.support import DEMO_OUTLETS
from tests.support.engines import PROCESSES

DEPARTMENTS = DepartmentDirectory.from_toml(PROCESSES / "departments.toml")


def demo_tree():
    return load_organisation(PROCESSES / "organisations.toml", DEPARTMENTS.codes())


def test_demo_tree_has_head_office_two_branches_four_outlets_and_the_card_centre():
    tree = demo_tree()
    assert tree.root.code == "HO"
    kinds = [u.kind for u in tree.units.values()]
    assert kinds.count("head_office") == 1 and kinds.count("branch") == 2
    assert [u.code for u in tree.units.values() if u.kind == "outlet"] == DEMO_OUTLETS
    assert [u.code for u in tree.children("HO")] == ["SH", "BJ", "CC"]
    assert tree.get("CC").kind == "card_centre"


def test_units_inherit_their_kinds_departments():
    tree = demo_tree()
    assert tree.get("SH01").departments == ("branch_front", "branch_manager", "branch_head")
    assert tree.get("SH").departments == ("service_mgmt",)
    assert "operations" in tree.get("HO").departments
    assert tree.get("CC").departments[0] == "card_seat"


def test_navigation_up_and_down_the_tree():
    tree = demo_tree()
    assert [u.code for u in tree.ancestors("BJ02")] == ["BJ", "HO"]
    assert tree.subtree("SH") == ["SH", "SH01", "SH02"]
    assert tree.subtree("HO")[0] == "HO" and len(tree.subtree("HO")) == len(tree.units)
    assert tree.nearest("SH02", "branch").code == "SH"
    assert tree.with_department("SH02", "service_mgmt").code == "SH"
    assert tree.with_department("SH02", "operations").code == "HO"
    assert tree.with_department("SH02", "branch_manager").code == "SH02"
    assert tree.with_department("SH02", "card_seat") is None


def test_without_a_file_the_bank_is_one_head_office_with_every_department(tmp_path):
    tree = load_organisation(tmp_path / "organisations.toml", DEPARTMENTS.codes())
    assert list(tree.units) == [DEFAULT_UNIT]
    assert set(tree.root.departments) == set(DEPARTMENTS.codes())
    assert tree == single_unit_tree(DEPARTMENTS.codes())


def test_nested_form_lists_children_under_their_parent():
    nested = demo_tree().as_nested()
    assert nested["code"] == "HO"
    branch = next(c for c in nested["children"] if c["code"] == "BJ")
    assert [c["code"] for c in branch["children"]] == ["BJ01", "BJ02"]
