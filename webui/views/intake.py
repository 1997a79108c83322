"""Registering a complaint (客户投诉处理单)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain import authz
from engine.domain.errors import Forbidden, NotFound, ValidationFailed
from engine.domain.organisation import receiving_unit
from webui.context import actor, engine
from webui.failures import failure_text
from webui.forms import complaint_submission, field_errors
from webui.intake_fields import form_groups
from webui.messages import WORDED
from webui.units import units_of

bp = Blueprint("intake", __name__)
RECEIVING_UNIT = "receiving_unit"  # the form field naming the unit that receives the complaint


def _choices() -> dict[str, list[tuple[str, str]]]:
    """Every select list of the form, from processes/codes.toml."""
    codes = engine().ctx.codes
    lists = {name: list(codes.labels(name).items()) for name in codes.lists}
    lists["organisations"] = [(o.code, o.label) for o in codes.organisations.values()]
    return lists


def _render(values: dict[str, Any], errors: dict[str, list[str]], status: int = 200) -> tuple[str, int]:
    mine = units_of(actor())
    receiving = mine or [receiving_unit(engine().ctx.organisation, actor().memberships)]
    category, cause = values.get("category"), values.get("cause")
    page = render_template("intake/form.html", groups=form_groups(), choices=_choices(), values=values,
                           errors=errors, receiving_units=receiving, category=category, cause=cause,
                           similar=engine().knowledge.similar(category, cause, actor()))
    return page, status


def _receiving_unit() -> str | None:
    """The unit chosen among the registering person's units (None: their first, or head office)."""
    chosen = request.form.get(RECEIVING_UNIT, "").strip()
    if not chosen:
        return None
    if chosen not in units_of(actor()):
        raise ValidationFailed({RECEIVING_UNIT: [gettext("请选择您所属的机构")]})
    return chosen


@bp.get("/intake")
def form() -> tuple[str, int]:
    """An empty complaint form."""
    if not authz.may_change(actor()):
        raise Forbidden(gettext("审计人员不能登记投诉"), code=WORDED)
    return _render({}, {})


@bp.post("/intake")
def register() -> Response | tuple[str, int]:
    """Open a case; the receiving organisation chooses the process."""
    raw = complaint_submission(request.form, form_groups())
    try:
        case = engine().cases.open_case(None, raw, actor(), _receiving_unit())
    except ValidationFailed as err:
        return _render(dict(request.form), field_errors(err), 422)
    except NotFound:
        message = gettext("该机构的投诉处理流程尚未部署，请联系流程管理员。")
        return _render(dict(request.form), {"organisation": [message]}, 422)
    flash(gettext("投诉已登记，工单号 %(number)s。", number=case.number), "ok")
    same = engine().repeats.same_customer(case.id, actor())
    if same:
        flash(gettext("同一客户另有 %(n)s 件投诉（处理中或近90日），见工单页“关联投诉”；在首次投诉的监管处理期内"
                      "可并入该投诉。", n=len(same)), "warning")
    if case.failure is not None:
        flash(gettext("流程未能启动，已通知督办人员：%(reason)s", reason=failure_text(case.failure)), "error")
    return redirect(url_for("case.show", ref=case.number))
