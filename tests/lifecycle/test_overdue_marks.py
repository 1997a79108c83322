"""Overdue on the regulatory clock (SQLite and PostgreSQL): the case header, the department queue, the
supervisor desk and the supervision list mark a passed regulatory deadline with the days over, and no text
speaks of a passed deadline in the future tense ("监管时限将于 11-24 届满" on 11-26)."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from engine.bootstrap import Engine
from engine.domain.supervision import days_over, regulatory_reason
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.engines import at, clock_of
from tests.webui.support import csrf_token
from webui import create_app

PASSWORD = "correct-horse-battery"


def test_days_over_counts_calendar_dates_and_the_text_keeps_its_tense() -> None:
    due = at(2026, 11, 24, 10)
    assert days_over(due, at(2026, 11, 24, 9)) == 0
    assert days_over(due, at(2026, 11, 24, 11)) == 1  # passed the same day: one day over
    assert days_over(due, at(2026, 11, 26, 9)) == 2
    assert regulatory_reason(due, at(2026, 11, 20)).startswith("监管时限将于 2026-11-24 届满")
    late = regulatory_reason(due, at(2026, 11, 26, 9))
    assert late.startswith("监管时限已于 2026-11-24 届满，已超 2 日") and "将于" not in late


@pytest.fixture
def app(engine: Engine) -> Flask:
    engine.users.add("front_o", PASSWORD, ["branch_front"], ["staff"], ADMIN)
    engine.users.add("sup_o", PASSWORD, ["complaint_mgmt"], ["staff", "supervisor"], ADMIN)
    application = create_app(engine=engine)
    application.config.update(TESTING=True)
    return application


def _login(client: FlaskClient, username: str) -> None:
    token = csrf_token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302


def test_a_passed_regulatory_deadline_is_marked_everywhere(engine: Engine, app: Flask) -> None:
    front = engine.users.actor("front_o")
    assert front is not None
    late = engine.cases.open_case(None, complaint(), front)
    clock_of(engine).set(at(2024, 10, 1, 10))
    on_time = engine.cases.open_case(None, complaint(complainant_name="李四"), front)
    clock_of(engine).set(at(2024, 10, 14, 11))  # `late` was due 2024-10-12 10:00: two days over
    assert engine.supervision.apply_rules() >= 1

    with engine.ctx.db.read() as uow:
        [notice] = uow.read.notices(case_id=late.id)
    assert "监管时限已于 2024-10-12 届满，已超 2 日" in notice.reason and "将于" not in notice.reason

    staff, supervisor = app.test_client(), app.test_client()
    _login(staff, "front_o")
    _login(supervisor, "sup_o")
    mark = 'data-regulatory-over="2"'
    header = staff.get(f"/cases/{late.number}").get_data(as_text=True)
    assert header.count(mark) == 2 and "监管时限已过 2 天" in header  # title and the deadline line
    assert "data-regulatory-over" not in staff.get(f"/cases/{on_time.number}").get_data(as_text=True)
    queue = staff.get("/queue/branch_front").get_data(as_text=True)
    assert queue.count("data-regulatory-over") == 1 and mark in queue
    desk = supervisor.get("/supervisor/").get_data(as_text=True)
    assert late.number in desk and mark in desk
    supervision = supervisor.get("/supervisor/supervision").get_data(as_text=True)
    assert late.number in supervision and mark in supervision
    english = staff.get(f"/cases/{late.number}?lang=en").get_data(as_text=True)
    assert "Regulatory deadline passed 2 day(s) ago" in english


def test_a_paused_clock_is_marked_paused_in_every_list_not_passed(engine: Engine, app: Flask) -> None:
    """The lists say what the case header says: a case whose clock stands still has no passed deadline."""
    front = engine.users.actor("front_o")
    assert front is not None
    paused = engine.cases.open_case(None, complaint(), front)
    late = engine.cases.open_case(None, complaint(complainant_name="李四"), front)
    clock_of(engine).set(at(2024, 10, 14, 11))  # both due 2024-10-12 10:00: two days over
    assert engine.supervision.apply_rules() >= 2
    engine.clock.pause(paused.number, "appraisal", "等待司法鉴定", "鉴定委托书 2024-9", front)

    staff, supervisor = app.test_client(), app.test_client()
    _login(staff, "front_o")
    _login(supervisor, "sup_o")
    pages = {"queue": staff.get("/queue/branch_front"), "desk": supervisor.get("/supervisor/"),
             "supervision": supervisor.get("/supervisor/supervision"),
             "search": supervisor.get("/search?unit=" + paused.unit),
             "case": staff.get(f"/cases/{paused.number}")}
    for name, page in pages.items():
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and paused.number in html, name
        if name == "case":  # the header and the deadline line
            assert "data-header-paused" in html and "监管时限已过" not in html
        else:  # the paused case marked paused, the other one still overdue
            assert html.count("data-regulatory-paused") == 1 and html.count("data-regulatory-over") == 1, name
            assert late.number in html, name


def test_the_api_task_carries_the_regulatory_deadline(engine: Engine, app: Flask) -> None:
    from tests.api.support import KeyMaker
    case = engine.cases.open_case(None, complaint(), ADMIN)
    tasks = app.test_client().get("/api/v1/tasks?department=branch_front", headers=KeyMaker(engine).front()).json
    assert [datetime.fromisoformat(t["regulatory_due_at"]) for t in tasks["items"]
            if t["case_number"] == case.number] == [at(2024, 10, 12, 10)]
