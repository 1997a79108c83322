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


# -- shards and anchors (issue #21: writers no longer queue on one chain head) ------------------------------
def _work_in_shards(engine, monkeypatch, shards) -> None:
    """Some work whose transactions commit into each of `shards` in turn (as workers of other processes would)."""
    from engine.persistence import audit_chain

    for shard in shards:
        monkeypatch.setattr(audit_chain, "own_shard", lambda shard=shard: shard)
        _some_work(engine)


def _shard_events(engine, shard):
    with engine.ctx.db.read() as uow:
        query = select(AuditEventRow.id, AuditEventRow.seq, AuditEventRow.hash).where(AuditEventRow.shard == shard)
        return uow.session.execute(query.order_by(AuditEventRow.seq)).all()


@pytest.mark.parametrize("tampered_shard", [2, 5])
def test_tampering_with_any_shard_is_detected(engine, monkeypatch, tampered_shard):
    _work_in_shards(engine, monkeypatch, [2, 5, 2])
    assert _verify(engine).intact
    assert len(_shard_events(engine, 2)) >= 6 and len(_shard_events(engine, 5)) >= 3  # 3 events a work
    victim = _shard_events(engine, tampered_shard)[1]
    with sql_engine_of(engine).begin() as conn:
        conn.execute(update(AuditEventRow).where(AuditEventRow.id == victim.id).values(data={"forged": True}))
    report = _verify(engine)
    assert not report.intact
    assert f"shard {tampered_shard}: seq 2" in (report.problem or "") and "was changed" in (report.problem or "")
    assert report.broken_at == 2


def test_moving_an_event_to_another_shard_or_cutting_a_shards_tail_is_detected(engine, monkeypatch):
    _work_in_shards(engine, monkeypatch, [3, 4])
    last_of_four = _shard_events(engine, 4)[-1]
    with sql_engine_of(engine).begin() as conn:
        conn.execute(delete(AuditEventRow).where(AuditEventRow.id == last_of_four.id))
    cut = _verify(engine)
    assert not cut.intact and "shard 4" in (cut.problem or "") and "removed" in (cut.problem or "")
    with sql_engine_of(engine).begin() as conn:  # put it back, but into shard 3 at the next place
        conn.execute(update(AuditEventRow).where(AuditEventRow.shard == 3, AuditEventRow.seq == 1)
                     .values(shard=4, seq=last_of_four.seq))
    moved = _verify(engine)
    assert not moved.intact and "shard 3: seq 1 is missing" in (moved.problem or "")


def test_an_anchor_catches_a_shard_rewritten_with_its_head(engine, monkeypatch):
    from engine.persistence.audit_chain import GENESIS, event_hash
    from engine.persistence.tables import AuditChainRow

    _work_in_shards(engine, monkeypatch, [6])
    assert engine.audit.anchor() == 1
    assert engine.audit.anchor() is None  # not due again yet
    report = _verify(engine)
    assert report.intact and report.anchor and report.anchor.startswith("1:")
    # Someone with database access rewrites shard 6 consistently: new content, every hash and the head redone.
    with sql_engine_of(engine).begin() as conn:
        rows = conn.execute(select(AuditEventRow).where(AuditEventRow.shard == 6).order_by(AuditEventRow.seq)).all()
        prev = GENESIS
        for row in rows:
            actor = "nobody" if row.seq == 1 else row.actor
            digest = event_hash(row.seq, prev, row.at, actor, row.action, row.case_id, row.task_id, row.data)
            conn.execute(update(AuditEventRow).where(AuditEventRow.id == row.id)
                         .values(actor=actor, prev_hash=prev, hash=digest))
            prev = digest
        conn.execute(update(AuditChainRow).where(AuditChainRow.id == 6).values(last_hash=prev))
    rewritten = _verify(engine)
    assert not rewritten.intact
    assert "anchor 1 recorded shard 6" in (rewritten.problem or "")


def test_a_writer_takes_a_free_shard_instead_of_waiting(engine, monkeypatch):
    """PostgreSQL: while one transaction holds this process's shard head, another commits into the next one.
    SQLite has one writer at a time: there a writer always uses its own shard."""
    from engine.persistence import audit_chain
    from engine.persistence.tables import AuditChainRow

    monkeypatch.setattr(audit_chain, "own_shard", lambda: 7)
    before = {shard: len(_shard_events(engine, shard)) for shard in (7, 8)}  # deploying wrote some events
    if engine.ctx.db.dialect != "postgresql":
        _some_work(engine)
        assert len(_shard_events(engine, 7)) >= before[7] + 3
        return
    with sql_engine_of(engine).connect() as holder, holder.begin():
        holder.execute(select(AuditChainRow.id).where(AuditChainRow.id == 7).with_for_update())
        _some_work(engine)  # would wait for the lock timeout if it needed shard 7
    assert len(_shard_events(engine, 7)) == before[7]
    assert len(_shard_events(engine, 8)) >= before[8] + 3
    assert _verify(engine).intact
