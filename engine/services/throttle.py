"""Counters shared by every web process (the rate limiter's storage), and failures audited once per window.

An anonymous caller can fail as often as it likes; the audit trail, being hash-chained, must not grow with it.
So the first failure of a kind from a source (or for an account) in a window is audited, with the window's
length; the rest of that window is only counted, and the rate limiter refuses the source past its limit.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from engine.domain.throttle import counter_key
from engine.services.context import EngineContext
from engine.services.unit_of_work import UnitOfWork


def audit_once_per_window(ctx: EngineContext, uow: UnitOfWork, kind: str, subject: str, actor: str,
                          action: str, data: dict[str, Any] | None = None, window: timedelta | None = None) -> bool:
    """Count a failure of `kind` for `subject` (a source address, an account); audit it (in `uow`, not yet
    committed) only when it is the first of its window. True when it was audited."""
    window = window or timedelta(minutes=ctx.settings.failure_window_minutes)
    counter = uow.counters.hit(counter_key(f"audit-{kind}", subject), window, ctx.now())
    if counter.hits != 1:
        return False
    uow.audit.add(ctx.now(), actor, action,
                  data=(data or {}) | {"window_minutes": int(window.total_seconds() // 60),
                                       "repeats": "counted, not audited, until the window ends"})
    return True


class ThrottleService:
    """Fixed-window counters for the rate limiter (`limits` storage protocol, seconds on the engine clock)."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def hit(self, key: str, expiry_seconds: int, amount: int = 1) -> int:
        """Add `amount` to `key` (a new window of `expiry_seconds` when the last has ended); the count now."""
        with self.ctx.db.write() as uow:
            counter = uow.counters.hit(counter_key("limit", key), timedelta(seconds=expiry_seconds),
                                       self.ctx.now(), amount)
            if counter.hits == amount:  # a new window: a good moment to drop ended ones
                uow.counters.purge(self.ctx.now())
            uow.commit()
        return counter.hits

    def count(self, key: str) -> int:
        """The key's count in its current window (0 when none)."""
        with self.ctx.db.read() as uow:
            counter = uow.counters.get(counter_key("limit", key), self.ctx.now())
        return counter.hits if counter else 0

    def expiry(self, key: str) -> float:
        """When the key's window ends (epoch seconds; now when it has none)."""
        with self.ctx.db.read() as uow:
            counter = uow.counters.get(counter_key("limit", key), self.ctx.now())
        return (counter.expires_at if counter else self.ctx.now()).astimezone(UTC).timestamp()

    def clear(self, key: str) -> None:
        """Forget the key's count."""
        with self.ctx.db.write() as uow:
            uow.counters.clear(counter_key("limit", key))
            uow.commit()

    def purge(self) -> int:
        """Drop counters whose window has ended; how many."""
        with self.ctx.db.write() as uow:
            dropped = uow.counters.purge(self.ctx.now())
            uow.commit()
        return dropped

    def now(self) -> datetime:
        """The engine clock (the limiter's windows run on it, so tests can travel in time)."""
        return self.ctx.now()
