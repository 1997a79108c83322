"""/api/v1/units: the bank's organisation tree (processes/organisations.toml)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from webui.api.auth import requires
from webui.api.spec import problems
from webui.context import engine

bp = Blueprint("api_units", __name__, url_prefix="/api/v1/units", description="The organisation tree")


class UnitSchema(Schema):
    """A unit with the units directly below it."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(required=True)
    kind = fields.String(required=True, metadata={
        "description": "head_office, branch, sub_branch, outlet or card_centre"})
    departments = fields.List(fields.String(), required=True)
    children = fields.List(fields.Nested(lambda: UnitSchema()), required=True)


@bp.get("")
@requires("units:read")
@bp.response(200, UnitSchema)
@problems(bp)
def get_tree() -> dict[str, Any]:
    """The whole tree from the head office down: each unit's code, names, kind and departments."""
    return engine().organisation.tree.as_nested()
