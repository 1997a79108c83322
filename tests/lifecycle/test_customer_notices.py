"""Customer notices (客户告知) through the engine, on SQLite and PostgreSQL: acknowledgement at intake,
extension notices, the result notice; the outbox delivered through a real SMS gateway and SMTP server on
loopback, with retries, bounded attempts and the final failure recorded; personal data sealed at rest."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
import sqlalchemy as sa

from engine.config import SmsSettings, SmtpSettings
from engine.domain.customer_notices import CustomerNoticeKind, DeliveryChannel, DeliveryStatus
from engine.domain.errors import Conflict, NotFound
from tests.support import complaints as forms
from tests.support.actors import ADMIN, AUDITOR, FRONT, staff, supervisor
from tests.support.clock import HEAD_OFFICE_SENIOR
from tests.support.driver import audit_actions, claim_and_complete, open_case
from tests.support.engines import at, clock_of
from tests.support.sms_gateway import HANG

CARE_SUPERVISOR = supervisor("sup_qian", "complaint_mgmt")
NAME, PHONE = "张三", "13812345678"


def notices(engine, case_id):
    with engine.ctx.db.read() as uow:
        return uow.customer_notices.for_case(case_id)


def sms_engine(engine_with, gateway, **more):
    return engine_with(sms=SmsSettings(url=gateway.url, username="cf", password="s3cret", timeout=2), **more)


def test_acknowledgement_is_queued_at_intake_and_sent_by_sms_on_the_next_sweep(engine_with, sms_gateway):
    engine = sms_engine(engine_with, sms_gateway)
    case = open_case(engine)
    [ack] = notices(engine, case.id)
    # 立时确认收到: queued in the intake transaction, at the moment of receipt
    assert (ack.kind, ack.channel, ack.status) == (CustomerNoticeKind.ACKNOWLEDGEMENT, DeliveryChannel.SMS,
                                                   DeliveryStatus.PENDING)
    assert ack.created_at == case.received_at and ack.address == PHONE
    assert case.number in ack.content and "1 个工作日内（2024-09-29 前）" in ack.content  # general: the swapped Sunday
    assert "2024-10-12" in ack.content and "95559" in ack.content and "网点首问人员" in ack.content

    result = engine.customer_notices.dispatch_due()
    assert result.sent == 1
    [(headers, body)] = sms_gateway.requests
    assert body == {"mobile": PHONE, "content": ack.content, "reference": str(ack.id)}
    assert headers["Authorization"] == "Basic Y2Y6czNjcmV0"
    [sent] = notices(engine, case.id)
    assert (sent.status, sent.attempts, sent.sent_at) == (DeliveryStatus.SENT, 1, case.received_at)
    assert engine.customer_notices.dispatch_due().sent == 0  # delivered once
    assert len(sms_gateway.requests) == 1


def test_a_5xx_is_retried_after_the_backoff_and_then_delivered(engine_with, sms_gateway):
    engine = sms_engine(engine_with, sms_gateway)
    sms_gateway.script = [503]
    case = open_case(engine)
    first = engine.customer_notices.dispatch_due()
    assert (first.sent, first.retrying) == (0, 1)
    [waiting] = notices(engine, case.id)
    assert waiting.status == DeliveryStatus.PENDING and "HTTP 503" in (waiting.last_error or "")
    assert waiting.next_attempt_at == case.received_at + timedelta(seconds=60)
    assert engine.customer_notices.dispatch_due().sent == 0  # not before the backoff ends
    clock_of(engine).advance(timedelta(seconds=60))
    assert engine.customer_notices.dispatch_due().sent == 1
    [sent] = notices(engine, case.id)
    assert (sent.status, sent.attempts) == (DeliveryStatus.SENT, 2)
    assert len(sms_gateway.requests) == 2


def test_a_gateway_that_does_not_answer_times_out_and_is_retried(engine_with, sms_gateway):
    engine = engine_with(sms=SmsSettings(url=sms_gateway.url, timeout=0.3))
    sms_gateway.script = [HANG]
    case = open_case(engine)
    assert engine.customer_notices.dispatch_due().retrying == 1
    [waiting] = notices(engine, case.id)
    assert waiting.status == DeliveryStatus.PENDING and "did not answer within 0.3 s" in (waiting.last_error or "")
    clock_of(engine).advance(timedelta(minutes=1))
    assert engine.customer_notices.dispatch_due().sent == 1


def test_attempts_are_bounded_and_the_final_failure_is_recorded(engine_with, sms_gateway):
    engine = sms_engine(engine_with, sms_gateway, notice_max_attempts=3, notice_retry_base_seconds=10)
    sms_gateway.script = [500, 502, 500, 500]
    case = open_case(engine)
    delays = []
    for _ in range(3):
        engine.customer_notices.dispatch_due()
        [n] = notices(engine, case.id)
        if n.next_attempt_at is not None:
            delays.append(n.next_attempt_at - engine.ctx.now())
        clock_of(engine).advance(timedelta(minutes=5))
    [failed] = notices(engine, case.id)
    assert delays == [timedelta(seconds=10), timedelta(seconds=20)]  # exponential backoff
    assert (failed.status, failed.attempts) == (DeliveryStatus.FAILED, 3)
    assert "HTTP 500" in (failed.last_error or "")
    assert engine.customer_notices.dispatch_due().sent == 0 and len(sms_gateway.requests) == 3
    [event] = audit_actions(engine, case.id, "customer_notice_failed")
    assert event.data["attempts"] == 3 and PHONE not in str(event.data)


def test_a_4xx_answer_is_final_at_once(engine_with, sms_gateway):
    engine = sms_engine(engine_with, sms_gateway)
    sms_gateway.script = [400]
    case = open_case(engine)
    assert engine.customer_notices.dispatch_due().failed == [notices(engine, case.id)[0].id]
    assert notices(engine, case.id)[0].status == DeliveryStatus.FAILED


def test_unconfigured_channels_leave_notices_pending_and_the_sweep_sends_them(engine_with, sms_gateway):
    quiet = engine_with()
    case = open_case(quiet)
    assert quiet.customer_notices.dispatch_due().sent == 0
    assert notices(quiet, case.id)[0].status == DeliveryStatus.PENDING
    engine = sms_engine(engine_with, sms_gateway)
    from engine.scheduler import sweep_once
    assert sweep_once(engine)["customer_notices_sent"] == 1


def test_email_channel_delivers_to_the_loopback_smtp_server(engine_with, smtp):
    inbox, port = smtp
    engine = engine_with(smtp=SmtpSettings(host="127.0.0.1", port=port, timeout=5, sender="notice@bank.example"))
    case = open_case(engine, reply_channel="email", contact_email="zhang@example.com")
    [ack] = notices(engine, case.id)
    assert (ack.channel, ack.address) == (DeliveryChannel.EMAIL, "zhang@example.com")
    assert engine.customer_notices.dispatch_due().sent == 1
    [(rcpt, raw)] = inbox.messages
    assert rcpt == ["zhang@example.com"]
    from email import message_from_bytes, policy
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == f"投诉受理告知书 {case.number}"
    assert msg.get_content().strip() == ack.content
    assert notices(engine, case.id)[0].status == DeliveryStatus.SENT


def test_email_without_an_address_goes_by_sms(engine):
    case = open_case(engine, reply_channel="email")
    assert notices(engine, case.id)[0].channel == DeliveryChannel.SMS


def test_a_letter_waits_for_staff_who_mark_it_sent_audited(engine):
    case = open_case(engine, reply_channel="letter", contact_address="上海市浦东新区世纪大道100号")
    [letter] = notices(engine, case.id)
    assert (letter.channel, letter.status) == (DeliveryChannel.LETTER, DeliveryStatus.TO_PRINT)
    assert engine.customer_notices.dispatch_due().sent == 0
    shown = engine.customer_notices.letter(letter.id, FRONT)
    assert NAME in shown.content and shown.address == "上海市浦东新区世纪大道100号"
    assert audit_actions(engine, case.id, "personal_data_viewed")[-1].data == {"customer_notice": letter.id}

    clock_of(engine).advance(timedelta(hours=2))
    done = engine.customer_notices.mark_letter_sent(letter.id, FRONT)
    assert (done.status, done.sent_by) == (DeliveryStatus.SENT, FRONT.username)
    [event] = audit_actions(engine, case.id, "customer_notice_letter_sent")
    assert (event.actor, event.data) == (FRONT.username, {"notice": letter.id, "kind": "acknowledgement"})
    stored = notices(engine, case.id)[0]
    assert (stored.status, stored.sent_by, stored.sent_at) == (DeliveryStatus.SENT, "front_li", engine.ctx.now())
    with pytest.raises(Conflict):
        engine.customer_notices.mark_letter_sent(letter.id, FRONT)


def test_letters_are_not_shown_beyond_the_case_or_to_auditors(engine):
    case = open_case(engine, reply_channel="letter")
    [letter] = notices(engine, case.id)
    with pytest.raises(NotFound):
        engine.customer_notices.mark_letter_sent(letter.id, staff("retail_sun", "retail_banking"))
    with pytest.raises(Exception, match="auditors"):
        engine.customer_notices.mark_letter_sent(letter.id, AUDITOR)
    assert notices(engine, case.id)[0].status == DeliveryStatus.TO_PRINT


def test_each_extension_queues_an_extension_notice_with_reason_and_new_date(engine):
    case = open_case(engine)
    clock_of(engine).set(at(2024, 10, 9, 15))
    engine.clock.extend(case.number, 30, "需调取第三方支付机构记录", CARE_SUPERVISOR)
    clock_of(engine).set(at(2024, 10, 25, 9))
    request = engine.clock.extend(case.id, 60, "涉及司法鉴定", CARE_SUPERVISOR)
    assert [n.kind for n in notices(engine, case.id)].count(CustomerNoticeKind.EXTENSION) == 1  # not yet approved
    engine.clock.decide(request.id, True, "同意", HEAD_OFFICE_SENIOR)
    _ack, first, second = notices(engine, case.id)
    assert first.kind == second.kind == CustomerNoticeKind.EXTENSION
    assert "需调取第三方支付机构记录" in first.content and "受理后 30 日" in first.content
    assert "2024-10-27" in first.content and "再次" not in first.content
    assert "涉及司法鉴定" in second.content and "再次延长至受理后 60 日" in second.content
    assert "2024-11-26" in second.content
    assert first.created_at == at(2024, 10, 9, 15) and second.created_at == at(2024, 10, 25, 9)


def test_the_result_notice_is_queued_when_the_result_is_told(engine):
    case = open_case(engine)
    for bpmn_id, data in (("Task_OnSpot", forms.NOT_ON_SPOT), ("Task_Investigate", forms.INVESTIGATED_NO_FAULT)):
        claim_and_complete(engine, case.id, bpmn_id, data)
    assert [n.kind for n in notices(engine, case.id)] == [CustomerNoticeKind.ACKNOWLEDGEMENT]
    clock_of(engine).set(at(2024, 10, 8, 9))
    claim_and_complete(engine, case.id, "Task_Notify", forms.NOTIFIED)
    _ack, result = notices(engine, case.id)
    assert result.kind == CustomerNoticeKind.RESULT and result.created_at == at(2024, 10, 8, 9)
    assert "2024-10-08" in result.content and "30 日内" in result.content and "核查" in result.content
    assert "届满" not in result.content  # within the regulatory period: no apology for lateness
    claim_and_complete(engine, case.id, "Task_Revisit", forms.REVISITED)
    assert len(notices(engine, case.id)) == 2  # told once


def test_a_late_result_speaks_of_the_passed_deadline_in_the_past(engine):
    case = open_case(engine)
    for bpmn_id, data in (("Task_OnSpot", forms.NOT_ON_SPOT), ("Task_Investigate", forms.INVESTIGATED_NO_FAULT)):
        claim_and_complete(engine, case.id, bpmn_id, data)
    clock_of(engine).set(at(2024, 10, 14, 9))  # due 2024-10-12 10:00
    claim_and_complete(engine, case.id, "Task_Notify", forms.NOTIFIED)
    result = notices(engine, case.id)[-1]
    assert "监管时限已于 2024-10-12 届满，超出 2 日" in result.content
    assert "将于 2024-10-12" not in result.content


def test_personal_data_is_sealed_at_rest_masked_on_the_case_and_kept_out_of_logs(engine_with, sms_gateway, caplog):
    engine = sms_engine(engine_with, sms_gateway)
    caplog.set_level(logging.DEBUG)
    case = open_case(engine)
    sms_gateway.script = [500]
    engine.customer_notices.dispatch_due()
    clock_of(engine).advance(timedelta(minutes=1))
    engine.customer_notices.dispatch_due()
    with engine.ctx.db.read() as uow:
        raw = uow.session.execute(sa.text("SELECT content, address, last_error FROM customer_notice")).one()
    assert all(NAME not in str(v) and PHONE not in str(v) for v in raw)
    assert str(raw[0]).startswith("cf1:") and str(raw[1]).startswith("cf1:")
    assert NAME not in caplog.text and PHONE not in caplog.text
    [shown] = engine.customer_notices.for_case(case.number, FRONT)
    assert NAME not in shown.content and "张*" in shown.content and shown.address == "138****5678"
    [full] = engine.customer_notices.for_case(case.number, CARE_SUPERVISOR, reveal_personal_data=True)
    assert NAME in full.content and full.address == PHONE


def test_notices_follow_the_case_s_visibility(engine):
    case = open_case(engine, actor=FRONT)
    with pytest.raises(NotFound):
        engine.customer_notices.for_case(case.number, staff("retail_sun", "retail_banking"))
    assert len(engine.customer_notices.for_case(case.number, ADMIN)) == 1



def test_key_rotation_re_encrypts_the_notices(engine, db_url, tmp_path):
    from engine.config import new_data_key
    from tests.support.engines import make_engine
    case = open_case(engine)
    old, match = engine.ctx.settings.data_keys[0], engine.ctx.settings.match_key
    new = new_data_key()
    both = make_engine(db_url, tmp_path / "both", data_keys=(new, old), match_key=match)
    only_new = make_engine(db_url, tmp_path / "new", data_keys=(new,), match_key=match)
    try:
        both.data_keys.rotate(ADMIN)
        [notice] = only_new.customer_notices.for_case(case.number, CARE_SUPERVISOR, reveal_personal_data=True)
        assert NAME in notice.content and notice.address == PHONE
    finally:
        both.dispose()
        only_new.dispose()
