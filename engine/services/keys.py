"""Personal-data keys: re-encrypting every case under the newest key (rotation), for administrators."""

from __future__ import annotations

from engine.domain import authz
from engine.domain.errors import Forbidden
from engine.domain.model import Actor
from engine.services.context import EngineContext


class DataKeyService:
    """Rotate the keys that protect personal data at rest (README, Security)."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    def rotate(self, actor: Actor) -> int:
        """Re-encrypt every case under the first COMPLAINTFLOW_DATA_KEY and recompute repeat-matching keys
        with COMPLAINTFLOW_MATCH_KEY, in one transaction; audited. Returns how many cases were rewritten."""
        if not authz.may_manage_users(actor):
            raise Forbidden("only administrators rotate data keys")
        with self.ctx.db.write() as uow:
            count = uow.cases.reseal_all()
            uow.audit.add(self.ctx.now(), actor.username, "data_keys_rotated", data={"cases": count})
            uow.commit()
        self.ctx.db.checkpoint()
        return count
