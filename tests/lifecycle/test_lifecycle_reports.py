"""The lifecycle figures of the reports (SQLite and PostgreSQL): customer notices delivered on time (within
customer_notices.toml on_time_hours of the event, over those due), the repeat rate with a merged repeat, and the
reopen rate (complaints whose customer asked for review); on the reports page and in the API."""

from __future__ import annotations

from datetime import timedelta

from engine.config import SmsSettings
from engine.domain.customer_notices import CustomerNoticeKind
from tests.api.support import KeyMaker
from tests.support import scenarios_complaint_review as reviews
from tests.support.actors import ADMIN
from tests.support.driver import open_case
from tests.support.engines import clock_of
from webui import create_app

RANGE = {"start": "2024-09-01", "end": "2024-10-31"}


def report_of(engine):
    return engine.reports.report(engine.reports.parse_request(RANGE), ADMIN)


def test_notices_on_time_repeat_and_reopen_rates(engine_with, sms_gateway):
    engine = engine_with(sms=SmsSettings(url=sms_gateway.url, username="cf", password="s3cret", timeout=2),
                         notice_retry_base_seconds=3600 * 30)
    on_time = open_case(engine, contact_phone="13800000001", id_number="")
    assert engine.customer_notices.dispatch_due().sent == 1  # at once
    sms_gateway.script = [503]
    late = open_case(engine, contact_phone="13800000002", id_number="")
    assert engine.customer_notices.dispatch_due().retrying == 1
    clock_of(engine).advance(timedelta(hours=30))  # the retry is a day and more after receipt
    assert engine.customer_notices.dispatch_due().sent == 1
    sms_gateway.script = [503]
    open_case(engine, contact_phone="13800000003", id_number="")  # never delivered
    engine.customer_notices.dispatch_due()
    repeat = open_case(engine, contact_phone="13800000001", id_number="")
    engine.repeats.merge(repeat.number, on_time.number, ADMIN)
    engine.customer_notices.dispatch_due()

    report = report_of(engine)
    [ack] = [n for n in report.customer_notices if n.kind == CustomerNoticeKind.ACKNOWLEDGEMENT]
    # four acknowledgements (the merged repeat's too): two delivered within 24 hours, one late, one not yet
    assert (ack.queued, ack.delivered, ack.on_time.numerator, ack.on_time.denominator) == (4, 3, 2, 4)
    assert report.volume.total == 3 and report.quality.merged_repeats == 1
    assert (report.quality.repeat_cases.numerator, report.quality.repeat_cases.denominator) == (1, 4)
    assert late.number != on_time.number


def test_the_reopen_rate_and_the_notice_table_on_the_page_and_in_the_api(engine):
    decided = reviews.closed_branch_case(engine)
    reviews.closed_branch_case(engine, contact_phone="13900000009", id_number="")
    engine.reviews.request(decided.number, reviews.REASON, reviews.FRONT_SH01)
    report = report_of(engine)
    assert report.volume.total == 2
    assert (report.quality.reopened.numerator, report.quality.reopened.denominator) == (1, 2)

    app = create_app(engine=engine)
    app.config.update(TESTING=True)
    client = app.test_client()
    keys = KeyMaker(engine)
    body = client.get("/api/v1/reports?start=2024-09-01&end=2024-10-31", headers=keys.make(
        "reader", (), ("auditor",))).json
    assert body["quality"]["reopened"]["numerator"] == 1
    kinds = {n["kind"]: n for n in body["customer_notices"]}
    assert kinds["acknowledgement"]["queued"] == 3  # two complaints and the review case
    assert kinds["result"]["queued"] == 2
