"""The task lists of a bank's network read indexes, on SQLite and PostgreSQL: an outlet's queue page in index
order (no sort), a branch supervisor's subtree views (51 units) from index entries alone before reading the
page's rows. Plan shape, not timing (bench/inbox.py times them at 1M cases).

The SQL is the one the services run (captured as they execute), over a few thousand task rows spread like a
bank's (most completed, over many units and departments) with fresh statistics; PostgreSQL would still scan
so small a table, so there sequential (and bitmap) scans are switched off to see which index it picks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert, select

from engine.domain.model import Actor, Membership, Role
from engine.persistence.tables import HumanTaskRow
from tests.support.driver import open_case
from tests.support.engines import sql_engine_of

ROWS = 4_000  # due three minutes apart: from a week ago to a day ahead
OUTLET_QUEUE = Membership("SH01", "branch_manager")
# A branch of 50 outlets, as its supervisor's subtree (the units need not exist for the plan).
BRANCH = frozenset({"SH", *(f"SH{n:02d}" for n in range(1, 51))})


def outlet_manager() -> Actor:
    return Actor("mgr_sh01", frozenset({OUTLET_QUEUE.department}), frozenset({Role.STAFF}),
                 frozenset({OUTLET_QUEUE}))


def branch_supervisor() -> Actor:
    own = Membership("SH", "service_mgmt")
    return Actor("sup_sh", frozenset({own.department}), frozenset({Role.STAFF, Role.SUPERVISOR}),
                 frozenset({own}), BRANCH)


@pytest.fixture
def crowd(engine: Any) -> None:
    """One real case's first task copied 4,000 times over 301 units, 4 departments and the statuses, due
    (in no particular order of the rows) from a week ago to a day ahead."""
    sql = sql_engine_of(engine)
    open_case(engine)
    with sql.begin() as conn:
        first = dict(conn.execute(select(*HumanTaskRow.__table__.columns)).mappings().first() or {})
        soon = first["created_at"] - timedelta(days=7)  # most open tasks overdue, as on a busy desk
        units = [*sorted(BRANCH), *(f"X{n:03d}" for n in range(250))]  # the branch: a sixth of the bank
        departments = ["branch_front", "branch_manager", "branch_head", "service_mgmt"]
        rows = [first | {"id": f"plan-{n:06d}", "unit": units[n % len(units)], "department": departments[n % 4],
                         "status": ("ready", "claimed", *["completed"] * 8)[n % 10],
                         "assignee": f"person{n % 300}", "due_at": soon + timedelta(minutes=3 * (n * 7919 % ROWS))}
                for n in range(ROWS)]
        conn.execute(insert(HumanTaskRow), rows)
    with sql.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE human_task" if sql.dialect.name == "sqlite" else "VACUUM ANALYZE human_task")


@contextmanager
def captured(engine: Any) -> Iterator[list[tuple[str, Any]]]:
    """The statements on human_task the engine runs meanwhile, with their parameters."""
    sql = sql_engine_of(engine)
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if "FROM human_task" in statement:
            seen.append((statement, params))

    event.listen(sql, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(sql, "before_cursor_execute", capture)


def plan_of(engine: Any, call: Callable[[], object]) -> str:
    """The database's plan of the one task-list statement `call` runs, one line per step."""
    with captured(engine) as seen:
        call()
    assert len(seen) == 1, seen
    statement, params = seen[0]
    sql = sql_engine_of(engine)
    with sql.connect() as conn:
        if sql.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            conn.exec_driver_sql("SET enable_bitmapscan = off")
            # VACUUM marks the pages all-visible only when no older transaction runs anywhere on the server
            # (other test runs share it); a live table's are, and index-only scans are costed from that.
            conn.exec_driver_sql("UPDATE pg_class SET relallvisible = relpages WHERE oid = 'human_task'::regclass")
            rows = conn.exec_driver_sql("EXPLAIN (COSTS OFF) " + statement, params).all()
            conn.rollback()
    return "\n".join(str(r[-1]) for r in rows)


ONE_QUEUE_LISTS = {
    # An outlet's queue page (/queue/<department>) for a member of that queue.
    "outlet queue": ("ix_human_task_queue_order", "unit=? AND department=? AND status=?",
                     "((unit)::text = 'SH01'::text) AND ((department)::text = 'branch_manager'::text)",
                     lambda engine: engine.tasks.queue(outlet_manager(), OUTLET_QUEUE.department)),
    # My inbox: the tasks I claimed.
    "inbox": ("ix_human_task_assignee_order", "assignee=? AND status=?", "((assignee)::text = 'mgr_sh01'::text)",
              lambda engine: engine.tasks.inbox(outlet_manager())),
}


@pytest.mark.parametrize("name", sorted(ONE_QUEUE_LISTS))
def test_an_outlet_list_page_is_read_in_index_order(engine, db_kind, crowd, name):
    index, sqlite_terms, postgres_condition, call = ONE_QUEUE_LISTS[name]
    plan = plan_of(engine, lambda: call(engine))
    if db_kind == "sqlite":
        assert f"USING INDEX {index} ({sqlite_terms})" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
    else:
        assert f"Index Scan using {index}" in plan, plan
        assert "Sort" not in plan, plan
        assert f"Index Cond: ({postgres_condition}" in plan, plan


SUBTREE_VIEWS = {
    # The supervisor desk: the branch's open tasks due within a day, most overdue first.
    "desk": ("ix_human_task_unit_open", "unit=? AND status=? AND due_at<?",
             lambda engine: engine.tasks.overdue(branch_supervisor(), within=timedelta(days=1), limit=100)),
    # A department's queue over the whole branch (every outlet's complaint managers).
    "queue": ("ix_human_task_queue_order", "unit=? AND department=? AND status=?",
              lambda engine: engine.tasks.queue(branch_supervisor(), "branch_manager")),
}


@pytest.mark.parametrize("view", sorted(SUBTREE_VIEWS))
def test_a_branch_subtree_view_finds_its_page_in_an_index_then_reads_only_the_page(engine, db_kind, crowd,
                                                                                  view):
    index, sqlite_terms, call = SUBTREE_VIEWS[view]
    plan = plan_of(engine, lambda: call(engine))
    if db_kind == "sqlite":
        assert f"USING COVERING INDEX {index} ({sqlite_terms})" in plan, plan
        assert "USING INDEX sqlite_autoindex_human_task_1 (id=?)" in plan, plan  # then the page's rows by id
        assert "SCAN human_task" not in plan, plan
    else:
        assert f"Index Only Scan using {index}" in plan, plan
        assert "Index Scan using human_task_pkey" in plan, plan
        assert "Index Cond: ((unit = ANY ('{SH,SH01,SH02," in plan, plan
