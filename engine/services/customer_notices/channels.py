"""Delivery channels of customer notices: the bank's SMS platform over HTTP, email over SMTP, printed letters.

A channel's `deliver` returns when the notice was accepted, or raises DeliveryFailed saying whether a later
attempt may succeed. Error texts name the status or the kind of failure only, never the address or content.
"""

from __future__ import annotations

import base64
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from typing import Protocol

from engine.config import SmsSettings, SmtpSettings
from engine.domain.customer_notices import CustomerNotice, DeliveryChannel
from engine.services.customer_notices.templates import check_placeholders, sandbox
from engine.services.mail import send as smtp_send

SMS_BODY_PLACEHOLDERS = frozenset({"phone", "text", "reference"})


class DeliveryFailed(Exception):
    """A delivery attempt failed; `retry` when a later attempt may succeed (timeouts, 5xx, refused connections)."""

    def __init__(self, reason: str, retry: bool = True):
        super().__init__(reason)
        self.retry = retry


class Channel(Protocol):
    """Delivers one notice, or raises DeliveryFailed."""

    def deliver(self, notice: CustomerNotice) -> None:
        """Hand the notice to the channel."""
        ...


class SmsGateway:
    """POSTs one message to the bank's SMS platform (URL, credentials and body template in configuration)."""

    def __init__(self, settings: SmsSettings, source: str = "COMPLAINTFLOW_SMS_BODY"):
        self.settings = settings
        env = sandbox()
        check_placeholders(env, settings.body, source, SMS_BODY_PLACEHOLDERS)
        self._body = env.from_string(settings.body)

    def deliver(self, notice: CustomerNotice) -> None:
        """One POST; 2xx is delivered, 5xx/429/timeouts may be retried, other answers are final."""
        body = self._body.render(phone=notice.address, text=notice.content, reference=str(notice.id))
        request = urllib.request.Request(self.settings.url, data=body.encode("utf-8"), method="POST",
                                         headers=self._headers())
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as err:
            retry = err.code >= 500 or err.code in (408, 429)
            raise DeliveryFailed(f"sms gateway answered HTTP {err.code}", retry) from None
        except TimeoutError:
            raise DeliveryFailed(f"sms gateway did not answer within {self.settings.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            if isinstance(reason, TimeoutError):
                raise DeliveryFailed(f"sms gateway did not answer within {self.settings.timeout:g} s") from None
            raise DeliveryFailed(f"sms gateway unreachable: {type(reason).__name__}") from None

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": self.settings.content_type}
        if self.settings.token:
            headers["Authorization"] = f"Bearer {self.settings.token}"
        elif self.settings.username:
            pair = f"{self.settings.username}:{self.settings.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return headers


class EmailChannel:
    """Sends the notice by email through the configured SMTP server (as chase notices are)."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def deliver(self, notice: CustomerNotice) -> None:
        """One message to the complainant's address."""
        if not notice.address:
            raise DeliveryFailed("no email address on the complaint", retry=False)
        msg = EmailMessage()
        msg["Subject"] = notice.subject
        msg["From"] = self.settings.sender
        msg["To"] = notice.address
        msg["X-Complaintflow-Customer-Notice"] = str(notice.id)
        msg.set_content(notice.content)
        try:
            smtp_send(self.settings, msg)
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryFailed("the mail server refused the recipient", retry=False) from None
        except (OSError, smtplib.SMTPException) as err:
            raise DeliveryFailed(f"mail server: {type(err).__name__}") from None


def configured_channels(sms: SmsSettings, smtp: SmtpSettings) -> dict[DeliveryChannel, Channel]:
    """The channels the dispatcher delivers through (printed letters are sent by staff, not here)."""
    channels: dict[DeliveryChannel, Channel] = {}
    if sms.enabled:
        channels[DeliveryChannel.SMS] = SmsGateway(sms)
    if smtp.enabled:
        channels[DeliveryChannel.EMAIL] = EmailChannel(smtp)
    return channels

