"""The organisation tree: show it, check a processes folder's file, load a bank's unit list from CSV."""

from __future__ import annotations

from pathlib import Path

import tomlkit

from engine.domain.organisation import OrganisationTree, Unit
from engine.domain.organisation_files import ORGANISATION_FILE, import_units, load_organisation
from engine.services.context import EngineContext


class OrganisationService:
    """Read and maintain the organisation tree of `processes/organisations.toml`."""

    def __init__(self, ctx: EngineContext):
        self.ctx = ctx

    @property
    def tree(self) -> OrganisationTree:
        """The tree loaded at start-up."""
        return self.ctx.organisation

    def check(self, directory: Path) -> OrganisationTree:
        """The checked tree of `directory/organisations.toml` (raises OrganisationInvalid)."""
        return load_organisation(directory / ORGANISATION_FILE, self.ctx.departments.codes())

    def import_csv(self, csv_path: Path, target: Path | None = None) -> OrganisationTree:
        """Replace the `units` list of organisations.toml by a CSV's rows; nothing is written if any is wrong."""
        target = target or self.ctx.settings.processes_dir / ORGANISATION_FILE
        tree = import_units(target, csv_path.read_text(encoding="utf-8-sig"), csv_path.name,
                            self.ctx.departments.codes())
        document = tomlkit.parse(target.read_text(encoding="utf-8")) if target.exists() else tomlkit.document()
        document["units"] = _units_array(tree)
        target.write_text(tomlkit.dumps(document), encoding="utf-8")
        return tree


def _units_array(tree: OrganisationTree) -> tomlkit.items.Array:
    """One inline table per unit, one unit per line."""
    array = tomlkit.array()
    for unit in tree.units.values():
        array.append(_unit_table(unit, tree.kind_departments.get(unit.kind, ())))
    return array.multiline(True)


def _unit_table(unit: Unit, inherited: tuple[str, ...]) -> tomlkit.items.InlineTable:
    table = tomlkit.inline_table()
    table.update({"code": unit.code, "name": unit.name, "name_en": unit.name_en})
    if unit.parent:
        table["parent"] = unit.parent
    table["kind"] = unit.kind
    extra = [d for d in unit.departments if d not in inherited]
    if extra:
        table["departments"] = extra
    return table
