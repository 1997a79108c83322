"""The pages people open all day, pinned by the SQL they send: the department queue, my inbox and the supervisor
desk send as many statements for many rows as for a few (no per-row look-up: rows are prepared once per page,
a queue's members read once per queue, the navigation's counts in one statement), and no page view writes or
takes SQLite's write lock (a view queued behind every claim and completion while it did). Counting statements,
not time: the bounds are a little above what is sent today."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.model import Actor, Role
from tests.support.complaints import complaint
from tests.support.sql_log import statements
from webui import create_app

PASSWORD = "a-long-password-for-pages"
ADMIN = Actor("root", frozenset(), frozenset({Role.ADMIN}))
PEOPLE = {"front_p": (["branch_front"], ["staff"]), "front_q": (["branch_front"], ["staff"]),
          "super_p": (["branch_front", "branch_manager"], ["supervisor"])}
# Queries sent today on both databases (BEGIN/ROLLBACK not counted): queue 11, inbox 11, desk 17, the session's
# two reads included. Before the rows were prepared once per page: the desk sent 2 more per row (its
# reassignment choices), every list 2 more for the navigation's counts and a full scan for the process filter.
AT_MOST = {"/queue/branch_front?size=100": 12, "/inbox?size=100": 12, "/supervisor/?size=100": 18}


def _queries(sent: list[str]) -> list[str]:
    return [s for s in sent if not s.upper().startswith(("BEGIN", "ROLLBACK", "COMMIT"))]


def _writes(sent: list[str]) -> list[str]:
    return [s for s in sent if s.upper().startswith(("INSERT", "UPDATE", "DELETE", "BEGIN IMMEDIATE"))]


@pytest.fixture
def web(engine: Engine) -> Callable[[], dict[str, FlaskClient]]:
    """Clients of PEOPLE signed in now (CSRF off): sign in again after moving the clock past the idle limit."""
    for name, (departments, roles) in PEOPLE.items():
        engine.users.add(name, PASSWORD, departments, roles, ADMIN)
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)

    def signed_in() -> dict[str, FlaskClient]:
        clients = {}
        for name in PEOPLE:
            client = app.test_client()
            assert client.post("/login", data={"username": name, "password": PASSWORD}).status_code == 302
            clients[name] = client
        return clients
    return signed_in


def _open_cases(engine: Engine, n: int) -> None:
    """`n` cases waiting at the front desk, every other one claimed by front_q."""
    front, taker = engine.users.actor("front_p"), engine.users.actor("front_q")
    assert front is not None and taker is not None
    for _ in range(n):
        case = engine.cases.open_case(None, complaint(), front)
        [task] = [t for t in engine.tasks.queue(front, "branch_front") if t.case_id == case.id]
        if case.id % 2:
            engine.tasks.claim(task.id, taker)


def _page_statements(engine: Engine, client: FlaskClient, path: str) -> list[str]:
    client.get(path)
    with statements(engine) as sent:
        response = client.get(path)
    assert response.status_code == 200, path
    return sent


def test_list_pages_send_as_many_statements_for_many_rows_as_for_few(engine, web):
    pages = [("front_p", "/queue/branch_front?size=100"), ("front_q", "/inbox?size=100"),
             ("super_p", "/supervisor/?size=100")]
    _open_cases(engine, 2)
    engine.ctx.clock.advance(timedelta(days=30))  # every task overdue: all of them on the desk
    clients = web()
    few = {path: _queries(_page_statements(engine, clients[who], path)) for who, path in pages}
    _open_cases(engine, 10)
    engine.ctx.clock.advance(timedelta(days=30))
    clients = web()
    for who, path in pages:
        many = _page_statements(engine, clients[who], path)
        html = clients[who].get(path).get_data(as_text=True)
        assert html.count("<tr") >= 6, (path, "the page lists the rows")
        assert len(_queries(many)) == len(few[path]), (path, _queries(many), few[path])
        assert len(_queries(many)) <= AT_MOST[path], (path, _queries(many))
        assert _writes(many) == [], (path, _writes(many))


def test_the_navigation_counts_in_one_statement(engine, web):
    _open_cases(engine, 3)
    sent = _queries(_page_statements(engine, web()["super_p"], "/inbox"))
    counting_tasks = [s for s in sent if s.upper().startswith("SELECT") and "FROM HUMAN_TASK" in s.upper()
                      and "COUNT(" in s.upper()]
    # the inbox page's own count, and one statement for every count of the navigation (queue, each
    # department's queue, inbox, overdue)
    assert len(counting_tasks) == 2, counting_tasks


def test_viewing_a_task_or_a_case_writes_nothing(engine, web):
    _open_cases(engine, 2)
    front = engine.users.actor("front_p")
    assert front is not None
    task = engine.tasks.queue(front, "branch_front")[0]
    client = web()["front_p"]
    for path in (f"/tasks/{task.id}", f"/cases/{task.case_number}"):
        sent = _page_statements(engine, client, path)
        assert _writes(sent) == [], (path, _writes(sent))
