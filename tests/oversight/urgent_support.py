"""People and helpers of the urgent and group complaint tests: a group complaint at the Pudong outlet (SH01),
received Friday 2024-09-27 10:00 (the test clock's start); a task force of three departments at three levels."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine.domain.model import SYSTEM, Membership, NoticeKind
from engine.domain.urgent import NewTaskForce
from engine.persistence.tables import NoticeRow
from engine.scheduler import sweep_once
from tests.oversight.rectification_support import ISSUER, member
from tests.support.engines import clock_of

COMPLAINT_MGMT_HO = ISSUER  # head office's complaint management (a supervisor)
FRONT_SH01 = member("sh01_li", "SH01", "branch_front")
HEAD_SH01 = member("sh01_zhao", "SH01", "branch_head")  # forms the task force
MANAGER_SH01 = member("sh01_wu", "SH01", "branch_manager")  # the lead department
SERVICE_SH = member("sh_qian", "SH", "service_mgmt")
RETAIL_HO = member("ho_sun", "HO", "retail_banking")
OUTSIDER = member("bj01_he", "BJ01", "branch_manager")

LEAD = Membership("SH01", "branch_manager")
THREE = NewTaskForce((LEAD, Membership("SH", "service_mgmt"), Membership("HO", "retail_banking")), LEAD)


def sweep(engine, moment: datetime) -> tuple[int, int, int]:
    """One worker sweep at `moment`: (first contacts, task forces, days of progress) chased."""
    clock_of(engine).set(moment)
    result = sweep_once(engine)
    return (result["urgent_first_contacts_chased"], result["urgent_task_forces_chased"],
            result["urgent_progress_days_chased"])


def system_notice_ids(engine, case_id: int) -> list[int]:
    """The ids of the notices the system (not a person) sent about the case."""
    with engine.ctx.db.read() as uow:
        return sorted(uow.session.scalars(select(NoticeRow.id).where(NoticeRow.case_id == case_id,
                                                                     NoticeRow.sender == SYSTEM)))


def urgent_notices(engine, actor, case_number: str) -> list[tuple[NoticeKind, str, str]]:
    """(kind, unit, department) of the notices `actor` reads about the case from the urgent handling, oldest
    first."""
    return [(n.kind, n.unit, n.department) for n in reversed(engine.notices.for_actor(actor))
            if n.case_number == case_number and ("投诉" in n.reason and ("专项小组" in n.reason or "联系" in n.reason
                                                                     or "进展" in n.reason))]
