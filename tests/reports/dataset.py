"""A small, hand-made set of cases written straight into the projection tables, for exact report figures.

Every case is one `Seed` line: what the case row and its case_fact row hold. Report time is NOW; the
range under test is 2024-10-01 .. 2024-12-31 (China dates). Cases C0, C9 and C11 lie before the range
(they exist for the repeat-complaint and boundary checks). Reply times are given in minutes: working-day
minutes for the internal clock (1 working day = 1440) and elapsed minutes for the regulatory clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert

from engine.bootstrap import Engine
from engine.domain.clock import CHINA_TZ
from engine.domain.records import CaseFactRecord
from engine.persistence.repositories import CaseFactRepository
from engine.persistence.tables import CaseRow, HumanTaskRow, NoticeRow

NOW = datetime(2024, 12, 31, 18, 0, tzinfo=CHINA_TZ)
RANGE = (date(2024, 10, 1), date(2024, 12, 31))
EPOCH = date(1970, 1, 1)
UNIT = "SH01"  # every case of the data set was received at this outlet


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A China-time moment."""
    return datetime(y, m, d, hour, minute, tzinfo=CHINA_TZ)


@dataclass
class Seed:
    """One case of the data set."""

    name: str
    organisation: str
    channel: str
    category: str
    cause: str
    grade: str
    product: str | None
    received: datetime
    internal_due: datetime
    regulatory_due: datetime
    customer: str
    replied: datetime | None = None
    workday_minutes: int | None = None
    minutes: int | None = None
    extensions: int = 0
    amount_cents: int = 0
    compensation_cents: int = 0
    on_spot: bool = False
    satisfaction: str | None = None
    rework: int = 0
    review: bool = False
    overturned: bool = False
    rect_issued: bool = False
    rect_closed: bool = False
    root_cause: str | None = None


CASES = [
    Seed("C0", "branch", "counter", "deposits", "service_attitude", "general", None,
         at(2024, 9, 1), at(2024, 9, 4), at(2024, 9, 16), "E", at(2024, 9, 2), 1440, 1440),
    Seed("C11", "branch", "counter", "deposits", "fees", "general", None,
         at(2024, 9, 3), at(2024, 9, 6), at(2024, 9, 18), "D", at(2024, 9, 4), 1440, 1440),
    # 2024-09-30 23:30 China time is 15:30 UTC: before the range although its UTC date is also the 30th.
    Seed("C9", "branch", "counter", "deposits", "fees", "general", None,
         at(2024, 9, 30, 23, 30), at(2024, 10, 10, 23, 30), at(2024, 10, 15, 23, 30), "G"),
    # 2024-10-01 00:30 China time is 2024-09-30 16:30 UTC: inside the range.
    Seed("C10", "branch", "email", "other", "other", "general", None,
         at(2024, 10, 1, 0, 30), at(2024, 10, 10, 0, 30), at(2024, 10, 16, 0, 30), "F",
         replied=at(2024, 10, 8, 9), workday_minutes=540, minutes=7 * 1440 + 510),
    Seed("C1", "branch", "counter", "deposits", "service_attitude", "general", "定期存款",
         at(2024, 10, 8), at(2024, 10, 11), at(2024, 10, 23), "A",
         replied=at(2024, 10, 9), workday_minutes=1440, minutes=1440, amount_cents=12000,
         satisfaction="satisfied"),
    Seed("C2", "branch", "phone", "loans", "business_error", "important", "房贷",
         at(2024, 10, 15, 9), at(2024, 10, 17, 9), at(2024, 10, 30, 9), "B",
         replied=at(2024, 10, 21, 9), workday_minutes=4 * 1440, minutes=6 * 1440, amount_cents=300000,
         compensation_cents=5000, satisfaction="dissatisfied", rect_issued=True, rect_closed=True,
         root_cause="系统参数错误"),
    Seed("C3", "head_office", "hotline", "bank_card", "fees", "general", "信用卡",
         at(2024, 11, 4), at(2024, 11, 7), at(2024, 11, 19), "A",
         replied=at(2024, 11, 4, 15), workday_minutes=300, minutes=300, on_spot=True, satisfaction="basically"),
    Seed("C4", "head_office", "app_web", "payment", "system_failure", "urgent", None,
         at(2024, 11, 11), at(2024, 11, 12), at(2024, 12, 11), "C",
         replied=at(2024, 11, 29), workday_minutes=14 * 1440, minutes=18 * 1440, extensions=1,
         compensation_cents=20000, satisfaction="satisfied", rework=2, review=True, overturned=True,
         rect_issued=True, root_cause="系统参数错误"),
    Seed("C5", "card_center", "card_hotline", "bank_card", "fees", "general", "信用卡",
         at(2024, 12, 2), at(2024, 12, 5), at(2024, 12, 17), "D",
         replied=at(2024, 12, 3), workday_minutes=1440, minutes=1440, rework=1, review=True,
         root_cause="收费标准不透明"),
    Seed("C6", "branch", "counter", "deposits", "service_attitude", "general", "定期存款",
         at(2024, 12, 20), at(2024, 12, 25), at(2025, 2, 18), "B", extensions=2, amount_cents=8850),
    Seed("C7", "branch", "letter", "wealth", "product_dispute", "important", "理财",
         at(2024, 12, 30), at(2025, 1, 1), at(2025, 1, 14), "E"),
]


@dataclass
class TaskSeed:
    """A human_task row: (case, department, status, due)."""

    case: str
    department: str
    status: str
    due: datetime


TASKS = [
    TaskSeed("C6", "branch_manager", "claimed", at(2024, 12, 25)),     # overdue
    TaskSeed("C6", "branch_head", "ready", at(2024, 12, 30)),          # overdue
    TaskSeed("C7", "branch_front", "ready", at(2025, 1, 2)),           # not yet due
    TaskSeed("C4", "retail_banking", "completed", at(2024, 11, 15)),   # done: not backlog
    TaskSeed("C0", "branch_manager", "ready", at(2024, 9, 5)),         # overdue, but C0 is out of range
]


@dataclass
class NoticeSeed:
    """A notice row: (case, kind, department, sender, sent at)."""

    case: str
    kind: str
    department: str
    sender: str
    sent: datetime


NOTICES = [
    NoticeSeed("C2", "chase", "branch_manager", "system", at(2024, 10, 16)),
    NoticeSeed("C6", "chase", "branch_manager", "super1", at(2024, 12, 24)),
    NoticeSeed("C6", "supervision", "branch_manager", "system", at(2024, 12, 26)),
    NoticeSeed("C4", "chase", "retail_banking", "system", at(2024, 11, 20)),
    NoticeSeed("C4", "supervision", "complaint_mgmt", "system", at(2024, 11, 28)),
    NoticeSeed("C0", "chase", "branch_manager", "system", at(2024, 9, 3)),  # sent before the range
]


def seed(engine: Engine) -> dict[str, int]:
    """Write the data set; returns case ids by name."""
    with engine.ctx.db.write() as uow:
        definition = uow.definitions.latest("branch_complaint")
        assert definition is not None, "processes/ must be deployed first"
        ids = {c.name: _insert_case(uow.session, definition.id, c) for c in CASES}
        CaseFactRepository(uow.session).bulk_insert([_facts(ids[c.name], c) for c in CASES])
        for i, t in enumerate(TASKS):
            uow.session.execute(insert(HumanTaskRow).values(
                id=f"task-{i}", case_id=ids[t.case], case_number=t.case, process_key="branch_complaint",
                bpmn_id="Task_X", title="任务", department=t.department, status=t.status,
                created_at=at(2024, 9, 1), due_at=t.due, chase_count=0,
            ))
        for n in NOTICES:
            uow.session.execute(insert(NoticeRow).values(
                kind=n.kind, case_id=ids[n.case], case_number=n.case, department=n.department,
                sender=n.sender, reason="r", created_at=n.sent, email_status="none",
            ))
        uow.commit()
    return ids


def _insert_case(session: Any, definition_id: int, c: Seed) -> int:
    extensions = [{"to_days": days} for days in (30, 60)[: c.extensions]]
    closed = c.replied is not None
    result = session.execute(insert(CaseRow).values(
        number=f"TS-{c.name}", definition_id=definition_id, process_key="branch_complaint",
        status="closed" if closed else "open", version=1, state="{}", complaint={}, process_data={},
        completed_elements=[], current_elements=[], channel=c.channel, organisation=c.organisation,
        grade=c.grade, category=c.category, cause=c.cause, received_at=c.received, received_by="front",
        internal_due_at=c.internal_due, regulatory_due_at=c.regulatory_due, regulatory_extensions=extensions,
        supervised=False, closed_at=c.replied, created_at=c.received, updated_at=c.received, unit=UNIT,
    ))
    return int(result.inserted_primary_key[0])


def _facts(case_id: int, c: Seed) -> CaseFactRecord:
    return CaseFactRecord(
        case_id=case_id, process_key="branch_complaint", organisation=c.organisation, channel=c.channel,
        category=c.category, cause=c.cause, grade=c.grade, product=c.product, received_at=c.received,
        received_month=c.received.strftime("%Y-%m"), received_day=(c.received.date() - EPOCH).days,
        customer_key=f"customer-{c.customer}", internal_due_at=c.internal_due, regulatory_due_at=c.regulatory_due,
        regulatory_extensions=c.extensions, amount_cents=c.amount_cents,
        compensation_cents=c.compensation_cents, resolved_on_spot=c.on_spot, replied_at=c.replied,
        reply_workday_minutes=c.workday_minutes, reply_minutes=c.minutes, satisfaction=c.satisfaction,
        rework_returns=c.rework, review_requested=c.review, review_overturned=c.overturned,
        rectification_issued=c.rect_issued, rectification_closed=c.rect_closed, root_cause=c.root_cause,
        closed_at=c.replied, unit=UNIT,
    )
