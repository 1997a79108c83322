"""The regulator's classification of complaints (JR/T 0169-2018, 金融消费者投诉统计分类及编码 银行业金融机构):
three dimensions (channel, business category, cause), each a tree of codes three levels deep ("other" coded 99/9),
and which code each of the project's own codes (processes/codes.toml) is counted under.

The file is TOML (default processes/regulator_codes.toml; a bank points `COMPLAINTFLOW_REGULATOR_CODES` at the
official list). Problems name the file, the line and the field; nothing is loaded while any remains.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.domain.errors import EngineError

# Each dimension: its section in the file and the coded list of processes/codes.toml it classifies.
DIMENSIONS: dict[str, str] = {"channel": "channels", "category": "categories", "cause": "causes"}
REGULATOR_CODES_FILE = "regulator_codes.toml"
MAX_LEVEL = 3
UNCLASSIFIED = ""  # the row of complaints not (yet) given a value of the dimension


@dataclass(frozen=True)
class RegulatorCodeProblem:
    """One problem in the file: where (file, line, field) and what (code, params)."""

    file: str
    line: int
    key: str  # the field: `channel.codes[3].parent`, `cause.map.fees`
    code: str
    params: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        details = ", ".join(f"{k}={v}" for k, v in sorted(self.params.items()))
        return f"{self.file}:{self.line}: {self.key}: {self.code}" + (f" ({details})" if details else "")


class RegulatorCodesInvalid(EngineError):
    """The regulator code list has problems; nothing was loaded."""

    def __init__(self, problems: list[RegulatorCodeProblem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class RegulatorCode:
    """One code of a dimension: its level (1-3) and its parent (None at level 1)."""

    code: str
    name: str
    level: int
    parent: str | None


@dataclass(frozen=True)
class Dimension:
    """One dimension: its codes in the file's order, and the regulator code of each project code."""

    key: str
    title: str
    codes: dict[str, RegulatorCode]
    mapping: dict[str, str]

    def chain(self, project_code: str | None) -> list[RegulatorCode]:
        """The regulator codes a complaint with this project code counts under: its code and every ancestor,
        top first; empty when the complaint has no value (unclassified)."""
        target = self.mapping.get(project_code or "")
        found: list[RegulatorCode] = []
        while target is not None:
            code = self.codes[target]
            found.insert(0, code)
            target = code.parent
        return found


@dataclass(frozen=True)
class RegulatorCodes:
    """The standard's name and its three dimensions."""

    standard: str
    source: str
    dimensions: dict[str, Dimension]

    @classmethod
    def from_toml(cls, path: Path, project_lists: Mapping[str, Mapping[str, str]]) -> RegulatorCodes:
        """Load and check a code list file against the project's coded lists; RegulatorCodesInvalid if wrong."""
        text = path.read_text(encoding="utf-8")
        return cls.from_text(text, str(path), project_lists)

    @classmethod
    def from_text(cls, text: str, file: str, project_lists: Mapping[str, Mapping[str, str]]) -> RegulatorCodes:
        """As from_toml, from the file's text (`file` names it in problems)."""
        reader = _Reader(text, file)
        try:
            raw = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            match = re.search(r"line (\d+)", str(err))
            raise RegulatorCodesInvalid([RegulatorCodeProblem(file, int(match.group(1)) if match else 1, "-",
                                                              "toml_syntax", {"detail": str(err)})]) from None
        dimensions = {key: reader.dimension(key, raw.get(key), project_lists.get(lists, {}))
                      for key, lists in DIMENSIONS.items()}
        if reader.problems:
            raise RegulatorCodesInvalid(reader.problems)
        return cls(str(raw.get("standard", "JR/T 0169-2018")), file,
                   {k: d for k, d in dimensions.items() if d is not None})


class _Reader:
    """Checks one file's sections, collecting problems with their lines."""

    def __init__(self, text: str, file: str):
        self.lines = text.splitlines()
        self.file = file
        self.problems: list[RegulatorCodeProblem] = []

    def problem(self, line: int, where: str, code: str, **params: str) -> None:
        self.problems.append(RegulatorCodeProblem(self.file, line, where, code, params))

    def line_of(self, pattern: str, after: int = 0) -> int:
        """The first line (1-based) from line `after` on that matches `pattern`; `after` (or 1) if none."""
        regex = re.compile(pattern)
        for number, line in enumerate(self.lines[after:], start=after + 1):
            if regex.search(line):
                return number
        return max(after, 1)

    def dimension(self, key: str, raw: Any, project: Mapping[str, str]) -> Dimension | None:
        header = self.line_of(rf"^\s*\[{key}\]")
        if not isinstance(raw, dict):
            self.problem(1, key, "missing_section")
            return None
        codes = self._codes(key, raw.get("codes"), header)
        mapping = self._mapping(key, raw.get("map"), codes, project)
        return Dimension(key, str(raw.get("title", key)), codes, mapping)

    def _codes(self, key: str, raw: Any, header: int) -> dict[str, RegulatorCode]:
        if not isinstance(raw, list) or not raw:
            self.problem(header, f"{key}.codes", "missing_codes")
            return {}
        codes: dict[str, RegulatorCode] = {}
        line = header
        for index, entry in enumerate(raw):
            where = f"{key}.codes[{index}]"
            code = entry.get("code") if isinstance(entry, dict) else None
            if isinstance(code, str):  # entries in order: each one's line after the one before
                line = self.line_of(rf'code\s*=\s*"{re.escape(code)}"', line)
            checked = self._entry(where, line, entry, codes)
            if checked is not None:
                codes[checked.code] = checked
        return codes

    def _entry(self, where: str, line: int, entry: Any, codes: dict[str, RegulatorCode]) -> RegulatorCode | None:
        if not isinstance(entry, dict):
            self.problem(line, where, "not_a_table")
            return None
        unknown = sorted(set(entry) - {"code", "name", "parent"})
        if unknown:
            self.problem(line, f"{where}.{unknown[0]}", "unknown_field", allowed="code, name, parent")
        values = {name: entry.get(name) for name in ("code", "name")}
        for name, value in values.items():
            if not isinstance(value, str) or not value.strip():
                self.problem(line, f"{where}.{name}", "missing_value")
                return None
        code, parent = str(values["code"]).strip(), entry.get("parent")
        if code in codes:
            self.problem(line, f"{where}.code", "duplicate_code", value=code)
            return None
        level = 1
        if parent is not None:
            above = codes.get(str(parent))
            if above is None:
                self.problem(line, f"{where}.parent", "unknown_parent", parent=str(parent))
                return None
            level = above.level + 1
            if level > MAX_LEVEL:
                self.problem(line, f"{where}.parent", "too_deep", max=str(MAX_LEVEL))
                return None
        return RegulatorCode(code, str(values["name"]).strip(), level, str(parent) if parent is not None else None)

    def _mapping(self, key: str, raw: Any, codes: dict[str, RegulatorCode],
                 project: Mapping[str, str]) -> dict[str, str]:
        header = self.line_of(rf"^\s*\[{key}\.map\]")
        if not isinstance(raw, dict):
            self.problem(header, f"{key}.map", "missing_section")
            return {}
        mapping: dict[str, str] = {}
        for ours, target in raw.items():
            line = self.line_of(rf"^\s*{re.escape(ours)}\s*=", header)
            where = f"{key}.map.{ours}"
            if ours not in project:
                self.problem(line, where, "unknown_project_code", allowed=", ".join(project))
            elif not isinstance(target, str) or target not in codes:
                self.problem(line, where, "unknown_code", value=str(target))
            else:
                mapping[ours] = target
        for ours in project:
            if ours not in raw:
                self.problem(header, f"{key}.map", "unmapped_project_code", project_code=ours)
        return mapping
