"""/api/v1/users: user accounts with their (unit, department) memberships; admins add and remove memberships."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.domain import authz
from engine.domain.errors import Forbidden
from engine.domain.model import UserInfo
from webui.api.auth import api_actor, requires
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_users", __name__, url_prefix="/api/v1/users",
               description="User accounts and their memberships (admins only)")

CODE = validate.Length(min=1, max=40)


class MembershipSchema(Schema):
    """A department of an organisation unit (`complaintflow units` lists both)."""

    unit = fields.String(required=True, validate=CODE, metadata={"description": "a unit code, e.g. SH01"})
    department = fields.String(required=True, validate=CODE,
                               metadata={"description": "a department the unit's kind has, e.g. branch_manager"})


class UserSchema(Schema):
    """A user account as admins see it (never the password)."""

    username = fields.String(required=True)
    display_name = fields.String(required=True)
    memberships = fields.List(fields.Nested(MembershipSchema), required=True)
    roles = fields.List(fields.String(), required=True)
    active = fields.Boolean(required=True)


def _admin() -> Any:
    who = api_actor()
    if not authz.may_manage_users(who):
        raise Forbidden("only admins manage users")
    return who


@bp.get("")
@requires("users")
@bp.response(200, UserSchema(many=True))
@problems(bp)
def list_users() -> list[UserInfo]:
    """Every user with their memberships and roles."""
    return engine().users.list(_admin())


@bp.post("/<username>/memberships")
@requires("users")
@bp.arguments(MembershipSchema)
@bp.response(200, UserSchema)
@problems(bp, 404, 422)
def add_membership(membership: dict[str, str], username: str) -> UserInfo:
    """Make the user a member of a department of a unit (422 naming an unknown unit, a department the unit
    does not have, or a membership the user already has)."""
    written = f"{membership['unit']}:{membership['department']}"
    return engine().users.change_memberships(username, [written], [], _admin())


@bp.delete("/<username>/memberships/<unit>/<department>")
@requires("users")
@bp.response(200, UserSchema)
@problems(bp, 404, 422)
def remove_membership(username: str, unit: str, department: str) -> UserInfo:
    """End the user's membership of a department of a unit (422 when the user is not a member)."""
    return engine().users.change_memberships(username, [], [f"{unit}:{department}"], _admin())
