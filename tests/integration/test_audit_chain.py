"""The audit trail is hash-chained: editing, deleting or reordering a stored event is detected, and
concurrent writers never fork the chain."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from engine.persistence.tables import AuditEventRow
from tests.support import complaints as forms
from tests.support.concurrency import race
from tests.support.driver import claim_and_complete, open_case
from tests.support.engines import sql_engine_of


def _verify(engine):
    with engine.ctx.db.read() as uow:
        return uow.audit.verify()


def _events(engine):
    with engine.ctx.db.read() as uow:
        query = select(AuditEventRow.id, AuditEventRow.seq, AuditEventRow.prev_hash, AuditEventRow.hash)
        return uow.session.execute(query.order_by(AuditEventRow.seq)).all()


def _some_work(engine) -> int:
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    return case.id


def test_a_fresh_trail_verifies_and_every_event_is_chained(engine):
    _some_work(engine)
    events = _events(engine)
    assert len(events) >= 4
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    report = _verify(engine)
    assert report.intact, report.problem
    assert report.checked == len(events)


def test_an_edited_event_is_the_first_broken_link(engine):
    _some_work(engine)
    _some_work(engine)
    target = _events(engine)[3]
    with sql_engine_of(engine).begin() as conn:  # someone with database access rewrites history
        conn.execute(update(AuditEventRow).where(AuditEventRow.id == target.id).values(actor="nobody"))
    report = _verify(engine)
    assert not report.intact
    assert report.broken_at == target.seq
    assert "was changed" in (report.problem or "")
    assert report.checked == target.seq - 1


def test_a_deleted_event_and_a_truncated_tail_are_detected(engine):
    _some_work(engine)
    events = _events(engine)
    with sql_engine_of(engine).begin() as conn:
        conn.execute(delete(AuditEventRow).where(AuditEventRow.id == events[-1].id))
    tail = _verify(engine)
    assert not tail.intact and "removed" in (tail.problem or "")
    with sql_engine_of(engine).begin() as conn:
        conn.execute(delete(AuditEventRow).where(AuditEventRow.id == events[1].id))
    middle = _verify(engine)
    assert middle.broken_at == 2 and "seq 2 is missing" in (middle.problem or "")


def test_concurrent_writers_keep_one_unbroken_chain(engine):
    outcomes = race({f"writer-{n}": (lambda: _some_work(engine)) for n in range(4)})
    assert all(o.ok for o in outcomes.values()), {n: o.error for n, o in outcomes.items()}
    report = _verify(engine)
    assert report.intact, report.problem
    assert report.checked == len(_events(engine))


def test_cli_audit_verify_reports_the_first_broken_link(engine, db_url, tmp_path, monkeypatch, capsys):
    from webui.cli import main

    _some_work(engine)
    monkeypatch.setenv("COMPLAINTFLOW_DATABASE_URL", db_url)
    monkeypatch.setenv("COMPLAINTFLOW_INSTANCE_DIR", str(tmp_path / "cli"))
    monkeypatch.setenv("COMPLAINTFLOW_SECRET_KEY", "test")
    assert main(["audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out
    second = _events(engine)[1]
    with sql_engine_of(engine).begin() as conn:
        conn.execute(update(AuditEventRow).where(AuditEventRow.id == second.id).values(data={"forged": True}))
    with pytest.raises(SystemExit) as broken:
        main(["audit", "verify"])
    assert broken.value.code == 1
    assert "BROKEN at event 2" in capsys.readouterr().out
