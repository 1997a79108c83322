"""The bank's organisation tree: units (head office, branches, sub-branches, outlets, card centre).

Each kind of unit has a set of departments, which its units inherit (a unit may add more). Problems
in the configuration are reported as codes with parameters (file, key, code, params); the web UI and
the command line translate them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from engine.domain.departments import department_variable
from engine.domain.errors import EngineError
from engine.domain.model import Membership

UNIT_KINDS = ("head_office", "branch", "sub_branch", "outlet", "card_centre")
UNIT_FIELDS = ("code", "name", "name_en", "parent", "kind", "departments")
# Complaint numbers: `date` = TS-20261123-000042 (receipt date, case sequence; the default),
# `unit` = SH01-2026-000123 (receiving unit, year of receipt, the unit's own sequence in that year).
NUMBERING_STYLES = ("date", "unit")


@dataclass(frozen=True)
class OrganisationProblem:
    """One problem in the organisation configuration: where (file, key) and what (code, params)."""

    file: str
    key: str
    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.file}: {self.key}: {self.code}" + (f" ({details})" if details else "")


class OrganisationInvalid(EngineError):
    """The organisation configuration has problems; nothing was loaded or written."""

    def __init__(self, problems: Sequence[OrganisationProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Unit:
    """One unit of the bank."""

    code: str
    name: str
    name_en: str
    kind: str
    parent: str | None
    departments: tuple[str, ...]


@dataclass(frozen=True)
class RawUnit:
    """A unit as written in a file (TOML entry or CSV row), before it is checked; `where` names it."""

    where: str
    values: Mapping[str, Any]


@dataclass
class OrganisationTree:
    """Every unit by code, in the order written, with the tree's navigation."""

    units: dict[str, Unit]
    kind_departments: dict[str, tuple[str, ...]]
    numbering: str = "date"  # one of NUMBERING_STYLES

    def get(self, code: str | None) -> Unit | None:
        """The unit with this code, or None."""
        return self.units.get(code or "")

    @property
    def root(self) -> Unit:
        """The head office (the one unit without a parent)."""
        return next(u for u in self.units.values() if u.parent is None)

    def children(self, code: str) -> list[Unit]:
        """The units directly under `code`, in the order written."""
        return [u for u in self.units.values() if u.parent == code]

    def ancestors(self, code: str) -> list[Unit]:
        """The unit's parent, its parent's parent... up to the head office."""
        chain: list[Unit] = []
        unit = self.units.get(code)
        while unit is not None and unit.parent is not None:
            unit = self.units[unit.parent]
            chain.append(unit)
        return chain

    def subtree(self, code: str) -> list[str]:
        """The codes of `code` and every unit below it."""
        found, pending = [], [code]
        while pending:
            current = pending.pop(0)
            found.append(current)
            pending.extend(u.code for u in self.children(current))
        return found

    def nearest(self, code: str, kind: str) -> Unit | None:
        """The unit itself if it is of `kind`, else its closest ancestor of that kind."""
        unit = self.units.get(code)
        for candidate in ([unit] if unit else []) + self.ancestors(code):
            if candidate.kind == kind:
                return candidate
        return None

    def with_department(self, code: str, department: str) -> Unit | None:
        """The unit itself or its closest ancestor that has `department`."""
        unit = self.units.get(code)
        for candidate in ([unit] if unit else []) + self.ancestors(code):
            if department in candidate.departments:
                return candidate
        return None

    def as_nested(self, code: str | None = None) -> dict[str, Any]:
        """The (sub)tree as nested plain data: unit fields plus `children`."""
        unit = self.units[code] if code else self.root
        return {"code": unit.code, "name": unit.name, "name_en": unit.name_en, "kind": unit.kind,
                "departments": list(unit.departments),
                "children": [self.as_nested(c.code) for c in self.children(unit.code)]}


def build_tree(file: str, kinds: Mapping[str, Any], raw_units: Sequence[RawUnit],
               known_departments: Iterable[str], numbering: Any = "date") -> OrganisationTree:
    """Check kinds and units and build the tree; raise OrganisationInvalid listing every problem."""
    known = set(known_departments)
    problems: list[OrganisationProblem] = []
    kind_departments = _check_kinds(file, kinds, known, problems)
    units = _check_units(file, raw_units, kind_departments, known, problems)
    _check_structure(file, units, raw_units, problems)
    if numbering not in NUMBERING_STYLES:
        problems.append(OrganisationProblem(file, "numbering.style", "unknown_numbering",
                                            {"style": str(numbering), "allowed": ", ".join(NUMBERING_STYLES)}))
    if problems:
        raise OrganisationInvalid(problems)
    return OrganisationTree(units, kind_departments, str(numbering))


def _check_kinds(file: str, kinds: Mapping[str, Any], known: set[str],
                 problems: list[OrganisationProblem]) -> dict[str, tuple[str, ...]]:
    result: dict[str, tuple[str, ...]] = {}
    for kind, spec in kinds.items():
        key = f"kinds.{kind}"
        if kind not in UNIT_KINDS:
            problems.append(OrganisationProblem(file, key, "unknown_kind",
                                                {"kind": kind, "allowed": ", ".join(UNIT_KINDS)}))
            continue
        departments = spec.get("departments", []) if isinstance(spec, Mapping) else None
        result[kind] = _department_list(file, f"{key}.departments", departments, known, problems)
    return result


def _department_list(file: str, key: str, value: Any, known: set[str],
                     problems: list[OrganisationProblem]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(OrganisationProblem(file, key, "not_a_list"))
        return ()
    for department in value:
        if department not in known:
            problems.append(OrganisationProblem(file, key, "unknown_department", {"department": department}))
    return tuple(v for v in value if v in known)


def _check_units(file: str, raw_units: Sequence[RawUnit], kind_departments: Mapping[str, tuple[str, ...]],
                 known: set[str], problems: list[OrganisationProblem]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    for raw in raw_units:
        values = raw.values
        for name in values:
            if name not in UNIT_FIELDS:
                problems.append(OrganisationProblem(file, f"{raw.where}.{name}", "unknown_field",
                                                    {"allowed": ", ".join(UNIT_FIELDS)}))
        code = _text(values.get("code"))
        kind = _text(values.get("kind"))
        if not code:
            problems.append(OrganisationProblem(file, f"{raw.where}.code", "missing_value"))
            continue
        if code in units:
            problems.append(OrganisationProblem(file, f"{raw.where}.code", "duplicate_code", {"unit": code}))
            continue
        if kind not in kind_departments:
            problems.append(OrganisationProblem(file, f"{raw.where}.kind", "unknown_unit_kind",
                                                {"kind": kind, "allowed": ", ".join(kind_departments)}))
        extra = _department_list(file, f"{raw.where}.departments", values.get("departments", []), known, problems)
        inherited = kind_departments.get(kind, ())
        units[code] = Unit(code, _text(values.get("name")) or code, _text(values.get("name_en")), kind,
                           _text(values.get("parent")) or None,
                           inherited + tuple(d for d in extra if d not in inherited))
    return units


def _check_structure(file: str, units: Mapping[str, Unit], raw_units: Sequence[RawUnit],
                     problems: list[OrganisationProblem]) -> None:
    where = {_text(r.values.get("code")): r.where for r in raw_units}
    roots = [u for u in units.values() if u.parent is None]
    if len(roots) != 1:
        problems.append(OrganisationProblem(file, "units", "one_root_needed",
                                            {"roots": ", ".join(u.code for u in roots) or "-"}))
    for unit in units.values():
        if unit.parent is not None and unit.parent not in units:
            problems.append(OrganisationProblem(file, f"{where[unit.code]}.parent", "unknown_parent",
                                                {"parent": unit.parent}))
    for code in _units_in_cycles(units):
        problems.append(OrganisationProblem(file, f"{where[code]}.parent", "parent_cycle", {"unit": code}))


def _units_in_cycles(units: Mapping[str, Unit]) -> list[str]:
    """Codes of units that are their own ancestor."""
    looping = []
    for start in units:
        seen: set[str] = set()
        current = units[start].parent
        while current is not None and current in units and current not in seen:
            if current == start:
                looping.append(start)
                break
            seen.add(current)
            current = units[current].parent
    return looping


def _text(value: Any) -> str:
    return str(value).strip() if value is not None else ""


def home_unit(tree: OrganisationTree, department: str) -> Unit | None:
    """The first unit (in the order written) that has `department`: where a bare department code belongs."""
    return next((u for u in tree.units.values() if department in u.departments), None)


def home_units(tree: OrganisationTree) -> dict[str, str]:
    """Each department's home unit code (see `home_unit`)."""
    homes: dict[str, str] = {}
    for unit in tree.units.values():
        for department in unit.departments:
            homes.setdefault(department, unit.code)
    return homes


@dataclass(frozen=True)
class MembershipProblem:
    """Why a written `UNIT:DEPARTMENT` is not a membership: a code with parameters (translated by the web
    layer and the command line); `str()` is the English text."""

    written: str
    code: str  # unknown_unit / unit_lacks_department / no_unit_has_department / not_a_member / already_member
    params: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        unit, department = self.params.get("unit"), self.params.get("department")
        texts = {
            "unknown_unit": "unknown unit",
            "unit_lacks_department": f"unit {unit} has no department {department}",
            "no_unit_has_department": "no unit has this department",
            "not_a_member": "not a member",
            "already_member": "already a member",
        }
        return f"{self.written}: {texts.get(self.code, self.code)}"


def parse_membership(tree: OrganisationTree, text: str) -> Membership | MembershipProblem:
    """`UNIT:DEPARTMENT` (or a bare department, meaning its home unit) as a membership, or what is wrong."""
    written = text.strip()
    unit_code, _, department = written.rpartition(":")
    unit = tree.get(unit_code) if unit_code else home_unit(tree, department)
    if unit is None and unit_code:
        return MembershipProblem(written, "unknown_unit", {"unit": unit_code})
    if unit is None:
        return MembershipProblem(written, "no_unit_has_department", {"department": department})
    if department not in unit.departments:
        return MembershipProblem(written, "unit_lacks_department",
                                 {"unit": unit.code, "kind": unit.kind, "department": department})
    return Membership(unit.code, department)


def parse_memberships(tree: OrganisationTree,
                      written: Iterable[str]) -> tuple[list[Membership], list[MembershipProblem]]:
    """Written memberships (see `parse_membership`), each once, with the problems."""
    memberships: list[Membership] = []
    problems: list[MembershipProblem] = []
    for text in written:
        parsed = parse_membership(tree, text)
        if isinstance(parsed, MembershipProblem):
            problems.append(parsed)
        elif parsed not in memberships:
            memberships.append(parsed)
    return memberships, problems


def overseen_units(tree: OrganisationTree, memberships: Iterable[Membership]) -> frozenset[str] | None:
    """The subtrees of a supervisor's units (None without units: no limit by unit)."""
    units = {m.unit for m in memberships if m.unit in tree.units}
    if not units:
        return None
    return frozenset(code for unit in units for code in tree.subtree(unit))


def split_level(label: str) -> tuple[str | None, str]:
    """`branch:service_mgmt` -> ("branch", "service_mgmt"): a candidate group may name the tree level, or
    the unit itself through a variable (`${forward_unit}:branch_manager` -> ("${forward_unit}", ...))."""
    level, sep, rest = label.partition(":")
    if sep and (level.strip() in UNIT_KINDS or department_variable(level) is not None):
        return level.strip(), rest.strip()
    return None, label


def chosen_unit(tree: OrganisationTree, code: str | None, department: str) -> str | None:
    """The unit a diagram chose at run time, when the tree has it with `department`; else None."""
    unit = tree.get((code or "").strip())
    return unit.code if unit is not None and department in unit.departments else None


def task_unit(tree: OrganisationTree, case_unit: str, department: str, level: str | None = None) -> str:
    """The unit whose `department` queue gets a task of a case at `case_unit`.

    With a level (a unit kind), the nearest unit of that kind up from the case's unit (itself
    included); without one, the case's unit or the nearest unit above it that has the department.
    A department found nowhere up the tree goes to its home unit; a case outside the tree stays put.
    """
    start = tree.nearest(case_unit, level) if level else None
    found = tree.with_department(start.code if start else case_unit, department)
    if found is None:
        found = home_unit(tree, department)
    return found.code if found else case_unit


def receiving_unit(tree: OrganisationTree, memberships: Iterable[Membership]) -> str:
    """Where a complaint registered by someone lands: their first unit in the tree's order, else the head office."""
    mine = {m.unit for m in memberships}
    return next((code for code in tree.units if code in mine), tree.root.code)


@dataclass(frozen=True)
class UnitTotal:
    """A count at one unit of the tree: the unit's own and rolled up over its subtree."""

    code: str
    name: str
    depth: int  # 0 for the topmost unit shown
    own: int
    total: int


def rolled_up(tree: OrganisationTree, counts: Mapping[str, int], units: Iterable[str] | None = None) -> list[UnitTotal]:
    """Per-unit counts rolled up the tree (outlet -> branch -> bank), depth first in the tree's order, from the
    topmost of `units` (every unit when None) down; counts outside `units` or the tree are left out."""
    included = set(tree.units) if units is None else set(units) & set(tree.units)
    rows: list[UnitTotal] = []

    def walk(code: str, depth: int) -> int:
        at = len(rows)
        rows.append(UnitTotal(code, tree.units[code].name, depth, 0, 0))
        below = sum(walk(child.code, depth + 1) for child in tree.children(code) if child.code in included)
        own = counts.get(code, 0)
        rows[at] = UnitTotal(code, tree.units[code].name, depth, own, own + below)
        return own + below

    for code in [c for c in tree.units if c in included and tree.units[c].parent not in included]:
        walk(code, 0)
    return rows
