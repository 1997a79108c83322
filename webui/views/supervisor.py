"""Supervisor desk: overdue and near-due work, chase by hand, the supervision list, chase history."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response

from engine.domain import authz
from engine.domain.errors import ConcurrentUpdate, Conflict, Forbidden, ValidationFailed
from engine.domain.filters import TASK_SORTING
from engine.domain.model import NoticeKind
from engine.domain.supervision import SUPERVISION_SORTING
from webui.conflicts import conflict_text
from webui.context import actor, engine
from webui.forms import field_errors
from webui.labels import NOTICE_KINDS
from webui.messages import WORDED
from webui.paging import requested_page
from webui.task_rows import task_rows

bp = Blueprint("supervisor", __name__, url_prefix="/supervisor")


def _require_desk() -> None:
    who = actor()
    if not (authz.may_chase(who) or authz.reads_everything(who)):
        raise Forbidden(gettext("督办台仅供督办人员使用"), code=WORDED)


def _render(status: int = 200, task_id: str = "", errors: dict[str, list[str]] | None = None,
            conflict: str = "", reason: str = "") -> tuple[str, int]:
    _require_desk()
    eng, who = engine(), actor()
    now = eng.ctx.now()
    within = eng.ctx.calendar.add_workdays(now, 1) - now + timedelta(seconds=1)  # due_before is strict
    result = eng.tasks.desk(who, within, requested_page(TASK_SORTING))
    page = render_template(
        "supervisor/desk.html", result=result, rows=task_rows(result.items, internal=True),
        may_chase=authz.may_chase(who),
        failed_task=task_id, errors=errors or {}, conflict=conflict, reason=reason,
        choices=eng.tasks.reassign_choices_of(result.items, who),
        listed=any(t.id == task_id for t in result.items), failed_cases=eng.cases.failed_cases(who),
    )
    return page, status


@bp.get("/")
def desk() -> tuple[str, int]:
    """Overdue and due-within-one-working-day tasks in scope, most overdue first."""
    return _render()


@bp.post("/tasks/<task_id>/chase")
def chase(task_id: str) -> Response | tuple[str, int]:
    """Send a chase notice with a reason."""
    _require_desk()
    reason = request.form.get("reason", "")
    try:
        engine().notices.chase(task_id, reason, actor())
    except ValidationFailed as err:
        return _render(422, task_id, field_errors(err), reason=reason)
    except (Conflict, ConcurrentUpdate) as err:
        return _render(409, task_id, conflict=conflict_text(err, gettext, str(get_locale())), reason=reason)
    flash(gettext("已发送催办通知。"), "ok")
    return redirect(url_for("supervisor.desk"))


@bp.get("/supervision")
def supervision() -> str:
    """Open supervised cases (head-office supervision list), paged and sorted."""
    result = engine().supervision.supervision_page(actor(), requested_page(SUPERVISION_SORTING))
    return render_template("supervisor/supervision.html", result=result, cases=result.items)


@bp.get("/tasks/<task_id>/chases")
def chases(task_id: str) -> str:
    """A task's chase and supervision notices, newest first."""
    task = engine().tasks.get(task_id, actor())
    notices = [n for n in engine().cases.detail(task.case_id, actor()).notices if n.task_id == task_id]
    return render_template("supervisor/chases.html", task=task, notices=notices, kinds=NOTICE_KINDS,
                           chase_kind=NoticeKind.CHASE)
