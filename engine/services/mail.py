"""Email for notices: an outbox in the notice table, delivered after commit, marked in one transaction.

Each pending notice is row-locked, sent, and marked sent in the same transaction. A crash between the
SMTP send and the commit leaves the notice pending, so it may be sent once more (at most once more:
the next attempt marks it). Several workers never send one notice twice at the same time (SKIP LOCKED).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage

from engine.config import SmtpSettings
from engine.domain.masking import mask_value
from engine.domain.model import Notice, NoticeKind
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork

log = logging.getLogger("engine.mail")


MAIL_LABELS = {NoticeKind.CHASE: "催办", NoticeKind.SUPERVISION: "督办", NoticeKind.MENTION: "备注提及",
               NoticeKind.REASSIGN: "改派"}
MENTION_TEXT = "工单内部备注中提及贵部门，请登录系统查看。"


def compose(notice: Notice, sender: str, recipients: list[str], department_name: str) -> EmailMessage:
    """The email for a notice (no personal data in it: only the complaint number)."""
    msg = EmailMessage()
    label = MAIL_LABELS.get(notice.kind, "督办")
    msg["Subject"] = f"【{label}】投诉工单 {notice.case_number}"
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["X-Complaintflow-Notice"] = str(notice.id)
    reason = MENTION_TEXT if notice.kind == NoticeKind.MENTION else notice.reason  # a note's text stays inside
    msg.set_content(
        f"{department_name}：\n\n{reason}\n\n工单号：{notice.case_number}\n"
        f"发送人：{notice.sender}\n"
    )
    return msg


def send(settings: SmtpSettings, msg: EmailMessage) -> None:
    """Deliver one message over SMTP (SSL, STARTTLS or plain as configured)."""
    if settings.ssl:
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                                context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with client:
        if settings.starttls and not settings.ssl:
            client.starttls(context=ssl.create_default_context())
        if settings.username:
            client.login(settings.username, settings.password)
        client.send_message(msg)


class Mailer:
    """Delivers pending notice emails."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def deliver_pending(self, limit: int = 50) -> int:
        """Send every pending notice email; returns how many were sent."""
        if not self.ctx.settings.smtp.enabled:
            return 0
        sent = 0
        for _ in range(limit):
            outcome = self._deliver_one()
            if outcome is None:
                break
            sent += outcome
        return sent

    def _deliver_one(self) -> int | None:
        with self.ctx.db.write() as uow:
            ids = uow.notices.pending_emails(limit=1)
            if not ids:
                return None
            found = uow.read.notice(ids[0])
            assert found is not None
            recipients = self._recipients(uow, found)
            if not recipients:
                uow.notices.set_email_status(found.id, "no_recipient", None)
                uow.commit()
                return 0
            msg = compose(found, self.ctx.settings.smtp.sender, recipients,
                          self.ctx.department_name(found.department))
            try:
                send(self.ctx.settings.smtp, msg)
            except (OSError, smtplib.SMTPException) as err:
                log.warning("email for notice %s failed: %s", found.id, err)
                uow.notices.set_email_status(found.id, "failed", None)
                uow.commit()
                return 0
            uow.notices.set_email_status(found.id, "sent", self.ctx.now())
            uow.commit()
            log.info("notice %s emailed to %s", found.id, [mask_value(r, 2, 8) for r in recipients])
            return 1

    def _recipients(self, uow: UnitOfWork, notice: Notice) -> list[str]:
        if notice.addressee:
            user = uow.users.get(notice.addressee)
            if user is not None and user.email:
                return [user.email]
        members = uow.users.in_department(notice.department, unit=notice.unit)
        return sorted({u.email for u in members if u.email})
