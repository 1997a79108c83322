"""A generated bank for bench/inbox.py: head office, BRANCHES branches of OUTLETS_PER_BRANCH outlets each, the
people of every (unit, department) queue, and deterministic complaint_case / human_task rows spread over them.

The tree is built by the engine's own `build_tree` from the kinds of processes/organisations.toml, so each
kind of unit has the departments a real bank's would; supervisors' subtrees come from `overseen_units`, as for
a signed-in supervisor.
"""

from __future__ import annotations

import json
import random
import tomllib
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.support import PROCESSES, department_codes
from engine.domain.clock import CHINA_TZ
from engine.domain.matching import id_number_key, name_key, phone_key
from engine.domain.model import Actor, Membership, Role
from engine.domain.organisation import OrganisationTree, RawUnit, build_tree, overseen_units

NOW = datetime(2025, 1, 10, 9, 0, tzinfo=CHINA_TZ)
YEAR = timedelta(days=365)
BRANCHES = 6
OUTLETS_PER_BRANCH = 50
PEOPLE_PER_QUEUE = 3
CLOSED_SHARE = 0.9
CLAIMED_SHARE = 0.4
# Where a task waits: the case's outlet (its three departments), the outlet's branch, or head office.
LEVEL_WEIGHTS = (("outlet", 0.8), ("branch", 0.12), ("head_office", 0.08))
TASK_NAMES = [("Task_OnSpot", "现场处理"), ("Task_Investigate", "调查核实"), ("Task_Approve", "审批"),
              ("Task_Notify", "告知客户"), ("Task_Revisit", "回访"), ("Task_Archive", "归档")]
COMPLAINT_JSON = json.dumps({"channel": "counter", "organisation": "branch", "complainant_name": "张*",
                             "category": "deposits", "grade": "general"}, ensure_ascii=False)
CASE_COLUMNS = ["id", "number", "definition_id", "process_key", "status", "version", "state", "complaint",
                "process_data", "completed_elements", "current_elements", "channel", "organisation", "grade",
                "category", "cause", "received_at", "received_by", "internal_due_at", "regulatory_due_at",
                "regulatory_extensions", "supervised", "calendar_warning", "closed_at", "created_at", "updated_at",
                "unit", "failed_at", "failure", "regulatory_clock", "clock_paused_at", "phone_key", "id_key",
                "merged_into_id", "review_of_id", "name_key"]
TASK_COLUMNS = ["id", "case_id", "case_number", "process_key", "bpmn_id", "title", "department", "lane", "grade",
                "status", "assignee", "created_at", "due_at", "completed_at", "completed_by", "chase_count",
                "last_chased_at", "unit"]
POOL = 8192  # distinct timestamps to draw from (formatting one per row would dominate the seeding)
CUSTOMERS = 700_000  # distinct complainants: some complain more than once
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉"


def customer_phone(customer: int) -> str:
    """Customer n's mobile number."""
    return f"139{customer:08d}"


def customer_id_number(customer: int) -> str:
    """Customer n's resident ID number (the shape only)."""
    return f"31010119{customer % 100:02d}0101{customer:04d}"[-18:].rjust(18, "1")


def customer_name(customer: int) -> str:
    """Customer n's name: 20 surnames x 26 x 26 given names, so a name is shared by a few hundred customers."""
    return SURNAMES[customer % 20] + GIVEN[(customer // 20) % 26] + GIVEN[(customer // 520) % 26]


def branch_code(b: int) -> str:
    return f"B{b + 1}"


def outlet_code(b: int, o: int) -> str:
    return f"B{b + 1}O{o + 1:02d}"


def bank_tree() -> OrganisationTree:
    """Head office, BRANCHES branches, OUTLETS_PER_BRANCH outlets under each (kinds of processes/)."""
    kinds = tomllib.loads((PROCESSES / "organisations.toml").read_text(encoding="utf-8"))["kinds"]
    rows: list[dict[str, Any]] = [{"code": "HO", "name": "总行", "name_en": "Head office", "kind": "head_office"}]
    for b in range(BRANCHES):
        rows.append({"code": branch_code(b), "name": f"分行{b + 1}", "name_en": f"Branch {b + 1}",
                     "parent": "HO", "kind": "branch"})
        rows += [{"code": outlet_code(b, o), "name": f"网点{b + 1}-{o + 1}", "name_en": f"Outlet {b + 1}-{o + 1}",
                  "parent": branch_code(b), "kind": "outlet"} for o in range(OUTLETS_PER_BRANCH)]
    raw = [RawUnit(f"units[{n}]", row) for n, row in enumerate(rows)]
    return build_tree("bench", kinds, raw, department_codes())


def person(queue: Membership, n: int) -> str:
    return f"{queue.unit}.{queue.department}.{n}"


def staff(queue: Membership, n: int) -> Actor:
    """Member n of a (unit, department) queue, as a signed-in staff member."""
    return Actor(person(queue, n), frozenset({queue.department}), frozenset({Role.STAFF}), frozenset({queue}))


def supervisor(tree: OrganisationTree, branch: str) -> Actor:
    """A branch's service-management supervisor: reads and chases the branch's subtree."""
    queue = Membership(branch, "service_mgmt")
    return Actor(f"sup.{branch}", frozenset({queue.department}), frozenset({Role.STAFF, Role.SUPERVISOR}),
                 frozenset({queue}), overseen_units(tree, [queue]))


class Generator:
    """Rows (tuples in CASE_COLUMNS / TASK_COLUMNS order) of complaint_case and human_task, deterministic."""

    def __init__(self, tree: OrganisationTree, definition_id: int, sqlite: bool, seed: int, match_key: str = ""):
        self.definition_id = definition_id
        self.match_key = match_key
        self.sqlite = sqlite
        self.rng = random.Random(seed)
        self.outlets = [u for u in tree.units.values() if u.kind == "outlet"]
        self.head_office = tree.root
        rng = random.Random(0)
        past = [NOW - YEAR * rng.random() for _ in range(POOL)]
        recent = [NOW - timedelta(days=10 * rng.random()) for _ in range(POOL)]
        self.closed_times = [self._closed_case_times(m) for m in past]
        self.open_times = [self._open_case_times(m, r, rng) for m, r in zip(past, recent, strict=True)]

    def moment(self, value: datetime | None) -> Any:
        """A naive UTC timestamp as the column type stores it (SQLite: the text SQLAlchemy writes)."""
        if value is None:
            return None
        naive = value.astimezone(UTC).replace(tzinfo=None)
        return naive.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else naive

    def _task_times(self, created: datetime, due_days: float | None, done: bool) -> tuple[Any, ...]:
        due = created + timedelta(days=due_days) if due_days is not None else None
        return (self.moment(created), self.moment(due), self.moment(created + timedelta(hours=6)) if done else None)

    def _closed_case_times(self, received: datetime) -> tuple[Any, ...]:
        case = (self.moment(received), self.moment(received + timedelta(days=5)),
                self.moment(received + timedelta(days=15)), self.moment(received + timedelta(days=4)))
        tasks = tuple(self._task_times(received + timedelta(hours=20 * n), 3.0, True) for n in range(3))
        return case, tasks

    def _open_case_times(self, received: datetime, recent: datetime, rng: random.Random) -> tuple[Any, ...]:
        case = (self.moment(received), self.moment(received + timedelta(days=5)),
                self.moment(received + timedelta(days=15)), None)
        due_days = rng.uniform(1, 8) if rng.random() < 0.95 else None
        tasks = (self._task_times(received, 3.0, True), self._task_times(recent, due_days, False))
        return case, tasks

    def _queue(self, outlet: Any) -> Membership:
        """Where one task of a case received at `outlet` waits (LEVEL_WEIGHTS)."""
        pick = self.rng.random()
        if pick < LEVEL_WEIGHTS[0][1]:
            return Membership(outlet.code, self.rng.choice(outlet.departments))
        if pick < LEVEL_WEIGHTS[0][1] + LEVEL_WEIGHTS[1][1]:
            return Membership(outlet.parent, "service_mgmt")
        return Membership(self.head_office.code, self.rng.choice(self.head_office.departments))

    def _customer_keys(self, customer: int) -> tuple[Any, ...]:
        """phone_key, id_key, merged_into_id, review_of_id, name_key of a case of customer n."""
        key = self.match_key
        return (phone_key(customer_phone(customer), key), id_number_key(customer_id_number(customer), key),
                None, None, name_key(customer_name(customer), key))

    def case_and_tasks(self, case_id: int) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
        rng = self.rng
        closed = rng.random() < CLOSED_SHARE
        outlet = rng.choice(self.outlets)
        (received, internal, regulatory, closed_at), task_times = rng.choice(
            self.closed_times if closed else self.open_times)
        number = f"TS-{outlet.code}-{case_id:08d}"
        case = (case_id, number, self.definition_id, "branch_complaint", "closed" if closed else "open", 4,
                '{"bench":true}', COMPLAINT_JSON, "{}", "[]", "[]", "counter", "branch", "general", "deposits",
                "service_attitude", received, person(Membership(outlet.code, "branch_front"), 0), internal,
                regulatory, "[]", 0 if self.sqlite else False, None, closed_at, received, received, outlet.code,
                None, None, None, None, *self._customer_keys(rng.randrange(CUSTOMERS)))
        tasks = []
        for n, (created, due, completed) in enumerate(task_times):
            queue = self._queue(outlet)
            someone = person(queue, rng.randrange(PEOPLE_PER_QUEUE))
            if completed is not None:
                status, assignee, done_by = "completed", someone, someone
            elif rng.random() < CLAIMED_SHARE:
                status, assignee, done_by = "claimed", someone, None
            else:
                status, assignee, done_by = "ready", None, None
            bpmn_id, title = TASK_NAMES[n]
            tasks.append((f"{case_id:08x}-{n:04x}-4000-8000-{rng.getrandbits(48):012x}", case_id, number,
                          "branch_complaint", bpmn_id, title, queue.department, queue.department, "general",
                          status, assignee, created, due, completed, done_by, 0, None, queue.unit))
        return case, tasks
