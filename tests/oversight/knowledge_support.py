"""Closed complaints, users at units and typical cases for the knowledge-base and alert tests."""

from __future__ import annotations

from typing import Any

from engine.bootstrap import Engine
from engine.domain.knowledge import TypicalCase, TypicalCaseText
from engine.domain.model import Actor
from tests.support.actors import ADMIN
from tests.support.scenarios_head_office import (
    APPROVED,
    INVESTIGATED,
    REPLIED,
    REVISITED,
    REVISITED_TYPICAL,
    HeadOfficeCase,
    _close,
    _through_departments,
)

PASSWORD = "oversight-password-123"
NAME, PHONE, ID_NUMBER = "欧阳明远", "13911112222", "110101198803150019"
# The complaint names its complainant and their phone in the facts, as people write them.
FACTS = f"客户{NAME}（电话{PHONE}）反映跨行转账被重复扣款，网点与客服均未处理。"
CLEAN = TypicalCaseText(
    title="清算批次重发导致跨行转账重复扣款",
    facts="客户跨行转账后发现账户被重复扣款一笔，网点与客服均未及时处理。",
    analysis="清算系统批次重发，对账环节未能识别重复记录。",
    resolution="核对清算流水后退还重复扣款并向客户致歉。",
    lessons="清算批次重发须人工复核；客户反映重复扣款时当日核查流水。",
)
# Users: complaint management at head office, front desks of two outlets, the Beijing outlet, a branch supervisor.
USERS: dict[str, tuple[list[str], list[str]]] = {
    "k_curator": (["HO:complaint_mgmt"], ["staff"]),
    "k_front_sh01": (["SH01:branch_front"], ["staff"]),
    "k_head_sh01": (["SH01:branch_head"], ["staff"]),
    "k_front_sh02": (["SH02:branch_front"], ["staff"]),
    "k_front_bj01": (["BJ01:branch_front"], ["staff"]),
    "k_sh_sup": (["SH:service_mgmt"], ["staff", "supervisor"]),
    "k_auditor": ([], ["auditor"]),
}


def add_users(engine: Engine) -> dict[str, Actor]:
    """The users above, as actors by name."""
    actors = {}
    for name, (memberships, roles) in USERS.items():
        engine.users.add(name, PASSWORD, memberships, roles, ADMIN)
        found = engine.users.actor(name)
        assert found is not None
        actors[name] = found
    return actors


def closed_complaint(engine: Engine, typical: bool = False, **fields: Any) -> int:
    """A head-office complaint (payment / business error) worked to its close; marked typical at the revisit
    when `typical` (then the step 典型案例入知识库 drafts its typical case)."""
    case = HeadOfficeCase(engine, complainant_name=NAME, contact_phone=PHONE, id_number=ID_NUMBER, facts=FACTS,
                          **fields)
    _through_departments(case, "operations")
    case.step("Task_Investigate", INVESTIGATED)
    case.step("Task_ReviewProposal", APPROVED)
    case.step("Task_Reply", REPLIED)
    _close(case, REVISITED_TYPICAL if typical else REVISITED)
    return case.id


def published(engine: Engine, case_id: int, curator: Actor, text: TypicalCaseText = CLEAN) -> TypicalCase:
    """A typical case of the complaint, drafted and published by complaint management."""
    draft = engine.knowledge.create(case_id, text, curator)
    return engine.knowledge.publish(draft.id, draft.version, curator)
