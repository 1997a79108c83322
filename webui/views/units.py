"""The organisation tree (机构树): every unit with its kind and departments, the reader's own units marked."""

from __future__ import annotations

from flask import Blueprint, render_template

from webui.context import actor
from webui.units import unit_rows, units_of

bp = Blueprint("units", __name__)


@bp.get("/units")
def tree() -> str:
    """The bank's units, indented by level, in the user's language."""
    return render_template("units/tree.html", units=unit_rows(), mine=set(units_of(actor())))
