"""Locust users for bench/http_load.py: department staff who sign in, open their queue, claim a task,
open its form, complete it and look at their inbox (the linear five-task benchmark process).

Simulated users share a department's queue without ever claiming the same task: user k of the m users of
a department takes only tasks whose id is k modulo m. So every 409 or 5xx is a real error.
Standalone on purpose (no project imports): locust patches the standard library with gevent.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = "demo-password-2024"  # engine/services/demo.py DEMO_PASSWORD
# Who works which step of bench/diagrams/linear5.bpmn (demo users of engine/services/demo.py).
ROLES = [("teller", "branch_front"), ("manager", "branch_manager"), ("branchhead", "branch_head"),
         ("hocm", "complaint_mgmt"), ("manager", "branch_manager")]
TOTAL = int(os.environ.get("BENCH_USERS", "50"))
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
CLAIM_RE = re.compile(r'/tasks/([0-9a-f-]{36})/claim')
STEP_RE = re.compile(r'name="(step\d)_done"')
_numbers = itertools.count()


def assignment(index: int) -> tuple[str, str, int, int]:
    """(username, department, my slot, users in the department) of simulated user `index`."""
    username, department = ROLES[index % len(ROLES)]
    same = [i for i in range(TOTAL) if ROLES[i % len(ROLES)][1] == department]
    return username, department, same.index(index), len(same)


def csrf(html: str) -> str:
    found = CSRF_RE.search(html)
    return found.group(1) if found else ""


class DepartmentStaff(HttpUser):
    """One person working a department queue."""

    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.username, self.department, self.slot, self.peers = assignment(next(_numbers) % TOTAL)
        page = self.client.get("/login", name="GET /login")
        self._post("/login", "POST /login",
                   {"username": self.username, "password": PASSWORD, "csrf_token": csrf(page.text)})

    def _mine(self, html: str) -> list[str]:
        return [t for t in dict.fromkeys(CLAIM_RE.findall(html)) if uuid.UUID(t).int % self.peers == self.slot]

    @task(4)
    def work_one_task(self) -> None:
        queue = self.client.get(f"/queue/{self.department}", name="GET /queue/<department>")
        mine = self._mine(queue.text)
        if not mine:
            return
        task_id = random.choice(mine[:10])
        self._post(f"/tasks/{task_id}/claim", "POST /tasks/<id>/claim", {"csrf_token": csrf(queue.text)})
        with self.client.get(f"/tasks/{task_id}", name="GET /tasks/<id>", catch_response=True) as form:
            step = STEP_RE.search(form.text or "")
            if step is None:
                form.failure("the task page shows no form to complete")
                return
        data = {"csrf_token": csrf(form.text), f"{step.group(1)}_done": "true",
                f"{step.group(1)}_note": "压力测试"}
        self._post(f"/tasks/{task_id}", "POST /tasks/<id> (complete)", data)

    def _post(self, path: str, name: str, data: dict[str, str]) -> None:
        """A form post that must answer with a redirect (anything else is an error)."""
        with self.client.post(path, name=name, data=data, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 302:
                r.failure(f"expected a redirect, got {r.status_code}")

    @task(1)
    def look_at_inbox(self) -> None:
        self.client.get("/inbox", name="GET /inbox")
