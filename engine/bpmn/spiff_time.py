"""Make SpiffWorkflow's timers read our injectable clock instead of the wall clock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine.domain.clock import Clock

_current: ContextVar[Clock | None] = ContextVar("complaintflow_clock", default=None)


class ClockedDatetime(datetime):
    """`datetime` whose `now()` asks the clock set by `using_clock` (else the real time)."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> ClockedDatetime:  # type: ignore[override]
        clock = _current.get()
        if clock is None:
            return super().now(tz)
        moment = clock.now()
        local = moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)
        return cls.fromisoformat(local.isoformat())


def install() -> None:
    """Point Spiff's timer module at ClockedDatetime (idempotent)."""
    spiff_timer.datetime = ClockedDatetime  # type: ignore[misc]


@contextlib.contextmanager
def using_clock(clock: Clock) -> Iterator[None]:
    """Run the block with Spiff's timers reading `clock`."""
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)


def current_time(default: Clock) -> datetime:
    """The time of the clock in force, else `default`'s."""
    clock = _current.get() or default
    return clock.now()
