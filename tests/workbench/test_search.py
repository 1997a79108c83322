"""Search through the engine, both databases: exact number, phone, ID number and name (through keyed hashes,
never clear text), days and codes; each person finds only what they may open."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event, select

from engine.domain.errors import ValidationFailed
from engine.domain.paging import PageRequest
from engine.domain.search import CaseQuery
from engine.persistence.tables import CaseRow
from tests.support.actors import AUDITOR
from tests.support.engines import sql_engine_of
from tests.workbench.search_support import ID_NUMBER, NAME, PHONE, open_bank


@pytest.fixture
def bank(engine):
    return open_bank(engine)


def numbers(engine, who, **query):
    actor = AUDITOR if who == "auditor" else engine.users.actor(who)
    return sorted(c.number for c in engine.search.cases(actor, CaseQuery(**query)).items)


def test_each_person_finds_the_customer_only_within_their_visibility(engine, bank):
    assert numbers(engine, "front_sh02", phone=PHONE) == [bank.shanghai]
    assert numbers(engine, "front_bj01", phone=PHONE) == [bank.beijing]
    assert numbers(engine, "sup_sh", phone=PHONE) == [bank.shanghai]
    assert numbers(engine, "sup_ho", phone=PHONE) == sorted([bank.shanghai, bank.beijing])
    assert numbers(engine, "auditor", phone=PHONE) == sorted([bank.shanghai, bank.beijing])
    assert numbers(engine, "front_bj01", number=bank.shanghai) == []
    assert numbers(engine, "front_sh02", number=bank.shanghai.lower()) == [bank.shanghai]


def test_phone_id_number_and_name_match_exactly_after_normalising(engine, bank):
    both = sorted([bank.shanghai, bank.beijing])
    assert numbers(engine, "sup_ho", phone="+86 138-1234-5678") == both
    assert numbers(engine, "sup_ho", id_number=ID_NUMBER.lower()) == both
    assert numbers(engine, "sup_ho", name=" 张 三 ") == both
    assert numbers(engine, "sup_ho", name="张") == []  # exact match only: a keyed hash has no prefixes
    assert numbers(engine, "sup_ho", phone="1381234567") == []


def test_personal_values_never_reach_the_database_in_clear(engine, bank):
    statements = []
    sql = sql_engine_of(engine)

    def capture(conn, cursor, statement, params, context, many):
        statements.append(f"{statement} {params}")

    event.listen(sql, "before_cursor_execute", capture)
    try:
        numbers(engine, "sup_ho", phone=PHONE, id_number=ID_NUMBER, name=NAME)
    finally:
        event.remove(sql, "before_cursor_execute", capture)
    assert statements
    assert not [s for s in statements if PHONE in s or ID_NUMBER in s or NAME in s or "LIKE" in s.upper()]
    with sql.connect() as conn:
        row = conn.execute(select(CaseRow.phone_key, CaseRow.id_key, CaseRow.name_key, CaseRow.complaint)
                           .where(CaseRow.number == bank.shanghai)).one()
    stored = str(tuple(row))
    assert all(row[:3]) and PHONE not in stored and ID_NUMBER not in stored and NAME not in stored


def test_days_status_unit_department_grade_and_process_filter(engine, bank):
    today = engine.ctx.now().date()
    assert numbers(engine, "sup_ho", received_from=today, received_to=today) == sorted(
        [bank.shanghai, bank.beijing, bank.other])
    assert numbers(engine, "sup_ho", received_from=date(2000, 1, 1), received_to=date(2000, 1, 2)) == []
    assert numbers(engine, "sup_ho", unit="SH02") == sorted([bank.shanghai, bank.other])
    assert numbers(engine, "sup_ho", unit="SH02", grade="important") == [bank.other]
    assert numbers(engine, "sup_ho", status="open", department="branch_front") == sorted(
        [bank.shanghai, bank.beijing, bank.other])
    assert numbers(engine, "sup_ho", status="closed") == []
    assert numbers(engine, "sup_ho", department="complaint_mgmt") == []
    assert numbers(engine, "sup_ho", process_key="branch_complaint", unit="BJ01") == [bank.beijing]
    assert numbers(engine, "sup_ho", process_key="card_complaint") == []


def test_results_are_paged_sorted_and_counted(engine, bank):
    sup = engine.users.actor("sup_ho")
    first = engine.search.cases(sup, CaseQuery(status="open"), PageRequest(page=1, size=2, sort="number"))
    second = engine.search.cases(sup, CaseQuery(status="open"), PageRequest(page=2, size=2, sort="number"))
    everything = sorted([bank.shanghai, bank.beijing, bank.other])
    assert [c.number for c in first.items + second.items] == everything
    assert (first.total, first.pages, first.has_next, second.has_next, first.capped) == (3, 2, True, False, False)
    newest = engine.search.cases(sup, CaseQuery(status="open"), PageRequest(size=10, sort="number", descending=True))
    assert [c.number for c in newest.items] == everything[::-1]


@pytest.mark.parametrize(("query", "field", "code"), [
    (CaseQuery(received_from=date(2024, 10, 2), received_to=date(2024, 10, 1)), "received_to", "end_before_start"),
    (CaseQuery(unit="NOWHERE"), "unit", "unknown_unit_code"),
    (CaseQuery(status="lost"), "status", "search_unknown_code"),
    (CaseQuery(department="nobody"), "department", "search_unknown_code"),
    (CaseQuery(phone="abc"), "phone", "search_phone_digits"),
])
def test_a_wrong_query_names_the_field(engine, bank, query, field, code):
    with pytest.raises(ValidationFailed) as err:
        engine.search.cases(engine.users.actor("sup_ho"), query)
    assert [c for c, _ in err.value.coded[field]] == [code]


def test_cases_stored_before_the_search_keys_get_them_when_migrated(engine, bank):
    from tests.network.support import migrate_down_and_up

    sql = migrate_down_and_up(engine, "0022")
    with sql.connect() as conn:
        keys = conn.execute(select(CaseRow.name_key).where(CaseRow.number.in_([bank.shanghai, bank.other]))).all()
    assert len({k for (k,) in keys}) == 2 and all(k for (k,) in keys)
    assert numbers(engine, "sup_ho", name=NAME) == sorted([bank.shanghai, bank.beijing])
