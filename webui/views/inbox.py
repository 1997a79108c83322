"""Department queues, my inbox and my archive; claim, unclaim and reassign."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from werkzeug.wrappers import Response

from engine.domain.errors import ConcurrentUpdate, Conflict, ValidationFailed
from engine.domain.filters import ARCHIVE_SORTING, TASK_SORTING
from engine.domain.model import HumanTask
from engine.domain.paging import Page
from webui.conflicts import conflict_text
from webui.context import actor, engine
from webui.forms import field_errors
from webui.paging import requested_page
from webui.task_rows import task_rows
from webui.views.task import render_task

bp = Blueprint("inbox", __name__)


@bp.get("/")
def home() -> Response:
    """The first department queue of the actor (or the inbox)."""
    departments = sorted(actor().departments)
    if departments:
        return redirect(url_for("inbox.queue", department=departments[0]))
    return redirect(url_for("inbox.mine"))


def _filters() -> tuple[dict[str, Any], dict[str, str]]:
    """Service filters and the raw values to refill the filter form."""
    raw = {k: request.args.get(k, "") for k in ("grade", "process", "overdue")}
    filters: dict[str, Any] = {}
    if raw["grade"]:
        filters["grade"] = raw["grade"]
    if raw["process"]:
        filters["process_key"] = raw["process"]
    if raw["overdue"]:
        filters["due_before"] = engine().ctx.now()
    return filters, raw


def _process_names() -> dict[str, str]:
    return engine().deploy.process_names()


def _render(mode: str, result: Page[HumanTask], raw: dict[str, str], department: str | None = None) -> str:
    queue_units = sorted({m.unit for m in actor().memberships if m.department == department},
                         key=list(engine().ctx.organisation.units).index) if department else []
    rows = task_rows(result.items, with_clocks=mode != "archive")
    return render_template("inbox/list.html", mode=mode, result=result, rows=rows, filters=raw,
                           department=department, queue_units=queue_units, processes=_process_names(),
                           grades=engine().ctx.codes.labels("grades"))


@bp.get("/queue/<department>")
def queue(department: str) -> str:
    """Tasks the department may claim, soonest due first (paged, sortable)."""
    if engine().ctx.departments.get(department) is None:
        abort(404)
    filters, raw = _filters()
    page = requested_page(TASK_SORTING)
    return _render("queue", engine().tasks.queue_page(actor(), department, page, **filters), raw, department)


@bp.get("/inbox")
def mine() -> str:
    """Tasks I have claimed, soonest due first (paged, sortable)."""
    filters, raw = _filters()
    return _render("inbox", engine().tasks.inbox_page(actor(), requested_page(TASK_SORTING), **filters), raw)


@bp.get("/archive")
def archive() -> str:
    """Tasks I completed, newest first (paged, sortable)."""
    filters, raw = _filters()
    return _render("archive", engine().tasks.archive_page(actor(), requested_page(ARCHIVE_SORTING), **filters),
                   raw)


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str) -> Response | tuple[str, int]:
    """Take a task into my inbox, then open it."""
    try:
        engine().tasks.claim(task_id, actor())
    except (Conflict, ConcurrentUpdate) as err:
        return render_task(task_id, status=409, conflict=conflict_text(err, gettext, str(get_locale())))
    flash(gettext("已认领，任务已进入我的待办。"), "ok")
    return redirect(url_for("task.show", task_id=task_id))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str) -> Response | tuple[str, int]:
    """Put a task back into its department queue."""
    try:
        task = engine().tasks.unclaim(task_id, actor())
    except (Conflict, ConcurrentUpdate) as err:
        return render_task(task_id, status=409, conflict=conflict_text(err, gettext, str(get_locale())))
    flash(gettext("已退回部门队列。"), "ok")
    if task.department in actor().departments:
        return redirect(url_for("inbox.queue", department=task.department))
    return redirect(url_for("task.show", task_id=task_id))


@bp.post("/tasks/<task_id>/reassign")
def reassign(task_id: str) -> Response | tuple[str, int]:
    """A supervisor hands the task to another member of its department."""
    to_user = request.form.get("assignee", "").strip()
    try:
        engine().tasks.reassign(task_id, actor(), to_user)
    except (Conflict, ConcurrentUpdate) as err:
        return render_task(task_id, status=409, conflict=conflict_text(err, gettext, str(get_locale())))
    except ValidationFailed as err:
        return render_task(task_id, status=422, reassign_errors=field_errors(err), reassign_to=to_user)
    flash(gettext("已改派给 %(user)s，并已通知本人。", user=to_user), "ok")
    if request.form.get("back") == "desk":
        return redirect(url_for("supervisor.desk"))
    return redirect(url_for("task.show", task_id=task_id))

