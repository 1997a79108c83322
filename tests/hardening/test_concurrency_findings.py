"""Minimal reproductions of defects the random concurrency test ran into, kept as regression tests:
two chases of one task at the same moment send one notice; giving back a task twice is a conflict."""

from __future__ import annotations

from functools import partial

import pytest

from engine.bootstrap import Engine
from engine.domain.errors import Conflict
from engine.domain.model import NoticeKind
from tests.support.actors import supervisor
from tests.support.concurrency import race
from tests.support.driver import audit_actions, open_case, open_tasks
from tests.support.hardening_ops import DEPARTMENT_STAFF

ROUNDS = 5
SUPERVISOR = supervisor("sup_branch", "branch_front")
POSTGRES_ONLY = pytest.mark.parametrize("db_kind", [pytest.param("postgresql", marks=pytest.mark.postgres)])


@POSTGRES_ONLY
def test_two_simultaneous_chases_of_one_task_send_one_notice(engine: Engine) -> None:
    doubled = []
    for _ in range(ROUNDS):
        case = open_case(engine)
        [task] = open_tasks(engine, case.id)
        outcomes = race({tab: partial(engine.notices.chase, task.id, "请尽快办理", SUPERVISOR)
                         for tab in ("tab-1", "tab-2")})
        assert sum(o.ok for o in outcomes.values()) >= 1, outcomes
        notices = [n for n in engine.notices.for_actor(SUPERVISOR)
                   if n.task_id == task.id and n.kind == NoticeKind.CHASE]
        if len(notices) != 1:
            doubled.append((case.id, len(notices)))
    assert doubled == [], f"(case, chase notices within one interval): {doubled}"


def test_giving_back_a_task_twice_is_a_conflict_not_an_access_violation(engine: Engine) -> None:
    holder = DEPARTMENT_STAFF["branch_front"][0]
    case = open_case(engine)
    [task] = open_tasks(engine, case.id)
    engine.tasks.claim(task.id, holder)
    engine.tasks.unclaim(task.id, holder)

    with pytest.raises(Conflict):
        engine.tasks.unclaim(task.id, holder)  # the stale second tab
    assert audit_actions(engine, case.id, "access_denied") == []
