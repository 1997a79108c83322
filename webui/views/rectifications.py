"""Rectification notices (整改通知单): the list, issuing one from a case, the notice with its measures, evidence
and the issuer's check."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from engine.domain.errors import Conflict, Forbidden, ValidationFailed
from engine.domain.model import Membership
from engine.domain.rectification import (
    DEFAULT_WORKDAYS,
    MAX_WORKDAYS,
    NewRectification,
    RectificationStatus,
    issuing_queues,
    may_check,
    may_issue,
    may_submit,
)
from webui.conflicts import conflict_text
from webui.context import actor, engine
from webui.organisation_text import validation_texts
from webui.oversight_text import STATUS_LABELS

bp = Blueprint("rectifications", __name__)


@bp.get("/rectifications")
def index() -> str:
    """The notices I may see, soonest due first: all, by status, or only overdue ones."""
    status = request.args.get("status") or None
    wanted = RectificationStatus(status) if status in {s.value for s in RectificationStatus} else None
    overdue = request.args.get("overdue") == "1"
    notices = engine().rectifications.find(actor(), wanted, overdue)
    return render_template("rectifications/list.html", notices=notices, status=wanted, overdue=overdue,
                           statuses=STATUS_LABELS, now=engine().ctx.now())


@bp.get("/rectifications/new")
def new() -> str:
    """The form that issues a notice from a case (`?case=` its number or id)."""
    if not may_issue(actor()):
        raise Forbidden(gettext("整改通知单由投诉管理部门、服务管理部门或网点负责人下发"))
    case = engine().cases.detail(request.args.get("case", ""), actor()).case
    return _form(case.number, {"unit": case.unit, "workdays": str(DEFAULT_WORKDAYS)}, {}, 200)[0]


@bp.post("/rectifications/new")
def issue() -> Any:
    """Issue the notice; the form again with the problems when something is wrong."""
    form = request.form
    ref = form.get("case", "")
    case_id = engine().cases.resolve_id(ref)
    issuer = form.get("issuer", "")
    queue = Membership(*issuer.split(":", 1)) if ":" in issuer else Membership("", "")
    try:
        workdays = int(form.get("workdays", "") or 0)
    except ValueError:
        workdays = 0
    try:
        notice = engine().rectifications.issue(NewRectification(
            case_id=case_id, unit=form.get("unit", ""), department=form.get("department", ""),
            requirement=form.get("requirement", ""), workdays=workdays, number=form.get("number", ""),
            issuer_unit=queue.unit, issuer_department=queue.department), actor())
    except ValidationFailed as err:
        return _form(ref, form.to_dict(), validation_texts(err, gettext), 422)
    flash(gettext("整改通知单 %(number)s 已下发。", number=notice.number), "ok")
    return redirect(url_for("rectifications.show", notice_id=notice.id))


@bp.get("/rectifications/<int:notice_id>")
def show(notice_id: int) -> str:
    """One notice: what is required, by whom and when, the measures and evidence, the check."""
    return _page(notice_id, {}, {}, 200)[0]


@bp.post("/rectifications/<int:notice_id>/submit")
def submit(notice_id: int) -> Any:
    """The responsible department records the measures and evidence."""
    form = request.form
    try:
        engine().rectifications.submit(notice_id, form.get("measures", ""), form.get("evidence", ""), actor())
    except ValidationFailed as err:
        return _page(notice_id, form.to_dict(), validation_texts(err, gettext), 422)
    except Conflict as err:
        flash(conflict_text(err, gettext), "error")
        return redirect(url_for("rectifications.show", notice_id=notice_id))
    flash(gettext("整改情况已提交，等待下发部门验收。"), "ok")
    return redirect(url_for("rectifications.show", notice_id=notice_id))


@bp.post("/rectifications/<int:notice_id>/check")
def check(notice_id: int) -> Any:
    """The issuer accepts (the notice closes) or returns the measures with a note."""
    form = request.form
    accepted = form.get("decision") == "accept"
    try:
        engine().rectifications.check(notice_id, accepted, form.get("note", ""), actor())
    except ValidationFailed as err:
        return _page(notice_id, form.to_dict(), validation_texts(err, gettext), 422)
    except Conflict as err:
        flash(conflict_text(err, gettext), "error")
        return redirect(url_for("rectifications.show", notice_id=notice_id))
    flash(gettext("整改已验收销号。") if accepted else gettext("整改情况已退回。"), "ok")
    return redirect(url_for("rectifications.show", notice_id=notice_id))


def _form(case_ref: str, values: dict[str, str], errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    me = actor()
    units = list(engine().ctx.organisation.units.values())
    page = render_template("rectifications/new.html", case_ref=case_ref, values=values, errors=errors,
                           queues=[str(q) for q in issuing_queues(me)], units=units, max_workdays=MAX_WORKDAYS,
                           departments_all=engine().ctx.departments.codes())
    return page, status


def _page(notice_id: int, values: dict[str, str], errors: dict[str, list[str]], status: int) -> tuple[str, int]:
    me = actor()
    notice = engine().rectifications.get(notice_id, me)
    page = render_template("rectifications/show.html", n=notice, values=values, errors=errors,
                           statuses=STATUS_LABELS, now=engine().ctx.now(),
                           may_submit=may_submit(me, notice) and notice.status == RectificationStatus.OPEN,
                           may_check=may_check(me, notice) and notice.status == RectificationStatus.SUBMITTED)
    return page, status
