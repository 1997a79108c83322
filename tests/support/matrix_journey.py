"""A complaint's whole journey through the web UI and the API, with every request, response and log
record kept, so the personal-data tests can search all of it for full ID, phone and account numbers.

Registered at the counter (intake form), handled by the front desk, overdue (timer sweep: chase and
supervision), chased by hand, investigated, answered, revisited and archived by the branch complaint
manager, then read by every role in the UI and through the API, revealed where allowed, reported and
exported.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.domain.masking import mask_complaint
from engine.domain.model import TaskStatus
from tests.support import complaints as forms
from tests.support.actors import ADMIN
from tests.support.engines import clock_of
from tests.support.matrix_world import World

# The complainant's personal numbers: resident ID, mobile phone, card/account number.
PERSONAL = {"id_number": "32010219900307001X", "contact_phone": "13655556666", "account_ref": "6217001234567890126"}
JOURNEY_COMPLAINT = forms.complaint(complainant_name="诸葛慧敏", facts="客户称柜员泄露其账户余额。", **PERSONAL)
REPORT_TABLES = ("monthly", "extensions", "backlog", "control", "root_causes", "timeliness", "money")


@dataclass
class Seen:
    """One request of the journey and what came back."""

    who: str
    method: str
    url: str
    status: int
    body: bytes
    mimetype: str
    location: str
    may_show_personal_data: bool = False  # a permitted reveal on the case page

    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", errors="replace")


@dataclass
class Journey:
    """Everything the journey sent, received and logged."""

    case_number: str = ""
    case_id: int = 0
    seen: list[Seen] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)

    def masked(self) -> dict[str, str]:
        """The masked forms of the personal numbers, as lists and pages show them."""
        masked = mask_complaint(JOURNEY_COMPLAINT)
        return {key: masked[key] for key in PERSONAL}


class _Collect(logging.Handler):
    """Keeps every record's message and arguments, and any traceback, as text."""

    def __init__(self, into: list[str]):
        super().__init__(logging.DEBUG)
        self.into = into
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(self.format(record) + " " + repr(record.args) + " " + repr(record.__dict__))


@contextmanager
def capture_logs(into: list[str]) -> Iterator[None]:
    """Every log record of every logger (DEBUG and up) into `into` while the block runs."""
    root = logging.getLogger()
    handler, level = _Collect(into), root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


class Walker:
    """Sends the journey's requests and records them."""

    def __init__(self, world: World, journey: Journey):
        self.world = world
        self.journey = journey

    def web(self, role: str, method: str, url: str, data: dict[str, Any] | None = None, *,
            expect: int = 200, reveal: bool = False) -> TestResponse:
        """A page request by the role's signed-in user."""
        response = self.world.client(role).open(url, method=method, data=data)
        return self._record(role, method, url, response, expect, reveal)

    def api(self, role: str, method: str, url: str, body: Any = None, *, expect: int = 200) -> TestResponse:
        """An API request with the role's key."""
        client: FlaskClient = self.world.app.test_client()
        response = client.open(url, method=method, json=body, headers=self.world.keys[role])
        return self._record(f"api:{role}", method, url, response, expect, False)

    def _record(self, who: str, method: str, url: str, response: TestResponse, expect: int,
                reveal: bool) -> TestResponse:
        assert response.status_code == expect, (who, method, url, response.status_code, response.text[:400])
        self.journey.seen.append(Seen(who, method, url, response.status_code, response.get_data(),
                                      response.mimetype or "", response.headers.get("Location", ""), reveal))
        return response

    def open_task(self, bpmn_id: str) -> str:
        """The id of the case's open task `bpmn_id`."""
        detail = self.world.engine.cases.detail(self.journey.case_id, ADMIN)
        return next(t.id for t in detail.tasks if t.bpmn_id == bpmn_id
                    and t.status in (TaskStatus.READY, TaskStatus.CLAIMED))

    def work(self, role: str, bpmn_id: str, values: dict[str, Any]) -> None:
        """Claim a task on the queue page's button and complete its form, as a person does."""
        task_id = self.open_task(bpmn_id)
        self.web(role, "POST", f"/tasks/{task_id}/claim", expect=302)
        self.web(role, "GET", f"/tasks/{task_id}")
        self.web(role, "POST", f"/tasks/{task_id}", _as_form(values), expect=302)


def _as_form(values: dict[str, Any]) -> dict[str, str]:
    return {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in values.items()}


def run_journey(world: World) -> Journey:
    """The whole journey (see the module docstring), with log capture around all of it."""
    journey = Journey()
    with capture_logs(journey.logs):
        walker = Walker(world, journey)
        _register_and_handle(walker)
        _overdue_and_chased(walker)
        _investigate_to_archive(walker)
        _read_everywhere(walker)
        _reveal(walker)
        _reports(walker)
    return journey


def _register_and_handle(walker: Walker) -> None:
    walker.web("staff", "GET", "/intake")
    registered = walker.web("staff", "POST", "/intake", _as_form(JOURNEY_COMPLAINT), expect=302)
    number = registered.headers["Location"].rsplit("/", 1)[-1]
    walker.journey.case_number = number
    walker.journey.case_id = walker.world.engine.cases.resolve_id(number)
    walker.web("staff", "GET", f"/cases/{number}")
    walker.web("staff", "GET", "/queue/branch_front")
    walker.work("staff", "Task_OnSpot", forms.NOT_ON_SPOT)
    walker.web("staff", "GET", "/archive")


def _overdue_and_chased(walker: Walker) -> None:
    engine = walker.world.engine
    due = engine.cases.summary(walker.journey.case_id).internal_due_at
    assert due is not None
    clock_of(engine).set(due + timedelta(hours=1))
    assert engine.timers.sweep().failed == []
    walker.world.clients.clear()  # days later: the old sessions timed out; everyone signs in again
    task_id = walker.open_task("Task_Investigate")
    walker.web("supervisor", "GET", "/supervisor/")
    walker.web("supervisor", "POST", f"/supervisor/tasks/{task_id}/chase", {"reason": "请尽快调查"}, expect=302)
    walker.web("supervisor", "GET", f"/supervisor/tasks/{task_id}/chases")
    walker.web("supervisor", "GET", "/supervisor/supervision")
    walker.web("supervisor", "GET", "/notices")
    walker.api("supervisor", "GET", "/api/v1/notices")
    walker.api("supervisor", "GET", f"/api/v1/tasks/{task_id}")


def _investigate_to_archive(walker: Walker) -> None:
    walker.web("supervisor", "GET", "/queue/branch_manager?grade=general")
    for bpmn_id, values in (("Task_Investigate", forms.INVESTIGATED_NO_FAULT), ("Task_Notify", forms.NOTIFIED),
                            ("Task_Revisit", forms.REVISITED), ("Task_Archive", forms.ARCHIVED)):
        walker.work("supervisor", bpmn_id, values)
    walker.web("supervisor", "GET", "/inbox")
    walker.web("supervisor", "GET", "/archive")


def _read_everywhere(walker: Walker) -> None:
    number = walker.journey.case_number
    for role in ("staff", "supervisor", "admin", "auditor"):
        walker.web(role, "GET", f"/cases/{number}")
        walker.web(role, "GET", f"/cases/{number}?reveal=1")
        walker.api(role, "GET", f"/api/v1/cases/{number}")
        walker.api(role, "GET", f"/api/v1/cases/{number}?reveal=true")
        walker.api(role, "GET", "/api/v1/tasks?status=completed")
    walker.api("admin", "POST", "/api/v1/cases", JOURNEY_COMPLAINT, expect=201)
    walker.api("supervisor", "POST", "/api/v1/cases", JOURNEY_COMPLAINT, expect=201)


def _reveal(walker: Walker) -> None:
    number = walker.journey.case_number
    for role in ("supervisor", "admin"):
        walker.web(role, "POST", f"/cases/{number}/reveal", reveal=True)
    for role in ("staff", "auditor"):
        walker.web(role, "POST", f"/cases/{number}/reveal", expect=403)


def _reports(walker: Walker) -> None:
    walker.web("supervisor", "GET", "/reports/")
    for key in REPORT_TABLES:
        walker.web("supervisor", "GET", f"/reports/export/{key}.csv")
    walker.web("supervisor", "GET", "/reports/export/all.xlsx")
    walker.api("auditor", "GET", "/api/v1/reports")
