"""My notices (chase and supervision; risk alerts to my units) and marking them read."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from engine.domain import authz
from engine.domain.paging import Sorting
from webui.context import actor, engine
from webui.labels import NOTICE_KINDS
from webui.paging import requested_page

NOTICE_SORTING = Sorting(keys=("created", "case", "kind"), default="created", descending=frozenset({"created"}))

bp = Blueprint("notices", __name__)


@bp.get("/notices")
def index() -> str:
    """Notices to my departments or to me, newest first."""
    unread_only = request.args.get("unread") == "1"
    result = engine().notices.page_for_actor(actor(), requested_page(NOTICE_SORTING), unread_only=unread_only)
    alerts = engine().alerts.received(actor(), pending_only=unread_only)
    return render_template("notices/list.html", result=result, notices=result.items, kinds=NOTICE_KINDS,
                           unread_only=unread_only, alerts=alerts, may_acknowledge=authz.may_change(actor()))


@bp.post("/notices/<int:notice_id>/read")
def mark_read(notice_id: int) -> Response:
    """Mark one notice read."""
    engine().notices.mark_read(notice_id, actor())
    return redirect(url_for("notices.index"))
