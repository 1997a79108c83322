"""Migrating running docs_probe cases to newer versions: the dry run, the batch, and what a moved case keeps."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from tests.studio.running.versions import deploy, review_elsewhere, review_renamed, with_follow_up
from tests.support.actors import HEAD_OFFICE, process_owner, staff
from tests.support.driver import (
    all_tasks,
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    stored_timers,
    task_by_bpmn_id,
)
from tests.support.engines import clock_of

OWNER = process_owner()
DOCUMENTS = "customer supplied documents"


@pytest.fixture
def running(probe_engine):
    """Two version-1 cases: one claimed in Task_Review (due date, chase timer), one waiting for documents.
    Complex complaints (internal due 2024-10-10): the tasks without a due date of their own (Task_Check,
    Task_FollowUp) are due then, so their default timers stay quiet while Task_Review's chase is tested."""
    engine = probe_engine
    reviewing = open_case(engine, process_key="docs_probe", is_complex=True)
    engine.tasks.claim(task_by_bpmn_id(engine, reviewing.id, "Task_Review").id, HEAD_OFFICE)
    waiting = open_case(engine, process_key="docs_probe", is_complex=True)
    claim_and_complete(engine, waiting.id, "Task_Review", {"review_note": "缺流水"}, HEAD_OFFICE)
    return reviewing, waiting


def _versions(engine, *cases):
    return [engine.cases.summary(c.id).definition_version for c in cases]


def _reasons(report):
    return {c.number: sorted((b.code, b.element) for b in c.blockers) for c in report.cases}


def test_the_dry_run_lists_movable_cases_and_changes_nothing(probe_engine, running):
    reviewing, waiting = running
    version = deploy(probe_engine, with_follow_up())
    before = [probe_engine.cases.summary(c.id).version for c in running]

    report = probe_engine.migration.dry_run("docs_probe", version, {}, OWNER)

    assert report.dry_run and _reasons(report) == {reviewing.number: [], waiting.number: []}
    assert [c.from_version for c in report.cases] == [1, 1]
    assert not any(c.moved for c in report.cases)
    assert _versions(probe_engine, *running) == [1, 1]
    assert [probe_engine.cases.summary(c.id).version for c in running] == before
    assert audit_actions(probe_engine, reviewing.id, "case_migrated") == []


def test_moved_cases_keep_data_tasks_claims_due_dates_and_timers_and_run_the_new_version(probe_engine, running):
    engine = probe_engine
    reviewing, waiting = running
    task = task_by_bpmn_id(engine, reviewing.id, "Task_Review")
    timers = stored_timers(engine, reviewing.id)
    data = [engine.cases.process_data(c.id) for c in running]
    assert task.assignee == HEAD_OFFICE.username and task.due_at is not None and timers
    version = deploy(engine, with_follow_up())

    report = engine.migration.migrate("docs_probe", version, {}, OWNER)

    assert [c.moved for c in report.cases] == [True, True]
    assert _versions(engine, *running) == [version, version]
    moved = task_by_bpmn_id(engine, reviewing.id, "Task_Review")
    assert (moved.id, moved.assignee, moved.status, moved.due_at) == (task.id, task.assignee, task.status, task.due_at)
    assert moved.title == "审核投诉并确认材料清单"
    assert stored_timers(engine, reviewing.id) == timers
    assert [engine.cases.process_data(c.id) for c in running] == data
    for case in running:
        assert_projection_matches_workflow(engine, case.id)
        [event] = audit_actions(engine, case.id, "case_migrated")
        assert event.data == {"process": "docs_probe", "from_version": 1, "to_version": version, "map": {}}

    engine.messages.send(waiting.id, DOCUMENTS, {"documents": "流水"}, HEAD_OFFICE)
    claim_and_complete(engine, waiting.id, "Task_Check", {"check_note": "齐全"}, HEAD_OFFICE)
    task_by_bpmn_id(engine, waiting.id, "Task_FollowUp")  # only version 2 has it
    # the chase timer the diagram draws fires on the new version; deploy's supervise timer (due later) stays armed
    [(_, _, _, fire_at)] = {t for t in timers if t[1] == "Chase_Task_Review"}
    clock_of(engine).set(fire_at + timedelta(minutes=1))
    assert engine.timers.sweep().fired_cases == 1
    assert {t[1] for t in stored_timers(engine, reviewing.id)} == {"Supervise_Task_Review"}
    assert_projection_matches_workflow(engine, reviewing.id)


def test_cases_waiting_on_or_past_a_removed_element_stay_unless_it_is_mapped(probe_engine, running):
    reviewing, waiting = running
    version = deploy(probe_engine, review_renamed())

    report = probe_engine.migration.dry_run("docs_probe", version, {}, OWNER)

    assert _reasons(report) == {reviewing.number: [("waits_on_removed", "Task_Review")],
                                waiting.number: [("passed_removed", "Task_Review")]}
    moved = probe_engine.migration.migrate("docs_probe", version, {}, OWNER)
    assert not any(c.moved for c in moved.cases)
    assert _versions(probe_engine, *running) == [1, 1]
    [batch] = [e for e in audit_actions_all(probe_engine) if e.action == "migration"]
    assert set(batch.data["not_moved"]) == {reviewing.number, waiting.number}

    mapped = probe_engine.migration.migrate("docs_probe", version, {"Task_Review": "Task_Assess"}, OWNER)

    assert [c.moved for c in mapped.cases] == [True, True]
    assessing = task_by_bpmn_id(probe_engine, reviewing.id, "Task_Assess")
    assert assessing.assignee == HEAD_OFFICE.username
    assert_projection_matches_workflow(probe_engine, reviewing.id)
    probe_engine.tasks.complete(assessing.id, {"review_note": "ok"}, HEAD_OFFICE)
    assert "Catch_Documents" in probe_engine.cases.detail(reviewing.id, HEAD_OFFICE).current_elements


def test_an_open_task_that_would_change_department_keeps_its_case_on_the_old_version(probe_engine, running):
    reviewing, waiting = running
    version = deploy(probe_engine, review_elsewhere())

    report = probe_engine.migration.migrate("docs_probe", version, {}, OWNER)

    assert _reasons(report) == {reviewing.number: [("department_changed", "Task_Review")], waiting.number: []}
    assert _versions(probe_engine, *running) == [1, version]
    assert [t.status.value for t in all_tasks(probe_engine, reviewing.id)] == ["claimed"]


def test_only_process_owners_migrate_and_bad_requests_change_nothing(probe_engine, running):
    version = deploy(probe_engine, with_follow_up())
    with pytest.raises(Forbidden):
        probe_engine.migration.migrate("docs_probe", version, {}, staff("cm", "complaint_mgmt"))
    with pytest.raises(NotFound):
        probe_engine.migration.dry_run("docs_probe", version + 1, {}, OWNER)
    with pytest.raises(ValidationFailed) as bad:
        probe_engine.migration.dry_run("docs_probe", version, {"Task_Nowhere": "Task_Review",
                                                               "Task_Review": "Task_Gone"}, OWNER)
    assert len(bad.value.errors["map"]) == 2
    assert _versions(probe_engine, *running) == [1, 1]
    denied = [e for e in audit_actions_all(probe_engine) if e.action == "access_denied"]
    assert [(e.actor, e.data["action"]) for e in denied] == [("cm", "migrate")]


def audit_actions_all(engine):
    """Every audit event, oldest first (batch events belong to no case)."""
    from sqlalchemy import select

    from engine.persistence.tables import AuditEventRow

    with engine.ctx.db.read() as uow:
        rows = uow.session.execute(select(AuditEventRow.action, AuditEventRow.actor, AuditEventRow.data)
                                   .order_by(AuditEventRow.id)).all()
    return [SimpleNamespace(action=a, actor=who, data=data) for a, who, data in rows]
