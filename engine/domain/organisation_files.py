"""Reading the organisation tree from `processes/organisations.toml` and a bank's unit list from CSV."""

from __future__ import annotations

import csv
import io
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from engine.domain.organisation import (
    UNIT_FIELDS,
    OrganisationInvalid,
    OrganisationProblem,
    OrganisationTree,
    RawUnit,
    Unit,
    build_tree,
)

ORGANISATION_FILE = "organisations.toml"
DEFAULT_UNIT = "HO"
CSV_COLUMNS = ("code", "name", "name_en", "parent", "kind")


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed file; a syntax error becomes an OrganisationInvalid naming the file and line."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise OrganisationInvalid([OrganisationProblem(path.name, "(file)", "toml_syntax",
                                                       {"detail": str(err)})]) from err


def load_organisation(path: Path, departments: Iterable[str]) -> OrganisationTree:
    """The checked tree of `organisations.toml`; without the file, one head office holding every department."""
    departments = list(departments)
    if not path.exists():
        return single_unit_tree(departments)
    data = read_toml(path)
    return build_tree(path.name, _kinds(data), toml_units(path.name, data), departments, _numbering(data))


def single_unit_tree(departments: Iterable[str]) -> OrganisationTree:
    """The tree of a bank that describes no units: one head office with every department."""
    every = tuple(departments)
    return OrganisationTree({DEFAULT_UNIT: Unit(DEFAULT_UNIT, "总行", "Head office", "head_office", None, every)},
                            {"head_office": every})


def toml_units(file: str, data: Mapping[str, Any]) -> list[RawUnit]:
    """The `units` array of the file, each entry named `units.CODE` (or `units[i]` without a code)."""
    units = data.get("units", [])
    if not isinstance(units, list) or not all(isinstance(u, dict) for u in units):
        raise OrganisationInvalid([OrganisationProblem(file, "units", "not_a_table_list")])
    return [RawUnit(f"units.{u['code']}" if u.get("code") else f"units[{i}]", u) for i, u in enumerate(units)]


def csv_units(text: str, file: str) -> list[RawUnit]:
    """Rows of a CSV unit list (header: code,name,name_en,parent,kind[,departments]), each named `line N`."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise OrganisationInvalid([OrganisationProblem(file, "line 1", "missing_columns",
                                                       {"columns": ", ".join(missing)})])
    rows = []
    for number, row in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
        if any(values.values()):
            rows.append(RawUnit(f"line {number}", {k: v for k, v in values.items() if v or k in UNIT_FIELDS}))
    return rows


def import_units(toml_path: Path, csv_text: str, csv_name: str, departments: Iterable[str]) -> OrganisationTree:
    """The tree the TOML file's kinds and the CSV's units make; problems name the CSV file and line."""
    kinds = _kinds(read_toml(toml_path)) if toml_path.exists() else {}
    return build_tree(csv_name, kinds, csv_units(csv_text, csv_name), departments)


def _numbering(data: Mapping[str, Any]) -> Any:
    """`[numbering] style` (default `date`)."""
    numbering = data.get("numbering", {})
    return numbering.get("style", "date") if isinstance(numbering, dict) else numbering


def _kinds(data: Mapping[str, Any]) -> dict[str, Any]:
    kinds = data.get("kinds", {})
    return dict(kinds) if isinstance(kinds, dict) else {}
