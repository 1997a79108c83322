"""Checking the audit trail's hash chain (auditors and administrators)."""

from __future__ import annotations

from engine.domain.errors import Forbidden
from engine.domain.model import Actor, Role
from engine.domain.records import ChainReport
from engine.services.context import EngineContext
from engine.services.throttle import audit_once_per_window


class AuditService:
    """Verifies that no stored audit event was changed, removed or reordered."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def record_denied(self, actor: Actor, action: str, reason: str = "") -> None:
        """Record a refusal that no service recorded (a page or API operation outside the actor's role)."""
        with self.ctx.db.write() as uow:
            uow.audit.denied(self.ctx.now(), actor.username, action, reason=reason)
            uow.commit()

    def record_throttled(self, source: str, limit: str) -> None:
        """Record that a source address passed the rate limit of failures (once per window)."""
        with self.ctx.db.write() as uow:
            audit_once_per_window(self.ctx, uow, "throttled", source, "anonymous", "rate_limited",
                                  {"source": source, "limit": limit})
            uow.commit()

    def anchor(self) -> int | None:
        """Record every audit shard's head in a chained anchor, at most every ANCHOR_EVERY (the sweep calls it)."""
        with self.ctx.db.write() as uow:
            anchored = uow.audit.anchor(self.ctx.now())
            uow.commit()
        return anchored

    def verify(self, actor: Actor) -> ChainReport:
        """Walk the whole chain; the report names the first broken link."""
        if not (actor.has(Role.AUDITOR) or actor.has(Role.ADMIN)):
            raise Forbidden("verifying the audit trail is for auditors and administrators")
        with self.ctx.db.read() as uow:
            return uow.audit.verify()
