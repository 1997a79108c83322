"""Load on the real web server: people registering complaints and working their queues over HTTP.

Each person is a thread with a signed-in Browser. Front-desk staff register complaints received some
days ago (so their tasks are overdue and the timer worker has chases and supervisions to fire); every
person works their inbox first (tasks claimed before a crash), then claims from the department queue
and completes with a valid form. Every call is logged with its outcome: ok (the server said done),
refused (409: someone else first), unknown (the server died before answering; requests it refused to
connect are not logged: it never saw them) or unexpected (anything else: a 500, a CSRF failure, a form
rejected...), which the test treats as a defect.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from engine.bootstrap import Engine
from engine.domain.clock import CHINA_TZ
from tests.support.hardening_http import Browser, ServerGone
from tests.support.hardening_ops import FORMS

PAUSE_WHEN_DOWN = 0.2  # seconds a person waits before trying again while the server is down


@dataclass(frozen=True)
class Call:
    """One HTTP action and how it ended."""

    user: str
    kind: str  # open, claim, complete
    ref: str  # the task id, or the token written into the complaint's facts
    outcome: str  # ok, refused, unknown, unexpected
    detail: str = ""


@dataclass
class Load:
    """What the people share: the server address, the engine (to read task kinds), the call log."""

    base: str
    engine: Engine
    password: str
    max_cases: int
    stop: threading.Event = field(default_factory=threading.Event)
    calls: list[Call] = field(default_factory=list)
    opened: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log(self, call: Call) -> None:
        """Record one call."""
        with self.lock:
            self.calls.append(call)

    def give_back_case_slot(self) -> None:
        """A registration the server never received does not count."""
        with self.lock:
            self.opened -= 1

    def take_case_slot(self) -> bool:
        """Reserve one registration (up to max_cases, counting unknown outcomes)."""
        with self.lock:
            if self.opened >= self.max_cases:
                return False
            self.opened += 1
            return True

    def bpmn_id(self, task_id: str) -> str | None:
        """Which diagram element a task is (read from the projection)."""
        with self.engine.ctx.db.read() as uow:
            task = uow.read.task(task_id)
        return task.bpmn_id if task else None


def html_form(values: dict[str, Any]) -> dict[str, str]:
    """Form values as a browser posts them (booleans as true/false)."""
    return {k: ("true" if v is True else "false" if v is False else str(v)) for k, v in values.items()}


def intake_form(rng: random.Random, token: str) -> dict[str, str]:
    """A branch complaint received 4-12 days ago, so its deadlines have passed."""
    received = datetime.now(CHINA_TZ) - timedelta(days=rng.randint(4, 12), hours=rng.randint(0, 8))
    return {
        "organisation": "branch", "channel": "counter", "received_at": received.strftime("%Y-%m-%dT%H:%M"),
        "complainant_name": "王五", "contact_phone": "13812345678", "id_type": "resident_id",
        "id_number": "310101199001011234", "category": "deposits", "cause": "service_attitude",
        "grade": rng.choice(["general", "important", "urgent"]),
        "amount": rng.choice(["120.00", "250000.00"]), "facts": f"{token} 柜员态度恶劣。",
        "demand": "要求道歉。", "read_back": "true",
    }


class Person:
    """One member of staff working through the web UI until told to stop."""

    def __init__(self, load: Load, username: str, department: str, seed: int):
        self.load = load
        self.department = department
        self.rng = random.Random(seed)
        self.browser = Browser(load.base, username, load.password)

    def run(self) -> None:
        """Sign in, then work until the load stops (waiting out server restarts)."""
        while not self.load.stop.is_set():
            try:
                if not self.browser.token:
                    self.browser.login()
                self.step()
            except ServerGone:
                time.sleep(PAUSE_WHEN_DOWN)
            except Exception as err:  # noqa: BLE001 - reported to the test, which fails on it
                self.load.log(Call(self.browser.username, "work", "", "unexpected", repr(err)))
                return

    def step(self) -> None:
        """Register a complaint now and then (front desk), otherwise do one task."""
        if self.department == "branch_front" and self.rng.random() < 0.4 and self.load.take_case_slot():
            self.register()
            return
        mine = self.browser.task_ids("/inbox")
        if mine:
            self.complete(self.rng.choice(mine))
            return
        waiting = self.browser.task_ids(f"/queue/{self.department}")
        if not waiting:
            time.sleep(0.1)
            return
        task_id = self.rng.choice(waiting[:5])
        if self.claim(task_id):
            self.complete(task_id)

    def register(self) -> None:
        """POST the intake form."""
        token = f"load-{uuid.uuid4().hex[:12]}"
        try:
            self._post("open", token, "/intake", intake_form(self.rng, token), "/cases/")
        except ServerGone as err:
            if not err.delivered:
                self.load.give_back_case_slot()
            raise

    def claim(self, task_id: str) -> bool:
        """POST claim; True when the task is now mine."""
        return self._post("claim", task_id, f"/tasks/{task_id}/claim", {}, f"/tasks/{task_id}")

    def complete(self, task_id: str) -> None:
        """POST the task's form with valid values for its step."""
        bpmn_id = self.load.bpmn_id(task_id)
        assert bpmn_id in FORMS, f"unexpected task {bpmn_id} ({task_id})"
        self._post("complete", task_id, f"/tasks/{task_id}", html_form(self.rng.choice(FORMS[bpmn_id])),
                   "/cases/")

    def _post(self, kind: str, ref: str, path: str, form: dict[str, str], done_at: str) -> bool:
        user = self.browser.username
        try:
            reply = self.browser.request(path, form)
        except ServerGone as err:
            if err.delivered:
                self.load.log(Call(user, kind, ref, "unknown", str(err)))
            raise
        if reply.status == 302 and done_at in reply.location:
            self.load.log(Call(user, kind, ref, "ok", reply.location))
            return True
        if reply.status == 409:
            self.load.log(Call(user, kind, ref, "refused"))
            return False
        self.load.log(Call(user, kind, ref, "unexpected", f"{reply.status} {reply.location} {reply.body[:300]}"))
        return False
