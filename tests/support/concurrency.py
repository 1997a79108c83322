"""Run callables in threads that start together, and collect what each returned or raised."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    """What one racing call did."""

    name: str
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def race(calls: dict[str, Callable[[], Any]], timeout: float = 30.0) -> dict[str, Outcome]:
    """Start every call at the same moment (a barrier) in its own thread; wait for all."""
    barrier = threading.Barrier(len(calls))
    outcomes = {name: Outcome(name) for name in calls}

    def run(name: str, call: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            outcomes[name].value = call()
        except BaseException as err:  # noqa: BLE001 - reported to the test
            outcomes[name].error = err

    threads = [threading.Thread(target=run, args=item, daemon=True) for item in calls.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a racing call hung (deadlock?)"
    return outcomes
