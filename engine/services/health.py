"""Is the database there? A cheap query under a deadline, for /healthz and load balancers."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from engine.services.context import EngineContext

PROBE_SECONDS = 0.8  # /healthz answers within a second even when the database never replies


@dataclass(frozen=True)
class DatabaseHealth:
    """`state` is ok, unreachable (refused or failed) or timeout (no answer within the deadline)."""

    state: str
    schema: str | None = None

    @property
    def ok(self) -> bool:
        """True when the database answered."""
        return self.state == "ok"


class HealthService:
    """Probes the database from a helper thread, so a hanging connection cannot hold the caller."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx
        self._probing = threading.Lock()

    def database(self, deadline: float = PROBE_SECONDS) -> DatabaseHealth:
        """The database's state now; a probe still hanging from an earlier call counts as a timeout."""
        if not self._probing.acquire(blocking=False):
            return DatabaseHealth("timeout")
        answer: list[DatabaseHealth] = []
        done = threading.Event()

        def probe() -> None:
            try:
                answer.append(DatabaseHealth("ok", self.ctx.db.ping(deadline)))
            except Exception:  # noqa: BLE001 - any failure to answer means unreachable
                answer.append(DatabaseHealth("unreachable"))
            finally:
                self._probing.release()
                done.set()

        threading.Thread(target=probe, name="database-health", daemon=True).start()
        return answer[0] if done.wait(deadline) and answer else DatabaseHealth("timeout")
