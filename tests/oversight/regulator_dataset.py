"""A hand-made quarter for the regulator's table: cases written straight into the case and case_fact tables.

Quarter 2024 Q4 (2024-10-01 .. 2024-12-31, China dates). Six cases inside it at four units, one just before and
one just after. The figures the tests expect are worked out by hand in test_regulator_statistics.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert

from engine.bootstrap import Engine
from engine.domain.clock import CHINA_TZ
from engine.domain.records import CaseFactRecord
from engine.persistence.repositories import CaseFactRepository
from engine.persistence.tables import CaseRow

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=CHINA_TZ)
EPOCH = date(1970, 1, 1)


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    """A China-time moment."""
    return datetime(y, m, d, hour, minute, tzinfo=CHINA_TZ)


@dataclass(frozen=True)
class Seed:
    """One case: where, how it is classified, when received, due and replied, and the money."""

    name: str
    unit: str
    channel: str
    category: str | None
    cause: str | None
    received: datetime
    regulatory_due: datetime
    replied: datetime | None = None
    amount_cents: int = 0
    compensation_cents: int = 0


CASES = [
    Seed("R1", "SH01", "counter", "deposits", "service_attitude", at(2024, 10, 8), at(2024, 10, 23),
         replied=at(2024, 10, 9), amount_cents=12000),
    Seed("R2", "SH01", "phone", "loans", "business_error", at(2024, 10, 15), at(2024, 10, 30),
         replied=at(2024, 11, 2), amount_cents=300000, compensation_cents=5000),  # replied late
    Seed("R3", "SH02", "hotline", "bank_card", "fees", at(2024, 11, 4), at(2024, 11, 19), replied=at(2024, 11, 5)),
    Seed("R4", "BJ01", "app_web", "payment", "system_failure", at(2024, 11, 11), at(2024, 11, 26),
         amount_cents=8850),  # not replied yet
    Seed("R5", "HO", "email", "other", "other", at(2024, 12, 2), at(2024, 12, 17), replied=at(2024, 12, 3),
         compensation_cents=20000),
    Seed("R6", "SH01", "counter", "deposits", None, at(2024, 12, 20), at(2025, 1, 4)),  # no cause yet
    # 2024-09-30 23:30 China time: before the quarter; 2025-01-01 00:30: after it.
    Seed("R7", "SH01", "counter", "deposits", "service_attitude", at(2024, 9, 30, 23, 30), at(2024, 10, 15, 23, 30)),
    Seed("R8", "BJ02", "letter", "wealth", "product_dispute", at(2025, 1, 1, 0, 30), at(2025, 1, 16, 0, 30)),
]


def seed(engine: Engine) -> dict[str, int]:
    """Write the cases; returns their ids by name."""
    with engine.ctx.db.write() as uow:
        definition = uow.definitions.latest("branch_complaint")
        assert definition is not None, "processes/ must be deployed first"
        ids = {c.name: _insert_case(uow.session, definition.id, c) for c in CASES}
        CaseFactRepository(uow.session).bulk_insert([_facts(ids[c.name], c) for c in CASES])
        uow.commit()
    return ids


def _insert_case(session, definition_id: int, c: Seed) -> int:
    result = session.execute(insert(CaseRow).values(
        number=f"TS-{c.name}", definition_id=definition_id, process_key="branch_complaint",
        status="closed" if c.replied else "open", version=1, state="{}", complaint={}, process_data={},
        completed_elements=[], current_elements=[], channel=c.channel, organisation="branch", grade="general",
        category=c.category, cause=c.cause, received_at=c.received, received_by="front",
        internal_due_at=c.regulatory_due, regulatory_due_at=c.regulatory_due, regulatory_extensions=[],
        supervised=False, closed_at=c.replied, created_at=c.received, updated_at=c.received, unit=c.unit,
    ))
    return int(result.inserted_primary_key[0])


def _facts(case_id: int, c: Seed) -> CaseFactRecord:
    return CaseFactRecord(
        case_id=case_id, process_key="branch_complaint", organisation="branch", channel=c.channel,
        category=c.category, cause=c.cause, grade="general", product=None, received_at=c.received,
        received_month=c.received.strftime("%Y-%m"), received_day=(c.received.date() - EPOCH).days,
        customer_key=f"customer-{c.name}", internal_due_at=c.regulatory_due, regulatory_due_at=c.regulatory_due,
        regulatory_extensions=0, amount_cents=c.amount_cents, compensation_cents=c.compensation_cents,
        resolved_on_spot=False, replied_at=c.replied, reply_workday_minutes=None, reply_minutes=None,
        satisfaction=None, rework_returns=0, review_requested=False, review_overturned=False,
        rectification_issued=False, rectification_closed=False, root_cause=None, closed_at=c.replied, unit=c.unit,
    )
