"""Urgent and group complaints (紧急、群体性投诉): the list of the urgent cases a person follows, and a case's urgent
handling with its forms: the first contact, the task force (专项小组), the day's progress."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from engine.domain import authz
from engine.domain.clock import to_china
from engine.domain.errors import Conflict, ValidationFailed
from engine.domain.model import Membership
from engine.domain.urgent import ContactMethod, NewTaskForce, may_form_task_force, may_record_progress
from webui.conflicts import conflict_text
from webui.context import actor, engine
from webui.knowledge_text import problem_texts
from webui.urgent_text import CONTACT_METHODS

bp = Blueprint("urgent", __name__)


@bp.get("/urgent")
def index() -> str:
    """The open urgent and group complaints I follow: my task forces, my units' (readers), newest first."""
    return render_template("urgent/list.html", items=engine().urgent.find(actor()), now=engine().ctx.now(),
                           today=to_china(engine().ctx.now()).date(), calendar=engine().ctx.calendar)


@bp.get("/cases/<ref>/urgent")
def show(ref: str) -> str:
    """A case's urgent handling: deadlines, first contact, task force, progress, and the forms for those who may."""
    return _page(ref, {}, {}, 200)[0]


@bp.post("/cases/<ref>/urgent/contact")
def contact(ref: str) -> Any:
    """Record the first contact with the customer (now, by me)."""
    form = request.form
    method = form.get("method", "")
    if method not in {m.value for m in ContactMethod}:
        return _page(ref, form.to_dict(), {"method": [gettext("必填")]}, 422)
    return _act(ref, lambda case_id: engine().urgent.record_first_contact(
        case_id, ContactMethod(method), form.get("note", ""), actor()), gettext("已记录首次联系。"))


@bp.post("/cases/<ref>/urgent/task-force")
def task_force(ref: str) -> Any:
    """Form (or change) the task force: its departments (`UNIT:DEPARTMENT`, one a line), the lead, a lead person."""
    form = request.form
    members = tuple(_queue(line) for line in form.get("members", "").replace(",", "\n").splitlines() if line.strip())
    force = NewTaskForce(members, _queue(form.get("lead", "")), form.get("lead_person", ""))
    return _act(ref, lambda case_id: engine().urgent.form_task_force(case_id, force, actor()),
                gettext("专项小组已成立，成员部门已收到通知。"))


@bp.post("/cases/<ref>/urgent/progress")
def progress(ref: str) -> Any:
    """Record today's progress for one of my departments in the task force."""
    form = request.form
    queue = _queue(form["queue"]) if form.get("queue") else None
    return _act(ref, lambda case_id: engine().urgent.record_progress(case_id, form.get("text", ""), actor(), queue),
                gettext("已报送今日处理进展。"))


def _queue(text: str) -> Membership:
    unit, _, department = text.strip().partition(":")
    return Membership(unit.strip(), department.strip())


def _act(ref: str, action: Any, done: str) -> Any:
    try:
        action(engine().cases.resolve_id(ref))
    except ValidationFailed as err:
        return _page(ref, request.form.to_dict(), problem_texts(err, gettext), 422)
    except Conflict as err:
        flash(conflict_text(err, gettext), "error")
        return redirect(url_for("urgent.show", ref=ref))
    flash(done, "ok")
    return redirect(url_for("urgent.show", ref=ref))


def _page(ref: str, values: dict[str, str], errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    me, now = actor(), engine().ctx.now()
    case_id = engine().cases.resolve_id(ref)
    urgent = engine().urgent.get(case_id, me)
    case = engine().cases.summary(case_id)
    is_open = case.status.value == "open"
    mine = [m for m in urgent.members if m in me.memberships or (not me.memberships and m.department in me.departments)]
    page = render_template(
        "urgent/show.html", u=urgent, case=case, values=values, errors=errors, now=now, methods=CONTACT_METHODS,
        missed=urgent.missed_days(to_china(now).date(), engine().ctx.calendar), mine=[str(m) for m in mine],
        may_contact=is_open and authz.may_change(me) and urgent.first_contact is None,
        may_form=is_open and may_form_task_force(me),
        may_progress=is_open and may_record_progress(me, urgent))
    return page, status
