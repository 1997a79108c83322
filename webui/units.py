"""The organisation tree as the pages show it: unit names in the user's language, indented by level."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import get_locale, gettext

from engine.domain.model import Actor
from engine.domain.organisation import Unit
from webui.context import engine
from webui.labels import UNIT_KINDS


@dataclass(frozen=True)
class UnitRow:
    """One unit of the tree, in order, with its depth and display name."""

    code: str
    name: str
    kind: str
    depth: int
    departments: tuple[str, ...]


def display_name(unit: Unit) -> str:
    """The unit's name in the current language (English when the page is English and it has one)."""
    return unit.name_en if str(get_locale()) == "en" and unit.name_en else unit.name


def unit_rows() -> list[UnitRow]:
    """Every unit of the tree, depth first in the tree's order."""
    tree = engine().ctx.organisation
    rows: list[UnitRow] = []

    def walk(unit: Unit, depth: int) -> None:
        rows.append(UnitRow(unit.code, display_name(unit), unit.kind, depth, unit.departments))
        for child in tree.children(unit.code):
            walk(child, depth + 1)

    walk(tree.root, 0)
    return rows


def units_of(who: Actor) -> list[str]:
    """The codes of the units a person works for, in the tree's order."""
    mine = {m.unit for m in who.memberships}
    return [code for code in engine().ctx.organisation.units if code in mine]


def kind_label(kind: str) -> str:
    """A unit kind's label in the current language."""
    text = UNIT_KINDS.get(kind)
    return gettext(text) if text else kind
