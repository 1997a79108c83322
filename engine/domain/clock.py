"""Injectable time: every service asks a Clock, tests use a FixedClock instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol
from zoneinfo import ZoneInfo

CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


class Clock(Protocol):
    """Something that tells the current time (always timezone-aware)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock, in China time."""

    def now(self) -> datetime:
        return datetime.now(CHINA_TZ)


class FixedClock:
    """A clock that stands still until moved; for tests and `worker --now`."""

    def __init__(self, at: datetime):
        self._at = ensure_aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        """Jump to `at`."""
        self._at = ensure_aware(at)

    def advance(self, delta: timedelta) -> None:
        """Move forward by `delta`."""
        self._at = self._at + delta


def ensure_aware(value: datetime) -> datetime:
    """Read a naive datetime as China time; leave aware ones alone."""
    return value if value.tzinfo is not None else value.replace(tzinfo=CHINA_TZ)


def to_china(value: datetime) -> datetime:
    """The same instant expressed in China time (+08:00)."""
    return ensure_aware(value).astimezone(CHINA_TZ)


def in_zone(value: datetime, zone: str) -> datetime:
    """The same instant in the time zone `zone` (an IANA name such as Asia/Shanghai); naive is China time."""
    return ensure_aware(value).astimezone(ZoneInfo(zone))
