"""A process owner moves running cases to a newer version in the browser: dry run, then the batch."""

from __future__ import annotations

import pytest

from tests.e2e.diagrams import files_of, latest
from tests.e2e.support import Person
from tests.support.actors import ADMIN

pytestmark = pytest.mark.e2e

PROCESS = "branch_complaint"
DIAGRAM = "branch_complaint.bpmn"


def _cases(owner: Person) -> dict[str, tuple[str, str]]:
    rows = owner.page.eval_on_selector_all(
        "#migration-cases tbody tr", "rows => rows.map(r => [r.dataset.case, r.dataset.canMove, r.dataset.moved])")
    return {number: (can_move, moved) for number, can_move, moved in rows}


def test_an_owner_dry_runs_and_moves_running_cases_to_the_new_version(person, live):
    old = latest(live.engine, PROCESS)
    running = {c.number: c for c in _open_cases(live)}
    assert running, "the demo data has open cases on the current version"
    files = files_of(live.engine, old)
    files[DIAGRAM] = files[DIAGRAM].replace('name="客户回访"'.encode(), 'name="电话回访客户"'.encode(), 1)
    live.engine.deploy.deploy(files, ADMIN)
    new = latest(live.engine, PROCESS)
    owner = person("owner")

    owner.goto(f"/owner/definitions/{new.id}")
    owner.submit("#migration-dry-run")

    assert owner.page.get_attribute("#migration-summary", "data-dry-run") == "true"
    dry = _cases(owner)
    assert set(running) <= set(dry) and {dry[n] for n in running} == {("true", "false")}
    assert {live.engine.cases.summary(c.id).definition_version for c in running.values()} == {old.version}

    owner.submit("#migration-move")

    moved = _cases(owner)
    assert {moved[n] for n in running} == {("true", "true")}
    assert {live.engine.cases.summary(c.id).definition_version for c in running.values()} == {new.version}
    assert f"已将 {len(moved)} 件案件迁移到第 {new.version} 版" in owner.page.inner_text("main")
    owner.assert_clean()


def _open_cases(live):
    with live.engine.ctx.db.read() as uow:
        rows = uow.read.open_cases_on([latest(live.engine, PROCESS).id])
    return [live.engine.cases.summary(case_id) for case_id, _, _ in rows]
