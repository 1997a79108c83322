"""Head-office reports: SQL aggregates over the case_fact projection, never workflow state.

Scope: the complaints received in a date range (China dates, both ends included), of one organisation or
all. Every figure is about those complaints, except chases and supervisions (the notices sent within the
range to complaints of the organisation) and the overdue backlog (their tasks open and past due at the
moment of the report). Rates are kept as numerator and denominator; percentiles use the nearest rank
(the value at position ceil(0.9 n) in ascending order), computed in SQL with ORDER BY ... OFFSET.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from engine.domain import authz
from engine.domain.clock import CHINA_TZ, to_china
from engine.domain.customer_notices import CustomerNoticeKind
from engine.domain.errors import Forbidden, Problem, ValidationFailed, invalid
from engine.domain.model import SYSTEM, Actor
from engine.domain.organisation import UnitTotal, rolled_up
from engine.domain.records import ReportScope
from engine.domain.repeats import MERGED, REPEAT_WINDOW_DAYS
from engine.schemas.complaint import EARLIEST_RECEIPT, LATEST_RECEIPT
from engine.services.context import EngineContext
from engine.services.facts import BASICALLY, DISSATISFIED, EPOCH, MINUTES_PER_DAY, SATISFIED, record_case_facts
from engine.services.rectification.report import RectificationUnitRow, rectifications_by_unit
from engine.services.unit_of_work import ReportReads

TOP_ROOT_CAUSES = 10
MAX_RANGE_DAYS = 3 * 366
DIMENSIONS = ("channel", "category", "cause", "grade", "organisation", "product")
CODE_LISTS = {"channel": "channels", "category": "categories", "cause": "causes", "grade": "grades"}


@dataclass(frozen=True)
class ReportRequest:
    """What to report on: complaints received from `start` to `end` (China dates), one organisation or all,
    in one organisation unit's subtree or every unit the reader may see."""

    start: date
    end: date
    organisation: str | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Ratio:
    """A rate kept exact: numerator over denominator (rate None when nothing to divide by)."""

    numerator: int
    denominator: int

    @property
    def rate(self) -> float | None:
        """numerator / denominator rounded to 4 places."""
        return round(self.numerator / self.denominator, 4) if self.denominator else None


@dataclass(frozen=True)
class CountRow:
    """How many complaints carry one value of a dimension."""

    code: str
    label: str
    count: int


@dataclass(frozen=True)
class MonthRow:
    """Complaints received in one month and the change on the month before (None for the first)."""

    month: str
    count: int
    change: int | None


@dataclass(frozen=True)
class Volume:
    """How many complaints, and how they split."""

    total: int
    by_channel: list[CountRow]
    by_category: list[CountRow]
    by_cause: list[CountRow]
    by_grade: list[CountRow]
    by_organisation: list[CountRow]
    by_product: list[CountRow]
    monthly: list[MonthRow]
    by_unit: list[UnitTotal]  # rolled up: outlet -> branch -> bank


@dataclass(frozen=True)
class ClockFigures:
    """One clock: replies on time, unanswered cases past due, and reply times (unit: working or calendar days)."""

    unit: str
    replied: int
    on_time: int
    late: int
    open_overdue: int
    on_time_rate: Ratio
    average_days: float | None
    p90_days: float | None


@dataclass(frozen=True)
class Timeliness:
    """Both clocks, regulatory extensions and the overdue backlog by department."""

    internal: ClockFigures
    regulatory: ClockFigures
    extended_cases: int
    extended_twice: int
    extensions: int
    overdue_backlog: list[CountRow]


@dataclass(frozen=True)
class ClockActions:
    """Regulatory clock actions: extensions by kind (to 30 days, complex; to 60, particularly complex) and
    pauses for appraisal or third-party verification with their length in calendar days."""

    extensions_to_30: int
    extensions_to_60: int
    paused_cases: int
    pauses: int
    paused_days: int


def clock_actions(q: ReportReads, scope: ReportScope) -> ClockActions:
    """The clock actions of the cases in scope (one aggregate over their facts)."""
    totals = q.clock_totals(scope)
    long = totals["long_extensions"]
    return ClockActions(totals["extensions"] - long, long, totals["paused_cases"], totals["pauses"],
                        totals["paused_days"])


@dataclass(frozen=True)
class Quality:
    """Rework, review requests (核查), repeat complaints and first-contact resolution.

    repeat_cases: repeat complaints (a complaint whose customer complained within REPEAT_WINDOW_DAYS before,
    plus the repeats merged into an earlier case) among all complaints received, merged ones included.
    reopened: complaints whose customer asked for review (a review case, 核查) among those answered."""

    rework_returns: int
    reworked_cases: int
    review_requested: int
    review_overturned: Ratio
    repeat_cases: Ratio
    first_contact_resolution: Ratio
    merged_repeats: int
    reopened: Ratio


@dataclass(frozen=True)
class NoticeTimeliness:
    """Customer notices of one kind (受理告知 / 延期告知 / 处理结果告知): queued, delivered, and delivered within
    customer_notices.toml `on_time_hours` of the event that called for them (the rate is over those queued)."""

    kind: str
    queued: int
    delivered: int
    on_time: Ratio


@dataclass(frozen=True)
class Satisfaction:
    """Revisits (回访) and what customers said."""

    revisit_coverage: Ratio
    satisfied: int
    basically: int
    dissatisfied: int
    other: int
    satisfaction_rate: Ratio


@dataclass(frozen=True)
class DepartmentControl:
    """Chases (automatic and by hand) and supervisions addressed to one department."""

    department: str
    label: str
    auto_chases: int
    manual_chases: int
    supervisions: int


@dataclass(frozen=True)
class RootCauses:
    """The most frequent root causes and the rectification notices (整改通知单)."""

    top: list[CountRow]
    rectification_issued: int
    rectification_closed: Ratio


@dataclass(frozen=True)
class Money:
    """Amounts in dispute and compensation paid (yuan)."""

    amount_in_dispute: Decimal
    cases_with_amount: int
    compensation_paid: Decimal
    cases_compensated: int


@dataclass(frozen=True)
class Report:
    """Every section head office asks for, for one request."""

    request: ReportRequest
    generated_at: datetime
    volume: Volume
    timeliness: Timeliness
    quality: Quality
    satisfaction: Satisfaction
    control: list[DepartmentControl]
    root_causes: RootCauses
    money: Money
    customer_notices: list[NoticeTimeliness]
    clock_actions: ClockActions | None = None
    # notices issued in the range, by responsible unit (rolled up)
    rectifications: list[RectificationUnitRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (dates ISO, money as decimal text, ratios with their rate)."""
        return plain(self)


class ReportService:
    """Builds head-office reports for supervisors, auditors and admins."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def default_request(self) -> ReportRequest:
        """The last twelve months: from the first day of the month eleven months ago to today."""
        today = to_china(self.ctx.now()).date()
        month = today.month - 11
        year = today.year + (month - 1) // 12
        return ReportRequest(date(year, (month - 1) % 12 + 1, 1), today)

    def parse_request(self, raw: Mapping[str, str]) -> ReportRequest:
        """A request from form or query values `start`, `end`, `organisation`, `unit` (defaults for missing
        ones)."""
        default = self.default_request()
        errors: dict[str, list[str]] = {}
        start = _parse_date(raw.get("start"), default.start, "start", errors)
        end = _parse_date(raw.get("end"), default.end, "end", errors)
        organisation = (raw.get("organisation") or "").strip() or None
        unit = (raw.get("unit") or "").strip() or None
        if errors:
            raise ValidationFailed(errors)
        return self.validate(ReportRequest(start, end, organisation, unit))

    def validate(self, request: ReportRequest) -> ReportRequest:
        """The request if it makes sense, else ValidationFailed naming the field."""
        problems: dict[str, Problem] = {}
        first, last = EARLIEST_RECEIPT.date(), LATEST_RECEIPT.date() - timedelta(days=1)
        for name, day in (("start", request.start), ("end", request.end)):
            if not first <= day <= last:
                problems[name] = Problem("date_out_of_range", f"dates lie between {first} and {last}",
                                         {"first": str(first), "last": str(last)})
        if problems:
            raise invalid(problems)
        if request.end < request.start:
            problems["end"] = Problem("end_before_start", "the end date is before the start date")
        elif (request.end - request.start).days >= MAX_RANGE_DAYS:
            problems["end"] = Problem("range_too_long", f"the range may span at most {MAX_RANGE_DAYS} days",
                                      {"days": str(MAX_RANGE_DAYS)})
        if request.organisation is not None and request.organisation not in self.ctx.codes.organisations:
            choices = ", ".join(self.ctx.codes.organisations)
            problems["organisation"] = Problem(
                "unknown_organisation", f"unknown organisation {request.organisation!r} (one of: {choices})",
                {"organisation": request.organisation, "choices": choices})
        if request.unit is not None and self.ctx.organisation.get(request.unit) is None:
            problems["unit"] = Problem("unknown_unit_code",
                                       f"unknown unit {request.unit!r} (see `complaintflow units`)",
                                       {"unit": request.unit})
        if problems:
            raise invalid(problems)
        return request

    def report(self, request: ReportRequest, actor: Actor) -> Report:
        """The full report for `request`; only supervisors, auditors and admins may read it."""
        if not authz.may_see_reports(actor):
            raise Forbidden("reports are for supervisors, auditors and admins", code="reports_only")
        request = self.validate(request)
        scope = self._scope(request, self._units(request, actor))
        with self.ctx.db.read() as uow:
            queries = uow.reports
            totals = queries.totals(scope)
            marginals = _breakdowns(queries, scope)
            return Report(
                request=request, generated_at=scope.now,
                volume=self._volume(marginals, totals["cases"], request, self._by_unit(queries, scope)),
                timeliness=self._timeliness(queries, scope, totals),
                quality=self._quality(queries, scope, totals),
                satisfaction=self._satisfaction(marginals["satisfaction"], totals),
                control=self._control(queries, scope),
                root_causes=self._root_causes(queries, scope, totals),
                money=Money(_yuan(totals["amount_cents"]), totals["amount_cases"],
                            _yuan(totals["compensation_cents"]), totals["compensated_cases"]),
                customer_notices=self._customer_notices(queries, scope),
                clock_actions=clock_actions(queries, scope),
                rectifications=rectifications_by_unit(uow.rectifications, self.ctx.organisation, scope),
            )

    def scope_for(self, request: ReportRequest, actor: Actor) -> ReportScope:
        """The cases a report reader's request covers (checked: a reader of reports, a valid request, units
        within those the reader may see); other reports over the same facts start here."""
        if not authz.may_see_reports(actor):
            raise Forbidden("reports are for supervisors, auditors and admins", code="reports_only")
        request = self.validate(request)
        return self._scope(request, self._units(request, actor))

    def _customer_notices(self, q: ReportReads, scope: ReportScope) -> list[NoticeTimeliness]:
        found = {kind: (queued, sent, on_time) for kind, queued, sent, on_time
                 in q.customer_notice_timeliness(scope, self.ctx.notices.on_time_hours * 3600)}
        rows = []
        for kind in CustomerNoticeKind:
            queued, sent, on_time = found.get(kind.value, (0, 0, 0))
            rows.append(NoticeTimeliness(kind.value, queued, sent, Ratio(on_time, queued)))
        return rows

    def units_for(self, actor: Actor) -> list[str]:
        """The units a reader may narrow a report to (those whose cases they count), in the tree's order."""
        visible = authz.report_units(actor)
        return [code for code in self.ctx.organisation.units if visible is None or code in visible]

    def backfill_facts(self) -> int:
        """Write the facts rows of cases stored before the reports existed (from their projections); returns
        how many. Their reply time is taken as the closing time (open cases: now, if already answered)."""
        with self.ctx.db.write() as uow:
            missing = uow.reports.cases_without_facts()
            for case_id in missing:
                case = uow.cases.load_for_update(case_id)
                summary = uow.read.case(case_id)
                if case is None or summary is None:
                    continue
                data = uow.read.case_elements(case_id)[2]
                finished = summary.closed_at is not None
                record_case_facts(self.ctx, uow, case, data, summary.closed_at or self.ctx.now(), finished)
            uow.commit()
        return len(missing)

    def _units(self, request: ReportRequest, actor: Actor) -> frozenset[str] | None:
        """The units the report counts: the requested unit's subtree within those the reader may see."""
        visible = authz.report_units(actor)
        if request.unit is None:
            return visible
        if visible is not None and request.unit not in visible:
            raise invalid({"unit": Problem("unit_not_visible", f"unit {request.unit} is outside the units you may see",
                                           {"unit": request.unit})})
        wanted = frozenset(self.ctx.organisation.subtree(request.unit))
        return wanted if visible is None else wanted & visible

    def _scope(self, request: ReportRequest, units: frozenset[str] | None) -> ReportScope:
        start = datetime.combine(request.start, time(), CHINA_TZ)
        before = datetime.combine(request.end + timedelta(days=1), time(), CHINA_TZ)
        return ReportScope((request.start - EPOCH).days, (request.end - EPOCH).days, start, before,
                           request.organisation, self.ctx.now(), units)

    def _by_unit(self, q: ReportReads, scope: ReportScope) -> list[UnitTotal]:
        counts = {str(unit): n for unit, n in q.counts_by(scope, "unit")}
        return rolled_up(self.ctx.organisation, counts, scope.units)

    def _volume(self, marginals: dict[str, list[tuple[Any, int]]], total: int, request: ReportRequest,
                by_unit: list[UnitTotal]) -> Volume:
        rows = {name: self._counts(marginals[name], name) for name in DIMENSIONS}
        per_month = dict(marginals["received_month"])
        monthly: list[MonthRow] = []
        for month in _months(request.start, request.end):
            count = per_month.get(month, 0)
            monthly.append(MonthRow(month, count, count - monthly[-1].count if monthly else None))
        return Volume(total, rows["channel"], rows["category"], rows["cause"], rows["grade"],
                      rows["organisation"], rows["product"], monthly, by_unit)

    def _timeliness(self, q: ReportReads, scope: ReportScope, totals: dict[str, int]) -> Timeliness:
        backlog = [CountRow(d, self.ctx.department_name(d), n) for d, n in q.overdue_tasks_by_department(scope)]
        return Timeliness(_clock(q, scope, totals, False), _clock(q, scope, totals, True),
                          totals["extended"], totals["extended_twice"], totals["extensions"], backlog)

    @staticmethod
    def _quality(q: ReportReads, scope: ReportScope, totals: dict[str, int]) -> Quality:
        merged = q.linked_counts(scope).get(MERGED, 0)
        return Quality(
            rework_returns=totals["rework_returns"], reworked_cases=totals["reworked_cases"],
            review_requested=totals["review_requested"],
            review_overturned=Ratio(totals["review_overturned"], totals["review_requested"]),
            repeat_cases=Ratio(q.repeat_cases(scope, REPEAT_WINDOW_DAYS) + merged, totals["cases"] + merged),
            first_contact_resolution=Ratio(totals["resolved_on_spot"], totals["cases"]),
            merged_repeats=merged, reopened=Ratio(totals["reopened"], totals["replied"]),
        )

    @staticmethod
    def _satisfaction(answers: list[tuple[Any, int]], totals: dict[str, int]) -> Satisfaction:
        said = {key: n for key, n in answers if key is not None}
        satisfied, basically, dissatisfied = (said.pop(k, 0) for k in (SATISFIED, BASICALLY, DISSATISFIED))
        revisited = totals["revisited"]
        return Satisfaction(
            revisit_coverage=Ratio(revisited, totals["replied"]), satisfied=satisfied, basically=basically,
            dissatisfied=dissatisfied, other=sum(said.values()),
            satisfaction_rate=Ratio(satisfied + basically, revisited),
        )

    def _control(self, q: ReportReads, scope: ReportScope) -> list[DepartmentControl]:
        counts: dict[str, list[int]] = {}
        for dept, kind, automatic, n in q.notices_by_department(scope, SYSTEM):
            slot = 2 if kind == "supervision" else (0 if automatic else 1)
            counts.setdefault(dept, [0, 0, 0])[slot] += n
        rows = [DepartmentControl(d, self.ctx.department_name(d), *c) for d, c in counts.items()]
        return sorted(rows, key=lambda r: (-(r.auto_chases + r.manual_chases + r.supervisions), r.department))

    @staticmethod
    def _root_causes(q: ReportReads, scope: ReportScope, totals: dict[str, int]) -> RootCauses:
        causes = [(k, n) for k, n in _marginal(q.counts_by(scope, "root_cause"), 0) if k is not None]
        ranked = _ranked(causes)[:TOP_ROOT_CAUSES]
        top = [CountRow(str(k), str(k), n) for k, n in ranked]
        return RootCauses(top, totals["rectification_issued"],
                          Ratio(totals["rectification_closed"], totals["rectification_issued"]))

    def _counts(self, rows: list[tuple[Any, int]], dimension: str) -> list[CountRow]:
        return [CountRow(code or "", self._label(dimension, code), n) for code, n in _ranked(rows)]

    def _label(self, dimension: str, code: str | None) -> str:
        if not code:
            return "（未填写）"
        if dimension == "organisation":
            org = self.ctx.codes.organisations.get(code)
            return org.label if org else code
        return self.ctx.codes.labels(CODE_LISTS.get(dimension, "")).get(code, code)


def _clock(q: ReportReads, scope: ReportScope, totals: dict[str, int], regulatory: bool) -> ClockFigures:
    """One clock's figures from the totals; the 90th percentile is the value at rank ceil(0.9 n)."""
    clock = "regulatory" if regulatory else "internal"
    timed, on_time, overdue = (totals[f"{clock}_{k}"] for k in ("timed", "on_time", "open_overdue"))
    p90 = q.reply_minutes_at_rank(scope, regulatory, math.ceil(0.9 * timed) - 1) if timed else None
    return ClockFigures(
        unit="days" if regulatory else "workdays", replied=totals["replied"], on_time=on_time,
        late=totals["replied"] - on_time, open_overdue=overdue,
        on_time_rate=Ratio(on_time, totals["replied"] + overdue),
        average_days=round(totals[f"{clock}_minutes"] / timed / MINUTES_PER_DAY, 2) if timed else None,
        p90_days=None if p90 is None else round(p90 / MINUTES_PER_DAY, 2),
    )


def _breakdowns(q: ReportReads, scope: ReportScope) -> dict[str, list[tuple[Any, int]]]:
    """Counts per value of each dimension; three passes: grade x organisation x month x satisfaction,
    channel x category x cause (few combinations, so one grouped pass each), and product."""
    by_status = q.counts_by(scope, "grade", "organisation", "received_month", "satisfaction")
    by_subject = q.counts_by(scope, "channel", "category", "cause")
    return {
        "grade": _marginal(by_status, 0), "organisation": _marginal(by_status, 1),
        "received_month": _marginal(by_status, 2), "satisfaction": _marginal(by_status, 3),
        "channel": _marginal(by_subject, 0), "category": _marginal(by_subject, 1),
        "cause": _marginal(by_subject, 2), "product": _marginal(q.counts_by(scope, "product"), 0),
    }


def _marginal(rows: list[tuple[Any, ...]], index: int) -> list[tuple[Any, int]]:
    """Counts per value of the `index`-th column of grouped rows (value, ..., count)."""
    sums: dict[Any, int] = {}
    for row in rows:
        sums[row[index]] = sums.get(row[index], 0) + int(row[-1])
    return list(sums.items())


def _ranked(rows: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """Most first; ties by value (code point order, the same on every database), empty last."""
    return sorted(rows, key=lambda row: (-row[1], row[0] is None, row[0] or ""))


def _parse_date(value: str | None, default: date, name: str, errors: dict[str, list[str]]) -> date:
    if value is None or not value.strip():
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        errors[name] = [f"expected a date like 2024-10-08, got {value!r}"]
        return default


def _months(start: date, end: date) -> list[str]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _yuan(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def plain(value: Any) -> Any:
    """A report value as JSON-ready data (dates ISO, money as decimal text, ratios with their rate)."""
    if isinstance(value, Ratio):
        return {"numerator": value.numerator, "denominator": value.denominator, "rate": value.rate}
    if hasattr(value, "__dataclass_fields__"):
        return {name: plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
