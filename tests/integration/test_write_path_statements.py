"""The lean write path, pinned by the SQL it sends: a claim is one guarded UPDATE (plus the audit event in its
chain), a completion reads the case and the task once each and writes only the projection rows that changed.
The bounds are a little above what is sent today, so that a regression (a row read twice, a projection
rewritten whole, an ORM flush per row) fails here instead of going unnoticed in a benchmark."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from engine.persistence.tables import CaseFactRow, TimerRow
from tests.support import complaints as forms
from tests.support.actors import worker_for
from tests.support.driver import (
    assert_projection_matches_workflow,
    audit_actions,
    claim_and_complete,
    open_case,
    task_by_bpmn_id,
)
from tests.support.sql_log import statements

# Statements sent today (the bounds are these counts: any statement more fails here).
# A claim: SQLite 4 (BEGIN IMMEDIATE, the guarded `UPDATE human_task … RETURNING` that also reads the task, the
# audit chain head moved where this process left it, the audit INSERT); PostgreSQL 3 (no BEGIN statement; the
# case locked by the task's id, the UPDATE … RETURNING, the head move and the audit INSERT in one statement).
# A completion of this step (Task_Investigate -> Task_Notify): SQLite 9 (BEGIN IMMEDIATE, the case and the task
# in one read, the case UPDATE, the task closed, the next inserted, the timers that went and came, the head, the
# audit event), PostgreSQL 6 (the case locked, then the task read; the case UPDATE; the task closed and the next
# inserted in one statement, the timers in one, the head and the audit event in one). Before this round: claim
# 6 / 6, completion 12 / 11; before the lean write path: 9 and 20.
CLAIM_AT_MOST = {"sqlite": 4, "postgresql": 3}
COMPLETE_AT_MOST = {"sqlite": 9, "postgresql": 6}


def _count(sent: list[str], start: str) -> int:
    return sum(1 for s in sent if s.upper().startswith(start))


def _writes(sent: list[str], start: str) -> int:
    """Statements that write as `start` says, alone or in a WITH (PostgreSQL folds some writes together)."""
    return sum(1 for s in sent if s.upper().startswith(start) or (s.upper().startswith("WITH ") and start in s.upper()))


def _audit_inserts(sent: list[str]) -> int:
    """Statements inserting audit events (on PostgreSQL the INSERT follows the head move in one WITH)."""
    return sum(1 for s in sent if "INSERT INTO AUDIT_EVENT" in s.upper())


def _task_reads(sent: list[str]) -> int:
    """Statements reading a task row: a SELECT of its columns, or (SQLite) the case read joined with it."""
    return sum(1 for s in sent if s.upper().startswith("SELECT") and "HUMAN_TASK.STATUS" in s.upper())


def test_a_claim_is_one_guarded_update_and_its_audit_event(engine):
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    actor = worker_for(task.department)

    with statements(engine) as sent:
        claimed = engine.tasks.claim(task.id, actor)

    assert claimed.assignee == actor.username and claimed.status.value == "claimed"
    assert len(sent) <= CLAIM_AT_MOST[engine.ctx.db.dialect], sent
    assert _count(sent, "UPDATE HUMAN_TASK") == 1 and _task_reads(sent) == 0, sent  # read by its RETURNING
    guarded = next(s for s in sent if s.upper().startswith("UPDATE HUMAN_TASK"))
    assert "status" in guarded.split(" WHERE ", 1)[1], guarded  # the UPDATE itself refuses a lost race
    assert " RETURNING " in guarded.upper(), guarded
    assert _audit_inserts(sent) == 1 and _count(sent, "UPDATE AUDIT_EVENT") == 0, sent


def test_a_completion_reads_each_row_once_and_writes_what_changed(engine):
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    actor = worker_for(task.department)
    engine.tasks.claim(task.id, actor)

    with statements(engine) as sent:
        done = engine.tasks.complete(task.id, forms.INVESTIGATED_NO_FAULT, actor)

    assert done.status.value == "completed" and done.completed_by == actor.username
    assert len(sent) <= COMPLETE_AT_MOST[engine.ctx.db.dialect], sent
    assert _count(sent, "SELECT COMPLAINT_CASE.") == 1, sent  # the case, locked (by the task's id), read once
    assert _task_reads(sent) == 1, sent  # the task, read once (after the lock: as it is now)
    assert not [s for s in sent if "process_definition" in s], sent  # the version comes from the cache
    assert _count(sent, "SELECT CASE_FACT.") == 0, sent  # no fact changed in this step: the row is not read
    assert _writes(sent, "UPDATE HUMAN_TASK") == 1 and _writes(sent, "INSERT INTO HUMAN_TASK") == 1, sent
    assert _audit_inserts(sent) == 1 and _count(sent, "UPDATE AUDIT_EVENT") == 0, sent
    assert_projection_matches_workflow(engine, case.id)  # rows written as differences still match the state


def test_a_completion_that_leaves_the_timers_alone_does_not_touch_their_rows(engine):
    case = open_case(engine)
    task = task_by_bpmn_id(engine, case.id, "Task_OnSpot")
    actor = worker_for(task.department)
    engine.tasks.claim(task.id, actor)
    # Giving the task back and claiming it again changes nothing in the workflow: no timer statement at all.
    with statements(engine) as sent:
        engine.tasks.unclaim(task.id, actor)
        engine.tasks.claim(task.id, actor)
    assert not [s for s in sent if " timer" in s.lower()], sent
    with statements(engine) as sent:
        engine.tasks.complete(task.id, forms.NOT_ON_SPOT, actor)
    deletes = [s for s in sent if s.upper().startswith("DELETE FROM TIMER")]
    assert all("task_id" in s.lower() for s in deletes), deletes  # only the timers that went, never the case's all
    assert_projection_matches_workflow(engine, case.id)


def test_a_due_timer_row_the_workflow_does_not_fire_is_rewritten_from_the_workflow(engine):
    """Timer rows are written only when the armed set changes; a row that no longer says what the state says
    (its time moved, as a retry moves it) is put right by the sweep that finds it due, not checked forever."""
    case = open_case(engine)
    assert_projection_matches_workflow(engine, case.id)
    timers = TimerRow.__table__
    with engine.ctx.db.sql_engine.begin() as conn:  # one row moved into the past, behind the workflow's back
        moved = conn.execute(select(timers.c.id).where(timers.c.case_id == case.id).limit(1)).scalar_one()
        conn.execute(update(timers).where(timers.c.id == moved).values(fire_at=engine.ctx.now() - timedelta(days=1)))

    engine.timers.sweep()
    engine.timers.sweep()

    assert_projection_matches_workflow(engine, case.id)
    assert len(audit_actions(engine, case.id, "timer_checked")) == 1


def test_the_facts_row_is_read_and_written_only_by_a_step_that_changes_a_fact(engine):
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)  # resolved_on_spot stays False
    facts = CaseFactRow.__table__

    def row() -> Any:
        with engine.ctx.db.sql_engine.connect() as conn:
            return conn.execute(select(facts).where(facts.c.case_id == case.id)).one()

    before = row()
    task = task_by_bpmn_id(engine, case.id, "Task_Investigate")
    actor = worker_for(task.department)
    engine.tasks.claim(task.id, actor)
    with statements(engine) as sent:  # the compensation is a fact: the row is read and the column updated
        engine.tasks.complete(task.id, forms.INVESTIGATED_BANK_FAULT, actor)
    assert _count(sent, "SELECT CASE_FACT.") == 1 and _count(sent, "UPDATE CASE_FACT") == 1, sent
    assert (before.compensation_cents, row().compensation_cents) == (0, 5000)

    with statements(engine) as sent:  # the approval changes no fact: the row is neither read nor written
        claim_and_complete(engine, case.id, "Task_Approve", forms.APPROVED)
    assert not [s for s in sent if "case_fact" in s.lower()], sent
    with statements(engine) as sent:  # the reply (notify_method) is a fact too: its time is recorded
        claim_and_complete(engine, case.id, "Task_Notify", forms.NOTIFIED)
    assert _count(sent, "UPDATE CASE_FACT") == 1, sent
    assert before.replied_at is None and row().replied_at is not None
