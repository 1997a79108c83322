"""Case search at scale: exact number, phone, ID number and name (keyed hashes), and filtered, sorted, counted
result pages, for head office, a branch supervisor and an outlet's staff, with 10k and 1M cases.

    .venv/bin/python bench/search.py                              # 10,000 and 1,000,000 cases, both databases
    .venv/bin/python bench/search.py --sizes 10000,100000 --databases postgresql
    .venv/bin/python bench/search.py --smoke                      # a few thousand, to keep the script working (CI)
    .venv/bin/python bench/search.py --sizes 1000000 --rounds 100 --keep /tmp/search-bench   # seed once, keep;
        # the same command again finds the rows there and only upgrades the schema (migrations) and measures
    .venv/bin/python bench/search.py --sizes 1000000 --databases sqlite --keep /tmp/search-bench \
        --only outlet_staff_closed_month --compare-index ix_complaint_case_id_status_received   # before/after

The bank and its rows are bench/inbox.py's (bench/support/bank.py: 300 outlets, 90 % of cases closed), each case
of one of 700,000 customers (phone, ID number and a name shared by a few hundred customers, stored as keyed
hashes as the engine stores them). Latency is measured through engine.search.cases, which the search page and
POST /api/v1/cases/search call: one page of 25 rows plus the count (capped at 1000), visibility included:
- number / phone / id_number / name: head office's complaint management supervisor (sees the bank through the
  subtree of all 301 units);
- phone_outlet_staff: an outlet's front desk looks a phone up (finds it only where the case reached its queue);
- branch_open_recent: a branch supervisor's open complaints of one outlet of the last 30 days, newest first;
- bank_open_by_deadline: head office's open complaints of one grade, by regulatory deadline;
- outlet_staff_closed_month: an outlet's front desk, its closed complaints of one month;
- desk_branch / desk_head_office: the supervisor desk (engine.tasks.desk, /supervisor/): open tasks due, or of
  cases past their internal or regulatory deadline, within a working day, a page of 25 with the count.
The SQL and each database's plan are part of the output (PostgreSQL: EXPLAIN ANALYZE).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, func, select, text  # noqa: E402

from bench.common import database, emit, kept_database, machine  # noqa: E402
from bench.inbox import _check_columns, _plan, seed  # noqa: E402
from bench.support import BENCH_DIAGRAMS, deploy, latency_ms, make_engine, scale_args  # noqa: E402
from bench.support.bank import (  # noqa: E402
    CUSTOMERS,
    NOW,
    bank_tree,
    customer_id_number,
    customer_name,
    customer_phone,
    staff,
    supervisor,
)
from engine.bootstrap import Engine  # noqa: E402
from engine.domain.clock import FixedClock, to_china  # noqa: E402
from engine.domain.model import Actor, Membership, Role  # noqa: E402
from engine.domain.organisation import OrganisationTree, home_units, overseen_units  # noqa: E402
from engine.domain.paging import Page, PageRequest  # noqa: E402
from engine.domain.search import CaseQuery  # noqa: E402
from engine.persistence.tables import CaseRow, HumanTaskRow, ProcessDefinitionRow  # noqa: E402

TARGETS = {"p95_ms_at_largest": 50}
OPTIONS = {
    "only": "comma-separated searches to run (e.g. outlet_staff_closed_month,desk_branch); all if not given",
    "compare_index": "comma-separated index names (of engine/persistence/tables.py): time each search without "
                     "and with them, dropped and created again in alternating blocks of rounds (the before and "
                     "after of the migration adding them; the indexes are there again at the end)",
}
Call = tuple[Callable[[random.Random], Actor], Callable[[Actor, random.Random], Page[Any]]]
NEWEST = PageRequest(size=25, sort="received", descending=True)
DESK_PAGE = PageRequest(size=25, sort="due")


class Searches:
    """The searches measured, each for a random person of the bank with random values."""

    def __init__(self, engine: Engine, tree: OrganisationTree, size: int, only: list[str] | None = None):
        self.engine = engine
        self.size = size
        self.only = only
        self.outlets = [u for u in tree.units.values() if u.kind == "outlet"]
        queue = Membership(tree.root.code, "complaint_mgmt")
        self.head_office = Actor("sup.HO", frozenset({"complaint_mgmt"}), frozenset({Role.STAFF, Role.SUPERVISOR}),
                                 frozenset({queue}), overseen_units(tree, [queue]))
        self.supervisors = {u.code: supervisor(tree, u.code) for u in tree.units.values() if u.kind == "branch"}
        self.today = to_china(NOW).date()
        now = engine.ctx.now()
        self.within = engine.ctx.calendar.add_workdays(now, 1) - now + timedelta(seconds=1)  # as /supervisor/

    def calls(self) -> dict[str, Call]:
        """name: (who, what they ask for)."""
        ho = self.head_office
        searches: dict[str, tuple[Callable[[random.Random], Actor],
                                  Callable[[random.Random], tuple[CaseQuery, PageRequest]]]] = {
            "number": (lambda r: ho, lambda r: (CaseQuery(number=self.number(r)), NEWEST)),
            "phone": (lambda r: ho, lambda r: (CaseQuery(phone=customer_phone(self.customer(r))), NEWEST)),
            "id_number": (lambda r: ho, lambda r: (CaseQuery(id_number=customer_id_number(self.customer(r))), NEWEST)),
            "name": (lambda r: ho, lambda r: (CaseQuery(name=customer_name(self.customer(r))), NEWEST)),
            "phone_outlet_staff": (self.outlet_staff,
                                   lambda r: (CaseQuery(phone=customer_phone(self.customer(r))), NEWEST)),
            "branch_open_recent": (self.branch_supervisor, self.branch_open_recent),
            "bank_open_by_deadline": (lambda r: ho, lambda r: (
                CaseQuery(status="open", grade="general"), PageRequest(size=25, sort="regulatory_due"))),
            "outlet_staff_closed_month": (self.outlet_staff, self.closed_month),
        }
        calls: dict[str, Call] = {name: (who, self._search(what)) for name, (who, what) in searches.items()}
        calls["desk_branch"] = (self.branch_supervisor, self._desk)
        calls["desk_head_office"] = (lambda r: ho, self._desk)
        unknown = set(self.only or ()) - calls.keys()
        if unknown:
            raise SystemExit(f"--only: no such search {sorted(unknown)}; known: {', '.join(calls)}")
        return {name: call for name, call in calls.items() if self.only is None or name in self.only}

    def _search(self, what: Callable[[random.Random], tuple[CaseQuery, PageRequest]]
                ) -> Callable[[Actor, random.Random], Page[Any]]:
        def search(actor: Actor, rng: random.Random) -> Page[Any]:
            query, page = what(rng)
            return self.engine.search.cases(actor, query, page)
        return search

    def _desk(self, actor: Actor, rng: random.Random) -> Page[Any]:
        return self.engine.tasks.desk(actor, self.within, DESK_PAGE)

    def customer(self, rng: random.Random) -> int:
        return rng.randrange(CUSTOMERS)

    def number(self, rng: random.Random) -> str:
        case_id = rng.randrange(1, self.size + 1)
        with self.engine.ctx.db.read() as uow:
            return str(uow.session.scalar(text("SELECT number FROM complaint_case WHERE id = :i"), {"i": case_id}))

    def outlet_staff(self, rng: random.Random) -> Actor:
        outlet = rng.choice(self.outlets)
        return staff(Membership(outlet.code, "branch_front"), 0)

    def branch_supervisor(self, rng: random.Random) -> Actor:
        return rng.choice(list(self.supervisors.values()))

    def branch_open_recent(self, rng: random.Random) -> tuple[CaseQuery, PageRequest]:
        outlet = rng.choice(self.outlets)
        return CaseQuery(status="open", unit=outlet.code, received_from=self.today - timedelta(days=30),
                         received_to=self.today), NEWEST

    def closed_month(self, rng: random.Random) -> tuple[CaseQuery, PageRequest]:
        first = date(self.today.year, self.today.month, 1) - timedelta(days=31 * rng.randrange(1, 11))
        first = first.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return CaseQuery(status="closed", received_from=first, received_to=last), NEWEST


def measure(searches: Searches, rounds: int, rng: random.Random) -> dict[str, Any]:
    """p50/p95 of each search or desk page (rows and count) for random people and values."""
    result: dict[str, Any] = {}
    for name, (who, what) in searches.calls().items():
        for _ in range(5):  # warm the pool and the caches
            what(who(rng), rng)
        seconds, rows = [], 0
        for _ in range(rounds):
            actor = who(rng)
            started = time.perf_counter()
            found = what(actor, rng)
            seconds.append(time.perf_counter() - started)
            rows += found.total
        result[name] = {**latency_ms(seconds), "avg_found": round(rows / rounds, 1)}
    return result


def compare(searches: Searches, rounds: int, rng: random.Random, indexes: list[str],
            blocks: int = 10) -> dict[str, Any]:
    """Each search without and with `indexes` (dropped, then created again from their table definitions), in
    alternating blocks of rounds that ask the same questions (same people, same values): the before and after
    of a migration adding them, on one database under the same load. Wall and CPU (this process) times."""
    chosen = [i for i in CaseRow.__table__.indexes | HumanTaskRow.__table__.indexes if i.name in indexes]
    if len(chosen) != len(indexes):
        raise SystemExit(f"--compare-index: unknown index among {indexes}")
    sql_engine = searches.engine.ctx.db.sql_engine
    times: dict[str, dict[str, tuple[list[float], list[float]]]] = {
        name: {"without": ([], []), "with": ([], [])} for name in searches.calls()}
    seeds = [rng.random() for _ in range(blocks)]  # a pair of blocks asks the same questions
    try:
        for block in range(2 * blocks):
            present = block % 2 == 1
            _set_indexes(sql_engine, chosen, present)
            for name, (who, what) in searches.calls().items():
                ask = random.Random(seeds[block // 2])
                what(who(ask), ask)  # warm
                wall, cpu = times[name]["with" if present else "without"]
                for _ in range(max(1, rounds // blocks)):
                    actor = who(ask)
                    started, used = time.perf_counter(), time.process_time()
                    what(actor, ask)
                    wall.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - used)
    finally:
        _set_indexes(sql_engine, chosen, True)
    return {name: {variant: {**latency_ms(wall), "cpu_ms_median": round(statistics.median(cpu) * 1000, 2)}
                   for variant, (wall, cpu) in by.items()} for name, by in times.items()}


def _set_indexes(sql_engine: Any, indexes: list[Any], present: bool) -> None:
    """Create or drop `indexes` (SQLite: with the index's statistics, as the seeded tables have theirs)."""
    with sql_engine.begin() as conn:
        for index in indexes:
            if present:
                index.create(conn, checkfirst=True)
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql(f"ANALYZE {index.name}")
            else:
                index.drop(conn, checkfirst=True)


def statements(searches: Searches) -> dict[str, Any]:
    """The SQL each call runs and the database's plan for it (the statements reading a page)."""
    sql_engine = searches.engine.ctx.db.sql_engine
    rng = random.Random(0)
    out: dict[str, Any] = {}
    for name, (who, what) in searches.calls().items():
        actor = who(rng)
        seen: list[tuple[str, Any]] = []

        def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool,
                    sink: list[tuple[str, Any]] = seen) -> None:
            if "LIMIT" in statement.upper() and "SELECT number FROM complaint_case WHERE id" not in statement:
                sink.append((statement, params))

        event.listen(sql_engine, "before_cursor_execute", capture)
        try:
            what(actor, rng)
        finally:
            event.remove(sql_engine, "before_cursor_execute", capture)
        out[name] = [{"sql": " ".join(s.split()), "plan": _plan(sql_engine, s, p)} for s, p in seen[:2]]
    return out


def _existing(engine: Engine) -> tuple[int, int]:
    """(definition id, cases) of a kept database (0, 0: empty)."""
    with engine.ctx.db.read() as uow:
        definition_id = int(uow.session.scalar(select(func.min(ProcessDefinitionRow.id))) or 0)
        return definition_id, int(uow.session.scalar(select(func.count()).select_from(CaseRow)) or 0)


def run(kind: str, sizes: list[int], rounds: int, workdir: Path, keep: bool = False,
        only: list[str] | None = None, compared: list[str] | None = None) -> dict[str, Any]:
    """Grow one database through `sizes`, measuring at each (kept: start from the rows already there; the
    sizes below them are skipped; `compared`: each search with and without these indexes instead)."""
    steps = []
    tree = bank_tree()
    place = kept_database(kind, workdir, "bench_search_kept") if keep else database(kind, workdir, "bench_search")
    with place as url:
        engine = make_engine(url, workdir, clock=FixedClock(NOW))
        engine.ctx.organisation = tree  # the generated bank's units (the search checks a unit filter against it)
        engine.ctx.db.upgrade(home_units(tree), tree.root.code)  # init_db without its facts backfill (kept
        _check_columns()                                          # cases have no facts rows: no report here)
        definition_id, done = _existing(engine)
        if not definition_id:
            deploy(engine, BENCH_DIAGRAMS)
            definition_id, done = _existing(engine)
        searches = Searches(engine, tree, 0, only)
        for size in sizes:
            if size < done:
                continue
            seeded = seed(engine, tree, done + 1, size, definition_id) if size > done else {"kept": True}
            done = size
            searches = Searches(engine, tree, size, only)
            rng = random.Random(size)
            timed = compare(searches, rounds, rng, compared) if compared else measure(searches, rounds, rng)
            steps.append({"cases": size, **seeded, "load_average": os.getloadavg(), "latency_ms": timed})
        plans = {"sql_and_plans_at_largest": statements(searches)}
        if compared:
            plans["sql_and_plans_without_compared_indexes"] = _plans_without(searches, compared)
        engine.dispose()
    worst = max(v["with"]["p95"] if compared else v["p95"] for v in steps[-1]["latency_ms"].values())
    return {"database": kind, "steps": steps, "worst_p95_ms_at_largest": worst, **plans}


def _plans_without(searches: Searches, indexes: list[str]) -> dict[str, Any]:
    """statements() with `indexes` dropped (the plans before the migration adding them); created again after."""
    chosen = [i for i in CaseRow.__table__.indexes | HumanTaskRow.__table__.indexes if i.name in indexes]
    sql_engine = searches.engine.ctx.db.sql_engine
    _set_indexes(sql_engine, chosen, False)
    try:
        return statements(searches)
    finally:
        _set_indexes(sql_engine, chosen, True)


def main() -> None:
    args = scale_args(__doc__.splitlines()[0], 200, "timed searches per kind and size", keep=True, options=OPTIONS)
    only, compared = (value.split(",") if (value := args.options[o]) else None for o in OPTIONS)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        runs = [run(kind, args.sizes, args.rounds, args.keep, True, only, compared) for kind in args.databases]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            runs = [run(kind, args.sizes, args.rounds, Path(tmp), False, only, compared) for kind in args.databases]
    emit({"benchmark": "search", "smoke": args.smoke, "machine": machine(), "sizes": args.sizes, "runs": runs,
          "targets": TARGETS})


if __name__ == "__main__":
    main()
