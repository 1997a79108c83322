"""Repeat complaints (重复投诉), on SQLite and PostgreSQL: each case keeps keyed hashes of its complainant's phone
and ID number (never the numbers in clear for matching); intake finds the same customer's open and recent cases
by either one, within what the registering person may see; a repeat inside the first case's regulatory period
is merged into it; the repeat count is computed, not typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command

from engine.domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from engine.domain.matching import id_number_key, match_keys, normal_phone, phone_key
from engine.domain.model import Actor, CaseStatus, Membership, Role
from engine.domain.repeats import REPEAT_WINDOW_DAYS
from engine.persistence.db import alembic_config
from engine.schemas.messages import REPEAT_COUNT_COMPUTED
from tests.support.actors import ADMIN, AUDITOR, FRONT
from tests.support.complaints import complaint
from tests.support.driver import audit_actions, open_case, open_tasks
from tests.support.engines import clock_of, make_engine, sql_engine_of

PHONE, ID_NUMBER = "13812345678", "31010119900101123X"


def stored_keys(engine, case_id):
    with sql_engine_of(engine).connect() as conn:
        return tuple(conn.execute(sa.text("SELECT phone_key, id_key FROM complaint_case WHERE id = :id"),
                                  {"id": case_id}).one())


def test_phone_and_id_number_keys_name_the_identifier_not_its_spelling():
    assert normal_phone("+86 138-1234-5678") == PHONE
    assert phone_key("+86 138-1234-5678", "k") == phone_key(PHONE, "k")
    assert id_number_key(" 31010119900101123x ", "k") == id_number_key(ID_NUMBER, "k")
    assert phone_key(PHONE, "k") != phone_key(PHONE, "other key")
    assert id_number_key(PHONE, "k") != phone_key(PHONE, "k")  # one text as ID number and as phone: two keys
    assert phone_key("", "k") is None and id_number_key("  ", "k") is None
    keys = match_keys({"contact_phone": PHONE, "id_number": ""}, "k")
    assert (keys.phone, keys.id_number) == (phone_key(PHONE, "k"), None)
    assert len(keys.phone or "") == 32 and PHONE not in (keys.phone or "")


def test_each_case_stores_the_keys_of_its_complainant(engine):
    key = engine.ctx.settings.match_key
    with_id = open_case(engine, contact_phone=PHONE, id_number=ID_NUMBER)
    phone_only = open_case(engine, contact_phone="+8613812345678", id_type="passport", id_number="")
    assert stored_keys(engine, with_id.id) == (phone_key(PHONE, key), id_number_key(ID_NUMBER, key))
    assert stored_keys(engine, phone_only.id) == (phone_key(PHONE, key), None)


def test_the_migration_computes_the_keys_of_existing_cases(engine):
    case = open_case(engine, contact_phone=PHONE, id_number=ID_NUMBER)
    expected = stored_keys(engine, case.id)
    cfg = alembic_config(sql_engine_of(engine), sealer=engine.ctx.db.sealer)
    command.downgrade(cfg, "0016")
    engine.init_db()  # what `complaintflow init-db` does after an upgrade of the code
    assert stored_keys(engine, case.id) == expected


def test_key_rotation_recomputes_the_keys_with_the_match_key(engine, db_url, tmp_path):
    case = open_case(engine, contact_phone=PHONE, id_number=ID_NUMBER)
    other = make_engine(db_url, tmp_path / "other", data_keys=engine.ctx.settings.data_keys, match_key="another")
    try:
        assert other.data_keys.rotate(ADMIN) >= 1
        assert stored_keys(other, case.id) == (phone_key(PHONE, "another"), id_number_key(ID_NUMBER, "another"))
    finally:
        other.dispose()


# -- intake: the same customer's open and recent cases ------------------------------------------------------

def member(username, unit, department="branch_front", *roles):
    return Actor(username, frozenset({department}), frozenset({Role.STAFF, *roles}),
                 frozenset({Membership(unit, department)}))


FRONT_SH01, FRONT_BJ01 = member("front_sh01", "SH01"), member("front_bj01", "BJ01")
SUP_SH = Actor("sup_sh", frozenset({"service_mgmt"}), frozenset({Role.STAFF, Role.SUPERVISOR}),
               frozenset({Membership("SH", "service_mgmt")}), oversees=frozenset({"SH", "SH01", "SH02"}))


def open_at(engine, unit, actor, **fields):
    return engine.cases.open_case(None, complaint(**fields), actor, unit)


def test_intake_finds_the_customer_s_cases_by_phone_or_by_id_number_within_what_the_user_sees(engine):
    by_id = open_at(engine, "SH01", FRONT_SH01, contact_phone="13900000001", id_number=ID_NUMBER)
    by_phone = open_at(engine, "SH01", FRONT_SH01, contact_phone=PHONE, id_number="")
    open_at(engine, "SH01", FRONT_SH01, contact_phone="13700000000", id_number="110101198803150019")  # another
    elsewhere = open_at(engine, "BJ01", FRONT_BJ01, contact_phone=PHONE, id_number=ID_NUMBER)
    clock_of(engine).advance(timedelta(hours=2))
    new = open_at(engine, "SH01", FRONT_SH01, contact_phone=PHONE, id_number=ID_NUMBER)

    found = engine.repeats.same_customer(new.number, FRONT_SH01)
    assert [(c.number, c.same_phone, c.same_id_number) for c in found] == [
        (by_phone.number, True, False), (by_id.number, False, True)]  # newest first; BJ01's case is not theirs
    assert all(c.is_open for c in found)
    assert elsewhere.number in [c.number for c in engine.repeats.same_customer(new.number, ADMIN)]
    assert engine.repeats.same_customer_as({"contact_phone": "+86 138 1234 5678"}, SUP_SH)[-1].number == \
        by_phone.number
    # the repeat count is computed: three earlier complaints of this person (by phone or ID number)
    assert new.complaint["repeat_count"] == 3 and by_id.complaint["repeat_count"] == 0
    with pytest.raises(NotFound):
        engine.repeats.same_customer(new.number, FRONT_BJ01)


def test_closed_cases_older_than_the_window_are_not_shown(engine):
    first = open_case(engine, contact_phone=PHONE)
    with sql_engine_of(engine).begin() as conn:  # a case closed long ago
        conn.execute(sa.text("UPDATE complaint_case SET status = 'closed' WHERE id = :id"), {"id": first.id})
    clock_of(engine).advance(timedelta(days=REPEAT_WINDOW_DAYS + 1))
    second = open_case(engine, contact_phone=PHONE)
    assert engine.repeats.same_customer(second.number, ADMIN) == []
    assert second.complaint["repeat_count"] == 0


def test_a_typed_repeat_count_is_refused_with_a_clear_message(engine):
    with pytest.raises(ValidationFailed) as refused:
        open_case(engine, repeat_count=0)
    assert refused.value.errors["repeat_count"] == [REPEAT_COUNT_COMPUTED]  # worded in zh/en by webui.messages
    with engine.ctx.db.read() as uow:
        assert uow.read.case_id_by_number("TS-20240927-000001") is None  # nothing stored


# -- merging a repeat into the first case ----------------------------------------------------------------

def report_of(engine):
    reports = engine.reports
    return reports.report(reports.parse_request({"start": "2024-09-01", "end": "2024-10-31"}), ADMIN)


def test_a_repeat_inside_the_regulatory_period_is_merged_and_follows_the_first_case(engine):
    first = open_case(engine, contact_phone=PHONE, id_number=ID_NUMBER)
    clock_of(engine).advance(timedelta(days=3))
    repeat = open_case(engine, contact_phone=PHONE, id_number="")  # the same phone, no ID number this time
    assert open_tasks(engine, repeat.id)

    merged = engine.repeats.merge(repeat.number, first.number, FRONT)

    assert merged.status == CaseStatus.MERGED and merged.merged_into_id == first.id
    assert (merged.regulatory_due_at, merged.internal_due_at) == (first.regulatory_due_at, first.internal_due_at)
    assert open_tasks(engine, repeat.id) == []  # no handling of its own
    with sql_engine_of(engine).connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM timer WHERE case_id = :id"), {"id": repeat.id}).scalar() == 0
    assert audit_actions(engine, repeat.id, "case_merged")[0].data["into"] == first.number
    assert audit_actions(engine, first.id, "repeat_merged")[0].data["repeat"] == repeat.number
    assert engine.timers.sweep().failed == []
    # the reports count one complaint with a repeat
    report = report_of(engine)
    assert report.volume.total == 1
    assert (report.quality.repeat_cases.numerator, report.quality.repeat_cases.denominator) == (1, 2)
    assert report.quality.merged_repeats == 1


def test_merging_is_refused_outside_the_period_for_another_customer_and_across_units(engine):
    first = open_at(engine, "SH01", FRONT_SH01, contact_phone=PHONE)
    other = open_at(engine, "SH01", FRONT_SH01, contact_phone="13700000000", id_number="110101198803150019")
    with pytest.raises(Conflict) as refused:
        engine.repeats.merge(other.number, first.number, FRONT_SH01)
    assert refused.value.code == "merge_other_customer"
    elsewhere = open_at(engine, "BJ01", FRONT_BJ01, contact_phone=PHONE)
    with pytest.raises(NotFound):
        engine.repeats.merge(elsewhere.number, first.number, FRONT_BJ01)  # first is not theirs to see
    with pytest.raises(Forbidden):
        engine.repeats.merge(elsewhere.number, first.number, AUDITOR)
    clock_of(engine).set(first.regulatory_due_at + timedelta(minutes=1))
    late = open_at(engine, "SH01", FRONT_SH01, contact_phone=PHONE)
    with pytest.raises(Conflict) as refused:
        engine.repeats.merge(late.number, first.number, FRONT_SH01)
    assert refused.value.code == "merge_outside_period"
    with pytest.raises(Conflict) as refused:
        engine.repeats.merge(first.number, late.number, FRONT_SH01)  # never into a later case
    assert refused.value.code == "merge_outside_period"
    assert engine.cases.summary(late.id).status == CaseStatus.OPEN
    assert audit_actions(engine, elsewhere.id, "case_merged") == []
