"""One seeded data set for the access-control and personal-data tests: users, API keys, four cases
(one in the branch front desk's department at outlet SH01, one in the card centre's, and two more front-desk
cases at outlet SH02 of the same branch and at outlet BJ01 of another), their claimed tasks and notices.

Built once per test module and database (module-scoped fixtures), so hundreds of requests share it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.bootstrap import Engine
from engine.domain.masking import mask_complaint
from engine.domain.model import Actor, AuditEvent, TaskStatus
from engine.domain.rectification import NewRectification
from engine.services.deploy import read_diagram_dir
from tests.support.actors import ADMIN
from tests.support.complaints import complaint
from tests.support.databases import postgres_base_or_skip, temporary_postgres_schema
from tests.support.engines import PROCESSES, make_engine
from tests.support.evidence_files import png_bytes
from tests.support.matrix_knowledge import seed_knowledge
from webui import create_app

PASSWORD = "matrix-password-123"
ROLES = ("staff", "supervisor", "process_owner", "admin", "auditor", "bizgroup", "anonymous")
# The signed-in user (web) and the API key (api) of each role; anonymous has neither.
USERS: dict[str, tuple[list[str], list[str]]] = {
    "m_staff": (["branch_front"], ["staff"]),
    # a supervisor at SH01 and in head office's complaint management: reads the whole bank (its subtree)
    "m_super": (["branch_front", "branch_manager", "complaint_mgmt"], ["staff", "supervisor"]),
    "m_owner": ([], ["process_owner"]),
    "m_admin": ([], ["admin"]),
    "m_audit": ([], ["auditor"]),
    "m_bizgrp": (["cs_business_group"], ["staff"]),  # chases by hand, sees neither target's department
    "m_holder": (["branch_front"], ["staff"]),  # holds the branch task claimed (not a matrix role)
    "m_seat": (["card_seat"], ["staff"]),  # holds the card-centre task claimed
    "m_front_xh": (["SH02:branch_front"], ["staff"]),  # holds the task of outlet SH02 (same branch as SH01)
    "m_front_hd": (["BJ01:branch_front"], ["staff"]),  # holds the task of outlet BJ01 (another branch)
    "m_sh_sup": (["SH:service_mgmt"], ["staff", "supervisor"]),  # supervises the Shanghai branch's subtree
}
# The people of the unit matrix: the SH01 front desk and the Shanghai branch supervisor.
UNIT_USER_OF_ROLE = {"staff": "m_staff", "branch_sup": "m_sh_sup"}
USER_OF_ROLE = {"staff": "m_staff", "supervisor": "m_super", "process_owner": "m_owner", "admin": "m_admin",
                "auditor": "m_audit", "bizgroup": "m_bizgrp"}
KEY_OF_ROLE = {role: f"key-{role.replace('_', '-')}" for role in USER_OF_ROLE}
OWN_DEPARTMENT, OTHER_DEPARTMENT = "branch_front", "card_seat"

DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def databases_on_one_worker(module: str) -> list[Any]:
    """DATABASES for a module-scoped world: each database's tests of `module` stay on one xdist worker
    (`--dist loadgroup`), so they share one world and see it as they would in a run without workers."""
    return [pytest.param(*p.values, id=p.id, marks=[*p.marks, pytest.mark.xdist_group(f"{module}-{p.id}")])
            for p in DATABASES]

# Personal data of the two cases: distinctive, so a leak anywhere is found by a plain substring search.
OWN_COMPLAINT = complaint(
    complainant_name="欧阳明远", contact_phone="13911112222", id_number="110101198803150019",
    account_ref="6222021234567890123", facts="本方事实：网点柜台多收手续费甲乙丙。", demand="本方诉求：退还手续费。",
    reply_channel="letter", is_group=True,  # group complaints: the urgent handling's routes have targets
)
OTHER_COMPLAINT = complaint(
    organisation="card_center", channel="card_hotline", category="bank_card", cause="fees",
    complainant_name="司马青云", contact_phone="13722223333", id_number="440301197712120038",
    account_ref="4367420011112222", facts="他方事实：信用卡年费被重复扣收丁戊己。", demand="他方诉求：退还年费。",
    reply_channel="letter", is_group=True,
)


OUTLET_COMPLAINT = complaint(
    complainant_name="上官如意", contact_phone="13633334444", id_number="310104199204040027",
    account_ref="6222025555666677778", facts="邻点事实：徐汇网点排队过久庚辛壬。", demand="邻点诉求：致歉。",
)
BRANCH_COMPLAINT = complaint(
    complainant_name="诸葛长风", contact_phone="13544445555", id_number="110108198506060046",
    account_ref="6222029999888877776", facts="外分行事实：海淀网点转账延误癸子丑。", demand="外分行诉求：赔偿利息。",
)


@dataclass
class Target:
    """The objects one relation (own or other department) points at, as URL placeholders."""

    case_id: int
    case: str  # complaint number
    task: str
    notice: int
    dept: str
    complaint: dict[str, Any]
    holder: str
    letter: int = 0  # the case's first customer notice (a printed letter where the complaint asks for one)
    rectification: int = 0  # a rectification notice issued from the case by m_super to the task's queue
    attachment: int = 0  # a screenshot uploaded to the case

    def values(self) -> dict[str, Any]:
        """Placeholder values for URL templates."""
        return {"case": self.case, "case_id": self.case_id, "task": self.task, "notice": self.notice,
                "dept": self.dept, "letter": self.letter, "rectification": self.rectification,
                "attachment": self.attachment}

    def secrets(self) -> list[str]:
        """Texts of this case that must never appear where the case is not visible."""
        masked = mask_complaint(self.complaint)
        texts = [self.complaint[k] for k in ("facts", "demand", "complainant_name", "contact_phone",
                                             "id_number", "account_ref")]
        texts += [masked[k] for k in ("contact_phone", "id_number", "account_ref", "complainant_name")]
        return texts


@dataclass
class World:
    """The seeded engine, app, signed-in clients, API keys and targets."""

    engine: Engine
    app: Flask
    targets: dict[str, Target]
    definition_id: int
    definition_file: str
    keys: dict[str, dict[str, str]] = field(default_factory=dict)
    knowledge: dict[str, int] = field(default_factory=dict)  # typical case, draft and alert ids
    clients: dict[str, FlaskClient] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        """A seeded user as an Actor."""
        found = self.engine.users.actor(username)
        assert found is not None, username
        return found

    def client(self, role: str) -> FlaskClient:
        """A client signed in as the role's user (anonymous: no session); made once per role."""
        if role not in self.clients:
            client = self.app.test_client()
            if role != "anonymous":
                sign_in(client, USER_OF_ROLE[role])
            self.clients[role] = client
        return self.clients[role]

    def restore(self) -> None:
        """Put the targets back as seeded after a permitted change (each task claimed by its holder)."""
        for target in self.targets.values():
            task = self.engine.tasks.get(target.task, ADMIN)
            if task.status == TaskStatus.READY:
                self.engine.tasks.claim(target.task, self.actor(target.holder))
            elif task.status == TaskStatus.CLAIMED and task.assignee != target.holder:
                self.engine.tasks.reassign(target.task, ADMIN, target.holder)
            assert self.engine.tasks.get(target.task, ADMIN).assignee == target.holder

    def last_event_id(self) -> int:
        """The id of the newest audit event (0 when none)."""
        with self.engine.ctx.db.read() as uow:
            newest = uow.read.audit_actions(None, limit=1)
        return newest[0].id if newest else 0

    def events_since(self, event_id: int, action: str | None = None) -> list[AuditEvent]:
        """Audit events newer than `event_id` (of one action)."""
        with self.engine.ctx.db.read() as uow:
            return [e for e in uow.read.audit_actions(action, limit=200) if e.id > event_id]


def sign_in(client: FlaskClient, username: str) -> None:
    """Sign in through the login form."""
    response = client.post("/login", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.text


@contextmanager
def database_url(kind: str, folder: Path) -> Iterator[str]:
    """A fresh SQLite file or PostgreSQL schema (skipped, or failed in CI, without PostgreSQL)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'matrix.db'}"
        return
    with temporary_postgres_schema(postgres_base_or_skip()) as url:
        yield url


@contextmanager
def seeded_world(kind: str, folder: Path) -> Iterator[World]:
    """The whole data set on a new database; disposed afterwards."""
    with database_url(kind, folder) as url:
        # every anonymous API row is a failed authentication from one address: more than the default limit (60)
        engine = make_engine(url, folder, processes_dir=PROCESSES, failures_per_source=100_000)
        try:
            engine.init_db()
            engine.deploy.deploy(read_diagram_dir(PROCESSES), ADMIN)
            yield _populate(engine)
        finally:
            engine.dispose()


def _populate(engine: Engine) -> World:
    for name, (departments, roles) in USERS.items():
        engine.users.add(name, PASSWORD, departments, roles, ADMIN)
    targets = {
        "own": _target(engine, OWN_COMPLAINT, "m_holder", OWN_DEPARTMENT),
        "other": _target(engine, OTHER_COMPLAINT, "m_seat", OTHER_DEPARTMENT),
        "outlet": _target(engine, OUTLET_COMPLAINT, "m_front_xh", OWN_DEPARTMENT),
        "branch": _target(engine, BRANCH_COMPLAINT, "m_front_hd", OWN_DEPARTMENT),
    }
    definition = engine.deploy.definitions(ADMIN)[0]
    app = create_app(engine=engine)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
    world = World(engine, app, targets, definition.id, definition.files[0],
                  knowledge=seed_knowledge(engine, targets["own"].case_id, targets["other"].case_id, "m_super"))
    for role, name in KEY_OF_ROLE.items():
        departments, roles = USERS[USER_OF_ROLE[role]]
        token = engine.api_keys.create(name, ["all"], departments, roles, ADMIN).token
        world.keys[role] = {"Authorization": f"Bearer {token}"}
    world.keys["anonymous"] = {}
    return world


def _target(engine: Engine, data: dict[str, Any], holder: str, department: str) -> Target:
    who = engine.users.actor(holder)
    assert who is not None
    case = engine.cases.open_case(None, data, who)
    task = next(t for t in engine.cases.detail(case.id, ADMIN).tasks if t.status == TaskStatus.READY)
    assert task.department == department, task
    engine.tasks.claim(task.id, who)
    notice = engine.notices.chase(task.id, "矩阵测试催办", ADMIN)
    letter = engine.customer_notices.for_case(case.id, ADMIN)[0].id
    issuer = engine.users.actor("m_super")
    assert issuer is not None
    rectification = engine.rectifications.issue(NewRectification(
        case_id=case.id, unit=task.unit, department=department, requirement="矩阵整改要求"), issuer).id
    attachment = engine.attachments.upload(case.id, "matrix.png", png_bytes(), ADMIN).id
    return Target(case.id, case.number, task.id, notice.id, department, dict(data), holder, letter, rectification,
                  attachment)


def is_login_redirect(response: TestResponse) -> bool:
    """A redirect to the sign-in page."""
    return response.status_code in (302, 303) and "/login" in response.headers.get("Location", "")
