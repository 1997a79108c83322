"""Customer notices (客户告知): what the complainant is told, by which channel, and how delivery went.

CBIRC Order 2020 No. 3 and the bank's procedures: acknowledge receipt at once with the expected time and a
contact (受理告知), tell each extension of the regulatory clock (延期告知), and tell the result with the way
to ask for review (处理结果告知). The texts are templates in `processes/customer_notices/`; the settings
(contact, which delivery channel serves which reply channel) in `processes/customer_notices.toml`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from engine.domain.masking import mask_value

NOTICE_SETTINGS_FILE = "customer_notices.toml"
TEMPLATE_DIR = "customer_notices"


class CustomerNoticeKind(StrEnum):
    """Which notice: acknowledgement of receipt, extension of the regulatory clock, or the result."""

    ACKNOWLEDGEMENT = "acknowledgement"
    EXTENSION = "extension"
    RESULT = "result"


class DeliveryChannel(StrEnum):
    """How a notice reaches the customer."""

    SMS = "sms"
    EMAIL = "email"
    LETTER = "letter"


class DeliveryStatus(StrEnum):
    """Where a notice's delivery stands."""

    PENDING = "pending"  # waiting for the dispatcher (first attempt or a retry)
    SENDING = "sending"  # claimed by a dispatcher; back to pending when its lease runs out
    SENT = "sent"
    FAILED = "failed"  # given up: attempts used or refused for good; shown on the case
    TO_PRINT = "to_print"  # a letter waiting for staff to print and send it


# The placeholders a notice template may use (anything else fails at start-up, naming file and name).
PLACEHOLDERS: frozenset[str] = frozenset({
    "number", "customer_name", "received_on", "unit", "department", "contact_name", "contact_phone",
    "reply_by", "reply_workdays", "regulatory_due", "regulatory_days", "regulatory_passed",
    "days_over", "extension_no", "reason", "review_days", "today",
})


@dataclass(frozen=True)
class NoticeSettings:
    """`processes/customer_notices.toml`: the contact given to customers and the channel per reply channel."""

    contact_name: str
    contact_phone: str
    review_days: int = 30
    # reply channel of the complaint (codes.toml `reply_channels`) -> delivery channel
    channels: dict[str, DeliveryChannel] = field(default_factory=dict)
    default_channel: DeliveryChannel = DeliveryChannel.SMS
    subjects: dict[CustomerNoticeKind, str] = field(default_factory=dict)
    on_time_hours: int = 24  # the reports count a notice on time when delivered this long after it was due

    def channel_for(self, reply_channel: str | None, has_email: bool) -> DeliveryChannel:
        """The delivery channel for a complaint's reply channel (email without an address goes by SMS)."""
        chosen = self.channels.get(reply_channel or "", self.default_channel)
        if chosen == DeliveryChannel.EMAIL and not has_email:
            return DeliveryChannel.SMS
        return chosen

    def subject(self, kind: CustomerNoticeKind) -> str:
        """The email subject / letter heading of a notice kind."""
        return self.subjects.get(kind, kind.value)

    @classmethod
    def from_toml(cls, path: Path) -> NoticeSettings:
        """Load the settings; an unknown channel or kind is a ValueError naming the file."""
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        contact = raw.get("contact", {})
        try:
            channels = {str(k): DeliveryChannel(v) for k, v in raw.get("channels", {}).items()}
            default = DeliveryChannel(raw.get("default_channel", "sms"))
            subjects = {CustomerNoticeKind(k): str(v) for k, v in raw.get("subjects", {}).items()}
        except ValueError as err:
            raise ValueError(f"{path.name}: {err}") from None
        return cls(str(contact.get("name", "")), str(contact.get("phone", "")),
                   int(raw.get("review_days", 30)), channels, default, subjects, int(raw.get("on_time_hours", 24)))


@dataclass(frozen=True)
class NewCustomerNotice:
    """A notice to queue in the outbox (content and address are personal data: sealed at rest)."""

    case_id: int
    case_number: str
    unit: str
    kind: CustomerNoticeKind
    channel: DeliveryChannel
    subject: str
    content: str
    address: str
    created_at: datetime


@dataclass(frozen=True)
class CustomerNotice:
    """A customer notice as recorded on the case, with its delivery state."""

    id: int
    case_id: int
    case_number: str
    unit: str
    kind: CustomerNoticeKind
    channel: DeliveryChannel
    subject: str
    content: str
    address: str
    status: DeliveryStatus
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    sent_by: str | None = None
    last_error: str | None = None


def next_retry_delay(attempts: int, base_seconds: float) -> float:
    """Exponential backoff after `attempts` failed attempts: base, 2×base, 4×base…"""
    return base_seconds * (2 ** max(0, attempts - 1))


def masked(notice: CustomerNotice, customer_name: str) -> CustomerNotice:
    """The notice as the case page and the API show it: the name shortened in the text, the address masked."""
    content = notice.content
    if customer_name:
        content = content.replace(customer_name, customer_name[0] + "*" * (len(customer_name) - 1))
    return replace(notice, content=content, address=mask_value(notice.address, 3, 4) if notice.address else "")
