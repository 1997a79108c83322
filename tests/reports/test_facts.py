"""Report facts: the pure extraction per process, and the case_fact row written with every workflow save."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import delete, select

from engine.domain.matching import customer_key
from engine.domain.report_facts import FactsCatalogue, FactVariables
from engine.persistence.tables import CaseFactRow
from engine.services.facts import extract_facts
from engine.services.reports import ReportRequest
from tests.support import complaints as forms
from tests.support.actors import ADMIN, supervisor
from tests.support.driver import claim_and_complete, open_case
from tests.support.engines import PROCESSES, at, clock_of

COMPLAINT = forms.complaint(product="定期存款", amount="1200.50")
DECLARED = FactsCatalogue([PROCESSES])  # the [facts] sections of processes/<key>.toml


def _facts(process_key, complaint, data, finished=False):
    """extract_facts with the process's declared variables."""
    return extract_facts(DECLARED.for_process(process_key), complaint, data, finished)


def test_branch_facts_from_the_diagram_variables():
    data = {**forms.NOT_ON_SPOT, **forms.INVESTIGATED_BANK_FAULT, **forms.NOTIFIED_RECTIFY, **forms.RECTIFIED,
            **forms.REVISITED, "amount": 1200.5}
    facts = _facts("branch_complaint", COMPLAINT, data, finished=False)
    assert facts.product == "定期存款"
    assert (facts.amount_cents, facts.compensation_cents) == (120050, 5000)
    assert facts.replied and not facts.resolved_on_spot
    assert facts.satisfaction == "satisfied"
    assert facts.root_cause == "柜员培训不足"
    assert facts.rectification_issued and not facts.rectification_closed
    # the branch diagram has no closing step: the notice closes with the case
    assert _facts("branch_complaint", COMPLAINT, data, finished=True).rectification_closed


def test_nothing_decided_yet():
    facts = _facts("branch_complaint", forms.complaint(product=""), {"amount": 0.0})
    assert (facts.product, facts.replied, facts.satisfaction, facts.rectification_issued) == (None, False, None, False)
    assert (facts.amount_cents, facts.compensation_cents, facts.rework_returns) == (0, 0, 0)


def test_head_office_variables():
    data = {"reply_method": "letter", "rework_count": 3, "review_request": "客户认为应赔偿利息损失",
            "review_conclusion": "overturned", "compensation_amount": 20.0, "review_compensation": 35.5,
            "satisfaction": "basically"}
    facts = _facts("head_office_complaint", forms.complaint(), data)
    assert (facts.replied, facts.rework_returns) == (True, 3)
    assert (facts.review_requested, facts.review_overturned) == (True, True)
    assert facts.compensation_cents == 3550  # the review's amount replaces the first decision's
    upheld = _facts("head_office_complaint", forms.complaint(),
                           data | {"review_conclusion": "upheld", "review_compensation": 0})
    assert (upheld.review_requested, upheld.review_overturned, upheld.compensation_cents) == (True, False, 2000)


def test_undeclared_facts_take_the_default_names_and_aliases():
    data = {"reply_method": "phone", "rework_count": "2", "review_requested": True, "review_overturned": "yes",
            "satisfaction": "basically_satisfied", "compensation_amount": "abc"}
    facts = extract_facts(FactVariables(replied=("reply_method",)), forms.complaint(), data)
    assert (facts.replied, facts.rework_returns) == (True, 2)
    assert (facts.review_requested, facts.review_overturned) == (True, True)
    assert facts.satisfaction == "basically"
    assert facts.compensation_cents == 0  # unreadable amounts count as nothing


def test_customer_key_names_the_person_not_the_text():
    a = customer_key({"id_type": "resident_id", "id_number": "31010119900101123x"}, "k")
    b = customer_key({"id_type": "resident_id", "id_number": " 31010119900101123X ", "contact_phone": "1"}, "k")
    assert a == b and len(a or "") == 32 and "3101" not in (a or "")
    phone = customer_key({"contact_phone": "+86 138-1234-5678"}, "k")
    assert phone == customer_key({"contact_phone": "13812345678"}, "k")
    assert customer_key({"id_number": "31010119900101123X"}, "other key") != customer_key(
        {"id_number": "31010119900101123X"}, "k")
    assert customer_key({}, "k") is None


def _fact_row(engine, case_id):
    with engine.ctx.db.read() as uow:
        table = CaseFactRow.__table__
        return SimpleNamespace(**uow.session.execute(select(table).where(table.c.case_id == case_id)).mappings().one())


def test_every_save_writes_the_facts_and_the_reply_time_once(engine):
    clock = clock_of(engine)  # Friday 2024-09-27 10:00; internal due +3 working days = Tuesday 2024-10-08 10:00
    case = open_case(engine, product="定期存款", amount="1200.50")
    row = _fact_row(engine, case.id)
    assert (row.organisation, row.channel, row.product, row.amount_cents) == ("branch", "counter", "定期存款", 120050)
    assert (row.received_month, row.received_day) == ("2024-09", (date(2024, 9, 27) - date(1970, 1, 1)).days)
    assert row.replied_at is None and row.closed_at is None

    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)
    claim_and_complete(engine, case.id, "Task_Investigate", forms.INVESTIGATED_BANK_FAULT)
    claim_and_complete(engine, case.id, "Task_Approve", forms.APPROVED)
    clock.set(at(2024, 10, 8, 10))
    claim_and_complete(engine, case.id, "Task_Notify", forms.NOTIFIED_RECTIFY)
    row = _fact_row(engine, case.id)
    assert row.replied_at == at(2024, 10, 8, 10)
    # Fri 27 Sep 14 h + Sun 29 Sep (swapped working day) 24 h + Mon 30 Sep 24 h + Tue 8 Oct 10 h = 72 h
    assert row.reply_workday_minutes == (14 + 24 + 24 + 10) * 60
    assert row.reply_minutes == 11 * 24 * 60
    assert (row.compensation_cents, row.root_cause, row.rectification_issued) == (5000, "柜员培训不足", False)

    clock.advance(timedelta(days=1))
    claim_and_complete(engine, case.id, "Task_Rectify", forms.RECTIFIED)
    claim_and_complete(engine, case.id, "Task_Revisit", forms.REVISITED)
    assert _fact_row(engine, case.id).rectification_closed is False
    claim_and_complete(engine, case.id, "Task_Archive", forms.ARCHIVED)
    row = _fact_row(engine, case.id)
    assert row.replied_at == at(2024, 10, 8, 10)  # later steps keep the reply time
    assert row.closed_at == at(2024, 10, 9, 10)
    assert (row.satisfaction, row.rectification_issued, row.rectification_closed) == ("satisfied", True, True)

    report = engine.reports.report(ReportRequest(date(2024, 9, 1), date(2024, 10, 31)), ADMIN)
    internal = report.timeliness.internal
    # a general complaint is due 1 working day after receipt (Sunday 09-29 10:00): replied 3 working days after, late
    assert (internal.replied, internal.on_time, internal.late, internal.average_days) == (1, 0, 1, 3.0)
    assert report.timeliness.regulatory.average_days == 11.0
    assert report.money.compensation_paid == 50
    assert report.satisfaction.satisfaction_rate.rate == 1.0


def test_on_the_spot_resolution_is_the_reply(engine):
    case = open_case(engine)
    clock_of(engine).advance(timedelta(hours=2))
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.ON_SPOT)
    row = _fact_row(engine, case.id)
    assert row.resolved_on_spot is True
    assert (row.reply_workday_minutes, row.reply_minutes) == (120, 120)


def test_a_regulatory_extension_reaches_the_facts_at_once(engine):
    case = open_case(engine)  # received Friday 2024-09-27 10:00: regulatory deadline +15 days
    assert _fact_row(engine, case.id).regulatory_due_at == at(2024, 10, 12, 10)
    boss = supervisor("boss", "complaint_mgmt")
    clock_of(engine).set(at(2024, 10, 8, 9, 30))
    engine.clock.extend(case.id, 30, "案情复杂", boss)
    row = _fact_row(engine, case.id)
    assert (row.regulatory_due_at, row.regulatory_extensions) == (at(2024, 10, 27, 10), 1)  # 30 days
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.NOT_ON_SPOT)  # a later save keeps them
    assert _fact_row(engine, case.id).regulatory_extensions == 1
    report = engine.reports.report(ReportRequest(date(2024, 9, 1), date(2024, 9, 30)), ADMIN)
    assert (report.timeliness.extended_cases, report.timeliness.extensions) == (1, 1)


def test_cases_stored_before_the_reports_get_their_facts(engine):
    case = open_case(engine)
    claim_and_complete(engine, case.id, "Task_OnSpot", forms.ON_SPOT)
    with engine.ctx.db.write() as uow:  # as if stored before migration 0003
        uow.session.execute(delete(CaseFactRow).where(CaseFactRow.case_id == case.id))
        uow.commit()
    assert engine.reports.backfill_facts() == 1
    row = _fact_row(engine, case.id)
    assert (row.resolved_on_spot, row.replied_at is not None, row.amount_cents) == (True, True, 12000)
    assert engine.reports.backfill_facts() == 0


def test_card_centre_variables():
    seat = {"outcome": "seat_resolved", "compensation_amount": 30.0, "reply_method": "phone",
            "root_cause": "年费政策未告知", "satisfaction": "satisfied"}
    facts = _facts("card_center_complaint", forms.complaint(resolved_on_spot=False), seat)
    assert (facts.resolved_on_spot, facts.replied, facts.compensation_cents) == (True, True, 3000)
    senior = seat | {"outcome": "senior_final", "compensation_amount": 0.0, "forward_compensation": 80.0}
    facts = _facts("card_center_complaint", forms.complaint(resolved_on_spot=False), senior)
    assert (facts.resolved_on_spot, facts.compensation_cents, facts.root_cause) == (False, 8000, "年费政策未告知")
