"""DMN hit policies: each table declares the policy it means; deploy checks UNIQUE, FIRST runs in order.

The shipped tables relied on SpiffWorkflow 3.2 stopping a UNIQUE table at its first match (DMN's FIRST).
Now a UNIQUE table whose rules can match the same input is refused at deploy, naming the file, the
decision and the rule numbers (as Camunda refuses it at run time), and FIRST stops at the first match.
"""

from __future__ import annotations

import re

import pytest

from engine.domain.errors import DeployRejected
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.complaints import NOT_ON_SPOT
from tests.support.diagrams import copy_processes
from tests.support.driver import claim_and_complete, open_case, open_tasks

# The rule pairs of each shipped table that can match the same input (rule numbers as in the table).
OVERLAPS = {
    "branch_triage.dmn": ("branch_triage", [(1, 5), (2, 5), (3, 5), (4, 5)]),
    "head_office_rework.dmn": ("head_office_rework", [(1, 2)]),
}
POLICY = re.compile(r'hitPolicy="[A-Z ]+"')


def _with_policy(directory, filename, policy):
    path = directory / filename
    text = path.read_text(encoding="utf-8")
    assert len(POLICY.findall(text)) == 1
    path.write_text(POLICY.sub(f'hitPolicy="{policy}"', text), encoding="utf-8")


def _rejection(engine, directory):
    with pytest.raises(DeployRejected) as caught:
        engine.deploy.deploy(read_diagram_dir(directory), ADMIN)
    return caught.value.problems


@pytest.mark.parametrize("filename", sorted(OVERLAPS))
def test_a_unique_table_with_overlapping_rules_is_refused_naming_the_rules(engine, repo_root, tmp_path, filename):
    directory = copy_processes(repo_root / "processes", tmp_path / "p")
    _with_policy(directory, filename, "UNIQUE")

    problems = _rejection(engine, directory)

    decision, pairs = OVERLAPS[filename]
    overlaps = [p for p in problems if p.code == "dmn_unique_overlap"]
    assert [(int(dict(p.params)["first"]), int(dict(p.params)["second"])) for p in overlaps] == pairs
    assert {p.file for p in problems} == {filename}
    for problem in overlaps:
        params = dict(problem.params)
        assert params["file"] == filename and params["decision"] == decision
        assert f"rules {params['first']} and {params['second']}" in problem.message
        assert 'hitPolicy="FIRST"' in problem.message
    assert engine.deploy.definitions(ADMIN)[0].version == 1  # nothing stored


def test_every_overlapping_shipped_table_is_refused_as_unique(engine, repo_root, tmp_path):
    directory = copy_processes(repo_root / "processes", tmp_path / "p")
    for path in sorted(directory.glob("*.dmn")):
        _with_policy(directory, path.name, "UNIQUE")

    problems = _rejection(engine, directory)

    refused = {p.file for p in problems if p.code == "dmn_unique_overlap"}
    assert refused == {"branch_triage.dmn", "card_tier.dmn", "head_office_rework.dmn", "head_office_routing.dmn"}


def test_the_shipped_tables_declare_first_where_order_decides(repo_root):
    policies = {p.name: POLICY.search(p.read_text(encoding="utf-8")).group(0)
                for p in sorted((repo_root / "processes").glob("*.dmn"))}
    assert policies == {
        "branch_triage.dmn": 'hitPolicy="FIRST"',
        "card_entry.dmn": 'hitPolicy="UNIQUE"',
        "card_restudy.dmn": 'hitPolicy="UNIQUE"',
        "card_tier.dmn": 'hitPolicy="FIRST"',
        "head_office_co_handlers.dmn": 'hitPolicy="UNIQUE"',
        "head_office_rework.dmn": 'hitPolicy="FIRST"',
        "head_office_routing.dmn": 'hitPolicy="FIRST"',
    }


def test_a_unique_table_with_exclusive_rules_deploys(engine, repo_root, tmp_path):
    """Ranges that meet at a point only when both ends are closed; enumerations and their complements."""
    directory = copy_processes(repo_root / "processes", tmp_path / "p")
    path = directory / "head_office_rework.dmn"
    text = POLICY.sub('hitPolicy="UNIQUE"', path.read_text(encoding="utf-8"))
    assert text.count("<text></text>") == 1  # rule 2's rework_count cell: the catch-all
    path.write_text(text.replace("<text></text>", "<text>!= 2</text>"), encoding="utf-8")

    result = engine.deploy.deploy(read_diagram_dir(directory), ADMIN)

    # head_office_rework.dmn also counts the branch's and the card centre's restudies: all three take the new table
    assert {d.process_key for d in result.deployed} == {
        "head_office_complaint", "card_center_complaint", "branch_complaint"}


def test_first_stops_at_the_first_matching_rule(engine, repo_root, tmp_path):
    """Rules after the first match are not evaluated: the catch-all's broken cell never runs."""
    directory = copy_processes(repo_root / "processes", tmp_path / "p")
    _with_policy(directory, "branch_triage.dmn", "FIRST")
    path = directory / "branch_triage.dmn"
    text = path.read_text(encoding="utf-8")
    catch_all = text.rindex("<rule ")
    head, tail = text[:catch_all], text[catch_all:]
    tail = re.sub(r"<inputEntry id=\"([^\"]+)\">\s*<text>\s*</text>",
                  r'<inputEntry id="\1"><text>? in no_such_list</text>', tail, count=1)
    assert "no_such_list" in tail
    path.write_text(head + tail, encoding="utf-8")
    engine.deploy.deploy(read_diagram_dir(directory), ADMIN)

    case = open_case(engine, sensitive_source=True)
    claim_and_complete(engine, case.id, "Task_OnSpot", NOT_ON_SPOT)

    with engine.ctx.db.read() as uow:
        _completed, _current, data = uow.read.case_elements(case.id)
    assert engine.cases.summary(case.id).status.value == "open"
    assert data["branch_route"] == "head_office"  # rule 1: a sensitive source goes to head office
    assert [t.bpmn_id for t in open_tasks(engine, case.id)] == ["Task_Investigate"]
