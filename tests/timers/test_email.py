"""Chase and supervision notices reach a real SMTP server on loopback exactly once each."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from engine.bootstrap import Engine
from tests.support.actors import ADMIN, supervisor
from tests.support.complaints import complaint
from tests.support.engines import at, clock_of


def test_one_email_per_notice_even_when_delivery_runs_again(probe_engine: Engine, smtp) -> None:
    inbox, port = smtp
    engine = probe_engine
    engine.ctx.settings.smtp = replace(engine.ctx.settings.smtp, host="127.0.0.1", port=port, timeout=5)
    engine.users.add("mgr_mail", "a-long-password-1", ["branch_manager"], ["staff"], ADMIN,
                     email="mgr@bank.example")
    case = engine.cases.open_case("timer_probe", complaint(), ADMIN)
    task = engine.tasks.queue(supervisor("s", "branch_manager"))[0]
    assert task.case_id == case.id

    engine.notices.chase(task.id, "请尽快处理", supervisor("boss", "branch_manager"))
    clock_of(engine).set(at(2024, 10, 8, 10, 30))  # past the 3-working-day due time: chase + supervision
    engine.timers.sweep()
    first = engine.mailer.deliver_pending()
    again = engine.mailer.deliver_pending()

    with engine.ctx.db.read() as uow:
        notices = uow.read.notices(case_id=case.id)
    assert len(notices) == 3, [n.kind for n in notices]  # manual chase, automatic chase, supervision
    assert first == 3 and again == 0
    assert len(inbox.messages) == 3
    assert all(rcpt == ["mgr@bank.example"] for rcpt, _ in inbox.messages)
    subjects = sorted(m.split(b"Subject: ", 1)[1].split(b"\n", 1)[0] for _, m in inbox.messages)
    assert all(case.number.encode() in s or b"=?utf-8?" in s for s in subjects)


def test_email_off_by_default_sends_nothing(probe_engine: Engine, smtp) -> None:
    inbox, _port = smtp
    engine = probe_engine
    engine.cases.open_case("timer_probe", complaint(), ADMIN)
    clock_of(engine).advance(timedelta(days=30))
    engine.timers.sweep()
    assert engine.mailer.deliver_pending() == 0
    assert inbox.messages == []
