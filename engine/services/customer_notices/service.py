"""The customer-notice service: dispatch the outbox through the channels, list a case's notices, print letters.

Dispatch never holds a database lock while it talks to a gateway: it claims one due notice (a short
transaction: status `sending`, one attempt counted, a lease), delivers it, then records the outcome in a
second transaction. A dispatcher that dies mid-send leaves the claim to expire; the notice is then due again
(at least once, as SMS platforms and mail servers are). Failures are retried with exponential backoff up to
COMPLAINTFLOW_NOTICE_MAX_ATTEMPTS, then kept as `failed` with the reason, on the case page and the API.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import timedelta

from engine.domain import authz
from engine.domain.customer_notices import (
    CustomerNotice,
    DeliveryChannel,
    DeliveryStatus,
    next_retry_delay,
)
from engine.domain.errors import Conflict, Forbidden, NotFound
from engine.domain.model import Actor
from engine.services.cases import CaseService
from engine.services.context import EngineContext
from engine.services.customer_notices.channels import Channel, DeliveryFailed, configured_channels

log = logging.getLogger("engine.customer_notices")
LEASE = timedelta(minutes=5)


@dataclass
class DispatchResult:
    """What one dispatch run did."""

    sent: int = 0
    retrying: int = 0
    failed: list[int] = field(default_factory=list)


class CustomerNoticeService:
    """Delivers customer notices and shows them to those who may see their case."""

    def __init__(self, ctx: EngineContext, cases: CaseService, channels: dict[DeliveryChannel, Channel] | None = None):
        self.ctx = ctx
        self.cases = cases
        settings = ctx.settings
        self.channels = channels if channels is not None else configured_channels(settings.sms, settings.smtp)

    def dispatch_due(self, limit: int = 50) -> DispatchResult:
        """Deliver up to `limit` due notices through the configured channels."""
        result = DispatchResult()
        for _ in range(limit):
            notice = self._claim()
            if notice is None:
                break
            self._deliver(notice, result)
        return result

    def _claim(self) -> CustomerNotice | None:
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            notice = uow.customer_notices.claim_next(now, list(self.channels), now + LEASE)
            uow.commit()
        return notice

    def _deliver(self, notice: CustomerNotice, result: DispatchResult) -> None:
        try:
            self.channels[notice.channel].deliver(notice)
        except DeliveryFailed as err:
            self._failed(notice, err, result)
            return
        with self.ctx.db.write() as uow:
            uow.customer_notices.finish(notice.id, DeliveryStatus.SENT, sent_at=self.ctx.now())
            uow.commit()
        result.sent += 1
        log.info("customer notice %s (%s, %s) sent by %s", notice.id, notice.case_number, notice.kind.value,
                 notice.channel.value)

    def _failed(self, notice: CustomerNotice, err: DeliveryFailed, result: DispatchResult) -> None:
        settings = self.ctx.settings
        final = not err.retry or notice.attempts >= settings.notice_max_attempts
        with self.ctx.db.write() as uow:
            if final:
                uow.customer_notices.finish(notice.id, DeliveryStatus.FAILED, error=str(err))
                uow.audit.add(self.ctx.now(), "system", "customer_notice_failed", notice.case_id, None,
                              {"notice": notice.id, "kind": notice.kind.value, "channel": notice.channel.value,
                               "attempts": notice.attempts, "error": str(err)})
            else:
                delay = next_retry_delay(notice.attempts, settings.notice_retry_base_seconds)
                uow.customer_notices.finish(notice.id, DeliveryStatus.PENDING, error=str(err),
                                            next_attempt_at=self.ctx.now() + timedelta(seconds=delay))
            uow.commit()
        if final:
            result.failed.append(notice.id)
        else:
            result.retrying += 1
        log.warning("customer notice %s (%s) attempt %d failed%s: %s", notice.id, notice.case_number,
                    notice.attempts, " for good" if final else "", err)

    def for_case(self, ref: str | int, actor: Actor, reveal_personal_data: bool = False) -> list[CustomerNotice]:
        """A case's notices with their delivery state, if the actor may see the case (personal data masked)."""
        return self.cases.detail(ref, actor, reveal_personal_data).customer_notices

    def letter(self, notice_id: int, actor: Actor) -> CustomerNotice:
        """A letter notice in full, for printing (each view of the personal data is audited)."""
        notice = self._letter_for(notice_id, actor)
        with self.ctx.db.write() as uow:
            uow.audit.add(self.ctx.now(), actor.username, "personal_data_viewed", notice.case_id, None,
                          {"customer_notice": notice.id})
            uow.commit()
        return notice

    def mark_letter_sent(self, notice_id: int, actor: Actor) -> CustomerNotice:
        """Staff printed and posted (or handed over) the letter: record it, audited."""
        notice = self._letter_for(notice_id, actor)
        now = self.ctx.now()
        with self.ctx.db.write() as uow:
            if not uow.customer_notices.finish(notice.id, DeliveryStatus.SENT, sent_at=now, sent_by=actor.username,
                                               expect=(DeliveryStatus.TO_PRINT,)):
                raise Conflict("this letter is already marked as sent", code="letter_already_sent")
            uow.audit.add(now, actor.username, "customer_notice_letter_sent", notice.case_id, None,
                          {"notice": notice.id, "kind": notice.kind.value})
            uow.commit()
        return replace(notice, status=DeliveryStatus.SENT, sent_at=now, sent_by=actor.username)

    def _letter_for(self, notice_id: int, actor: Actor) -> CustomerNotice:
        if not authz.may_change(actor):
            raise Forbidden("auditors do not print letters")
        with self.ctx.db.read() as uow:
            notice = uow.customer_notices.get(notice_id)
        if notice is None or notice.channel != DeliveryChannel.LETTER:
            raise NotFound(f"letter {notice_id} not found")
        self.cases.detail(notice.case_id, actor)  # NotFound (audited) unless the actor may see the case
        return notice

