"""/api/v1/notices: chase and supervision notices to my departments or to me; mark them read."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from engine.domain.model import Notice
from webui.api.auth import api_actor, requires
from webui.api.schemas import NoticeQuerySchema, NoticeSchema
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_notices", __name__, url_prefix="/api/v1/notices", description="Chase and supervision notices")

MAX_ID = 2**31 - 1


@bp.get("")
@requires("notices")
@bp.arguments(NoticeQuerySchema, location="query")
@bp.response(200, NoticeSchema(many=True))
@problems(bp, 422)
def list_notices(query: dict[str, Any]) -> list[Notice]:
    """Notices to my departments or to me, newest first (`unread=true`: only unread ones)."""
    return engine().notices.for_actor(api_actor(), unread_only=query["unread"])


@bp.post(f"/<int(max={MAX_ID}):notice_id>/read")
@requires("notices")
@bp.response(204)
@problems(bp, 404)
def mark_read(notice_id: int) -> tuple[str, int]:
    """Mark one of my notices read."""
    engine().notices.mark_read(notice_id, api_actor())
    return "", 204
