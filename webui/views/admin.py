"""Administration: users with their (unit, department) memberships and roles; add and remove memberships."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from engine.domain import authz
from engine.domain.errors import Forbidden, ValidationFailed
from webui.context import actor, engine
from webui.messages import WORDED
from webui.organisation_text import validation_texts
from webui.units import unit_rows

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _require_admin() -> None:
    if not authz.may_manage_users(actor()):
        raise Forbidden(gettext("仅系统管理员可以管理用户"), code=WORDED)


def _render(status: int = 200, failed_user: str = "", errors: list[str] | None = None,
            chosen: dict[str, str] | None = None) -> tuple[str, int]:
    eng = engine()
    tree = eng.ctx.organisation
    departments = [(kind, list(codes)) for kind, codes in tree.kind_departments.items() if codes]
    page = render_template("admin/users.html", users=eng.users.list(actor()), units=unit_rows(),
                           departments=departments, failed_user=failed_user, errors=errors or [],
                           chosen=chosen or {})
    return page, status


@bp.get("/users")
def users() -> tuple[str, int]:
    """Every user with their memberships and roles, and a form to add a membership to each."""
    _require_admin()
    return _render()


def _change(username: str, add: list[str], remove: list[str], chosen: dict[str, Any]) -> Response | tuple[str, int]:
    _require_admin()
    try:
        engine().users.change_memberships(username, add, remove, actor())
    except ValidationFailed as err:
        texts = validation_texts(err, gettext)
        return _render(422, username, [m for messages in texts.values() for m in messages], chosen)
    written = (add or remove)[0]
    if add:
        flash(gettext("已为 %(user)s 增加成员关系 %(membership)s。", user=username, membership=written), "ok")
    else:
        flash(gettext("已移除 %(user)s 的成员关系 %(membership)s。", user=username, membership=written), "ok")
    return redirect(url_for("admin.users") + f"#user-{username}")


@bp.post("/users/<username>/memberships")
def add_membership(username: str) -> Response | tuple[str, int]:
    """Add the chosen (unit, department) to a user."""
    unit, department = request.form.get("unit", "").strip(), request.form.get("department", "").strip()
    return _change(username, [f"{unit}:{department}"], [], {"unit": unit, "department": department})


@bp.post("/users/<username>/memberships/remove")
def remove_membership(username: str) -> Response | tuple[str, int]:
    """Remove one membership (`UNIT:DEPARTMENT`) of a user."""
    return _change(username, [], [request.form.get("membership", "").strip()], {})
