"""Refusals found while reading: the read runs in a reading unit of work (on SQLite no write lock, so a page
view never queues behind claims and completions), and only a refusal is written, in a writing unit of its own."""

from __future__ import annotations

from typing import Any

from engine.domain.model import Actor
from engine.services.context import EngineContext


def record_denied(ctx: EngineContext, actor: Actor, action: str, case_id: int | None = None,
                  task_id: str | None = None, **details: Any) -> None:
    """Record an `access_denied` event for `action` in a transaction of its own."""
    with ctx.db.write() as uow:
        uow.audit.denied(ctx.now(), actor.username, action, case_id, task_id, **details)
        uow.commit()
