"""Report facts of a case: a pure extraction from its complaint and workflow data, and its projection write.

Reports never read workflow state or JSON: `record_case_facts` runs in the same transaction as every other
projection (from `persist_workflow`) and writes one `case_fact` row of plain columns the report queries
aggregate. Which workflow variable holds which fact differs per diagram: each process declares it in the
`[facts]` section of `processes/<process key>.toml` (engine.domain.report_facts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.domain.calendar import parse_moment
from engine.domain.clock import to_china
from engine.domain.matching import customer_key
from engine.domain.records import CaseFactRecord, StoredCase
from engine.domain.report_facts import FactVariables
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

EPOCH = date(1970, 1, 1)
# What a facts row keeps between saves: (replied_at, regulatory_due_at, regulatory_extensions).
Kept = tuple[datetime | None, datetime | None, int]
MINUTES_PER_DAY = 24 * 60

# Satisfaction as the reports count it: 满意 / 基本满意 / 不满意.
SATISFIED, BASICALLY, DISSATISFIED = "satisfied", "basically", "dissatisfied"
SATISFACTION_ALIASES: Mapping[str, str] = {
    SATISFIED: SATISFIED, "very_satisfied": SATISFIED, "满意": SATISFIED,
    BASICALLY: BASICALLY, "basically_satisfied": BASICALLY, "基本满意": BASICALLY,
    DISSATISFIED: DISSATISFIED, "unsatisfied": DISSATISFIED, "not_satisfied": DISSATISFIED, "不满意": DISSATISFIED,
}


@dataclass(frozen=True)
class CaseFacts:
    """What a case's complaint and workflow data say, before the clocks are applied."""

    product: str | None
    amount_cents: int
    compensation_cents: int
    resolved_on_spot: bool
    replied: bool
    satisfaction: str | None
    rework_returns: int
    review_requested: bool
    review_overturned: bool
    rectification_issued: bool
    rectification_closed: bool
    root_cause: str | None


def extract_facts(
    names: FactVariables, complaint: Mapping[str, Any], data: Mapping[str, Any], finished: bool = False
) -> CaseFacts:
    """The report facts of a case from its complaint and its latest workflow data (pure)."""
    merged = {**complaint, **data}
    issued = _present(merged, names.rectification_issued)
    on_spot = _flag(merged, names.resolved_on_spot, names.yes_values)
    return CaseFacts(
        product=_text(complaint.get("product"), 120),
        amount_cents=_cents(merged.get("amount")),
        compensation_cents=max((_cents(merged.get(name)) for name in names.compensation), default=0),
        resolved_on_spot=on_spot,
        replied=on_spot or _present(merged, names.replied),
        satisfaction=_satisfaction(_first(merged, names.satisfaction)),
        rework_returns=_count(_first(merged, names.rework_returns)),
        review_requested=_present(merged, names.review_requested),
        review_overturned=_flag(merged, names.review_overturned, names.yes_values),
        rectification_issued=issued,
        rectification_closed=issued and (
            _flag(merged, names.rectification_closed, names.yes_values)
            or (names.rectification_closes_with_case and finished)
        ),
        root_cause=_text(_first(merged, names.root_cause), 200),
    )


def build_fact_record(
    ctx: EngineContext, case: StoredCase, facts: CaseFacts, data: Mapping[str, Any], kept: Kept,
    closed_at: datetime | None,
) -> CaseFactRecord:
    """The case_fact row: the facts plus dimensions, receipt day/month (China time) and both clocks' times."""
    replied_at, regulatory_due, extensions = kept
    complaint = case.complaint
    received = to_china(case.received_at)
    workday_minutes = minutes = None
    if replied_at is not None:
        workday_minutes = round(ctx.calendar.workdays_between(received, replied_at) * MINUTES_PER_DAY)
        minutes = round((replied_at - received).total_seconds() / 60)
    return CaseFactRecord(
        case_id=case.id, process_key=case.process_key, organisation=str(complaint.get("organisation", "")),
        channel=str(complaint.get("channel", "")), category=complaint.get("category"),
        cause=complaint.get("cause"), grade=case.grade, product=facts.product, received_at=received,
        received_month=received.strftime("%Y-%m"), received_day=(received.date() - EPOCH).days,
        customer_key=customer_key(complaint, ctx.settings.match_key),
        internal_due_at=moment_or_none(data.get("internal_due")), regulatory_due_at=regulatory_due,
        regulatory_extensions=extensions,
        amount_cents=facts.amount_cents, compensation_cents=facts.compensation_cents,
        resolved_on_spot=facts.resolved_on_spot, replied_at=replied_at,
        reply_workday_minutes=workday_minutes, reply_minutes=minutes, satisfaction=facts.satisfaction,
        rework_returns=facts.rework_returns, review_requested=facts.review_requested,
        review_overturned=facts.review_overturned, rectification_issued=facts.rectification_issued,
        rectification_closed=facts.rectification_closed, root_cause=facts.root_cause, closed_at=closed_at,
        unit=case.unit,
    )


def record_case_facts(
    ctx: EngineContext, uow: UnitOfWork, case: StoredCase, data: Mapping[str, Any], now: datetime, finished: bool
) -> Kept | None:
    """Write the case's case_fact row in the caller's transaction (the reply time is kept once set).
    Returns what is kept when this save is the one that recorded the reply (the result was told), else None."""
    repo = uow.case_facts
    facts = extract_facts(ctx.facts.for_process(case.process_key), case.complaint, data, finished)
    replied_at, regulatory_due, extensions = repo.kept(case.id) or (None, moment_or_none(data.get("regulatory_due")), 0)
    first_reply = replied_at is None and (facts.replied or finished)
    if first_reply:
        replied_at = now  # a case closes only after its customer was answered
    kept = (replied_at, regulatory_due, extensions)
    repo.save(build_fact_record(ctx, case, facts, data, kept, now if finished else None))
    return kept if first_reply else None


def facts_unchanged(ctx: EngineContext, case: StoredCase, before: Mapping[str, Any], after: Mapping[str, Any]) -> bool:
    """Whether the facts row written from `before` (the data of the stored state) is also the row of `after`:
    the same facts and deadlines (the case's own columns do not change between saves; a closing save always
    writes). Then the row is neither read nor written."""
    if any(before.get(k) != after.get(k) for k in ("internal_due", "regulatory_due")):
        return False
    names = ctx.facts.for_process(case.process_key)
    return extract_facts(names, case.complaint, before) == extract_facts(names, case.complaint, after)


def record_regulatory_extension(uow: UnitOfWork, case_id: int, due: datetime, extensions: int) -> None:
    """Keep the facts row in step when the regulatory clock of a case is extended (same transaction)."""
    uow.case_facts.set_regulatory(case_id, due, extensions)


def moment_or_none(value: Any) -> datetime | None:
    """The case's internal deadline as the workflow carries it (ISO text), None if missing or unreadable."""
    try:
        return parse_moment(value) if value else None
    except ValueError:
        return None


def _first(data: Mapping[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = data.get(name)
        if value not in (None, ""):
            return value
    return None


def _present(data: Mapping[str, Any], names: tuple[str, ...]) -> bool:
    value = _first(data, names)
    return value is not None and value is not False and value != []


def _flag(data: Mapping[str, Any], names: tuple[str, ...], yes_values: frozenset[str]) -> bool:
    """True when any of the named variables says yes."""
    return any(_is_yes(data.get(name), yes_values) for name in names)


def _is_yes(value: Any, yes_values: frozenset[str]) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in yes_values
    return value is True or (isinstance(value, int | float) and not isinstance(value, bool) and value > 0)


def _cents(value: Any) -> int:
    """Yuan (number or decimal text) as whole fen; anything unreadable or negative is 0."""
    if value in (None, "") or isinstance(value, bool):
        return 0
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return 0
    if not amount.is_finite() or amount < 0:
        return 0
    return int((amount * 100).quantize(Decimal(1)))


def _count(value: Any) -> int:
    if isinstance(value, bool) or value is None:
        return 0
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


def _satisfaction(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return SATISFACTION_ALIASES.get(text.lower(), text[:20] or None)


def _text(value: Any, limit: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:limit] or None
