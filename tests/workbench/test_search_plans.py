"""The case search and the supervisor desk read indexes, on SQLite and PostgreSQL: an exact number, phone, ID
number or name is one index look-up, a day range reads the receipt index (a staff member's: their queues' case
ids), no search scans complaint_case, and the desk reads open tasks from an index without scanning human_task
or complaint_case. Plan shape, not timing (bench/search.py times them at 1M cases).

Over 2,000 copies of one real case spread over units, days, statuses and customers, with fresh statistics;
PostgreSQL would still scan so small a table, so there sequential (and bitmap) scans are switched off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select, update

from engine.domain.matching import id_number_key, name_key, phone_key
from engine.domain.model import Actor, Membership, Role
from engine.domain.paging import PageRequest
from engine.domain.search import CaseQuery
from engine.persistence.tables import CaseRow, HumanTaskRow
from tests.support.driver import open_case
from tests.support.engines import sql_engine_of

ROWS = 2_000
UNITS = ["SH01", "SH02", "BJ01", "BJ02", "SH", "BJ", "HO", "CC"]
HEAD_OFFICE = Actor("sup_ho", frozenset({"complaint_mgmt"}), frozenset({Role.STAFF, Role.SUPERVISOR}),
                    frozenset({Membership("HO", "complaint_mgmt")}),
                    frozenset(UNITS))
OUTLET = Actor("front_sh01", frozenset({"branch_front"}), frozenset({Role.STAFF}),
               frozenset({Membership("SH01", "branch_front")}))


@pytest.fixture
def crowd(engine: Any) -> None:
    """One real case copied 2,000 times: numbers, customers (phone, ID number, name), units, days, statuses."""
    sql = sql_engine_of(engine)
    open_case(engine)
    key = engine.ctx.settings.match_key
    with sql.begin() as conn:
        first = dict(conn.execute(select(*CaseRow.__table__.columns)).mappings().first() or {})
        rows = [first | {"id": first["id"] + 1 + n, "number": f"PLAN-{n:06d}", "unit": UNITS[n % len(UNITS)],
                         "status": "open" if n % 10 == 0 else "closed",
                         "received_at": first["received_at"] - timedelta(hours=2 * n),
                         "phone_key": phone_key(f"139{n % 3000:08d}", key),
                         "id_key": id_number_key(f"31010119900101{n % 3000:04d}", key),
                         "name_key": name_key(f"客户{n % 900}", key),
                         "internal_due_at": first["internal_due_at"] - timedelta(days=30 if n % 3 == 0 else 0)}
                for n in range(ROWS)]
        conn.execute(insert(CaseRow), rows)
        _crowd_tasks(conn, [r["id"] for r in rows])
    sqlite = sql.dialect.name == "sqlite"  # (its ANALYZE on an AUTOCOMMIT connection left no statistics)
    with sql.begin() if sqlite else sql.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("complaint_case", "human_task"):
            conn.exec_driver_sql(f"ANALYZE {table}" if sqlite else f"VACUUM ANALYZE {table}")


def _crowd_tasks(conn: Any, case_ids: list[int]) -> None:
    """A task of each copied case (copies of the real case's first task): in the units' queues, a third of
    them open, due over the coming and past days."""
    first = dict(conn.execute(select(*HumanTaskRow.__table__.columns)).mappings().first() or {})
    rows = [first | {"id": f"plan-task-{n:06d}", "case_id": case_id, "unit": UNITS[n % len(UNITS)],
                     "status": ("ready", "claimed", "completed")[n % 3],
                     "due_at": first["created_at"] + timedelta(hours=n - ROWS // 2)}
            for n, case_id in enumerate(case_ids)]
    conn.execute(insert(HumanTaskRow), rows)
    conn.execute(update(HumanTaskRow).where(HumanTaskRow.id.like("plan-task-%"), HumanTaskRow.status != "completed")
                 .values(assignee=None, completed_at=None, completed_by=None))


# sqlite_stat1 of the bank bench/search.py seeds at 1M cases (ANALYZE): what SQLite weighs a plan with at scale.
BANK_STATS = {
    "ix_complaint_case_id_key": "1000000 2 1", "ix_complaint_case_id_status_received": "1000000 1 1 1",
    "ix_complaint_case_name_key": "1000000 74 1", "ix_complaint_case_phone_key": "1000000 2 1",
    "ix_complaint_case_received_at": "1000000 123", "ix_complaint_case_regulatory_due": "1000000 123",
    "ix_complaint_case_status": "1000000 500000", "ix_complaint_case_unit": "1000000 3334",
    "ix_complaint_case_unit_status_received": "1000000 3334 1667 2", "sqlite_autoindex_complaint_case_1": "1000000 1",
    "ix_human_task_case_id": "2899566 3", "ix_human_task_queue_case": "2899566 9445 3173 2",
    "ix_human_task_queue_order": "2899566 9445 3173 1058 666 2 2 1",
    "ix_human_task_unit_open": "2899566 9445 3149 2 2 1",
    "ix_human_task_open_due": "2899566 966522 73", "sqlite_autoindex_human_task_1": "2899566 1",
}


def _at_bank_scale(conn: Any, sqlite: bool) -> None:
    """Plan as at 1M cases: SQLite with the bank's statistics; PostgreSQL (which sizes a table by its file, not
    its statistics) with nested loops only, the join it picks when a queue's ~2,000 cases are a sliver of a
    million (at 2,000 rows it would hash-join a whole index instead)."""
    if sqlite:
        for index, stat in BANK_STATS.items():
            conn.exec_driver_sql("UPDATE sqlite_stat1 SET stat = ? WHERE idx = ?", (stat, index))
        conn.exec_driver_sql("ANALYZE sqlite_schema")  # load the statistics just written
    else:
        conn.exec_driver_sql("SET enable_hashjoin = off")
        conn.exec_driver_sql("SET enable_mergejoin = off")


def plan_of(engine: Any, call: Callable[[], object], table: str = "complaint_case", at_scale: bool = False) -> str:
    """The database's plan of the page statement `call` runs (the first reading `table`; `at_scale`: planned as
    at 1M cases, see _at_bank_scale)."""
    sql = sql_engine_of(engine)
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if f"FROM {table}" in statement:
            seen.append((statement, params))

    event.listen(sql, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(sql, "before_cursor_execute", capture)
    statement, params = seen[0]
    with sql.connect() as conn:
        if at_scale:
            _at_bank_scale(conn, sql.dialect.name == "sqlite")
        if sql.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
            conn.rollback()
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_bitmapscan = off")
            conn.exec_driver_sql("UPDATE pg_class SET relallvisible = relpages "
                                 "WHERE oid IN ('complaint_case'::regclass, 'human_task'::regclass)")
            rows = conn.exec_driver_sql("EXPLAIN (COSTS OFF) " + statement, params).all()
            conn.rollback()
    return "\n".join(str(r[-1]) for r in rows)


SEARCHES = {
    "number": ("sqlite_autoindex_complaint_case_1|complaint_case_number_key", CaseQuery(number="PLAN-000042")),
    "phone": ("ix_complaint_case_phone_key", CaseQuery(phone="13900000042")),
    "id number": ("ix_complaint_case_id_key", CaseQuery(id_number="310101199001010042")),
    "name": ("ix_complaint_case_name_key", CaseQuery(name="客户42")),
    "days": ("ix_complaint_case_received_at", CaseQuery(received_from=date(2024, 9, 1),
                                                         received_to=date(2024, 9, 3))),
}


@pytest.mark.parametrize("who", [HEAD_OFFICE, OUTLET], ids=["head office", "outlet staff"])
@pytest.mark.parametrize("name", sorted(SEARCHES))
def test_a_search_looks_its_key_up_in_an_index(engine, db_kind, crowd, name, who):
    indexes, query = SEARCHES[name]
    if who is OUTLET and name == "days":
        indexes = "ix_human_task_queue_case"  # a staff member's range starts from their queues' cases
    plan = plan_of(engine, lambda: engine.search.cases(who, query))
    used = [i for i in indexes.split("|") if i in plan]
    assert used, plan
    assert_no_scan(plan, db_kind)


def assert_no_scan(plan: str, db_kind: str) -> None:
    for table in ("complaint_case", "human_task"):
        scan = f"SCAN {table}" if db_kind == "sqlite" else f"Seq Scan on {table}"
        assert scan not in plan, plan


def test_a_staff_members_month_of_closed_cases_starts_from_their_queues(engine, db_kind, crowd):
    """The month's cases are many, the member's few: the plan reads the queue's case ids from
    ix_human_task_queue_case and checks each case's status and day by its key in the narrow
    ix_complaint_case_id_status_received alone (SQLite: a covering index; PostgreSQL: an index-only scan), never
    the wide case rows nor the month's cases in receipt order. Planned as at 1M cases: at 2,000 the month's
    cases are few, and reading them is the cheaper plan."""
    query = CaseQuery(status="closed", received_from=date(2024, 8, 1), received_to=date(2024, 9, 30))
    plan = plan_of(engine, lambda: engine.search.cases(OUTLET, query), at_scale=True)
    assert "ix_human_task_queue_case" in plan, plan
    if db_kind == "sqlite":
        assert "SEARCH complaint_case USING COVERING INDEX ix_complaint_case_id_status_received (id=?" in plan, plan
    else:
        assert "Index Only Scan using ix_complaint_case_id_status_received" in plan, plan
        assert "Index Cond: ((id = human_task.case_id)" in plan, plan  # a look-up by key, not a walk of it all
    assert "complaint_case_pkey" not in plan and "INTEGER PRIMARY KEY" not in plan, plan  # no wide row read
    assert_no_scan(plan, db_kind)


def test_one_units_cases_of_some_days_are_read_in_receipt_order_of_that_unit(engine, db_kind, crowd):
    query = CaseQuery(status="open", unit="SH01", received_from=date(2024, 8, 1), received_to=date(2024, 9, 30))
    plan = plan_of(engine, lambda: engine.search.cases(HEAD_OFFICE, query))
    assert "ix_complaint_case_unit_status_received" in plan, plan
    assert_no_scan(plan, db_kind)


def _desk(engine: Any, actor: Actor) -> object:
    now = engine.ctx.now()
    return engine.tasks.desk(actor, engine.ctx.calendar.add_workdays(now, 1) - now, PageRequest(size=25, sort="due"))


def _supervisor(units: frozenset[str]) -> Actor:
    return Actor("sup", frozenset({"complaint_mgmt"}), frozenset({Role.STAFF, Role.SUPERVISOR}),
                 frozenset({Membership("HO", "complaint_mgmt")}), units)


def test_head_offices_desk_reads_open_tasks_in_list_order_from_an_index(engine, db_kind, crowd):
    """The whole bank's open tasks due within a day come from an index of open tasks (PostgreSQL: the partial
    one, in list order; SQLite's planner picks (status, due_at) at this size): no look at each one's case."""
    head_office = _supervisor(frozenset(engine.ctx.organisation.units))
    plan = plan_of(engine, lambda: _desk(engine, head_office), table="human_task")
    assert "ix_human_task_open_order" in plan or (db_kind == "sqlite" and "ix_human_task_open_due" in plan), plan
    assert "complaint_case" not in plan, plan
    assert_no_scan(plan, db_kind)


def test_a_branch_desk_reads_its_units_open_tasks_from_an_index(engine, db_kind, crowd):
    branch = _supervisor(frozenset({"SH", "SH01", "SH02"}))
    plan = plan_of(engine, lambda: _desk(engine, branch), table="human_task")
    assert "ix_human_task_unit_open" in plan or "ix_human_task_open_order" in plan, plan
    assert "complaint_case" not in plan, plan
    assert_no_scan(plan, db_kind)



def test_the_desks_pages_are_those_of_one_list_sorted_by_due_time(engine, crowd):
    """The desk reads its tasks due within a day first and then the other tasks of late cases (desk.py); its
    pages, read one after another across that boundary, are the one list of both sorted by due time."""
    head_office = _supervisor(frozenset(engine.ctx.organisation.units))
    now = engine.ctx.now()
    within = engine.ctx.calendar.add_workdays(now, 1) - now
    before = _naive(now + within)
    with sql_engine_of(engine).connect() as conn:
        rows = conn.execute(select(HumanTaskRow.id, HumanTaskRow.due_at, HumanTaskRow.created_at,
                                   CaseRow.internal_due_at, CaseRow.regulatory_due_at)
                            .join(CaseRow, CaseRow.id == HumanTaskRow.case_id)
                            .where(HumanTaskRow.status.in_(("ready", "claimed")))).all()
    due = [r for r in rows if r.due_at is not None and _naive(r.due_at) < before]
    late = [r for r in rows if r not in due and any(d is not None and _naive(d) < before
                                                    for d in (r.internal_due_at, r.regulatory_due_at))]
    assert due and late  # both parts of the desk are there
    expected = sorted(due + late, key=lambda r: (r.due_at is None, _naive(r.due_at or before), _naive(r.created_at)))
    pages = [engine.tasks.desk(head_office, within, PageRequest(size=37, sort="due", page=n))
             for n in range(1, len(expected) // 37 + 3)]
    listed = [t for p in pages for t in p.items]
    assert [t.id for t in listed if t.id in {r.id for r in due}] == [t.id for t in listed[:len(due)]]
    assert sorted(t.id for t in listed) == sorted(r.id for r in expected)
    assert [t.due_at and _naive(t.due_at) for t in listed] == [r.due_at and _naive(r.due_at) for r in expected]
    assert pages[0].total == min(len(expected), 1000)


def _naive(moment: Any) -> Any:
    """A moment as naive UTC (how the columns store it)."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
