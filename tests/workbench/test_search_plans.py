"""The case search reads indexes, on SQLite and PostgreSQL: an exact number, phone, ID number or name is one
index look-up, a day range reads the receipt index, and no search scans complaint_case. Plan shape, not timing
(bench/search.py times them at 1M cases).

Over 2,000 copies of one real case spread over units, days, statuses and customers, with fresh statistics;
PostgreSQL would still scan so small a table, so there sequential (and bitmap) scans are switched off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from engine.domain.matching import id_number_key, name_key, phone_key
from engine.domain.model import Actor, Membership, Role
from engine.domain.search import CaseQuery
from engine.persistence.tables import CaseRow
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
                         "name_key": name_key(f"客户{n % 900}", key)}
                for n in range(ROWS)]
        conn.execute(insert(CaseRow), rows)
    with sql.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("complaint_case", "human_task"):
            conn.exec_driver_sql(f"ANALYZE {table}" if sql.dialect.name == "sqlite" else f"VACUUM ANALYZE {table}")


def plan_of(engine: Any, call: Callable[[], object]) -> str:
    """The database's plan of the page statement `call` runs (the first on complaint_case)."""
    sql = sql_engine_of(engine)
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if "FROM complaint_case" in statement:
            seen.append((statement, params))

    event.listen(sql, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(sql, "before_cursor_execute", capture)
    statement, params = seen[0]
    with sql.connect() as conn:
        if sql.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_bitmapscan = off")
            conn.exec_driver_sql(
                "UPDATE pg_class SET relallvisible = relpages WHERE oid = 'complaint_case'::regclass")
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
    plan = plan_of(engine, lambda: engine.search.cases(who, query))
    used = [i for i in indexes.split("|") if i in plan]
    assert used, plan
    if db_kind == "sqlite":
        assert "SCAN complaint_case" not in plan, plan
    else:
        assert "Seq Scan on complaint_case" not in plan, plan
