"""Printed letters of customer notices: the print view, and staff marking a letter as sent."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from webui.context import actor, engine

bp = Blueprint("customer_notices", __name__)


@bp.get("/customer-notices/<int:notice_id>/letter")
def letter(notice_id: int) -> str:
    """The letter as it is printed (the viewing of its personal data is audited)."""
    notice = engine().customer_notices.letter(notice_id, actor())
    return render_template("case/letter.html", notice=notice)


@bp.post("/customer-notices/<int:notice_id>/sent")
def mark_sent(notice_id: int) -> Response:
    """Staff printed and posted (or handed over) the letter."""
    notice = engine().customer_notices.mark_letter_sent(notice_id, actor())
    flash(gettext("告知书已标记为已寄送。"), "ok")
    return redirect(url_for("case.show", ref=notice.case_number) + "#customer-notices")
