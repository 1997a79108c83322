"""The bank's departments and how diagram lanes / candidate groups map onto them."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

_VARIABLE_REFERENCE = re.compile(r"^\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}$")


def department_variable(label: str | None) -> str | None:
    """`var` when a candidate group is written `${var}` (the department is chosen at run time), else None."""
    match = _VARIABLE_REFERENCE.match((label or "").strip())
    return match.group(1) if match else None


@dataclass(frozen=True)
class Department:
    """One organisational unit that owns work (a queue)."""

    code: str
    name: str
    name_en: str = ""
    organisation: str = ""
    aliases: tuple[str, ...] = ()


@dataclass
class DepartmentDirectory:
    """All departments, resolvable by code, display name or any alias (lane name, candidate group)."""

    departments: dict[str, Department] = field(default_factory=dict)

    def resolve(self, label: str | None) -> Department | None:
        """The department a lane name or candidate group stands for, or None if unknown."""
        if not label:
            return None
        wanted = label.strip()
        for dept in self.departments.values():
            if wanted in (dept.code, dept.name, dept.name_en) or wanted in dept.aliases:
                return dept
        return None

    def get(self, code: str) -> Department | None:
        """The department with this code."""
        return self.departments.get(code)

    def codes(self) -> list[str]:
        """Every department code, sorted."""
        return sorted(self.departments)

    @classmethod
    def from_toml(cls, path: Path) -> DepartmentDirectory:
        """Load `departments.toml`: one `[departments.CODE]` table per department."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls.from_mapping(data.get("departments", {}))

    @classmethod
    def from_mapping(cls, raw: dict[str, dict[str, object]]) -> DepartmentDirectory:
        """Build from the parsed TOML mapping."""
        depts = {}
        for code, spec in raw.items():
            aliases = spec.get("aliases", [])
            depts[code] = Department(
                code=code,
                name=str(spec.get("name", code)),
                name_en=str(spec.get("name_en", "")),
                organisation=str(spec.get("organisation", "")),
                aliases=tuple(str(a) for a in aliases) if isinstance(aliases, list) else (),
            )
        return cls(depts)
